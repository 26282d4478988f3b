//! `renke demo`: fills the configured database with a demo county (26
//! schools), an open self-assessment round with all seven groups, and a few
//! thousand synthetic responses written through the real submission writer;
//! then creates (or resets) the organiser account `demo` and prints how to
//! log in. Run again, it only resets that password; it refuses to touch a
//! database that holds anything else.

mod checklist;
mod county;
mod readiness;
mod responses;

use chrono::{Duration, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use rand::SeedableRng;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;

use crate::{
    config::Settings,
    credentials::{Role, random_password},
    domain::{
        group::RespondentGroup,
        round::{DuplicatePolicy, Formula, Purpose, Reading, Scale, ScoringRule},
        school::School,
    },
    store::db,
    store::{self, rounds::RoundSpec},
    writer::{Outcome, SubmissionWriter},
};
use responses::{RoundFacts, Source};

/// The demo round's name; its presence means the demo already ran.
pub const ROUND_NAME: &str = "2026年县级自评（演示）";
/// The organiser account the demo prints.
pub const ACCOUNT: &str = "demo";

/// Runs `renke demo` against the configured database and prints the login.
pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let conn = db::connect(settings).await?;
    db::migrate(&conn).await?;
    let existing = store::rounds::exists_named(&conn, ROUND_NAME).await?;
    if !existing {
        refuse_if_not_empty(&conn).await?;
    }
    // Like the server's first start: an empty database gets `admin` too.
    let admin_password = crate::startup::bootstrap_admin(&conn).await?;
    let (account_id, password) = demo_account(&conn).await?;
    if existing {
        println!(
            "演示数据已存在（测评轮次“{ROUND_NAME}”），未重复写入；已为 {ACCOUNT} 设置新密码。"
        );
    } else {
        let started = std::time::Instant::now();
        let summary = fill(&conn, account_id).await?;
        println!(
            "已写入演示数据（用时 {:.1} 秒）：{}，学校 {} 所，测评轮次“{ROUND_NAME}”已开启（7类调查对象），\
             答卷 {} 份，其中过快作答（无效）{} 份、同一学校短时间内完全相同的答卷 {} 份。",
            started.elapsed().as_secs_f64(),
            county::NAME,
            summary.schools,
            summary.responses,
            summary.too_fast,
            summary.coached,
        );
    }
    if !existing {
        println!(
            "资源配置（迎检准备）：已写入{}学年各校数据，其中2所学校未达到要求、1项差异系数超过上限。",
            readiness::YEAR
        );
    }
    if let Some(p) = admin_password {
        println!("已创建系统管理员 admin，密码：{p}（只显示这一次）");
    }
    println!(
        "\n启动服务：cargo run --release（或 renke）\n打开：http://{}/\n用户名：{ACCOUNT}\n密码：{password}\n",
        settings.bind
    );
    Ok(())
}

/// The demo never mixes with real data.
async fn refuse_if_not_empty(conn: &DatabaseConnection) -> anyhow::Result<()> {
    let schools = store::schools::count(conn).await?;
    let rounds = store::rounds::count(conn).await?;
    let county = store::county::get(conn, store::county::FIRST).await?;
    if schools > 0 || rounds > 0 || county.is_some() {
        anyhow::bail!(
            "数据库中已有数据（学校 {schools} 所，测评轮次 {rounds} 个{}），演示数据只写入空数据库。\
             请换一个数据库，例如：renke demo --database-url sqlite://data/demo.db\n\
             (the database already holds data; `renke demo` only fills an empty one)",
            if county.is_some() {
                "，已填写县情"
            } else {
                ""
            }
        );
    }
    Ok(())
}

struct Summary {
    schools: usize,
    responses: usize,
    too_fast: usize,
    coached: usize,
}

async fn fill(conn: &DatabaseConnection, created_by: i64) -> anyhow::Result<Summary> {
    store::county::put(
        conn,
        store::county::FIRST,
        county::NAME,
        county::ADMIN_CODE,
        county::POPULATION,
    )
    .await?;
    let schools = county::schools()?;
    let drafts: Vec<_> = schools.iter().map(|(d, _)| d.clone()).collect();
    store::schools::import(conn, store::county::FIRST, &drafts).await?;
    let stored = store::schools::list(conn, &store::scope::Scope::All).await?;
    resource_figures(conn, &drafts, &stored).await?;

    // Opened four days ago at 08:00 Beijing time; closes in three days at 20:00.
    let now = Utc::now();
    let opens_at = beijing(now - Duration::days(4), 8).unwrap_or(now - Duration::days(4));
    let closes_at = beijing(now + Duration::days(3), 20).unwrap_or(now + Duration::days(3));
    let spec = RoundSpec {
        name: ROUND_NAME.to_string(),
        purpose: Purpose::SelfAssessment,
        opens_at,
        closes_at,
        groups: RespondentGroup::ALL.to_vec(),
        school_ids: None,
        scoring_rule: ScoringRule::for_scale(
            Formula::ShareRecognised,
            Scale::FiveGeneral,
            Reading::Strict,
        ),
        min_answer_seconds: 30,
        duplicate_policy: DuplicatePolicy::Flag,
        shared_device_limit: 2,
    };
    let detail = store::rounds::create(conn, store::county::FIRST, &spec, created_by).await?;
    let detail = store::rounds::open(conn, detail.round.id).await?;

    let mut questionnaires = HashMap::new();
    let scoped = store::scope::Rounds::one(&detail.round);
    for g in RespondentGroup::ALL {
        let q = store::rounds::questionnaire(conn, &scoped, g).await?;
        questionnaires.insert(g, q);
    }
    let lookup = |g: RespondentGroup| questionnaires.get(&g);
    let facts = RoundFacts {
        id: detail.round.id,
        county_id: detail.round.county_id,
        min_answer_seconds: detail.round.min_answer_seconds,
        scale: detail.scoring_rule().scale,
        opens_at,
        now,
        questionnaire: &lookup,
    };
    let regard: HashMap<&str, f64> = schools.iter().map(|(d, r)| (d.code.as_str(), *r)).collect();
    let links = store::links::list(conn, &store::scope::Rounds::one(&detail.round)).await?;
    let mut sources = Vec::new();
    let mut coached_source = None;
    for row in &links {
        let group = row
            .link
            .group
            .ok_or_else(|| anyhow::anyhow!("unknown group in link"))?;
        let school = row.school.as_ref();
        let src = Source {
            link_id: row.link.id,
            group,
            school_id: row.link.school_id,
            location: school.map(|s| s.location.label_zh()),
            regard: school
                .and_then(|s| regard.get(s.code.as_str()).copied())
                .unwrap_or(0.9),
            count: respondents(
                group,
                school.map(|s| (s.primary_students + s.junior_students, s.teachers)),
            ),
        };
        if group == RespondentGroup::Parent
            && school.is_some_and(|s| s.name == county::COACHED_SCHOOL)
        {
            coached_source = Some(sources.len());
        }
        sources.push(src);
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let mut subs = responses::synthesise(&mut rng, &facts, &sources)?;
    let coached = match coached_source {
        Some(i) => responses::coached_burst(&mut rng, &facts, &sources[i])?,
        None => vec![],
    };
    let coached_count = coached.len();
    subs.extend(coached);
    let too_fast = subs
        .iter()
        .filter(|s| s.validity == crate::domain::submission::Validity::TooFast)
        .count();
    let written = write(conn, subs).await?;
    Ok(Summary {
        schools: stored.len(),
        responses: written,
        too_fast,
        coached: coached_count,
    })
}

/// The 资源配置 figures of every demo school for [`readiness::YEAR`].
async fn resource_figures(
    conn: &DatabaseConnection,
    drafts: &[crate::domain::school::SchoolDraft],
    stored: &[School],
) -> anyhow::Result<()> {
    let county_id = store::county::FIRST;
    let year = crate::domain::readiness_input::SchoolYear::parse(readiness::YEAR)
        .map_err(|e| anyhow::anyhow!(e))?;
    for (i, d) in drafts.iter().enumerate() {
        let Some(s) = stored.iter().find(|s| s.code == d.code.as_str()) else {
            continue;
        };
        let f = readiness::figures(
            i,
            &d.name,
            d.kind,
            u32::try_from(d.primary_students)?,
            u32::try_from(d.junior_students)?,
        );
        store::readiness::put(conn, county_id, &year, s.id, &f).await?;
    }
    checklist::fill(conn, county_id, &year, drafts, stored).await?;
    Ok(())
}

/// `hour`:00 Beijing time on the Beijing date of `day`.
fn beijing(day: chrono::DateTime<Utc>, hour: u32) -> Option<chrono::DateTime<Utc>> {
    let date = day.with_timezone(&Shanghai).date_naive();
    Shanghai
        .from_local_datetime(&date.and_hms_opt(hour, 0, 0)?)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// How many people of a group answer at one school (or county-wide):
/// parents of about one pupil in eleven, as a self-assessment round reaches.
/// `school`: its pupils and teachers.
fn respondents(group: RespondentGroup, school: Option<(i32, i32)>) -> usize {
    let (pupils, teachers) = school.unwrap_or((0, 0));
    let n = match group {
        RespondentGroup::Parent => (30 + pupils / 11).min(220),
        RespondentGroup::Student => (10 + pupils / 40).min(60),
        RespondentGroup::Teacher => (4 + teachers / 4).min(40),
        RespondentGroup::Principal => 1 + i32::from(teachers > 60),
        RespondentGroup::Deputy => 28,
        RespondentGroup::CppccMember => 22,
        RespondentGroup::Citizen => 140,
    };
    usize::try_from(n).unwrap_or(0)
}

/// Every submission through the group-commit writer, as the API does it.
async fn write(
    conn: &DatabaseConnection,
    subs: Vec<crate::writer::Submission>,
) -> anyhow::Result<usize> {
    let (writer, task) = SubmissionWriter::start(conn.clone());
    let mut pending = tokio::task::JoinSet::new();
    let mut written = 0;
    for s in subs {
        let w = writer.clone();
        pending.spawn(async move { w.submit(s).await });
        // Bounded, well under the writer's queue depth.
        if pending.len() >= 2048 {
            written += settle(pending.join_next().await)?;
        }
    }
    while let Some(r) = pending.join_next().await {
        written += settle(Some(r))?;
    }
    drop(writer);
    task.await?;
    Ok(written)
}

fn settle(
    r: Option<Result<Result<Outcome, crate::error::AppError>, tokio::task::JoinError>>,
) -> anyhow::Result<usize> {
    match r {
        Some(Ok(Ok(Outcome::Created(_)))) => Ok(1),
        Some(Ok(Ok(other))) => anyhow::bail!("demo response not stored: {other:?}"),
        Some(Ok(Err(e))) => anyhow::bail!("demo response not stored: {e}"),
        Some(Err(e)) => anyhow::bail!("demo writer task failed: {e}"),
        None => Ok(0),
    }
}

/// Creates the organiser `demo`, or gives it a new password; returns its
/// id and password.
async fn demo_account(conn: &DatabaseConnection) -> anyhow::Result<(i64, String)> {
    let password = random_password();
    let id = match store::accounts::find_by_username(conn, ACCOUNT).await? {
        Some(a) => {
            store::accounts::set_password(conn, a.id, &password).await?;
            store::sessions::revoke_all(conn, a.id).await?;
            a.id
        }
        None => {
            store::accounts::create(conn, ACCOUNT, "演示组织者", Role::Organiser, &password)
                .await?
                .id
        }
    };
    Ok((id, password))
}
