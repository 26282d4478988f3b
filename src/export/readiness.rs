//! 资源配置 of a 学年 as a workbook laid out like the county reports: per
//! 学段 each school's seven indicators with 基本值 (the standard), 达标值
//! (the least an unmet indicator must reach, 85% of the standard), 实际值
//! and 是否达标, then the coefficients of variation against their limits;
//! with the checklist's sheets (readiness_checklist.rs) the whole
//! readiness workbook.

use rust_xlsxwriter::XlsxError;

use super::cells::Cell;
use super::readiness_checklist;
use super::report_files::{Block, Sheet, xlsx};
use crate::{
    app::checklist::Overview, app::readiness::Evaluation, domain::readiness::Status,
    domain::school::Stage,
};

const SCHOOL_HEADERS: [&str; 9] = [
    "学校",
    "学生数",
    "指标",
    "基本值",
    "达标值",
    "实际值",
    "是否达标",
    "资源总量",
    "差距",
];
const CV_HEADERS: [&str; 8] = [
    "学段",
    "指标",
    "学校数",
    "学生数",
    "县均值",
    "差异系数",
    "上限",
    "是否达标",
];

fn sheets(e: &Evaluation) -> Vec<Sheet> {
    let r = &e.report;
    let mut summary = vec![
        vec![Cell::Text(format!("学年：{}", e.year.as_str()))],
        vec![Cell::Text(
            if r.passes {
                "资源配置：达标"
            } else {
                "资源配置：未达标"
            }
            .to_string(),
        )],
    ];
    for s in &r.stages {
        for row in s.schools.iter().filter(|x| !x.passes) {
            summary.push(vec![Cell::Text(format!(
                "{}（{}）达标{}项，未达到学校要求",
                row.name,
                s.stage.label_zh(),
                row.met
            ))]);
        }
    }
    let mut out = vec![Sheet {
        name: "汇总",
        blocks: vec![Block {
            title: Some("义务教育优质均衡发展 资源配置".into()),
            headers: vec![],
            rows: summary,
        }],
    }];
    let near = r.settings.near_share;
    for s in &r.stages {
        let mut rows = Vec::new();
        for row in &s.schools {
            for (k, c) in row.cells.iter().enumerate() {
                rows.push(vec![
                    Cell::Text(row.name.clone()),
                    Cell::Int(i64::from(row.students)),
                    Cell::Text(format!("{}. {}", k + 1, c.indicator.label_zh())),
                    Cell::Num(c.standard),
                    Cell::Num(c.standard * near),
                    Cell::Num((c.value * 100.0).round() / 100.0),
                    Cell::Text(
                        match c.status {
                            Status::Met => "达标",
                            Status::Near => "未达标（达到85%以上）",
                            Status::Failing => "未达标",
                        }
                        .into(),
                    ),
                    Cell::Num((c.total * 100.0).round() / 100.0),
                    Cell::Text(c.gap_zh().unwrap_or_default()),
                ]);
            }
        }
        out.push(Sheet {
            name: match s.stage {
                Stage::Primary => "小学",
                Stage::Junior => "初中",
            },
            blocks: vec![Block {
                title: None,
                headers: SCHOOL_HEADERS.to_vec(),
                rows,
            }],
        });
    }
    let cvs = r
        .stages
        .iter()
        .flat_map(|s| {
            s.cvs.iter().map(move |c| {
                vec![
                    Cell::Text(s.stage.label_zh().into()),
                    Cell::Text(c.indicator.label_zh().into()),
                    Cell::Int(i64::try_from(c.schools).unwrap_or(0)),
                    Cell::Int(i64::try_from(c.students).unwrap_or(0)),
                    Cell::Num((c.mean * 100.0).round() / 100.0),
                    c.cv.map_or(Cell::Empty, |v| Cell::Num((v * 10000.0).round() / 10000.0)),
                    Cell::Num(c.limit),
                    Cell::Text(if c.passes { "达标" } else { "未达标" }.into()),
                ]
            })
        })
        .collect();
    out.push(Sheet {
        name: "差异系数",
        blocks: vec![Block {
            title: Some("校际差异系数（按学生数加权）".into()),
            headers: CV_HEADERS.to_vec(),
            rows: cvs,
        }],
    });
    out
}

/// The whole readiness workbook: 汇总 (with the four first-level
/// indicators and the 社会认可度 line), the 资源配置 sheets, then
/// 政府保障程度, 教育质量 and 否决事项.
pub fn readiness_workbook(o: &Overview) -> Result<Vec<u8>, XlsxError> {
    let mut all = sheets(&o.resource);
    if let Some(summary) = all.first_mut() {
        summary.blocks.push(readiness_checklist::overview_block(o));
    }
    all.extend(readiness_checklist::sheets(o));
    xlsx(&all)
}
