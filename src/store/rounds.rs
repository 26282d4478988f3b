//! Survey rounds: creation with questionnaires copied from the templates,
//! edits while draft, the freeze at opening, and closing.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Unchanged, ColumnTrait, ConnectionTrait, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionSession, TransactionTrait,
    sea_query::Expr,
};
use std::collections::{BTreeMap, BTreeSet};

use crate::error::ErrorCode;
use crate::{
    domain::{
        group::RespondentGroup,
        questionnaire::Questionnaire,
        round::{DuplicatePolicy, Purpose, Round, RoundStatus, ScoringRule, validate_window},
        scales,
    },
    entities::{
        round, round_language, round_questionnaire, round_school, round_translation, school,
    },
    error::AppError,
    store::{links, scope::Rounds},
};

/// Everything an organiser sets on a round.
#[derive(Debug, Clone)]
pub struct RoundSpec {
    pub name: String,
    pub purpose: Purpose,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub groups: Vec<RespondentGroup>,
    /// `None`: every school in the county.
    pub school_ids: Option<Vec<i64>>,
    pub scoring_rule: ScoringRule,
    pub min_answer_seconds: i32,
    pub duplicate_policy: DuplicatePolicy,
    /// Most answers from one device on one link, the first included.
    pub shared_device_limit: i32,
}

impl From<round::Model> for Round {
    /// Codes this build does not know (a newer build's) read as they always
    /// have: 县级自评, closed, the "flag" policy, and an unreadable rule as
    /// the default one.
    fn from(r: round::Model) -> Self {
        Self {
            scoring_rule: rule_of(&r),
            id: r.id,
            purpose: Purpose::from_code(&r.purpose).unwrap_or(Purpose::SelfAssessment),
            status: RoundStatus::from_code(&r.status).unwrap_or(RoundStatus::Closed),
            duplicate_policy: DuplicatePolicy::from_code(&r.duplicate_policy)
                .unwrap_or(DuplicatePolicy::Flag),
            name: r.name,
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            min_answer_seconds: r.min_answer_seconds,
            shared_device_limit: r.shared_device_limit,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            opened_at: r.opened_at,
            closed_at: r.closed_at,
            county_id: r.county_id,
            assessment_id: r.assessment_id,
        }
    }
}

/// A round with the groups and schools taking part.
#[derive(Debug, Clone)]
pub struct RoundDetail {
    pub round: Round,
    pub groups: Vec<RespondentGroup>,
    pub school_ids: Vec<i64>,
}

impl RoundDetail {
    pub fn status(&self) -> RoundStatus {
        self.round.status
    }
    pub fn scoring_rule(&self) -> ScoringRule {
        self.round.scoring_rule.clone()
    }
}

/// A round's frozen scoring rule (an unreadable one reads as the default).
pub fn rule_of(round: &round::Model) -> ScoringRule {
    serde_json::from_str(&round.scoring_rule).unwrap_or_default()
}

fn check_spec(spec: &RoundSpec) -> Result<(), AppError> {
    let name = spec.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(AppError::invalid_field("name", "轮次名称须为1到200个字"));
    }
    validate_window(spec.opens_at, spec.closes_at)
        .map_err(|m| AppError::invalid_field("closes_at", m))?;
    if spec.groups.is_empty() {
        return Err(AppError::invalid_field("groups", "请至少选择一类调查对象"));
    }
    spec.scoring_rule
        .validate(&spec.groups)
        .map_err(|m| AppError::invalid_field("scoring_rule", m))?;
    if !(0..=3600).contains(&spec.min_answer_seconds) {
        return Err(AppError::invalid_field(
            "min_answer_seconds",
            "最短答题时间须在0到3600秒之间",
        ));
    }
    if !(0..=10).contains(&spec.shared_device_limit) {
        return Err(AppError::invalid_field(
            "shared_device_limit",
            "同一设备可提交的份数须在0到10之间",
        ));
    }
    Ok(())
}

/// The round's schools: those asked for, or every school of its county;
/// another county's school is as unknown as a missing one.
async fn resolve_schools(
    db: &impl ConnectionTrait,
    county: i64,
    ids: &Option<Vec<i64>>,
) -> Result<Vec<i64>, AppError> {
    let all: Vec<i64> = school::Entity::find()
        .filter(school::Column::CountyId.eq(county))
        .order_by_asc(school::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    match ids {
        None => Ok(all),
        Some(ids) => {
            let wanted: BTreeSet<i64> = ids.iter().copied().collect();
            if let Some(bad) = wanted.iter().find(|id| !all.contains(id)) {
                return Err(AppError::invalid_field(
                    "school_ids",
                    format!("学校{bad}不存在"),
                ));
            }
            Ok(wanted.into_iter().collect())
        }
    }
}

pub async fn get(db: &impl ConnectionTrait, id: i64) -> Result<RoundDetail, AppError> {
    get_many(db, &[id])
        .await?
        .pop()
        .ok_or_else(|| AppError::not_found("测评轮次不存在"))
}

/// Rounds with their groups and schools, in the order of `ids`, in three
/// queries whatever their number (a comparison's counties); ids that are
/// no round are left out.
pub async fn get_many(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<RoundDetail>, AppError> {
    use sea_orm::QuerySelect;
    let mut rounds: BTreeMap<i64, round::Model> = round::Entity::find()
        .filter(round::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let scoped = Rounds::new(rounds.values().map(|r| (r.id, r.county_id)));
    let mut groups: BTreeMap<i64, BTreeSet<RespondentGroup>> = BTreeMap::new();
    let rows: Vec<(i64, String)> = round_questionnaire::Entity::find()
        .select_only()
        .columns([
            round_questionnaire::Column::RoundId,
            round_questionnaire::Column::RespondentGroup,
        ])
        .filter(scoped.on(
            round_questionnaire::Column::RoundId,
            round_questionnaire::Column::CountyId,
        ))
        .into_tuple()
        .all(db)
        .await?;
    for (round_id, code) in rows {
        if let Some(g) = RespondentGroup::from_code(&code) {
            groups.entry(round_id).or_default().insert(g);
        }
    }
    let mut schools: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let rows: Vec<(i64, i64)> = round_school::Entity::find()
        .select_only()
        .columns([
            round_school::Column::RoundId,
            round_school::Column::SchoolId,
        ])
        .filter(scoped.on(
            round_school::Column::RoundId,
            round_school::Column::CountyId,
        ))
        .into_tuple()
        .all(db)
        .await?;
    for (round_id, school_id) in rows {
        schools.entry(round_id).or_default().push(school_id);
    }
    Ok(ids
        .iter()
        .filter_map(|id| {
            let round = rounds.remove(id)?;
            Some(RoundDetail {
                round: round.into(),
                groups: groups.remove(id).unwrap_or_default().into_iter().collect(),
                school_ids: schools.remove(id).unwrap_or_default(),
            })
        })
        .collect())
}

/// The rounds of the scope's counties, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    scope: &super::scope::Scope,
) -> Result<Vec<Round>, AppError> {
    Ok(
        super::scope::filter(scope, round::Entity::find(), round::Column::CountyId)
            .order_by_desc(round::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    )
}

/// The latest round of each county that has opened (a draft is not
/// compared), optionally of one purpose: county id → round.
pub async fn latest_opened_by_county(
    db: &impl ConnectionTrait,
    counties: &[i64],
    purpose: Option<&str>,
) -> Result<BTreeMap<i64, Round>, AppError> {
    let mut q = round::Entity::find()
        .filter(round::Column::CountyId.is_in(counties.to_vec()))
        .filter(round::Column::Status.ne(RoundStatus::Draft.code()));
    if let Some(p) = purpose {
        q = q.filter(round::Column::Purpose.eq(p));
    }
    let mut out = BTreeMap::new();
    for r in q.order_by_asc(round::Column::Id).all(db).await? {
        out.insert(r.county_id, r.into());
    }
    Ok(out)
}

/// How many rounds there are.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    Ok(round::Entity::find().count(db).await?)
}

/// Whether a round has this name.
pub async fn exists_named(db: &impl ConnectionTrait, name: &str) -> Result<bool, AppError> {
    Ok(round::Entity::find()
        .filter(round::Column::Name.eq(name))
        .one(db)
        .await?
        .is_some())
}

fn apply(m: &mut round::ActiveModel, spec: &RoundSpec) -> Result<(), AppError> {
    m.name = Set(spec.name.trim().to_string());
    m.purpose = Set(spec.purpose.code().to_string());
    m.opens_at = Set(spec.opens_at);
    m.closes_at = Set(spec.closes_at);
    m.scoring_rule = Set(serde_json::to_string(&spec.scoring_rule)
        .map_err(|e| AppError::Unexpected(e.to_string()))?);
    m.min_answer_seconds = Set(spec.min_answer_seconds);
    m.duplicate_policy = Set(spec.duplicate_policy.code().to_string());
    m.shared_device_limit = Set(spec.shared_device_limit);
    m.updated_at = Set(Utc::now());
    Ok(())
}

/// Makes the round's questionnaires and schools match the spec: new groups
/// get a copy of their template, dropped groups lose theirs.
/// A questionnaire kept from before gets the rule's scale and reading when
/// either changed (`previous`: the rule the draft had).
async fn sync_parts(
    txn: &impl ConnectionTrait,
    round: &Rounds,
    groups: &[RespondentGroup],
    school_ids: &[i64],
    rule: &ScoringRule,
    previous: Option<&ScoringRule>,
) -> Result<(), AppError> {
    let (round_id, county_id) = (round.one_id()?, round.county()?);
    let questionnaires = || {
        round.on(
            round_questionnaire::Column::RoundId,
            round_questionnaire::Column::CountyId,
        )
    };
    let schools = || {
        round.on(
            round_school::Column::RoundId,
            round_school::Column::CountyId,
        )
    };
    let rows = round_questionnaire::Entity::find()
        .filter(questionnaires())
        .all(txn)
        .await?;
    let rescale = previous.is_some_and(|p| (p.scale, p.reading) != (rule.scale, rule.reading));
    let mut existing = Vec::new();
    for row in rows {
        if rescale && groups.iter().any(|g| g.code() == row.respondent_group) {
            let mut q: Questionnaire = serde_json::from_str(&row.content).map_err(|e| {
                AppError::Unexpected(format!("stored questionnaire unreadable: {e}"))
            })?;
            scales::conform(&mut q, rule);
            let content =
                serde_json::to_string(&q).map_err(|e| AppError::Unexpected(e.to_string()))?;
            let mut m: round_questionnaire::ActiveModel = row.clone().into();
            m.content = Set(content);
            m.update(txn).await?;
        }
        existing.push(row.respondent_group);
    }
    let wanted: Vec<&str> = groups.iter().map(|g| g.code()).collect();
    round_questionnaire::Entity::delete_many()
        .filter(questionnaires())
        .filter(round_questionnaire::Column::RespondentGroup.is_not_in(wanted.clone()))
        .exec(txn)
        .await?;
    for g in groups {
        if !existing.iter().any(|e| e == g.code()) {
            let content = serde_json::to_string(&scales::questionnaire(*g, rule))
                .map_err(|e| AppError::Unexpected(e.to_string()))?;
            round_questionnaire::ActiveModel {
                round_id: Set(round_id),
                respondent_group: Set(g.code().to_string()),
                content: Set(content),
                county_id: Set(county_id),
            }
            .insert(txn)
            .await?;
        }
    }
    round_school::Entity::delete_many()
        .filter(schools())
        .exec(txn)
        .await?;
    for id in school_ids {
        round_school::ActiveModel {
            round_id: Set(round_id),
            school_id: Set(*id),
            county_id: Set(county_id),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    links::sync(txn, round, groups, school_ids).await
}

/// A draft round of `county`.
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    county: i64,
    spec: &RoundSpec,
    created_by: i64,
) -> Result<RoundDetail, AppError> {
    check_spec(spec)?;
    let school_ids = resolve_schools(db, county, &spec.school_ids).await?;
    let txn = db.begin().await?;
    let now = Utc::now();
    let mut m = round::ActiveModel {
        status: Set(RoundStatus::Draft.code().to_string()),
        created_by: Set(Some(created_by)),
        county_id: Set(county),
        created_at: Set(now),
        opened_at: Set(None),
        closed_at: Set(None),
        ..Default::default()
    };
    apply(&mut m, spec)?;
    let saved = m.insert(&txn).await?;
    sync_parts(
        &txn,
        &Rounds::new([(saved.id, saved.county_id)]),
        &spec.groups,
        &school_ids,
        &spec.scoring_rule,
        None,
    )
    .await?;
    txn.commit().await?;
    get(db, saved.id).await
}

fn require_draft(detail: &RoundDetail) -> Result<(), AppError> {
    if detail.status() != RoundStatus::Draft {
        return Err(frozen());
    }
    Ok(())
}

fn frozen() -> AppError {
    AppError::conflict(
        ErrorCode::RoundFrozen,
        "测评轮次已开启，问卷和设置已冻结，不能再修改",
    )
}

/// The first statement of every edit of a draft: it touches the round's row
/// only while the round is still a draft, so an edit and the opening are
/// serialised by the row (PostgreSQL) or the write lock (SQLite), and an
/// edit that comes after the opening changes nothing and is refused.
pub(super) async fn claim_draft(txn: &impl ConnectionTrait, id: i64) -> Result<(), AppError> {
    let claimed = round::Entity::update_many()
        .col_expr(round::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(round::Column::Id.eq(id))
        .filter(round::Column::Status.eq(RoundStatus::Draft.code()))
        .exec(txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(frozen());
    }
    Ok(())
}

pub async fn update(
    db: &(impl ConnectionTrait + TransactionTrait),
    id: i64,
    spec: &RoundSpec,
) -> Result<RoundDetail, AppError> {
    let detail = get(db, id).await?;
    require_draft(&detail)?;
    check_spec(spec)?;
    let county = detail.round.county_id;
    let school_ids = resolve_schools(db, county, &spec.school_ids).await?;
    let txn = db.begin().await?;
    claim_draft(&txn, id).await?;
    let previous = detail.scoring_rule();
    let mut spec = spec.clone();
    if (previous.scale, previous.reading) == (spec.scoring_rule.scale, spec.scoring_rule.reading) {
        // The questionnaires keep their points, so the full marks stay.
        spec.scoring_rule.full_points = previous.full_points;
    }
    let spec = &spec;
    let mut m = round::ActiveModel {
        id: Unchanged(id),
        ..Default::default()
    };
    apply(&mut m, spec)?;
    m.update(&txn).await?;
    sync_parts(
        &txn,
        &Rounds::one(&detail.round),
        &spec.groups,
        &school_ids,
        &spec.scoring_rule,
        Some(&previous),
    )
    .await?;
    txn.commit().await?;
    get(db, id).await
}

/// One group's questionnaire of a round (`round`: one round, read back).
pub async fn questionnaire(
    db: &impl ConnectionTrait,
    round: &Rounds,
    group: RespondentGroup,
) -> Result<Questionnaire, AppError> {
    let row = round_questionnaire::Entity::find_by_id((round.one_id()?, group.code().to_string()))
        .filter(round.in_counties(round_questionnaire::Column::CountyId))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("本轮没有“{}”问卷", group.label_zh())))?;
    serde_json::from_str(&row.content)
        .map_err(|e| AppError::Unexpected(format!("stored questionnaire unreadable: {e}")))
}

/// The frozen questionnaires of several rounds, by round and group (one
/// query; an identical text shared by many rounds — a round run from above
/// — is parsed once).
pub async fn questionnaires_many(
    db: &impl ConnectionTrait,
    rounds: &Rounds,
) -> Result<std::collections::HashMap<i64, BTreeMap<RespondentGroup, Questionnaire>>, AppError> {
    let mut parsed: std::collections::HashMap<String, Questionnaire> =
        std::collections::HashMap::new();
    let mut out: std::collections::HashMap<i64, BTreeMap<RespondentGroup, Questionnaire>> =
        std::collections::HashMap::new();
    for row in round_questionnaire::Entity::find()
        .filter(rounds.on(
            round_questionnaire::Column::RoundId,
            round_questionnaire::Column::CountyId,
        ))
        .all(db)
        .await?
    {
        let Some(group) = RespondentGroup::from_code(&row.respondent_group) else {
            continue;
        };
        let q = match parsed.get(&row.content) {
            Some(q) => q.clone(),
            None => {
                let q: Questionnaire = serde_json::from_str(&row.content).map_err(|e| {
                    AppError::Unexpected(format!("stored questionnaire unreadable: {e}"))
                })?;
                parsed.insert(row.content, q.clone());
                q
            }
        };
        out.entry(row.round_id).or_default().insert(group, q);
    }
    Ok(out)
}

pub async fn put_questionnaire(
    db: &(impl ConnectionTrait + TransactionTrait),
    round_id: i64,
    group: RespondentGroup,
    q: &Questionnaire,
) -> Result<(), AppError> {
    let detail = get(db, round_id).await?;
    require_draft(&detail)?;
    let round = Rounds::one(&detail.round);
    questionnaire(db, &round, group).await?;
    q.validate()
        .map_err(|errs| AppError::with_details("问卷有误，请修改后再保存", errs))?;
    let content = serde_json::to_string(q).map_err(|e| AppError::Unexpected(e.to_string()))?;
    let txn = db.begin().await?;
    claim_draft(&txn, round_id).await?;
    round_questionnaire::Entity::update_many()
        .col_expr(round_questionnaire::Column::Content, Expr::value(content))
        .filter(round.on(
            round_questionnaire::Column::RoundId,
            round_questionnaire::Column::CountyId,
        ))
        .filter(round_questionnaire::Column::RespondentGroup.eq(group.code()))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Draft → open, in one transaction: the status changes first (only while
/// still a draft, which also waits out or shuts out a concurrent edit), then
/// the round is checked as it now stands and what reports need of each
/// school is copied beside it. From now on nothing about the round changes.
pub async fn open(
    db: &(impl ConnectionTrait + TransactionTrait),
    id: i64,
) -> Result<RoundDetail, AppError> {
    let txn = db.begin().await?;
    let now = Utc::now();
    let claimed = round::Entity::update_many()
        .col_expr(round::Column::Status, Expr::value(RoundStatus::Open.code()))
        .col_expr(round::Column::OpenedAt, Expr::value(Some(now)))
        .col_expr(round::Column::UpdatedAt, Expr::value(now))
        .filter(round::Column::Id.eq(id))
        .filter(round::Column::Status.eq(RoundStatus::Draft.code()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        drop(txn);
        return Err(match get(db, id).await?.status() {
            RoundStatus::Closed => {
                AppError::conflict(ErrorCode::RoundClosed, "测评轮次已结束，不能再开启")
            }
            _ => AppError::conflict(ErrorCode::RoundAlreadyOpen, "测评轮次已经开启"),
        });
    }
    let detail = get(&txn, id).await?;
    if detail.round.closes_at <= now {
        return Err(AppError::conflict(
            ErrorCode::RoundWindowPassed,
            "结束时间已过，请先修改调查时间再开启",
        ));
    }
    if detail.groups.iter().any(|g| g.is_school_bound()) && detail.school_ids.is_empty() {
        return Err(AppError::conflict(
            ErrorCode::RoundWithoutSchools,
            "本轮没有参加的学校，不能开启",
        ));
    }
    let rule = detail.scoring_rule();
    let round = Rounds::one(&detail.round);
    for g in &detail.groups {
        let q = questionnaire(&txn, &round, *g).await?;
        let mut errs = q.validate().err().unwrap_or_default();
        if q.scored_items()
            .flat_map(|i| &i.options)
            .any(|o| o.points.is_some_and(|p| p > rule.full_points))
        {
            errs.push(format!(
                "选项分值不能高于本轮量表的满分{}分",
                rule.full_points
            ));
        }
        if !errs.is_empty() {
            return Err(AppError::with_details(
                format!("“{}”问卷有误，不能开启", g.label_zh()),
                errs,
            ));
        }
    }
    snapshot_schools(&txn, &round).await?;
    txn.commit().await?;
    get(db, id).await
}

/// Copies each school's name, code, kind, location, enrolment and teachers
/// into the round (the same assignments as migrations m20261202_600001 and
/// m20261203_mp0001 made for rounds opened before them).
async fn snapshot_schools(txn: &impl ConnectionTrait, round: &Rounds) -> Result<(), AppError> {
    // Joined by county too: a school and the round's row of it are kept
    // together when the tables are distributed by county.
    let of_school = |col: &str| {
        Expr::cust(format!(
            "(SELECT {col} FROM schools WHERE schools.id = round_schools.school_id \
             AND schools.county_id = round_schools.county_id)"
        ))
    };
    round_school::Entity::update_many()
        .col_expr(round_school::Column::SchoolCode, of_school("code"))
        .col_expr(round_school::Column::SchoolName, of_school("name"))
        .col_expr(round_school::Column::SchoolKind, of_school("kind"))
        .col_expr(round_school::Column::Location, of_school("location"))
        .col_expr(
            round_school::Column::PrimaryStudents,
            of_school("primary_students"),
        )
        .col_expr(
            round_school::Column::JuniorStudents,
            of_school("junior_students"),
        )
        .col_expr(round_school::Column::Teachers, of_school("teachers"))
        .filter(round.on(
            round_school::Column::RoundId,
            round_school::Column::CountyId,
        ))
        .exec(txn)
        .await?;
    Ok(())
}

/// Open → closed. Responses are no longer accepted.
pub async fn close(db: &impl ConnectionTrait, id: i64) -> Result<RoundDetail, AppError> {
    let detail = get(db, id).await?;
    match detail.status() {
        RoundStatus::Open => {}
        RoundStatus::Draft => {
            return Err(AppError::conflict(
                ErrorCode::RoundNotOpen,
                "测评轮次尚未开启",
            ));
        }
        RoundStatus::Closed => {
            return Err(AppError::conflict(
                ErrorCode::RoundClosed,
                "测评轮次已经结束",
            ));
        }
    }
    let mut m = round::ActiveModel {
        id: Unchanged(id),
        ..Default::default()
    };
    let now = Utc::now();
    m.status = Set(RoundStatus::Closed.code().to_string());
    m.closed_at = Set(Some(now));
    m.updated_at = Set(now);
    m.update(db).await?;
    // No response can follow, so which devices answered is no longer needed.
    super::devices::forget_round(db, &detail.round).await?;
    get(db, id).await
}

/// Drafts may be deleted; opened rounds are kept for the record.
pub async fn delete_draft(
    db: &(impl ConnectionTrait + TransactionTrait),
    id: i64,
) -> Result<(), AppError> {
    let detail = get(db, id).await?;
    if detail.status() != RoundStatus::Draft {
        return Err(AppError::conflict(
            ErrorCode::RoundFrozen,
            "只能删除草稿状态的测评轮次",
        ));
    }
    let round = Rounds::one(&detail.round);
    let txn = db.begin().await?;
    links::sync(&txn, &round, &[], &[]).await?;
    round_school::Entity::delete_many()
        .filter(round.on(
            round_school::Column::RoundId,
            round_school::Column::CountyId,
        ))
        .exec(&txn)
        .await?;
    round_questionnaire::Entity::delete_many()
        .filter(round.on(
            round_questionnaire::Column::RoundId,
            round_questionnaire::Column::CountyId,
        ))
        .exec(&txn)
        .await?;
    round_translation::Entity::delete_many()
        .filter(round.on(
            round_translation::Column::RoundId,
            round_translation::Column::CountyId,
        ))
        .exec(&txn)
        .await?;
    round_language::Entity::delete_many()
        .filter(round.on(
            round_language::Column::RoundId,
            round_language::Column::CountyId,
        ))
        .exec(&txn)
        .await?;
    round::Entity::delete_by_id(id).exec(&txn).await?;
    txn.commit().await?;
    Ok(())
}
