//! The per-address limits around every respondent route (`/s/…`, the room
//! sessions' `/r/…` and `/api/public/…`): an address that spent its allowance of refusals is
//! paused, page fetches are counted, and every 4xx answer (unknown token,
//! invalid body, refusal) is charged to the address afterwards. Valid
//! submissions cost nothing, so a crowd behind one address gets through.

use poem::{Endpoint, IntoResponse, Request, Response, Result, http::Method, http::StatusCode};

use crate::{error::ApiError, error::AppError, pages::reply::error_page, state::AppState};

enum Audience {
    /// The questionnaire pages: refusals as a Chinese page.
    Page,
    /// The public API: refusals as JSON.
    Api,
}

pub async fn respondent_limits<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let path = req.uri().path();
    let audience = if path.starts_with("/s/") || path.starts_with("/r/") || path == "/r" {
        Audience::Page
    } else if path.starts_with("/api/public/") {
        Audience::Api
    } else {
        return next.call(req).await.map(IntoResponse::into_response);
    };
    let Some(limiter) = req.data::<AppState>().map(|s| s.limiter.clone()) else {
        return next.call(req).await.map(IntoResponse::into_response);
    };
    let net = limiter.network_of(&req);
    if let Some(net) = net {
        let page = matches!(*req.method(), Method::GET | Method::HEAD);
        let admitted = limiter.admit(net).and_then(|()| {
            if page {
                limiter.check_page(net)
            } else {
                Ok(())
            }
        });
        if let Err(e) = admitted {
            return Ok(refusal(&audience, e));
        }
    }
    let resp = match next.call(req).await {
        Ok(r) => r.into_response(),
        Err(e) => e.into_response(),
    };
    let status = resp.status();
    if let Some(net) = net
        && status.is_client_error()
        && status != StatusCode::TOO_MANY_REQUESTS
    {
        limiter.charge_refusal(net);
    }
    Ok(resp)
}

fn refusal(audience: &Audience, e: AppError) -> Response {
    match audience {
        Audience::Page => error_page(e),
        Audience::Api => ApiError::from(e).into_response(),
    }
}
