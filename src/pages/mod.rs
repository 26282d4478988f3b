//! HTML the server renders itself: the console's entry page (placeholder
//! until the console lands) and, later, the respondent pages.

use poem::{Route, get, handler, web::Html};

pub fn routes() -> Route {
    Route::new().at("/", get(index))
}

#[handler]
fn index() -> Html<&'static str> {
    Html(include_str!("../../frontend/index.html"))
}
