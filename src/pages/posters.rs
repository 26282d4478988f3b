//! Print-ready posters: one A4 page per school with its groups' QR codes
//! and one for the county-level groups, all in one HTML document that a
//! browser prints to A4 cleanly. The codes are inline SVG, sharp at any size.

use crate::html::esc;

/// One QR code on a poster.
pub struct PosterCode {
    pub group_label: String,
    pub url: String,
    /// The code as SVG (see `qr::Matrix::svg`).
    pub svg: String,
}

/// One A4 page.
pub struct Sheet {
    /// `None` for the county-level page.
    pub school_name: Option<String>,
    pub codes: Vec<PosterCode>,
}

/// What every page repeats.
pub struct PosterRound<'a> {
    pub round_name: &'a str,
    /// In Beijing time.
    pub closes_at: &'a str,
    /// Printed on every page when phones cannot open the codes.
    pub warning: Option<&'a str>,
}

const CSS: &str = r#"
@page{size:A4 portrait;margin:0}
*{box-sizing:border-box}
html,body{margin:0;padding:0}
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;color:#111;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.sheet{width:210mm;height:297mm;padding:10mm 10mm 8mm;display:flex;flex-direction:column;overflow:hidden;page-break-after:always;break-after:page;background:#fff}
.sheet:last-child{page-break-after:auto;break-after:auto}
.kicker{font-size:13pt;color:#c00;letter-spacing:2pt;text-align:center}
h1{font-size:20pt;margin:1mm 0;text-align:center;line-height:1.25}
h2{font-size:26pt;margin:0 0 3mm;text-align:center;line-height:1.2}
.codes{flex:1;min-height:0;display:flex;flex-wrap:wrap;justify-content:center;align-content:center;gap:4mm 8mm}
figure{margin:0;text-align:center;break-inside:avoid}
figure svg{display:block;margin:0 auto}
.n1 svg{width:130mm;height:130mm}
.n2 svg{width:88mm;height:88mm}
.n3 svg,.n4 svg{width:78mm;height:78mm}
.who{font-size:18pt;font-weight:700;line-height:1.3}
.url{font-size:7.5pt;color:#555;word-break:break-all;max-width:88mm;margin:0 auto}
.howto{border-top:1.5pt solid #c00;padding-top:2.5mm;font-size:12pt;line-height:1.5}
.howto p{margin:0 0 1.5mm}
.howto .close{font-weight:700}
.warn{border:2pt solid #c00;color:#c00;font-weight:700;padding:2mm 3mm;margin-bottom:3mm;font-size:12pt}
@media screen{body{background:#777}.sheet{margin:8mm auto;box-shadow:0 2px 10px rgba(0,0,0,.4)}.screen{width:210mm;margin:6mm auto 0;color:#fff;font-size:14px}}
@media print{.screen{display:none}}
"#;

fn sheet_html(round: &PosterRound, sheet: &Sheet) -> String {
    let title = match &sheet.school_name {
        Some(name) => esc(name),
        None => "县级调查对象".to_string(),
    };
    let warning = round
        .warning
        .map(|w| format!("<div class=\"warn\">⚠ {}</div>", esc(w)))
        .unwrap_or_default();
    let figures: String = sheet
        .codes
        .iter()
        .map(|c| {
            format!(
                "<figure>{svg}<figcaption><div class=\"who\">{group}</div>\
                 <div class=\"url\">{url}</div></figcaption></figure>",
                svg = c.svg,
                group = esc(&c.group_label),
                url = esc(&c.url),
            )
        })
        .collect();
    format!(
        "<section class=\"sheet\">{warning}<div class=\"kicker\">义务教育优质均衡发展 · 社会认可度调查</div>\
         <h1>{round}</h1><h2>{title}</h2>\
         <div class=\"codes n{n}\">{figures}</div>\
         <div class=\"howto\"><p>请用微信“扫一扫”或手机相机扫描与您身份对应的二维码，约两分钟即可完成。</p>\
         <p>本调查匿名进行，不记录姓名、电话等个人信息，答案只用于统计，请根据您的真实感受作答。</p>\
         <p class=\"close\">截止时间：{closes}（北京时间）</p></div></section>",
        round = esc(round.round_name),
        n = sheet.codes.len().clamp(1, 4),
        closes = esc(round.closes_at),
    )
}

/// The whole printable document.
pub fn render(round: &PosterRound, sheets: &[Sheet]) -> String {
    let pages: String = sheets.iter().map(|s| sheet_html(round, s)).collect();
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>{title} · 二维码海报</title><style>{CSS}</style></head><body>\
         <p class=\"screen\">共{n}页，每页一张A4。用浏览器打印（Ctrl+P），纸张选A4、边距选“无”、缩放100%。已停用的链接不在海报中。</p>\
         {pages}</body></html>",
        title = esc(round.round_name),
        n = sheets.len(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sheet_is_a_page_and_text_is_escaped() {
        let round = PosterRound {
            round_name: "2026年<自评>",
            closes_at: "2026年12月31日 23:59",
            warning: Some("手机无法打开"),
        };
        let code = |g: &str| PosterCode {
            group_label: g.into(),
            url: "http://x/s/t".into(),
            svg: "<svg></svg>".into(),
        };
        let html = render(
            &round,
            &[
                Sheet {
                    school_name: Some("第一小学".into()),
                    codes: vec![code("家长"), code("教师")],
                },
                Sheet {
                    school_name: None,
                    codes: vec![code("人大代表")],
                },
            ],
        );
        assert_eq!(html.matches("class=\"sheet\"").count(), 2);
        assert!(html.contains("2026年&lt;自评&gt;"));
        assert!(html.contains("县级调查对象"));
        assert_eq!(html.matches("手机无法打开").count(), 2);
    }
}
