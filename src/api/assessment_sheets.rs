//! An assessment's comparison as sheets: 汇总 (the region and every county,
//! weakest first) and one sheet per county. Built from the comparison the
//! JSON answers, so the file says exactly what the console shows.

use super::{
    assessment_types::{AssessmentComparisonOut, CountyPartOut, SchoolBelowOut},
    report_sheets::{RATE_HEADERS, rate_cells},
    report_types::RateOut,
    sampling_types::ProgressOut,
};
use crate::export::{
    cells::Cell,
    report_files::{Block, NamedSheet},
};

pub(super) fn progress_cells(p: &ProgressOut) -> Vec<Cell> {
    vec![
        Cell::Int(p.count as i64),
        p.quota.map_or(Cell::Empty, Cell::Int),
        Cell::opt_pct(p.percent.map(|x| x / 100.0)),
    ]
}

pub(super) fn with(first: &[&'static str], last: &[&'static str]) -> Vec<&'static str> {
    first
        .iter()
        .chain(RATE_HEADERS.iter())
        .chain(last.iter())
        .copied()
        .collect()
}

const PROGRESS: [&str; 3] = ["有效问卷", "抽样计划总数", "完成比例"];

/// What one county's row and sheet show, borrowed from either comparison.
pub(super) struct CountyView<'a> {
    pub rank: u32,
    pub name: &'a str,
    pub code: Option<&'a str>,
    /// The round compared (name, id); none: the county has no data.
    pub round: Option<(&'a str, i64)>,
    pub overall: &'a RateOut,
    pub verdict_label: &'a str,
    pub precision_note: Option<&'a str>,
    pub responses: u64,
    pub schools: u32,
    pub schools_below: &'a [SchoolBelowOut],
    pub progress: Option<&'a ProgressOut>,
    pub parent_share: Option<f64>,
}

impl<'a> From<&'a CountyPartOut> for CountyView<'a> {
    fn from(r: &'a CountyPartOut) -> Self {
        Self {
            rank: r.rank,
            name: &r.county_name,
            code: r.code.as_deref(),
            round: Some((&r.round.name, r.round.id)),
            overall: &r.overall,
            verdict_label: &r.verdict_label,
            precision_note: r.precision_note.as_deref(),
            responses: r.responses,
            schools: r.schools,
            schools_below: &r.schools_below,
            progress: Some(&r.progress),
            parent_share: r.parent_share,
        }
    }
}

/// The headers of the per-county table ([`county_row`]).
pub(super) fn county_headers() -> Vec<&'static str> {
    with(
        &["排名", "县", "行政区划代码"],
        &[
            "结论",
            "学校数",
            "低于85%的学校数",
            "有效问卷",
            "抽样计划总数",
            "完成比例",
        ],
    )
}

pub(super) fn county_row(r: &CountyView<'_>) -> Vec<Cell> {
    let mut row = vec![
        Cell::Int(i64::from(r.rank)),
        Cell::text(r.name),
        Cell::opt_text(r.code.map(str::to_string)),
    ];
    row.extend(rate_cells(r.overall));
    row.push(Cell::text(r.verdict_label));
    row.push(Cell::Int(i64::from(r.schools)));
    row.push(Cell::Int(r.schools_below.len() as i64));
    match r.progress {
        Some(p) => row.extend(progress_cells(p)),
        None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
    }
    row
}

/// One county's sheet: its figures, its progress and its schools below
/// 85%; none for a county without data.
pub(super) fn county_sheet(r: &CountyView<'_>) -> Option<NamedSheet> {
    let (round_name, round_id) = r.round?;
    let progress = r.progress?;
    let mut overall = vec![Cell::text(r.name)];
    overall.extend(rate_cells(r.overall));
    overall.push(Cell::text(r.verdict_label));
    overall.push(Cell::opt_text(r.precision_note.map(str::to_string)));
    overall.push(Cell::Int(r.responses as i64));
    let mut progress = progress_cells(progress);
    progress.push(Cell::opt_pct(r.parent_share));
    Some(NamedSheet {
        name: format!("{} {}", r.rank, r.name),
        blocks: vec![
            Block {
                title: Some(format!("{}：{}（第{}轮）", r.name, round_name, round_id)),
                headers: with(&["县"], &["结论", "精度说明", "全部问卷"]),
                rows: vec![overall],
            },
            Block {
                title: Some("抽样进度".into()),
                headers: PROGRESS.iter().copied().chain(["家长占比"]).collect(),
                rows: vec![progress],
            },
            schools(r.schools_below),
        ],
    })
}

pub(super) fn schools(rows: &[SchoolBelowOut]) -> Block {
    Block {
        title: Some("认可率低于85%的学校（由低到高）".into()),
        headers: with(&["学校标识码", "学校名称"], &[]),
        rows: rows
            .iter()
            .map(|s| {
                let mut row = vec![Cell::text(&s.code), Cell::text(&s.name)];
                row.extend(rate_cells(&s.rate));
                row
            })
            .collect(),
    }
}

/// The summary sheet and one sheet per county, weakest county first.
pub fn sheets(c: &AssessmentComparisonOut) -> Vec<NamedSheet> {
    let s = &c.summary;
    let mut region = vec![
        Cell::text(&c.assessment.region_name),
        Cell::Int(i64::from(s.counties)),
        Cell::Int(i64::from(s.counties_pass)),
    ];
    region.extend(rate_cells(&s.overall));
    region.push(Cell::text(&s.verdict_label));
    region.push(Cell::Int(i64::from(s.schools)));
    region.push(Cell::Int(i64::from(s.schools_below)));
    region.extend(progress_cells(&s.progress));
    let summary = NamedSheet {
        name: "汇总".into(),
        blocks: vec![
            Block {
                title: Some(format!(
                    "{}（{}组织）",
                    c.assessment.name, c.assessment.region_name
                )),
                headers: vec![],
                rows: vec![
                    vec![Cell::text("计算规则"), Cell::text(&c.rule)],
                    vec![Cell::text("全区汇总"), Cell::text(&c.summary_method)],
                ],
            },
            Block {
                title: Some("全区汇总".into()),
                headers: with(
                    &["地区", "县数", "达标县数"],
                    &[
                        "结论",
                        "学校数",
                        "低于85%的学校数",
                        "有效问卷",
                        "抽样计划总数",
                        "完成比例",
                    ],
                ),
                rows: vec![region],
            },
            Block {
                title: Some("各县（由弱到强排序）".into()),
                headers: county_headers(),
                rows: c.counties.iter().map(|r| county_row(&r.into())).collect(),
            },
        ],
    };
    let mut out = vec![summary];
    out.extend(c.counties.iter().filter_map(|r| county_sheet(&r.into())));
    out
}
