//! Survey links of a round: list them, disable or re-enable one.

use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};

use super::{ApiTags, types::GroupDto};
use crate::error::{Answer, BodyToggle, ReviewerRead};
use crate::{
    app::{self, Actor},
    auth::{Auth, Role},
    domain::group::RespondentGroup,
    state::AppState,
    store::{self, links::LinkRow},
};

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LinkOut {
    pub id: i64,
    pub group: GroupDto,
    pub group_label: String,
    /// None for county-level groups.
    pub school_id: Option<i64>,
    pub school_code: Option<String>,
    pub school_name: Option<String>,
    pub token: String,
    /// The full survey URL put in the QR code.
    pub url: String,
    pub enabled: bool,
}

#[derive(Debug, Clone, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LinksOut {
    /// The public base URL in use (RENKE_PUBLIC_URL), if set.
    pub public_base_url: Option<String>,
    /// False when the base URL is unset or points to this machine: phones
    /// cannot open such links.
    pub reachable_from_phones: bool,
    /// Why not, in Chinese.
    pub warning: Option<String>,
    pub links: Vec<LinkOut>,
}

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LinkUpdateIn {
    pub enabled: bool,
}

/// The base of survey URLs and whether phones can reach it.
pub struct PublicBase {
    pub base: String,
    pub configured: Option<String>,
    pub warning: Option<String>,
}

pub fn public_base(state: &AppState) -> PublicBase {
    let configured = state
        .settings
        .public_url
        .as_ref()
        .map(|u| u.trim_end_matches('/').to_string())
        .filter(|u| !u.is_empty());
    let warning = match &configured {
        None => {
            Some("未设置公网访问地址（RENKE_PUBLIC_URL），二维码中的链接无法从手机打开".to_string())
        }
        Some(u) if is_local(u) => Some(format!(
            "公网访问地址 {u} 指向本机，手机扫码无法打开；请将 RENKE_PUBLIC_URL 设为手机可访问的地址"
        )),
        Some(_) => None,
    };
    let base = configured
        .clone()
        .unwrap_or_else(|| format!("http://{}", state.settings.bind));
    PublicBase {
        base,
        configured,
        warning,
    }
}

fn is_local(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', ':'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    host == "localhost"
        || host.starts_with("127.")
        || host == "0.0.0.0"
        || host == "[::1]"
        || host.is_empty()
}

pub fn link_out(base: &str, row: LinkRow) -> LinkOut {
    let group = row.link.group.unwrap_or(RespondentGroup::Citizen);
    LinkOut {
        id: row.link.id,
        group: group.into(),
        group_label: group.label_zh().to_string(),
        school_id: row.link.school_id,
        school_code: row.school.as_ref().map(|s| s.code.clone()),
        school_name: row.school.map(|s| s.name),
        url: format!("{base}/s/{}", row.link.token),
        token: row.link.token,
        enabled: row.link.enabled,
    }
}

pub struct LinksApi;

#[OpenApi(tag = "ApiTags::Links")]
impl LinksApi {
    /// Every link of a round: one per school and school-bound group, one per
    /// county-level group.
    #[oai(
        path = "/rounds/:id/links",
        method = "get",
        operation_id = "list_links"
    )]
    async fn list_links(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
    ) -> Answer<Json<LinksOut>, ReviewerRead> {
        auth.require(Role::Reviewer)?;
        let round = store::rounds::get(&state.db, id.0).await?;
        let pb = public_base(&state);
        let rows = store::links::list(&state.db, &store::scope::Rounds::one(&round.round)).await?;
        Ok(Json(LinksOut {
            reachable_from_phones: pb.warning.is_none(),
            public_base_url: pb.configured,
            warning: pb.warning,
            links: rows.into_iter().map(|r| link_out(&pb.base, r)).collect(),
        }))
    }

    /// Disable or re-enable a link (organiser). A disabled link refuses responses.
    #[oai(
        path = "/rounds/:id/links/:link_id",
        method = "patch",
        operation_id = "update_link"
    )]
    async fn update_link(
        &self,
        state: Data<&AppState>,
        auth: Auth,
        id: Path<i64>,
        link_id: Path<i64>,
        body: Json<LinkUpdateIn>,
    ) -> Answer<Json<LinkOut>, BodyToggle> {
        let who = auth.require(Role::Organiser)?;
        app::links::set_enabled(state.app(), Actor::user(who), id.0, link_id.0, body.enabled)
            .await?;
        let pb = public_base(&state);
        let row = store::links::list(
            &state.db,
            &store::scope::Rounds::read(&state.db, id.0).await?,
        )
        .await?
        .into_iter()
        .find(|r| r.link.id == link_id.0)
        .ok_or_else(|| crate::error::AppError::not_found("链接不存在"))?;
        Ok(Json(link_out(&pb.base, row)))
    }
}
