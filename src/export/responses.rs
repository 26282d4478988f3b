//! Raw responses, one row per response and one column per item (each cell
//! the option code and its label), as CSV (XLSX: `responses_xlsx`).
//! Responses are read page by page in id order and written out as they come.

use poem::Body;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
    QuerySelect,
    sea_query::{Expr, Func},
};
use std::collections::BTreeMap;

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

    pub(super) fn row(&self, m: &response::Model, columns: &[String]) -> Vec<Cell> {
        let group = RespondentGroup::from_code(&m.respondent_group);
        let school = m.school_id.and_then(|id| self.schools.get(&id));
        let mut row = vec![
            Cell::Int(m.id),
            Cell::text(beijing(m.submitted_at)),
            Cell::text(group.map_or(m.respondent_group.as_str(), |g| g.label_zh())),
            Cell::opt_text(school.map(|s| s.code.clone())),
            Cell::opt_text(school.map(|s| s.name.clone())),
            Cell::opt_text(school.map(|s| s.location.label_zh())),
            Cell::text(reason_label(&m.validity)),
            Cell::text(&m.validity),
            Cell::Num(m.duration_ms as f64 / 1000.0),
            Cell::Int(i64::from(m.recognised)),
            Cell::Int(i64::from(m.judged)),
            Cell::Int(i64::from(m.points)),
        ];
        let q = group.and_then(|g| self.questionnaires.get(&g));
        let texts: BTreeMap<String, String> = m
            .texts
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        let answers = m.answers.as_bytes();
        for id in columns {
            let found = q.and_then(|q| q.items.iter().enumerate().find(|(_, i)| &i.id == id));
            let cell = match found {
                Some((_, item)) if item.kind == ItemKind::Text => {
                    Cell::opt_text(texts.get(id).cloned())
                }
                Some((pos, item)) => answers
                    .get(pos)
                    .and_then(|b| b.checked_sub(b'0'))
                    .and_then(|code| item.option(code))
                    .map_or(Cell::Empty, |o| {
                        Cell::text(format!("{} {}", o.code, o.label))
                    }),
                None => Cell::Empty,
            };
            row.push(cell);
        }
        row
    }

    /// The page of responses after `after` (link id, response id) in link
    /// then id order (the order of the round's index: no sorting), up to
    /// response id `until`. Grouped by link, rows come school by school.
    pub(super) async fn page(
        &self,
        db: &DatabaseConnection,
        group: Option<RespondentGroup>,
        after: (i64, i64),
        until: i64,
    ) -> Result<Vec<response::Model>, DbErr> {
        use response::Column as C;
        let key = Expr::tuple([Expr::col(C::LinkId), Expr::col(C::Id)]);
        let mut q = response::Entity::find()
            .filter(C::RoundId.eq(self.round_id))
            .filter(key.gt(Expr::tuple([Expr::val(after.0), Expr::val(after.1)])))
            .filter(C::Id.lte(until));
        if let Some(g) = group {
            q = q.filter(C::RespondentGroup.eq(g.code()));
        }
        q.order_by_asc(C::LinkId)
            .order_by_asc(C::Id)
            .limit(PAGE)
            .all(db)
            .await
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
    let until = layout.last_id(db).await?;
    let mut after = (0, 0);
    loop {
        let rows = layout.page(db, group, after, until).await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = (last.link_id, last.id);
        let mut w = csv::Writer::from_writer(Vec::with_capacity(rows.len() * 128));
        for m in &rows {
            w.write_record(layout.row(m, &columns).iter().map(|c| c.csv().into_owned()))?;
        }
        if !sink.send(w.into_inner()?).await {
            return Ok(()); // the client went away
        }
    }
}
