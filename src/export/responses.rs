//! Raw responses, one row per response and one column per item (each cell
//! the option code and its label), as CSV (XLSX: `responses_xlsx`).
//! Responses are read a chunk of joined lines at a time, in id order, and
//! written out as they come.

use chrono::DateTime;
use poem::Body;
use sea_orm::DatabaseConnection;
use std::{collections::BTreeMap, sync::Arc};

use super::{
    cells::{BOM, Cell, beijing},
    stream::{self, Sink},
};
use crate::{
    domain::{
        collection::CollectionMode,
        group::RespondentGroup,
        questionnaire::{ItemKind, Questionnaire},
        report::SchoolInfo,
        submission::Validity,
    },
    error::AppError,
    store::{
        self,
        bulk::{self, Scope},
        reports::RoundData,
    },
};

/// Responses read per query (at most 8 chunks' text wait for the client).
const CHUNK_ROWS: i64 = 2000;

/// One stored response as an export reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Stored<'a> {
    pub id: i64,
    /// Seconds since 1970-01-01 UTC.
    pub submitted_at: i64,
    pub respondent_group: &'a str,
    pub school_id: Option<i64>,
    pub validity: Validity,
    /// Stored valid as a household member's answer on a phone that had
    /// already answered (同一设备的家庭成员).
    pub shared_device: bool,
    /// The language answered in (`zh`: as written).
    pub language: &'a str,
    /// The room session (机房答题) it was answered in, if any.
    pub room_session_id: Option<i64>,
    /// How it was collected (网上填写 / 纸质问卷 / 现场访谈).
    pub mode: CollectionMode,
    pub duration_ms: i64,
    pub recognised: i64,
    pub judged: i64,
    pub points: i64,
    pub answers: &'a str,
    /// Free-text answers as stored (a JSON object), if any.
    pub texts: Option<&'a str>,
}

impl<'a> Stored<'a> {
    /// The columns of a line: `store::responses::export_fields`.
    fn fields(backend: sea_orm::DbBackend) -> Vec<String> {
        store::responses::export_fields(backend)
    }

    fn parse(line: &'a str) -> Option<Self> {
        let mut f = line.splitn(15, ' ');
        let mut int = || f.next()?.parse::<i64>().ok();
        let (id, submitted_at) = (int()?, int()?);
        let respondent_group = f.next()?;
        let school_id = f.next()?.parse::<i64>().ok().filter(|id| *id != 0);
        let validity = Validity::from_code(f.next()?)?;
        let shared_device = match f.next()? {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        let language = f.next().filter(|l| !l.is_empty())?;
        let room_session_id = f.next()?.parse::<i64>().ok()?;
        let room_session_id = (room_session_id != 0).then_some(room_session_id);
        let mode = CollectionMode::from_code(f.next()?)?;
        let mut int = || f.next()?.parse::<i64>().ok();
        let (duration_ms, recognised, judged, points) = (int()?, int()?, int()?, int()?);
        let answers = f.next()?;
        let texts = f.next()?;
        Some(Self {
            id,
            submitted_at,
            respondent_group,
            school_id,
            validity,
            shared_device,
            language,
            room_session_id,
            mode,
            duration_ms,
            recognised,
            judged,
            points,
            answers,
            texts: (!texts.is_empty()).then_some(texts),
        })
    }
}

const FIXED: [&str; 16] = [
    "序号",
    "提交时间（北京时间）",
    "调查对象",
    "学校标识码",
    "学校名称",
    "所在地",
    "有效性",
    "有效性代码",
    "同一设备的家庭成员",
    "语言",
    "机房答题场次",
    "采集方式",
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
    round: bulk::RoundKey,
    pub(super) groups: Vec<RespondentGroup>,
    questionnaires: BTreeMap<RespondentGroup, Questionnaire>,
    schools: BTreeMap<i64, SchoolInfo>,
}

impl Layout {
    pub fn new(data: &RoundData) -> Self {
        Self {
            round: bulk::RoundKey::of(&data.detail.round),
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
    pub(super) fn row(&self, m: &Stored<'_>, plan: &RowPlan) -> Vec<Cell> {
        let group = RespondentGroup::from_code(m.respondent_group);
        let school = m.school_id.and_then(|id| plan.schools.get(&id));
        let mut row = Vec::with_capacity(FIXED.len() + 32);
        row.push(Cell::Int(m.id));
        let at = DateTime::from_timestamp(m.submitted_at, 0).unwrap_or_default();
        row.push(Cell::text(beijing(at)));
        row.push(Cell::text(
            group.map_or(m.respondent_group, |g| g.label_zh()),
        ));
        match school {
            Some(cells) => row.extend(cells.iter().cloned()),
            None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
        }
        row.extend([
            Cell::text(m.validity.label_zh()),
            Cell::text(m.validity.code()),
            Cell::text(if m.shared_device { "是" } else { "否" }),
            Cell::text(m.language),
            m.room_session_id.map_or(Cell::Empty, Cell::Int),
            Cell::text(m.mode.label_zh()),
            Cell::Num(m.duration_ms as f64 / 1000.0),
            Cell::Int(m.recognised),
            Cell::Int(m.judged),
            Cell::Int(m.points),
        ]);
        let Some(slots) = group.and_then(|g| plan.slots.get(&g)) else {
            return row;
        };
        let texts: BTreeMap<String, String> = m
            .texts
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

    /// The round's responses up to id `last` (of one group, if given),
    /// in id order, as chunks of lines; [`each_stored`] reads them.
    pub(super) fn chunks(
        &self,
        backend: sea_orm::DbBackend,
        group: Option<RespondentGroup>,
        last: i64,
    ) -> bulk::Chunks {
        bulk::Chunks {
            scope: Scope::Upto {
                round: self.round,
                last,
                group: group.map(|g| g.code()),
            },
            fields: Stored::fields(backend),
            ordered: true,
            rows: CHUNK_ROWS,
        }
    }

    /// The last response id of the round now: later responses are left out,
    /// so the export is one consistent set.
    pub(super) async fn last_id(&self, db: &DatabaseConnection) -> Result<i64, AppError> {
        store::responses::last_id(db, self.round).await
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
        crate::memory::release_freed();
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
    let last = layout.last_id(db).await?;
    let chunks = layout.chunks(db.get_database_backend(), group, last);
    let mut cursor = chunks.open(db).await?;
    loop {
        let mut w = csv::Writer::from_writer(Vec::with_capacity(CHUNK_ROWS as usize * 320));
        let more = cursor
            .step(|lines| {
                each_stored(lines, |m| {
                    for cell in layout.row(&m, &plan) {
                        w.write_field(cell.csv().as_bytes()).map_err(csv_failed)?;
                    }
                    w.write_record(None::<&[u8]>).map_err(csv_failed)
                })
            })
            .await?;
        let bytes = w.into_inner()?;
        if !bytes.is_empty() && !sink.send(bytes).await {
            return Ok(()); // the client went away
        }
        if !more {
            return Ok(());
        }
    }
}

/// Calls `f` for each response of a chunk's lines; returns how many.
pub(super) fn each_stored<F>(lines: &str, mut f: F) -> Result<i64, AppError>
where
    F: FnMut(Stored<'_>) -> Result<(), AppError>,
{
    let mut n = 0;
    for line in lines.split('\n') {
        let m = Stored::parse(line)
            .ok_or_else(|| AppError::Unexpected(format!("response unreadable: {line}")))?;
        f(m)?;
        n += 1;
    }
    Ok(n)
}

fn csv_failed(e: csv::Error) -> AppError {
    AppError::Unexpected(format!("CSV: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_read_field_by_field_with_the_texts_last() {
        let line = r#"42 1795967400 parent 0 too_fast 0 ug 9 interview 5000 3 4 17 1121t {"q9":"多 一些 活动"}"#;
        let m = Stored::parse(line).unwrap();
        assert_eq!((m.id, m.submitted_at), (42, 1_795_967_400));
        assert_eq!((m.respondent_group, m.school_id), ("parent", None));
        assert_eq!((m.validity, m.duration_ms), (Validity::TooFast, 5000));
        assert!(!m.shared_device);
        assert_eq!((m.language, m.room_session_id), ("ug", Some(9)));
        assert_eq!(m.mode, CollectionMode::Interview);
        assert_eq!((m.recognised, m.judged, m.points), (3, 4, 17));
        assert_eq!(m.answers, "1121t");
        assert_eq!(m.texts, Some(r#"{"q9":"多 一些 活动"}"#));
        let m = Stored::parse("7 1795967400 parent 12 valid 1 zh 0 paper 90000 1 1 5 1 ").unwrap();
        assert_eq!(
            (m.school_id, m.texts, m.shared_device),
            (Some(12), None, true)
        );
        assert_eq!(m.mode, CollectionMode::Paper);
        assert!(Stored::parse("7 1795967400 teacher 12 valid 0 zh 0 web 90000 1 1 5").is_none());
        assert!(Stored::parse("x 1795967400 teacher 12 valid 0 zh 0 web 90000 1 1 5 1 ").is_none());
        assert!(Stored::parse("7 1795967400 teacher 12 valid t zh 0 web 90000 1 1 5 1 ").is_none());
        assert!(Stored::parse("7 1795967400 teacher 12 valid 0 zh x web 90000 1 1 5 1 ").is_none());
        assert!(Stored::parse("7 1795967400 teacher 12 valid 0 zh 0 fax 90000 1 1 5 1 ").is_none());
    }
}
