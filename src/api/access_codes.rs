//! One-time access codes for closed groups (deputies, CPPCC members, a
//! household roster): generate them for a link, see how many are used, and
//! print them as slips. A link with codes admits only their holders, one
//! response per code.

use poem::web::Data;
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::{Html, Json},
};

use super::{
    ApiTags,
    links::{LinkOut, public_base},
    printing::one_link,
};
use crate::error::ErrorCode;
use crate::error::{Answer, BodyUpdate, PathRuleWrite, ReviewerRead};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::round::RoundStatus,
    error::AppError,
    pages::slips::{self, SlipsView},
    qr::Matrix,
    state::AppState,
    store::{self, access_codes},
    survey,
};

/// Most codes made by one request.
const MAX_PER_REQUEST: u32 = 1000;

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AccessCodesIn {
    /// How many new codes (1–1000).
    pub count: u32,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AccessCodeCounts {
    pub link_id: i64,
    /// Codes the link has; 0 means the link is open to anyone with it.
    pub total: u64,
    pub used: u64,
    pub unused: u64,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct AccessCodesOut {
    /// The new codes, e.g. `ABCD-EFGH`. Shown only now: renke keeps hashes.
    pub codes: Vec<String>,
    pub counts: AccessCodeCounts,
}

#[derive(ApiResponse)]
pub enum GenerateResponse {
    /// Codes created.
    #[oai(status = 201)]
    Created(Json<AccessCodesOut>),
}

async fn counts(state: &AppState, link_id: i64) -> Result<AccessCodeCounts, AppError> {
    let (total, used) = access_codes::counts(&state.db, link_id).await?;
    Ok(AccessCodeCounts {
        link_id,
        total,
        used,
        unused: total - used,
    })
}

/// The link, if codes may be added to it now, and the new codes.
async fn generate(
    state: &AppState,
    who: Actor<'_>,
    round_id: i64,
    link_id: i64,
    count: u32,
    slips: bool,
) -> Result<(LinkOut, Vec<String>), AppError> {
    if !(1..=MAX_PER_REQUEST).contains(&count) {
        return Err(AppError::invalid_field(
            "count",
            format!("一次可生成1到{MAX_PER_REQUEST}个访问码"),
        ));
    }
    let detail = store::rounds::get(&state.db, round_id).await?;
    if detail.status() == RoundStatus::Closed {
        return Err(AppError::conflict(
            ErrorCode::RoundClosed,
            "测评轮次已经结束",
        ));
    }
    let link = one_link(state, round_id, link_id).await?;
    let codes = app::links::generate_access_codes(
        state.app(),
        who,
        &state.keyed,
        round_id,
        link_id,
        count as usize,
        slips,
    )
    .await?;
    Ok((link, codes))
}

pub struct AccessCodesApi;

#[OpenApi(tag = "ApiTags::Links")]
impl AccessCodesApi {
    /// How many access codes a link has and how many are used (reviewer).
    #[oai(
        path = "/rounds/:id/links/:link_id/access-codes",
        method = "get",
        operation_id = "get_access_code_counts"
    )]
    async fn get_access_code_counts(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        link_id: Path<i64>,
    ) -> Answer<Json<AccessCodeCounts>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        one_link(&state, id.0, link_id.0).await?;
        Ok(Json(counts(&state, link_id.0).await?))
    }

    /// Generate one-time access codes for a link (organiser). From then on
    /// the link asks for a code before the questionnaire and each code admits
    /// one response. The codes are returned once and stored only as keyed
    /// hashes; print them at once (or use the slips operation). Short and
    /// unambiguous: 8 characters without 0/O, 1/I/L, shown as `ABCD-EFGH`.
    #[oai(
        path = "/rounds/:id/links/:link_id/access-codes",
        method = "post",
        operation_id = "generate_access_codes"
    )]
    async fn generate_access_codes(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        link_id: Path<i64>,
        body: Json<AccessCodesIn>,
    ) -> Answer<GenerateResponse, BodyUpdate> {
        let who = auth.require(Role::Organiser)?;
        let (link, codes) =
            generate(&state, Actor::user(who), id.0, link_id.0, body.count, false).await?;
        Ok(GenerateResponse::Created(Json(AccessCodesOut {
            codes,
            counts: counts(&state, link.id).await?,
        })))
    }

    /// Generate `count` new access codes and return them as printable A4
    /// slips (HTML), each with the link's QR code and one code (organiser).
    /// A plain HTML form can post here; the codes are shown only this once.
    #[oai(
        path = "/rounds/:id/links/:link_id/access-codes/slips",
        method = "post",
        operation_id = "print_access_code_slips"
    )]
    async fn print_access_code_slips(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        link_id: Path<i64>,
        count: Query<u32>,
    ) -> Answer<Html<String>, PathRuleWrite> {
        let who = auth.require(Role::Organiser)?;
        let (link, codes) =
            generate(&state, Actor::user(who), id.0, link_id.0, count.0, true).await?;
        let detail = store::rounds::get(&state.db, id.0).await?;
        let audience = match &link.school_name {
            Some(s) => format!("{s} · {}", link.group_label),
            None => link.group_label.clone(),
        };
        let closes = survey::beijing(detail.round.closes_at);
        let svg = Matrix::encode(&link.url)?.svg(&link.group_label);
        let warning = public_base(&state).warning;
        Ok(Html(slips::render(&SlipsView {
            round_name: &detail.round.name,
            audience: &audience,
            url: &link.url,
            svg: &svg,
            closes_at: &closes,
            codes: &codes,
            warning: warning.as_deref(),
        })))
    }
}
