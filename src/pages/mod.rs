//! What the server renders or serves itself, outside the JSON API: the
//! embedded web console, the respondent's questionnaire pages, and the
//! printable posters and access-code slips.

pub mod access_code;
pub mod console;
pub mod interview;
pub mod language;
pub mod paper_sheet;
pub mod posters;
pub mod questionnaire;
pub mod readiness_summary;
pub mod reply;
pub mod respondent;
pub mod room;
pub mod room_sheet;
pub mod slips;

use poem::{EndpointExt, Route, get, post};

pub fn routes() -> Route {
    Route::new()
        .at(
            "/s/:token",
            get(questionnaire::show)
                .post(questionnaire::submit)
                .around(crate::limits::limit_body),
        )
        .at("/r", get(room::join))
        .at("/r/:code", get(room::show))
        .at(
            "/s/:token/code",
            post(access_code::enter_code).around(crate::limits::limit_body),
        )
        .at("/interview", get(interview::redirect))
        .at("/interview/*path", get(interview::serve))
        .at("/interview/", get(interview::serve))
        .at("/", get(console::serve))
        .at("/*path", get(console::serve))
}
