//! The checklist sheets of the readiness workbook: 政府保障程度 and 教育质量
//! one row per indicator (text, threshold, the county's value, what a
//! computed value came from, responsible unit, status, evidence files,
//! note, what fails), the veto items (是否发生), and the four first-level
//! indicators with the 社会认可度 line on the summary sheet.

use super::cells::Cell;
use super::report_files::{Block, Sheet};
use crate::{
    app::checklist::{Line, Overview},
    domain::checklist::{Part, Status, number},
};

const ITEM_HEADERS: [&str; 11] = [
    "序号",
    "指标",
    "标准",
    "县域实际值",
    "计算依据",
    "责任单位",
    "状态",
    "证据文件数",
    "备注",
    "未达标情况",
    "数据来源",
];

const VETO_HEADERS: [&str; 7] = [
    "序号",
    "否决事项",
    "是否发生",
    "状态",
    "责任单位",
    "证据文件数",
    "备注",
];

/// 达标 / 未达标 / 待核实
fn status(s: Status) -> Cell {
    Cell::Text(s.label_zh().into())
}

/// The thresholds of an entered item, or the computed item's rule.
fn threshold(l: &Line) -> String {
    if !l.item.thresholds.is_empty() {
        return l
            .item
            .thresholds
            .iter()
            .map(|t| format!("{} {}", t.label, t.text()))
            .collect::<Vec<_>>()
            .join("；");
    }
    match l.item.key {
        "g3" => "每12个班音乐、美术专用教室各1间以上；音乐≥96㎡、美术≥90㎡".into(),
        "g4" => "≤ 2000人（九年、十二年一贯制义务教育阶段 ≤ 2500人）".into(),
        "g5" => "小学 ≤ 45人、初中 ≤ 50人".into(),
        "q1" => "≥ 95%".into(),
        _ => String::new(),
    }
}

/// The county's value: computed, or as entered.
fn value(l: &Line) -> String {
    if let Some(f) = &l.finding {
        return f.value_zh.clone();
    }
    let e = l.entered.as_ref().map(|c| &c.entered);
    l.item
        .thresholds
        .iter()
        .zip(e.map(|e| e.values).unwrap_or_default())
        .filter_map(|(t, v)| v.map(|v| format!("{}{}", number(v), t.unit)))
        .collect::<Vec<_>>()
        .join("；")
}

fn unit(l: &Line) -> String {
    l.entered
        .as_ref()
        .and_then(|c| c.entered.unit.clone())
        .unwrap_or_else(|| l.item.unit.to_string())
}

fn note(l: &Line) -> String {
    l.entered
        .as_ref()
        .and_then(|c| c.entered.note.clone())
        .unwrap_or_default()
}

fn item_rows(o: &Overview, part: Part) -> Vec<Vec<Cell>> {
    o.checklist
        .lines
        .iter()
        .filter(|l| l.item.part == part)
        .map(|l| {
            vec![
                Cell::Int(i64::from(l.item.no)),
                Cell::Text(l.item.text.into()),
                Cell::Text(threshold(l)),
                Cell::Text(value(l)),
                Cell::Text(
                    l.finding
                        .as_ref()
                        .map(|f| f.basis_zh.clone())
                        .unwrap_or_default(),
                ),
                Cell::Text(unit(l)),
                status(l.status),
                Cell::Int(i64::try_from(l.evidence.len()).unwrap_or(0)),
                Cell::Text(note(l)),
                Cell::Text(l.gaps.join("；")),
                Cell::Text(
                    if l.item.computed.is_some() {
                        "系统计算"
                    } else {
                        "县级填报"
                    }
                    .into(),
                ),
            ]
        })
        .collect()
}

fn veto_rows(o: &Overview) -> Vec<Vec<Cell>> {
    o.checklist
        .lines
        .iter()
        .filter(|l| l.item.part == Part::Veto)
        .map(|l| {
            let occurred = l.entered.as_ref().and_then(|c| c.entered.occurred);
            vec![
                Cell::Int(i64::from(l.item.no)),
                Cell::Text(l.item.text.into()),
                Cell::Text(
                    match occurred {
                        Some(true) => "是",
                        Some(false) => "否",
                        None => "未填报",
                    }
                    .into(),
                ),
                status(l.status),
                Cell::Text(unit(l)),
                Cell::Int(i64::try_from(l.evidence.len()).unwrap_or(0)),
                Cell::Text(note(l)),
            ]
        })
        .collect()
}

/// The four first-level indicators and the veto items, the 社会认可度
/// line with its round and rate.
pub fn overview_block(o: &Overview) -> Block {
    let r = &o.recognition;
    let recognition = match (&r.round, r.rate) {
        (Some(round), Some(rate)) => format!(
            "{}：认可度{}%（有效样本{}份，标准 ≥ 85%）{}",
            round.name,
            number(rate * 100.0),
            r.n,
            if r.chosen {
                ""
            } else {
                "（最近开启的轮次）"
            }
        ),
        (Some(round), None) => format!("{}：尚无有效答卷", round.name),
        (None, _) => "尚未开展测评".into(),
    };
    let part = |p: Part| {
        let lines: Vec<&Line> = o
            .checklist
            .lines
            .iter()
            .filter(|l| l.item.part == p)
            .collect();
        let n = |s: Status| lines.iter().filter(|l| l.status == s).count();
        format!(
            "{}项：达标{}项，未达标{}项，待核实{}项",
            lines.len(),
            n(Status::Met),
            n(Status::Unmet),
            n(Status::Pending)
        )
    };
    let row = |label: &str, s: Status, text: String| {
        vec![Cell::Text(label.into()), status(s), Cell::Text(text)]
    };
    Block {
        title: Some(format!("四项一级指标：{}", o.status().label_zh())),
        headers: vec!["一级指标", "状态", "情况"],
        rows: vec![
            row(
                "资源配置",
                o.resource_status(),
                "见“小学”“初中”“差异系数”工作表".into(),
            ),
            row(
                "政府保障程度",
                o.checklist.status(Part::Guarantee),
                part(Part::Guarantee),
            ),
            row(
                "教育质量",
                o.checklist.status(Part::Quality),
                part(Part::Quality),
            ),
            row("社会认可度", r.status, recognition),
            row("否决事项", o.checklist.status(Part::Veto), part(Part::Veto)),
        ],
    }
}

/// The sheets 政府保障程度, 教育质量 and 否决事项.
pub fn sheets(o: &Overview) -> Vec<Sheet> {
    let mut out = Vec::new();
    for (name, part) in [
        ("政府保障程度", Part::Guarantee),
        ("教育质量", Part::Quality),
    ] {
        out.push(Sheet {
            name,
            blocks: vec![Block {
                title: Some(format!("{name}（{}）", o.checklist.year.as_str())),
                headers: ITEM_HEADERS.to_vec(),
                rows: item_rows(o, part),
            }],
        });
    }
    out.push(Sheet {
        name: "否决事项",
        blocks: vec![Block {
            title: Some("否决事项（发生任一项即不予认定）".into()),
            headers: VETO_HEADERS.to_vec(),
            rows: veto_rows(o),
        }],
    });
    out
}
