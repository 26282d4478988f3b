//! The parts of a round's report as blocks of cells, one sheet per part.
//! Built from the API's report, so the files say exactly what the JSON says;
//! `export::report_files` writes the sheets as XLSX or CSV.

use super::{
    integrity_types::IntegrityOut,
    report_types::{RateOut, RoundReportOut},
};
use crate::export::{
    cells::{Cell, beijing},
    report_files::{Block, Sheet},
};

pub(super) const RATE_HEADERS: [&str; 5] = [
    "认可率",
    "有效样本n",
    "95%区间下限",
    "95%区间上限",
    "样本不足",
];

pub(super) fn rate_cells(r: &RateOut) -> Vec<Cell> {
    vec![
        Cell::opt_pct(r.rate),
        Cell::Int(r.n as i64),
        Cell::opt_pct(r.low),
        Cell::opt_pct(r.high),
        Cell::text(if r.small_n { "是" } else { "" }),
    ]
}

fn with_rate(mut head: Vec<Cell>, r: &RateOut) -> Vec<Cell> {
    head.extend(rate_cells(r));
    head
}

fn headers(first: &[&'static str]) -> Vec<&'static str> {
    first.iter().chain(RATE_HEADERS.iter()).copied().collect()
}

fn block(headers: Vec<&'static str>, rows: Vec<Vec<Cell>>) -> Block {
    Block {
        title: None,
        headers,
        rows,
    }
}

/// The same valid responses under every formula and reading, the round's
/// rule first.
fn sensitivity(r: &RoundReportOut) -> Block {
    let rows = r
        .sensitivity
        .iter()
        .map(|x| {
            vec![
                Cell::text(&x.label),
                Cell::text(if x.headline { "本轮规则" } else { "" }),
                Cell::Int(x.rate.n as i64),
                Cell::opt_pct(x.rate.rate),
                Cell::text(&x.verdict_label),
                Cell::opt_text(x.sentence.clone().or_else(|| x.note.clone())),
            ]
        })
        .collect();
    Block {
        title: Some(
            "不同计算方法下的认可率（同一批有效问卷；未公布官方计算方法，以本轮规则为准）".into(),
        ),
        headers: vec![
            "计算方法",
            "本轮规则",
            "有效样本n",
            "认可率",
            "结论",
            "说明",
        ],
        rows,
    }
}

/// Responses and rates by source (手机扫码 / 纸质单遍录入 / 纸质双遍录入 /
/// 现场访谈).
fn modes(r: &RoundReportOut) -> Block {
    let rows = r
        .sources
        .iter()
        .map(|m| {
            with_rate(
                vec![
                    Cell::text(&m.mode_label),
                    Cell::Int(m.responses as i64),
                    Cell::Int(m.valid as i64),
                ],
                &m.rate,
            )
        })
        .collect();
    Block {
        title: Some("按来源（各来源均计入全县认可率；此处为各来源未加权的认可率）".into()),
        headers: headers(&["来源", "全部问卷", "有效问卷"]),
        rows,
    }
}

/// The parts of a report, in the order of the workbook's sheets.
pub fn sheets(r: &RoundReportOut, integrity: &IntegrityOut) -> Vec<Sheet> {
    let o = &r.overall;
    let kv = |k: &str, v: Cell| vec![Cell::text(k), v];
    let summary = vec![
        kv("测评轮次", Cell::text(&r.round.name)),
        kv("测评目的", Cell::text(&r.purpose.label)),
        kv(
            "正式结果说明",
            Cell::opt_text(r.purpose.official_note.clone()),
        ),
        kv("生成时间（北京时间）", Cell::text(beijing(r.generated_at))),
        kv("全县认可率", Cell::opt_pct(o.rate.rate)),
        kv("有效样本n", Cell::Int(o.rate.n as i64)),
        kv("95%区间下限", Cell::opt_pct(o.rate.low)),
        kv("95%区间上限", Cell::opt_pct(o.rate.high)),
        kv("结论", Cell::text(&o.verdict_label)),
        kv("精度说明", Cell::opt_text(o.precision_note.clone())),
        kv(
            "区间越过85%还需有效问卷",
            o.more_responses_needed
                .map_or(Cell::Empty, |m| Cell::Int(m as i64)),
        ),
        kv("说明", Cell::opt_text(o.note.clone())),
        kv("全部问卷", Cell::Int(r.totals.responses as i64)),
        kv("有效问卷", Cell::Int(r.totals.valid as i64)),
        kv("无效问卷", Cell::Int(r.totals.invalid as i64)),
        kv(
            "全部“不了解”的有效问卷",
            Cell::Int(r.totals.unscored as i64),
        ),
        kv("计算规则", Cell::text(&r.rule.description)),
        kv("纸质问卷录入份数", Cell::Int(r.paper_sheets.sheets as i64)),
        kv("纸质问卷计入份数", Cell::Int(r.paper_sheets.counted as i64)),
        kv(
            "双录入份数",
            Cell::Int(r.paper_sheets.double_entered as i64),
        ),
        kv(
            "双录入不一致率",
            Cell::opt_pct(r.paper_sheets.mismatch_rate),
        ),
        kv(
            "待核对的不一致问卷",
            Cell::Int(r.paper_sheets.unresolved as i64),
        ),
    ];
    let groups = r
        .groups
        .iter()
        .map(|g| {
            with_rate(
                vec![
                    Cell::text(&g.group_label),
                    g.weight.map_or(Cell::Empty, Cell::Num),
                ],
                &g.rate,
            )
        })
        .collect();
    let schools = r
        .schools
        .iter()
        .map(|s| {
            let loc = crate::domain::school::Location::from(s.location).label_zh();
            with_rate(
                vec![
                    Cell::text(&s.school_code),
                    Cell::text(&s.school_name),
                    Cell::text(loc),
                ],
                &s.rate,
            )
        })
        .collect();
    let pairs = r
        .school_groups
        .iter()
        .map(|p| {
            with_rate(
                vec![Cell::text(&p.school_name), Cell::text(&p.group_label)],
                &p.rate,
            )
        })
        .collect();
    let locations = r
        .locations
        .iter()
        .map(|l| with_rate(vec![Cell::text(&l.location_label)], &l.rate))
        .collect();
    // Grouped by content area, in the inspection's order (then 其他, 诊断题);
    // 维度 names the area the row is grouped under.
    let items = r
        .areas
        .iter()
        .flat_map(|a| {
            a.items.iter().filter_map(move |x| {
                r.items
                    .iter()
                    .find(|i| i.group == x.group && i.item_id == x.item_id)
                    .map(|i| (a.label.as_str(), i))
            })
        })
        .map(|(area, i)| {
            let pick = |f: &dyn Fn(&super::report_types::OptionCountOut) -> bool| {
                i.options
                    .iter()
                    .filter(|o| f(o))
                    .map(|o| o.label.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            };
            let dist: Vec<String> = i
                .options
                .iter()
                .map(|o| format!("{} {}", o.label, o.count))
                .collect();
            let mut row = vec![
                Cell::text(&i.group_label),
                Cell::Int(i64::from(i.position)),
                Cell::text(&i.item_id),
                Cell::text(area),
                Cell::text(&i.text),
            ];
            row.extend(rate_cells(&i.rate));
            row.extend([
                Cell::text(pick(&|o| o.recognised)),
                Cell::text(pick(&|o| o.dont_know)),
                Cell::text(dist.join("；")),
                Cell::text(if i.diagnostic {
                    "诊断题（不计入认可率）"
                } else if i.overall {
                    "总体评价题"
                } else {
                    ""
                }),
            ]);
            row
        })
        .collect();
    let mut item_headers = headers(&["调查对象", "题号", "题目编号", "维度", "题目"]);
    item_headers.extend(["计为认可的选项", "不计入分母的选项", "选项分布", "题目类型"]);
    let invalid = r
        .invalid
        .iter()
        .map(|i| {
            vec![
                Cell::text(i.school_name.clone().unwrap_or_else(|| "县级".into())),
                Cell::text(&i.group_label),
                Cell::text(&i.reason_label),
                Cell::text(&i.reason),
                Cell::Int(i.count as i64),
            ]
        })
        .collect();
    let mut sheets = vec![
        Sheet {
            name: "汇总",
            blocks: vec![
                block(vec!["项目", "内容"], summary),
                modes(r),
                sensitivity(r),
            ],
        },
        Sheet {
            name: "各类对象",
            blocks: vec![block(headers(&["调查对象", "权重"]), groups)],
        },
        Sheet {
            name: "各学校",
            blocks: vec![block(
                headers(&["学校标识码", "学校名称", "所在地"]),
                schools,
            )],
        },
        Sheet {
            name: "学校×对象",
            blocks: vec![block(headers(&["学校名称", "调查对象"]), pairs)],
        },
        Sheet {
            name: "城乡",
            blocks: vec![block(headers(&["所在地"]), locations)],
        },
        Sheet {
            name: "各题目",
            blocks: vec![block(item_headers, items)],
        },
        Sheet {
            name: "无效问卷",
            blocks: vec![block(
                vec!["学校", "调查对象", "原因", "原因代码", "份数"],
                invalid,
            )],
        },
        Sheet {
            name: "数据质量",
            blocks: integrity_blocks(integrity),
        },
    ];
    if let Some(l) = &r.languages {
        let rows = l
            .rates
            .iter()
            .map(|x| {
                with_rate(
                    vec![Cell::text(&x.language_label), Cell::text(&x.language)],
                    &x.rate,
                )
            })
            .collect();
        let mut blocks = vec![block(headers(&["语言", "语言代码"]), rows)];
        if let Some(note) = &l.note {
            blocks.push(block(vec!["说明"], vec![vec![Cell::text(note)]]));
        }
        // After 城乡: the other breakdowns of the one rate.
        sheets.insert(
            5,
            Sheet {
                name: "按语言",
                blocks,
            },
        );
    }
    sheets
}

fn integrity_blocks(i: &IntegrityOut) -> Vec<Block> {
    let school = |s: &Option<String>| Cell::text(s.clone().unwrap_or_else(|| "县级".into()));
    let identical = i
        .identical
        .iter()
        .map(|x| {
            vec![
                school(&x.school_name),
                Cell::text(&x.group_label),
                Cell::Int(x.responses as i64),
                Cell::Int(x.identical as i64),
                Cell::opt_pct(x.identical_share),
                Cell::Int(x.largest as i64),
            ]
        })
        .collect();
    let bursts = i
        .bursts
        .iter()
        .map(|b| {
            vec![
                Cell::text(beijing(b.start)),
                Cell::text(beijing(b.end)),
                school(&b.school_name),
                Cell::text(&b.group_label),
                Cell::Int(b.count as i64),
                Cell::text(&b.vector),
            ]
        })
        .collect();
    let sources = i
        .sources
        .iter()
        .map(|s| {
            vec![
                Cell::text(&s.mode_label),
                Cell::Int(s.responses as i64),
                Cell::Int(s.identical as i64),
                Cell::opt_pct(s.identical_share),
                Cell::Int(s.largest as i64),
                Cell::text(&s.signal),
            ]
        })
        .collect();
    let clerks = i
        .paper_clerks
        .iter()
        .map(|c| {
            vec![
                Cell::text(&c.username),
                Cell::Int(c.sheets as i64),
                Cell::Int(c.second_entries as i64),
                Cell::Int(c.identical as i64),
            ]
        })
        .collect();
    let negatives = i
        .negatives
        .iter()
        .map(|n| {
            vec![
                Cell::text(&n.school_name),
                Cell::Int(n.responses as i64),
                Cell::opt_pct(n.share),
                Cell::opt_pct(n.county_share),
                Cell::text(if n.flagged { "请核查" } else { "" }),
            ]
        })
        .collect();
    vec![
        Block {
            title: Some(i.rule.clone()),
            headers: vec![],
            rows: vec![],
        },
        Block {
            title: Some("相同答案（手机答卷）".into()),
            headers: vec![
                "学校",
                "调查对象",
                "有效问卷",
                "答案与他人完全相同",
                "占比",
                "最大相同组",
            ],
            rows: identical,
        },
        Block {
            title: Some("集中提交（手机答卷）".into()),
            headers: vec!["开始时间", "结束时间", "学校", "调查对象", "份数", "答案"],
            rows: bursts,
        },
        Block {
            title: Some("相同答案（按来源分列）".into()),
            headers: vec![
                "来源",
                "有效问卷",
                "与同一链接同来源答卷完全相同",
                "占比",
                "最大相同组",
                "提示",
            ],
            rows: sources,
        },
        Block {
            title: Some("录入员录入数量（只计数量，不显示答案）".into()),
            headers: vec!["录入员", "录入问卷", "第二遍录入", "本人录入中完全相同"],
            rows: clerks,
        },
        Block {
            title: Some("“一般/不满意”占比".into()),
            headers: vec!["学校", "有效问卷", "本校占比", "全县占比", "提醒"],
            rows: negatives,
        },
    ]
}
