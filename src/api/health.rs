//! Health: the database answers.

use poem::{IntoResponse, handler, web::Data};
use poem_openapi::{ApiResponse, Object, OpenApi, payload::Json};

use super::ApiTags;
use crate::{state::AppState, store::db};

#[derive(Debug, Object)]
#[oai(skip_serializing_if_is_none)]
pub struct Health {
    /// ok or unavailable
    pub status: String,
    pub database: String,
    pub version: String,
}

#[derive(ApiResponse)]
pub enum HealthResponse {
    /// Serving, database reachable.
    #[oai(status = 200)]
    Ok(Json<Health>),
    /// The database does not answer.
    #[oai(status = 503)]
    Unavailable(Json<Health>),
}

pub async fn check(state: &AppState) -> HealthResponse {
    let ok = tokio::time::timeout(std::time::Duration::from_secs(3), db::ping(&state.db))
        .await
        .map(|r| r.is_ok())
        .unwrap_or(false);
    let body = Health {
        status: if ok { "ok" } else { "unavailable" }.into(),
        database: if ok { "ok" } else { "unreachable" }.into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    if ok {
        HealthResponse::Ok(Json(body))
    } else {
        HealthResponse::Unavailable(Json(body))
    }
}

pub struct HealthApi;

#[OpenApi(tag = "ApiTags::Health")]
impl HealthApi {
    /// Is renke serving and its database reachable? Also at `/healthz`.
    #[oai(path = "/health", method = "get", operation_id = "health")]
    async fn health(&self, state: Data<&AppState>) -> HealthResponse {
        check(&state).await
    }
}

/// `/healthz` for load balancers and probes: the same check.
#[handler]
pub async fn healthz(state: Data<&AppState>) -> poem::Response {
    check(&state).await.into_response()
}
