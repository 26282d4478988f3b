//! What the server renders or serves itself, outside the JSON API: the
//! embedded web console (and, later, the respondent pages under `/s/`).

pub mod console;

use poem::{Route, get};

pub fn routes() -> Route {
    Route::new()
        .at("/", get(console::serve))
        .at("/*path", get(console::serve))
}
