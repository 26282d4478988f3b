//! The printable instruction sheet (A4, Chinese) for the teacher who
//! supervises a room session (机房答题): the code and address to show on the
//! projector, the times, the steps, and what not to do — the inspection's
//! warnings against 虚假填报.

use crate::html::esc;

/// What the sheet shows.
pub struct SheetView<'a> {
    pub round_name: &'a str,
    pub school_name: Option<&'a str>,
    pub group_label: &'a str,
    pub code: &'a str,
    pub url: &'a str,
    /// The address as a QR code (see `qr::Matrix::svg`).
    pub qr_svg: &'a str,
    /// Beijing time.
    pub opened_at: &'a str,
    pub expires_at: &'a str,
    pub grace_minutes: i32,
}

const CSS: &str = r#"
@page{size:A4 portrait;margin:14mm}
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;color:#111;font-size:11.5pt;line-height:1.55;max-width:182mm;margin:0 auto}
h1{font-size:19pt;text-align:center;margin:0 0 2mm}
.meta{text-align:center;color:#333;margin:0 0 4mm}
.code{display:flex;gap:8mm;align-items:center;border:2px solid #111;padding:4mm 6mm;margin:0 0 4mm}
.code svg{width:38mm;height:38mm;flex:none}
.digits{font-size:30pt;font-weight:bold;letter-spacing:4pt}
h2{font-size:13.5pt;margin:4mm 0 1mm;border-bottom:1px solid #999}
ol,ul{margin:1mm 0 0 6mm;padding:0}
.dont li{margin-bottom:1mm}
.warn{border:2px solid #c00;color:#900;padding:3mm 4mm;margin-top:4mm}
.sign{margin-top:6mm;display:flex;justify-content:space-between}
@media print{.noprint{display:none}}
"#;

/// The code in two groups of four, easier to read off a projector.
fn spaced(code: &str) -> String {
    if code.len() == 8 && code.is_ascii() {
        format!("{} {}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

pub fn render(v: &SheetView) -> String {
    let who = match v.school_name {
        Some(s) => format!("{} · {}", esc(s), esc(v.group_label)),
        None => esc(v.group_label),
    };
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>机房答题监督教师须知</title><style>{CSS}</style></head><body>\
         <h1>机房答题监督教师须知</h1>\
         <p class=\"meta\">{round}<br>{who}</p>\
         <div class=\"code\">{qr}<div><div>答题码（请投影到屏幕上）</div>\
         <div class=\"digits\" id=\"room-code\">{digits}</div>\
         <div>学生在电脑浏览器中打开：<b>{url}</b></div>\
         <div>开始时间：{opened}　结束时间：{expires}（北京时间）</div>\
         <div>结束前已打开问卷的学生，可在结束后{grace}分钟内提交。</div></div></div>\
         <h2>一、操作步骤</h2><ol>\
         <li>上课前在每台电脑的浏览器中打开上面的地址（或打开 /r 后输入答题码），出现问卷后即可让学生入座。</li>\
         <li>每位学生独立完成一份问卷并点击“提交问卷”；看到“提交成功”后，点击“下一位同学开始答题”，电脑显示一份空白问卷，再请下一位学生入座。</li>\
         <li>本机不保存任何学生的答案，下一位学生看不到上一位的选择；每份答卷都计入统计，并记为本场机房答题。</li>\
         <li>全部学生答完后，请通知开启本场答题的学校联络员或组织者结束本场答题；到结束时间后新问卷无法打开。</li></ol>\
         <h2>二、监督教师不得做的事</h2><ul class=\"dont\">\
         <li>不得站在学生身后或在座位间来回查看学生的选择，请在教室前方等候。</li>\
         <li>不得与学生讨论题目或答案，不得解释“应该怎么选”，不得暗示、示范或评价任何选项。</li>\
         <li>不得在黑板、屏幕、纸条或班级群中写出任何“标准答案”或“参考答案”。</li>\
         <li>不得要求学生修改、删除“一般”“不满意”等选项，不得代替学生填写或替学生点击。</li>\
         <li>不得让同一名学生重复填写，不得组织非本校学生或非抽样对象填写。</li>\
         <li>学生问题意思时，只可读题，不作任何倾向性解释；请告诉学生“按自己的真实感受选择”。</li></ul>\
         <div class=\"warn\"><b>严禁虚假填报。</b>社会认可度调查是义务教育优质均衡发展督导评估的重要内容。\
         组织、诱导或授意学生按“标准答案”填写，或以其他方式干扰学生真实作答，均属弄虚作假，\
         一经查实，将按督导评估有关规定严肃处理，并追究相关人员责任。本场答题的全部答卷将作为一组接受审核，\
         答案高度一致、“一般/不满意”异常偏少或作答过快的场次会被标记核查。</div>\
         <div class=\"sign\"><span>监督教师（签名）：__________</span><span>日期：__________</span></div>\
         <p class=\"noprint\">请用浏览器的“打印”（Ctrl+P）把本页打印在A4纸上。</p>\
         </body></html>",
        round = esc(v.round_name),
        qr = v.qr_svg,
        digits = esc(&spaced(v.code)),
        url = esc(v.url),
        opened = esc(v.opened_at),
        expires = esc(v.expires_at),
        grace = v.grace_minutes,
    )
}
