//! Paper sheets, paper-entry settings and clerks' rounds. A sheet's serial
//! is claimed by the submission writer in the transaction that stores its
//! response (`claim_new`, `finalise`), so a serial counts at most once.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
    sea_query::{Expr, OnConflict, Query},
};

use crate::{
    admission::NewSheet,
    domain::client_id::ClientId,
    entities::{paper_clerk, paper_setting, paper_sheet},
    error::AppError,
    store::{scope::Rounds, tenancy},
};

/// Sheet states, as stored.
pub mod status {
    /// Entered once, counted (single entry).
    pub const SINGLE: &str = "single";
    /// First of two entries; waits for another clerk.
    pub const AWAITING_SECOND: &str = "awaiting_second";
    /// Both entries agreed; counted.
    pub const MATCHED: &str = "matched";
    /// The entries disagree; waits for a supervisor.
    pub const MISMATCH: &str = "mismatch";
    /// A supervisor settled the marks; counted.
    pub const RESOLVED: &str = "resolved";
}

/// A keyed paper sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub id: i64,
    pub round_id: i64,
    pub link_id: i64,
    pub serial: String,
    /// One of [`status`].
    pub status: String,
    pub first_marks: String,
    pub first_by: Option<i64>,
    pub second_marks: Option<String>,
    pub second_by: Option<i64>,
    pub final_marks: Option<String>,
    pub resolved_by: Option<i64>,
    /// The response it became; none until it counts.
    pub response_client_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub county_id: i64,
}

impl From<paper_sheet::Model> for Sheet {
    fn from(m: paper_sheet::Model) -> Self {
        Self {
            id: m.id,
            round_id: m.round_id,
            link_id: m.link_id,
            serial: m.serial,
            status: m.status,
            first_marks: m.first_marks,
            first_by: m.first_by,
            second_marks: m.second_marks,
            second_by: m.second_by,
            final_marks: m.final_marks,
            resolved_by: m.resolved_by,
            response_client_id: m.response_client_id,
            created_at: m.created_at,
            updated_at: m.updated_at,
            county_id: m.county_id,
        }
    }
}

/// Stores a sheet entered once with the response it becomes; false when
/// the round already has a sheet with this serial.
pub async fn claim_new(
    txn: &impl ConnectionTrait,
    sheet: &NewSheet,
    client_id: &ClientId,
) -> Result<bool, AppError> {
    use paper_sheet::Column as C;
    let now = Utc::now();
    let mut insert = Query::insert();
    insert
        .into_table(paper_sheet::Entity)
        .columns([
            C::CountyId,
            C::RoundId,
            C::LinkId,
            C::Serial,
            C::Status,
            C::FirstMarks,
            C::FirstBy,
            C::FinalMarks,
            C::ResponseClientId,
            C::CreatedAt,
            C::UpdatedAt,
        ])
        .values([
            sheet.county_id.into(),
            sheet.round_id.into(),
            sheet.link_id.into(),
            sheet.serial.clone().into(),
            status::SINGLE.into(),
            sheet.marks.clone().into(),
            sheet.entered_by.into(),
            sheet.marks.clone().into(),
            client_id.as_str().into(),
            now.into(),
            now.into(),
        ])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(serial_taken(txn.get_database_backend()));
    Ok(txn.execute(&insert).await?.rows_affected() == 1)
}

/// A sheet whose serial the round already holds is not stored again (the
/// key as the backend holds it: `tenancy::conflict_target`).
fn serial_taken(backend: sea_orm::DbBackend) -> OnConflict {
    use paper_sheet::Column as C;
    OnConflict::columns(tenancy::conflict_target(
        backend,
        &[C::RoundId, C::Serial],
        C::CountyId,
    ))
    .do_nothing()
    .to_owned()
}

/// Gives a stored sheet (of a round in `county`) its response; false when
/// it already has one.
pub async fn finalise(
    txn: &impl ConnectionTrait,
    county: i64,
    sheet_id: i64,
    state: &str,
    client_id: &ClientId,
) -> Result<bool, AppError> {
    use paper_sheet::Column as C;
    let done = paper_sheet::Entity::update_many()
        .col_expr(C::ResponseClientId, Expr::value(client_id.as_str()))
        .col_expr(C::Status, Expr::value(state))
        .col_expr(C::UpdatedAt, Expr::value(Utc::now()))
        .filter(C::Id.eq(sheet_id))
        .filter(C::CountyId.eq(county))
        .filter(C::ResponseClientId.is_null())
        .exec(txn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// The sheet with this serial in the round (one round, read back), if any.
pub async fn find(
    db: &impl ConnectionTrait,
    round: &Rounds,
    serial: &str,
) -> Result<Option<Sheet>, AppError> {
    Ok(paper_sheet::Entity::find()
        .filter(round.on(paper_sheet::Column::RoundId, paper_sheet::Column::CountyId))
        .filter(paper_sheet::Column::Serial.eq(serial))
        .one(db)
        .await?
        .map(Into::into))
}

/// A sheet of the round (one round, read back) by id.
pub async fn get(db: &impl ConnectionTrait, round: &Rounds, id: i64) -> Result<Sheet, AppError> {
    paper_sheet::Entity::find_by_id(id)
        .filter(round.on(paper_sheet::Column::RoundId, paper_sheet::Column::CountyId))
        .one(db)
        .await?
        .map(Into::into)
        .ok_or_else(|| AppError::not_found("本轮没有这张纸质问卷"))
}

/// Stores the first of two entries; false when the serial is taken.
pub async fn insert_first(db: &impl ConnectionTrait, sheet: &NewSheet) -> Result<bool, AppError> {
    use paper_sheet::Column as C;
    let now = Utc::now();
    let mut insert = Query::insert();
    insert
        .into_table(paper_sheet::Entity)
        .columns([
            C::CountyId,
            C::RoundId,
            C::LinkId,
            C::Serial,
            C::Status,
            C::FirstMarks,
            C::FirstBy,
            C::CreatedAt,
            C::UpdatedAt,
        ])
        .values([
            sheet.county_id.into(),
            sheet.round_id.into(),
            sheet.link_id.into(),
            sheet.serial.clone().into(),
            status::AWAITING_SECOND.into(),
            sheet.marks.clone().into(),
            sheet.entered_by.into(),
            now.into(),
            now.into(),
        ])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(serial_taken(db.get_database_backend()));
    Ok(db.execute(&insert).await?.rows_affected() == 1)
}

/// Records a second entry (and, when it settles the sheet, the marks that
/// count); false when another second entry came first.
pub async fn set_second(
    db: &impl ConnectionTrait,
    sheet_id: i64,
    marks: &str,
    by: i64,
    state: &str,
) -> Result<bool, AppError> {
    use paper_sheet::Column as C;
    let done = paper_sheet::Entity::update_many()
        .col_expr(C::SecondMarks, Expr::value(marks))
        .col_expr(C::SecondBy, Expr::value(by))
        .col_expr(C::Status, Expr::value(state))
        .col_expr(C::UpdatedAt, Expr::value(Utc::now()))
        .filter(C::Id.eq(sheet_id))
        .filter(C::Status.eq(status::AWAITING_SECOND))
        .filter(C::SecondMarks.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Records the marks that count and who settled them (before the writer
/// gives the sheet its response).
pub async fn set_final(
    db: &impl ConnectionTrait,
    sheet_id: i64,
    marks: &str,
    resolved_by: Option<i64>,
) -> Result<(), AppError> {
    use paper_sheet::Column as C;
    paper_sheet::Entity::update_many()
        .col_expr(C::FinalMarks, Expr::value(marks))
        .col_expr(C::ResolvedBy, Expr::value(resolved_by))
        .col_expr(C::UpdatedAt, Expr::value(Utc::now()))
        .filter(C::Id.eq(sheet_id))
        .filter(C::ResponseClientId.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The round's sheets in a state (all when `None`), oldest first.
pub async fn list(
    db: &impl ConnectionTrait,
    round: &Rounds,
    state: Option<&str>,
) -> Result<Vec<Sheet>, AppError> {
    let mut q = paper_sheet::Entity::find()
        .filter(round.on(paper_sheet::Column::RoundId, paper_sheet::Column::CountyId))
        .order_by_asc(paper_sheet::Column::Id);
    if let Some(s) = state {
        q = q.filter(paper_sheet::Column::Status.eq(s));
    }
    Ok(q.limit(5000)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Sheets of a round by state: (state, count).
pub async fn counts(
    db: &impl ConnectionTrait,
    round: &crate::domain::round::Round,
) -> Result<Vec<(String, i64)>, AppError> {
    Ok(counts_many(db, &super::scope::Rounds::one(round))
        .await?
        .remove(&round.id)
        .unwrap_or_default())
}

/// Sheets of several rounds by state, by round (one query).
pub async fn counts_many(
    db: &impl ConnectionTrait,
    rounds: &super::scope::Rounds,
) -> Result<std::collections::HashMap<i64, Vec<(String, i64)>>, AppError> {
    use paper_sheet::Column as C;
    use sea_orm::sea_query::ExprTrait;
    let rows: Vec<(i64, String, i64)> = paper_sheet::Entity::find()
        .select_only()
        .column(C::RoundId)
        .column(C::Status)
        .column_as(Expr::col(C::Id).count(), "n")
        .filter(rounds.on(C::RoundId, C::CountyId))
        .group_by(C::RoundId)
        .group_by(C::Status)
        .into_tuple()
        .all(db)
        .await?;
    let mut out: std::collections::HashMap<i64, Vec<(String, i64)>> =
        std::collections::HashMap::new();
    for (round_id, status, n) in rows {
        out.entry(round_id).or_default().push((status, n));
    }
    Ok(out)
}

/// Whether the round's sheets are keyed twice (`round`: one round, read
/// back).
pub async fn double_entry(db: &impl ConnectionTrait, round: &Rounds) -> Result<bool, AppError> {
    Ok(paper_setting::Entity::find()
        .filter(round.on(
            paper_setting::Column::RoundId,
            paper_setting::Column::CountyId,
        ))
        .one(db)
        .await?
        .is_some_and(|s| s.double_entry))
}

/// Sets whether the round's sheets are keyed twice.
pub async fn set_double_entry(
    db: &impl ConnectionTrait,
    round: &Rounds,
    on: bool,
) -> Result<(), AppError> {
    use paper_setting::Column as C;
    let (round_id, county_id) = (round.one_id()?, round.county()?);
    paper_setting::Entity::insert(paper_setting::ActiveModel {
        round_id: Set(round_id),
        double_entry: Set(on),
        county_id: Set(county_id),
    })
    .on_conflict(
        OnConflict::columns(tenancy::conflict_target(
            db.get_database_backend(),
            &[C::RoundId],
            C::CountyId,
        ))
        .update_column(C::DoubleEntry)
        .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Whether the clerk may key the round's sheets.
pub async fn clerk_may_enter(
    db: &impl ConnectionTrait,
    account_id: i64,
    round_id: i64,
) -> Result<bool, AppError> {
    Ok(paper_clerk::Entity::find_by_id((account_id, round_id))
        .one(db)
        .await?
        .is_some())
}

/// The rounds a clerk may key.
pub async fn rounds_of_clerk(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(paper_clerk::Entity::find()
        .filter(paper_clerk::Column::AccountId.eq(account_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.round_id)
        .collect())
}

/// Replaces the clerks of a round (one round, read back).
pub async fn set_clerks(
    db: &impl ConnectionTrait,
    round: &Rounds,
    account_ids: &[i64],
) -> Result<(), AppError> {
    let (round_id, county_id) = (round.one_id()?, round.county()?);
    paper_clerk::Entity::delete_many()
        .filter(round.on(paper_clerk::Column::RoundId, paper_clerk::Column::CountyId))
        .exec(db)
        .await?;
    for id in account_ids {
        paper_clerk::ActiveModel {
            account_id: Set(*id),
            round_id: Set(round_id),
            county_id: Set(county_id),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}
