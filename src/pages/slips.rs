//! Printable slips of one-time access codes: each slip carries the link's
//! QR code and one code, to cut apart and hand out. Shown once: the codes
//! are stored only as hashes.

use crate::html::esc;

pub struct SlipsView<'a> {
    pub round_name: &'a str,
    /// e.g. `人大代表` or `第一小学 · 家长`.
    pub audience: &'a str,
    pub url: &'a str,
    /// The link's QR code as SVG.
    pub svg: &'a str,
    pub closes_at: &'a str,
    pub codes: &'a [String],
    pub warning: Option<&'a str>,
}

const CSS: &str = r#"
@page{size:A4 portrait;margin:10mm}
*{box-sizing:border-box}
body{margin:0;font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;color:#111}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:0}
.slip{border:1px dashed #888;padding:3mm;display:flex;gap:3mm;align-items:center;height:38mm;break-inside:avoid;page-break-inside:avoid}
.slip svg{width:30mm;height:30mm;flex:none}
.t{font-size:9pt;line-height:1.35}
.code{font:700 17pt/1.2 "DejaVu Sans Mono",Consolas,monospace;letter-spacing:1pt;margin:1mm 0}
.warn{border:2pt solid #c00;color:#c00;font-weight:700;padding:2mm;margin-bottom:3mm}
.screen{margin:0 0 4mm;color:#555}
@media print{.screen{display:none}}
"#;

pub fn render(v: &SlipsView) -> String {
    let slips: String = v
        .codes
        .iter()
        .map(|c| {
            format!(
                "<div class=\"slip\">{svg}<div class=\"t\"><b>{round}</b><br>{aud}问卷 · 扫码后输入访问码\
                 <div class=\"code\">{code}</div>匿名填写，每码限用一次<br>截止：{closes}</div></div>",
                svg = v.svg,
                round = esc(v.round_name),
                aud = esc(v.audience),
                code = esc(c),
                closes = esc(v.closes_at),
            )
        })
        .collect();
    let warning = v
        .warning
        .map(|w| format!("<div class=\"warn\">⚠ {}</div>", esc(w)))
        .unwrap_or_default();
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>访问码 · {aud}</title><style>{CSS}</style></head><body>{warning}\
         <p class=\"screen\">共{n}个访问码，只显示这一次，请立即打印（A4）并沿虚线裁开。链接：{url}</p>\
         <div class=\"grid\">{slips}</div></body></html>",
        aud = esc(v.audience),
        n = v.codes.len(),
        url = esc(v.url),
    )
}
