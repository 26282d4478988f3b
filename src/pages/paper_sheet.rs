//! Printable paper questionnaires of one link: one A4 sheet (or more, for a
//! long questionnaire) per serial, with the round, school and group printed,
//! every item with its numbered options as boxes to tick, the serial and a
//! QR code that names the link and the serial — never the respondent.

use crate::html::esc;

/// One item as printed.
pub struct PrintItem<'a> {
    pub text: &'a str,
    /// (code, label); empty for a free-text item.
    pub options: Vec<(u8, &'a str)>,
}

pub struct PaperView<'a> {
    pub round_name: &'a str,
    /// e.g. `城关第一小学 · 家长问卷` or `人大代表问卷`.
    pub audience: &'a str,
    pub title: &'a str,
    pub intro: &'a str,
    pub closes_at: &'a str,
    pub items: Vec<PrintItem<'a>>,
    /// (serial, the sheet's QR code as SVG).
    pub sheets: Vec<(String, String)>,
}

const CSS: &str = r#"
@page{size:A4 portrait;margin:12mm}
*{box-sizing:border-box}
body{margin:0;font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;color:#111;font-size:10.5pt}
.sheet{break-after:page;page-break-after:always}
.sheet:last-child{break-after:auto;page-break-after:auto}
header{display:flex;gap:4mm;align-items:flex-start;border-bottom:1pt solid #111;padding-bottom:2mm;margin-bottom:2mm}
header svg{width:24mm;height:24mm;flex:none}
header .h{flex:1}
h1{font-size:14pt;margin:0 0 1mm}
.serial{font:700 13pt/1.2 "DejaVu Sans Mono",Consolas,monospace;border:1pt solid #111;padding:1mm 2mm;white-space:nowrap}
.intro{font-size:9pt;color:#333;margin:1mm 0 2mm}
ol{margin:0;padding-left:7mm}
li{margin:0 0 1.6mm;break-inside:avoid;page-break-inside:avoid}
.opts{display:flex;flex-wrap:wrap;gap:1mm 5mm;margin-top:0.6mm}
.opt::before{content:"";display:inline-block;width:3.2mm;height:3.2mm;border:0.8pt solid #111;margin-right:1mm;vertical-align:-0.4mm}
.lines{border-bottom:0.6pt solid #999;height:6mm}
.foot{font-size:8.5pt;color:#333;margin-top:2mm;border-top:0.6pt solid #999;padding-top:1mm}
.screen{margin:0 0 4mm;color:#555}
@media print{.screen{display:none}}
"#;

fn items_html(items: &[PrintItem]) -> String {
    items
        .iter()
        .map(|i| {
            let body = if i.options.is_empty() {
                "<div class=\"lines\"></div><div class=\"lines\"></div>".to_string()
            } else {
                let opts: String = i
                    .options
                    .iter()
                    .map(|(code, label)| {
                        format!("<span class=\"opt\">{code} {}</span>", esc(label))
                    })
                    .collect();
                format!("<div class=\"opts\">{opts}</div>")
            };
            format!("<li>{}{body}</li>", esc(i.text))
        })
        .collect()
}

pub fn render(v: &PaperView) -> String {
    let items = items_html(&v.items);
    let sheets: String = v
        .sheets
        .iter()
        .map(|(serial, svg)| {
            format!(
                "<section class=\"sheet\"><header>{svg}<div class=\"h\"><h1>{title}</h1>\
                 <div>{round} · {aud}</div><div class=\"intro\">{intro}</div></div>\
                 <div class=\"serial\">编号 {serial}</div></header>\
                 <p class=\"intro\">请在每题选中的一个方框内打“✓”，每题只选一项。本问卷不填写姓名、电话等个人信息。</p>\
                 <ol>{items}</ol>\
                 <div class=\"foot\">问卷编号 {serial} · 请于{closes}前交回 · 二维码仅标识本问卷所属学校与调查对象及编号，不标识填写人</div>\
                 </section>",
                title = esc(v.title),
                round = esc(v.round_name),
                aud = esc(v.audience),
                intro = esc(v.intro),
                serial = esc(serial),
                closes = esc(v.closes_at),
            )
        })
        .collect();
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>纸质问卷 · {aud}</title><style>{CSS}</style></head><body>\
         <p class=\"screen\">共{n}份纸质问卷（A4），编号 {first} 至 {last}。打印时选择 A4、缩放100%。</p>\
         {sheets}</body></html>",
        aud = esc(v.audience),
        n = v.sheets.len(),
        first = esc(v.sheets.first().map_or("", |s| s.0.as_str())),
        last = esc(v.sheets.last().map_or("", |s| s.0.as_str())),
    )
}

/// The text a sheet's QR code carries: the link and the serial.
pub fn sheet_code(link_id: i64, serial: &str) -> String {
    format!("RKP:{link_id}:{serial}")
}

/// The serial of the `n`th sheet of a link: `P<link>-<n, 4 digits>`,
/// unique in the round because the link is.
pub fn serial(link_id: i64, n: u32) -> String {
    format!("P{link_id}-{n:04}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_carry_serial_items_and_escape_text() {
        let html = render(&PaperView {
            round_name: "2026年<自评>",
            audience: "一小 · 家长问卷",
            title: "家长问卷",
            intro: "匿名",
            closes_at: "2026年12月31日",
            items: vec![
                PrintItem {
                    text: "您满意吗",
                    options: vec![(1, "满意"), (2, "不满意")],
                },
                PrintItem {
                    text: "意见",
                    options: vec![],
                },
            ],
            sheets: vec![
                (serial(7, 1), "<svg></svg>".into()),
                (serial(7, 2), "<svg></svg>".into()),
            ],
        });
        assert!(html.contains("编号 P7-0001") && html.contains("编号 P7-0002"));
        assert!(html.contains("&lt;自评&gt;"));
        assert_eq!(html.matches("class=\"sheet\"").count(), 2);
        assert!(html.contains("<span class=\"opt\">2 不满意</span>"));
        assert_eq!(sheet_code(7, "P7-0001"), "RKP:7:P7-0001");
    }
}
