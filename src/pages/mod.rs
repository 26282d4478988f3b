//! HTML the server renders itself: the console's entry page (placeholder
//! until the console lands), the respondent's questionnaire pages, and the
//! printable posters and access-code slips.

pub mod access_code;
pub mod html;
pub mod posters;
pub mod questionnaire;
pub mod reply;
pub mod respondent;
pub mod slips;

use poem::{EndpointExt, Route, get, handler, post, web::Html};

pub fn routes() -> Route {
    Route::new()
        .at("/", get(index))
        .at(
            "/s/:token",
            get(questionnaire::show)
                .post(questionnaire::submit)
                .around(crate::api::limits::limit_body),
        )
        .at(
            "/s/:token/code",
            post(access_code::enter_code).around(crate::api::limits::limit_body),
        )
}

#[handler]
fn index() -> Html<&'static str> {
    Html(include_str!("../../frontend/index.html"))
}
