//! The counties' comparison beneath a region node as sheets: 汇总 (what is
//! compared, the counties together, every county weakest first) and one
//! sheet per county with a round, laid out as an assessment's comparison.
//! Built from the comparison the JSON answers.

use super::{
    assessment_sheets::{CountyView, county_headers, county_row, county_sheet, progress_cells},
    county_compare_types::{CountyComparisonOut, CountyRowOut},
    types::PurposeDto,
};
use crate::{
    domain::round::Purpose,
    export::{
        cells::Cell,
        report_files::{Block, NamedSheet},
    },
};

impl<'a> From<&'a CountyRowOut> for CountyView<'a> {
    fn from(r: &'a CountyRowOut) -> Self {
        Self {
            rank: r.rank,
            name: &r.name,
            code: r.code.as_deref(),
            round: r.round.as_ref().map(|x| (x.name.as_str(), x.id)),
            overall: &r.overall,
            verdict_label: &r.verdict_label,
            precision_note: r.precision_note.as_deref(),
            responses: r.responses,
            schools: r.schools,
            schools_below: &r.weak_schools,
            progress: r.progress.as_ref(),
            parent_share: r.parent_share,
        }
    }
}

fn purpose_label(p: Option<PurposeDto>) -> String {
    p.map(|p| Purpose::from(p).label_zh().to_string())
        .unwrap_or_else(|| "全部类型".into())
}

/// The summary sheet and one sheet per county with a round.
pub fn sheets(c: &CountyComparisonOut) -> Vec<NamedSheet> {
    let s = &c.summary;
    let mut together = vec![
        Cell::text(&c.region_name),
        Cell::Int(i64::from(s.counties)),
        Cell::Int(i64::from(s.counties_with_data)),
        Cell::Int(i64::from(s.counties_pass)),
        Cell::Int(i64::from(s.schools)),
        Cell::Int(i64::from(s.schools_below)),
    ];
    together.extend(progress_cells(&s.progress));
    let summary = NamedSheet {
        name: "汇总".into(),
        blocks: vec![
            Block {
                title: Some(format!("{}：各县认可率对比", c.region_name)),
                headers: vec![],
                rows: vec![
                    vec![Cell::text("轮次类型"), Cell::text(purpose_label(c.purpose))],
                    vec![Cell::text("比较方法"), Cell::text(&c.method)],
                ],
            },
            Block {
                title: Some("合计".into()),
                headers: vec![
                    "地区",
                    "县数",
                    "有数据的县数",
                    "达标县数",
                    "学校数",
                    "低于85%的学校数",
                    "有效问卷",
                    "抽样计划总数",
                    "完成比例",
                ],
                rows: vec![together],
            },
            Block {
                title: Some("各县（由弱到强排序）".into()),
                headers: county_headers().into_iter().chain(["比较的轮次"]).collect(),
                rows: c
                    .counties
                    .iter()
                    .map(|r| {
                        let mut row = county_row(&r.into());
                        row.push(match &r.round {
                            Some(x) => Cell::text(format!("{}（第{}轮）", x.name, x.id)),
                            None => Cell::text("无已开启的轮次"),
                        });
                        row
                    })
                    .collect(),
            },
        ],
    };
    let mut out = vec![summary];
    out.extend(c.counties.iter().filter_map(|r| county_sheet(&r.into())));
    out
}
