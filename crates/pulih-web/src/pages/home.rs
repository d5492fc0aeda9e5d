//! `/home`: each role's home page (`pulih_app::Home`). `/` sends a logged-in user here;
//! `/` itself stays an entry point that reads nothing, since other sites may link to it.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::Home;
use pulih_domain::rollup::Figure;

use super::places::{self, Places};
use super::{Nav, frame, render};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::{AppState, WebError};

/// Where a logged-in user starts.
pub const HOME: &str = "/home";

#[derive(Template)]
#[template(path = "home.html")]
struct Page<'a> {
    t: Tr<'a>,
    nav: Nav,
    home: Home,
    places: Places,
}

impl Page<'_> {
    fn is(&self, role: &str) -> bool {
        self.home.role.as_str() == role
    }

    /// The figure's name.
    fn name(&self, figure: &Figure) -> String {
        self.t.t(&format!("figure.{}", figure.key())).to_owned()
    }

    /// The worklist's sections with something in them, with their count.
    fn waiting(&self) -> Vec<(&'static str, usize)> {
        self.home.work.list.counts().into_iter().collect()
    }
}

/// `GET /home`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
) -> Result<Response, WebError> {
    let home = state.app.home(&who.0.actor()).await?;
    let village = home.work.my_unit.as_ref().map(|u| u.village.as_str());
    let places = places::named(&state, village).await?;
    let (t, nav) = frame(&state, &headers, &who, HOME);
    Ok(render(&Page {
        t,
        nav,
        home,
        places,
    }))
}
