//! The printable A4 summary of a county's inspection readiness for one
//! 学年: the four first-level indicators (and the veto items) with their
//! status, then what fails and by how much, and the items still to be
//! verified. Chinese, one HTML document with print CSS.

use crate::{domain::checklist::Status, html::esc, survey::beijing};

/// One first-level indicator (or the veto items) on the page.
pub struct SummaryLine {
    pub label: String,
    pub status: Status,
    pub summary: String,
    /// What fails and by how much.
    pub failing: Vec<String>,
}

/// What the page shows.
pub struct Summary {
    pub county_name: String,
    pub school_year: String,
    pub status: Status,
    pub summary: String,
    pub lines: Vec<SummaryLine>,
    /// The checklist items still to be verified.
    pub pending: Vec<String>,
    /// Evidence files stored for the year.
    pub evidence: usize,
}

const CSS: &str = r#"
@page{size:A4 portrait;margin:14mm 14mm 12mm}
*{box-sizing:border-box}
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;color:#111;font-size:10.5pt;line-height:1.5;margin:0;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.page{max-width:182mm;margin:0 auto}
h1{font-size:17pt;text-align:center;margin:0 0 1mm}
.sub{text-align:center;color:#444;margin:0 0 4mm}
.verdict{border:1.5pt solid #333;padding:2mm 3mm;margin-bottom:4mm;font-weight:700;font-size:12pt}
.verdict.unmet{border-color:#c00;color:#c00}
.verdict.met{border-color:#187a2f;color:#187a2f}
table{width:100%;border-collapse:collapse;margin-bottom:4mm}
th,td{border:0.75pt solid #888;padding:1.5mm 2mm;vertical-align:top;text-align:left}
th{background:#eee}
td.s{white-space:nowrap;font-weight:700;width:18mm}
.met{color:#187a2f}.unmet{color:#c00}.pending{color:#b26a00}
h2{font-size:12.5pt;margin:4mm 0 1.5mm;border-bottom:1pt solid #333;padding-bottom:0.5mm}
ul{margin:0 0 2mm;padding-left:6mm}
li{margin-bottom:0.8mm;break-inside:avoid}
.foot{color:#555;font-size:8.5pt;margin-top:4mm;border-top:0.5pt solid #aaa;padding-top:1.5mm}
.screen{text-align:right;margin:4mm 0}
@media screen{body{background:#f3f3f3}.page{background:#fff;padding:12mm 14mm;margin:6mm auto;box-shadow:0 1px 6px rgba(0,0,0,.3);max-width:210mm}}
@media print{.screen{display:none}}
"#;

fn class(s: Status) -> &'static str {
    s.code()
}

fn list(items: &[String]) -> String {
    let mut out = String::from("<ul>");
    for i in items {
        out.push_str(&format!("<li>{}</li>", esc(i)));
    }
    out.push_str("</ul>");
    out
}

/// The whole page.
pub fn render(o: &Summary) -> String {
    let mut rows = String::new();
    for i in &o.lines {
        rows.push_str(&format!(
            "<tr><td>{}</td><td class=\"s {}\">{}</td><td>{}</td></tr>",
            esc(&i.label),
            class(i.status),
            i.status.label_zh(),
            esc(&i.summary)
        ));
    }
    let mut failing = String::new();
    for i in o.lines.iter().filter(|i| !i.failing.is_empty()) {
        failing.push_str(&format!(
            "<h2>{}：未达标之处</h2>{}",
            esc(&i.label),
            list(&i.failing)
        ));
    }
    if failing.is_empty() {
        failing = "<h2>未达标之处</h2><p>无。</p>".to_string();
    }
    let pending = if o.pending.is_empty() {
        String::new()
    } else {
        format!(
            "<h2>待核实（{}项）</h2>{}",
            o.pending.len(),
            list(&o.pending)
        )
    };
    let evidence = o.evidence;
    let county_name = &o.county_name;
    let title = format!("{}义务教育优质均衡发展迎检准备汇总", county_name);
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{title_e} {year}学年</title><style>{CSS}</style></head><body><div class=\"page\">\
<div class=\"screen\"><button onclick=\"window.print()\">打印（A4）</button></div>\
<h1>{title_e}</h1><p class=\"sub\">{year}学年 · 生成于{now}（北京时间）</p>\
<div class=\"verdict {vclass}\">总体：{status}。{summary}</div>\
<table><thead><tr><th>一级指标</th><th>状态</th><th>情况</th></tr></thead><tbody>{rows}</tbody></table>\
{failing}{pending}\
<p class=\"foot\">资源配置按学生数加权的差异系数计算；政府保障程度、教育质量中的办学规模、班额、专用教室和初中巩固率由各校填报数据计算，其余为县级填报；社会认可度取自所选测评轮次（标准85%）。证据材料{evidence}份，存于系统中。</p>\
</div></body></html>",
        title_e = esc(&title),
        year = esc(&o.school_year),
        now = beijing(chrono::Utc::now()),
        vclass = class(o.status),
        status = o.status.label_zh(),
        summary = esc(&o.summary),
    )
}
