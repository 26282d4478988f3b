//! Ceiling (1): a bare poem-openapi endpoint with the same JSON, parsed and
//! validated against the same questionnaire, no database, 201.

use poem::{EndpointExt, Route, Server, listener::TcpListener};
use poem_openapi::{ApiResponse, Object, OpenApi, OpenApiService, param::Path, payload::Json};
use renke::domain::{
    group::RespondentGroup,
    questionnaire::Questionnaire,
    submission::{RawAnswer, check_answers},
    templates,
};
use std::sync::Arc;

#[derive(Object)]
struct AnswerIn {
    item: String,
    option: Option<u8>,
    text: Option<String>,
}

#[derive(Object)]
struct ResponseIn {
    client_id: uuid::Uuid,
    answers: Vec<AnswerIn>,
    #[oai(default)]
    duration_ms: i64,
}

#[derive(Object)]
struct Receipt {
    client_id: String,
    message: String,
}

#[derive(ApiResponse)]
enum SubmitResponse {
    #[oai(status = 201)]
    Created(Json<Receipt>),
    #[oai(status = 422)]
    Invalid(Json<Receipt>),
}

struct Bare {
    questionnaire: Arc<Questionnaire>,
    page: Arc<serde_json::Value>,
}

#[OpenApi]
impl Bare {
    #[oai(path = "/public/links/:token", method = "get")]
    async fn page(&self, token: Path<String>) -> Json<serde_json::Value> {
        let _ = token;
        Json((*self.page).clone())
    }

    #[oai(path = "/public/links/:token/responses", method = "post")]
    async fn submit(&self, token: Path<String>, body: Json<ResponseIn>) -> SubmitResponse {
        let _ = (token, body.duration_ms);
        let client_id = body.client_id.to_string();
        let answers: Vec<RawAnswer> = body
            .0
            .answers
            .into_iter()
            .map(|a| RawAnswer {
                item: a.item,
                option: a.option,
                text: a.text,
            })
            .collect();
        let receipt = |message: &str| Receipt {
            client_id: client_id.clone(),
            message: message.to_string(),
        };
        match check_answers(&self.questionnaire, &answers) {
            Ok(_) => SubmitResponse::Created(Json(receipt("ok"))),
            Err(e) => SubmitResponse::Invalid(Json(receipt(&e.message))),
        }
    }
}

/// Serves the bare endpoint; prints the same "renke listening" log line.
pub async fn serve() -> anyhow::Result<()> {
    let q = templates::template(RespondentGroup::Parent);
    let items: Vec<serde_json::Value> = q
        .items
        .iter()
        .map(|i| {
            serde_json::json!({
                "id": i.id, "kind": i.kind, "text": i.text, "required": i.required,
                "options": i.options.iter().map(|o| serde_json::json!({"code": o.code, "label": o.label})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let page = serde_json::json!({"title": q.title, "intro": q.intro, "items": items});
    let api = OpenApiService::new(
        Bare {
            questionnaire: Arc::new(q),
            page: Arc::new(page),
        },
        "bare",
        "1",
    );
    let bind = std::env::var("RENKE_BIND").unwrap_or_else(|_| "127.0.0.1:0".into());
    let acceptor = poem::listener::Listener::into_acceptor(TcpListener::bind(bind)).await?;
    let addr = poem::listener::Acceptor::local_addr(&acceptor)
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .ok_or_else(|| anyhow::anyhow!("no address"))?;
    println!(
        "{}",
        serde_json::json!({"fields": {"message": "renke listening", "addr": addr.to_string()}})
    );
    Server::new_with_acceptor(acceptor)
        .run(Route::new().nest("/api", api).map_to_response())
        .await?;
    Ok(())
}
