//! Raw responses, one row per response and one column per item (each cell
//! the option code and its label), as CSV (XLSX: `responses_xlsx`).
//! Responses are read page by page in id order and written out as they come.

use poem::Body;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, Func},
};
use std::{collections::BTreeMap, sync::Arc};

use super::{
    cells::{BOM, Cell, beijing, reason_label},
    stream::{self, Sink},
};
use crate::{
    domain::{
        group::RespondentGroup,
        questionnaire::{ItemKind, Questionnaire},
        report::SchoolInfo,
    },
    entities::response,
    store::reports::RoundData,
};

/// Responses read per query.
const PAGE: u64 = 2000;

const FIXED: [&str; 12] = [
    "序号",
    "提交时间（北京时间）",
    "调查对象",
    "学校标识码",
    "学校名称",
    "所在地",
    "有效性",
    "有效性代码",
    "用时（秒）",
    "认可答案数",
    "计分答案数",
    "分值合计",
];

/// Where a group's answer to one column comes from.
pub(super) enum Slot {
    /// The group's questionnaire has no such item.
    Empty,
    /// A free-text item: from the response's texts, by item id.
    Text(String),
    /// A choice: the code at `pos` of the answer string; `labels[code]`.
    Choice {
        pos: usize,
        labels: Vec<Option<Arc<str>>>,
    },
}

/// Everything a row needs that is the same for many rows.
pub(super) struct RowPlan {
    slots: BTreeMap<RespondentGroup, Vec<Slot>>,
    schools: BTreeMap<i64, [Cell; 3]>,
}

/// What turns a stored response into a row.
pub struct Layout {
    round_id: i64,
    pub(super) groups: Vec<RespondentGroup>,
    questionnaires: BTreeMap<RespondentGroup, Questionnaire>,
    schools: BTreeMap<i64, SchoolInfo>,
}

impl Layout {
    pub fn new(data: &RoundData) -> Self {
        Self {
            round_id: data.detail.round.id,
            groups: data.detail.groups.clone(),
            questionnaires: data.questionnaires.clone(),
            schools: data.schools.iter().map(|s| (s.id, s.clone())).collect(),
        }
    }

    /// Item ids in questionnaire order, across `groups`, each once.
    pub(super) fn columns(&self, groups: &[RespondentGroup]) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for q in groups.iter().filter_map(|g| self.questionnaires.get(g)) {
            for item in &q.items {
                if !ids.contains(&item.id) {
                    ids.push(item.id.clone());
                }
            }
        }
        ids
    }

    /// Fixed headers, then `id 题干` per item (only `id` when the groups'
    /// questionnaires differ).
    pub(super) fn headers(&self, groups: &[RespondentGroup], columns: &[String]) -> Vec<String> {
        let mut h: Vec<String> = FIXED.iter().map(|s| s.to_string()).collect();
        let q = match groups {
            [g] => self.questionnaires.get(g),
            _ => None,
        };
        for id in columns {
            let text = q
                .and_then(|q| q.items.iter().find(|i| &i.id == id))
                .map(|i| i.text.as_str());
            h.push(text.map_or_else(|| id.clone(), |t| format!("{id} {t}")));
        }
        h
    }

    /// How to fill `columns` for each group, worked out once per export.
    pub(super) fn plan(&self, columns: &[String]) -> RowPlan {
        let shared = |s: &str| -> Arc<str> { Arc::from(s) };
        let slots = self
            .questionnaires
            .iter()
            .map(|(g, q)| {
                let slots = columns
                    .iter()
                    .map(|id| match q.items.iter().position(|i| &i.id == id) {
                        None => Slot::Empty,
                        Some(pos) if q.items[pos].kind == ItemKind::Text => Slot::Text(id.clone()),
                        Some(pos) => {
                            let labels = (0..=9u8)
                                .map(|code| {
                                    let o = q.items[pos].option(code)?;
                                    Some(shared(&format!("{} {}", o.code, o.label)))
                                })
                                .collect();
                            Slot::Choice { pos, labels }
                        }
                    })
                    .collect();
                (*g, slots)
            })
            .collect();
        let schools = self
            .schools
            .iter()
            .map(|(id, s)| {
                let cells = [
                    Cell::Shared(shared(&s.code)),
                    Cell::Shared(shared(&s.name)),
                    Cell::Shared(shared(s.location.label_zh())),
                ];
                (*id, cells)
            })
            .collect();
        RowPlan { slots, schools }
    }

    /// The row of one response.
    pub(super) fn row(&self, m: &response::Model, plan: &RowPlan) -> Vec<Cell> {
        let group = RespondentGroup::from_code(&m.respondent_group);
        let school = m.school_id.and_then(|id| plan.schools.get(&id));
        let mut row = Vec::with_capacity(FIXED.len() + 32);
        row.push(Cell::Int(m.id));
        row.push(Cell::text(beijing(m.submitted_at)));
        row.push(Cell::text(
            group.map_or(m.respondent_group.as_str(), |g| g.label_zh()),
        ));
        match school {
            Some(cells) => row.extend(cells.iter().cloned()),
            None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
        }
        row.extend([
            Cell::text(reason_label(&m.validity)),
            Cell::text(&m.validity),
            Cell::Num(m.duration_ms as f64 / 1000.0),
            Cell::Int(i64::from(m.recognised)),
            Cell::Int(i64::from(m.judged)),
            Cell::Int(i64::from(m.points)),
        ]);
        let Some(slots) = group.and_then(|g| plan.slots.get(&g)) else {
            return row;
        };
        let texts: BTreeMap<String, String> = m
            .texts
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        let answers = m.answers.as_bytes();
        for slot in slots {
            row.push(match slot {
                Slot::Empty => Cell::Empty,
                Slot::Text(id) => Cell::opt_text(texts.get(id).cloned()),
                Slot::Choice { pos, labels } => answers
                    .get(*pos)
                    .and_then(|b| b.checked_sub(b'0'))
                    .and_then(|code| labels.get(usize::from(code))?.clone())
                    .map_or(Cell::Empty, Cell::Shared),
            });
        }
        row
    }

    /// The page of responses after response id `after`, up to `until`, in
    /// the order they were stored (the round's (round_id, id) index: each
    /// page of the table is read once).
    pub(super) async fn page(
        &self,
        db: &DatabaseConnection,
        group: Option<RespondentGroup>,
        after: i64,
        until: i64,
    ) -> Result<Vec<response::Model>, DbErr> {
        use response::Column as C;
        let mut q = response::Entity::find()
            .filter(C::RoundId.eq(self.round_id))
            .filter(C::Id.gt(after))
            .filter(C::Id.lte(until));
        if let Some(g) = group {
            q = q.filter(C::RespondentGroup.eq(g.code()));
        }
        q.order_by_asc(C::Id).limit(PAGE).all(db).await
    }

    /// The last response id of the round now: later responses are left out,
    /// so the export is one consistent set.
    pub(super) async fn last_id(&self, db: &DatabaseConnection) -> Result<i64, DbErr> {
        let max: Option<Option<i64>> = response::Entity::find()
            .select_only()
            .expr(Func::max(Expr::col(response::Column::Id)))
            .filter(response::Column::RoundId.eq(self.round_id))
            .into_tuple()
            .one(db)
            .await?;
        Ok(max.flatten().unwrap_or(0))
    }
}

/// Raw responses as CSV (UTF-8 with BOM), all groups or one.
pub fn csv_body(db: DatabaseConnection, layout: Layout, group: Option<RespondentGroup>) -> Body {
    let (sink, body) = stream::channel();
    tokio::spawn(async move {
        if let Err(e) = write_csv(&db, &layout, group, &sink).await {
            tracing::error!(error = %e, "responses CSV export failed");
            sink.fail().await;
        }
    });
    body
}

async fn write_csv(
    db: &DatabaseConnection,
    layout: &Layout,
    group: Option<RespondentGroup>,
    sink: &Sink,
) -> anyhow::Result<()> {
    let groups = group.map_or_else(|| layout.groups.clone(), |g| vec![g]);
    let columns = layout.columns(&groups);
    let mut w = csv::Writer::from_writer(BOM.to_vec());
    w.write_record(
        layout
            .headers(&groups, &columns)
            .iter()
            .map(|h| super::cells::safe(h).into_owned()),
    )?;
    if !sink.send(w.into_inner()?).await {
        return Ok(());
    }
    let plan = layout.plan(&columns);
    let until = layout.last_id(db).await?;
    let mut after = 0;
    loop {
        let rows = layout.page(db, group, after, until).await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.id;
        let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 128));
        for m in &rows {
            for cell in layout.row(m, &plan) {
                w.write_field(cell.csv().as_bytes())?;
            }
            w.write_record(None::<&[u8]>)?;
        }
        if !sink.send(w.into_inner()?).await {
            return Ok(()); // the client went away
        }
    }
}
