//! Places on pages: shown as "Name (code)", and picked by name in forms.
//!
//! [`Places`] holds the names of the codes a page shows, read in one go
//! ([`named`]); `templates/places/macros.html` prints a place with its code muted. The
//! place picker is the same macro file's `picker`: a text input that takes a name or a
//! code. Without JavaScript, the handler resolves what was typed ([`resolve`]): one
//! place is taken, several are offered as a radio list in the re-rendered form, none is
//! a field error. With htmx, typing asks `/places/suggest` for matches and a chosen one
//! is put into the input by `/places/choose`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::{AppError, PlaceMatch, RegionHit};
use pulih_domain::authz::Actor;
use pulih_domain::region::{RegionCode, RegionLevel};

use super::clients::{Errors, FormData};
use super::{frame, render};
use crate::auth::CurrentUser;
use crate::i18n::Tr;
use crate::{AppState, WebError};

/// The names of the places a page shows, by code.
#[derive(Debug, Clone, Default)]
pub struct Places(HashMap<String, String>);

impl Places {
    /// The name of the place with `code`, if the tree has it.
    pub fn name<C: std::fmt::Display + ?Sized>(&self, code: &C) -> Option<&str> {
        self.0.get(&code.to_string()).map(String::as_str)
    }

    /// "Name (code)" as plain text (titles, options), or the code alone if unnamed.
    pub fn label<C: std::fmt::Display + ?Sized>(&self, code: &C) -> String {
        match self.name(code) {
            Some(name) => format!("{name} ({code})"),
            None => code.to_string(),
        }
    }
}

/// The names of `codes` (texts that are not codes, such as `ID`, are left out), read in
/// one call.
pub async fn named<'c>(
    state: &AppState,
    codes: impl IntoIterator<Item = &'c str>,
) -> Result<Places, WebError> {
    let parsed: Vec<RegionCode> = codes
        .into_iter()
        .filter_map(|c| RegionCode::parse(c).ok())
        .collect();
    let names = state.app.place_names(&parsed).await?;
    Ok(Places(
        names
            .into_iter()
            .map(|(code, name)| (code.to_string(), name))
            .collect(),
    ))
}

/// The names of `codes` and of the place in a page form's `region` field, with the field
/// shown as "Name (code)" (what was typed stays when it is no code).
pub(crate) async fn named_with_form(
    state: &AppState,
    codes: impl Iterator<Item = String>,
    mut form: FormData,
) -> Result<(Places, FormData), WebError> {
    let codes: Vec<String> = codes.chain([form.get("region").to_owned()]).collect();
    let places = named(state, codes.iter().map(String::as_str)).await?;
    let label = places.label(form.get("region"));
    form.set("region", label);
    Ok((places, form))
}

/// One place offered to choose from, with its full path.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Its code, the value chosen.
    pub code: String,
    /// "Pulau Buluh, Kec. Bulang, Kota Batam, Kepulauan Riau".
    pub path: String,
}

impl Choice {
    fn of(t: &Tr<'_>, hit: &RegionHit) -> Self {
        let mut parts = vec![hit.region.name.clone()];
        for (i, name) in hit.path.iter().enumerate().rev() {
            // the path runs province, regency, district: the third is a district
            if i == 2 {
                parts.push(format!("{} {name}", t.t("place.district_prefix")));
            } else {
                parts.push(name.clone());
            }
        }
        Self {
            code: hit.region.code.to_string(),
            path: parts.join(", "),
        }
    }
}

/// The choices offered per field of a form re-rendered because a name matched several.
#[derive(Debug, Clone, Default)]
pub struct Picks(HashMap<String, Vec<Choice>>);

impl Picks {
    /// The choices for `field`; empty when the field shows its text input.
    pub fn of(&self, field: &str) -> &[Choice] {
        self.0.get(field).map_or(&[], Vec::as_slice)
    }

    /// Whether any field asks to choose.
    pub fn any(&self) -> bool {
        !self.0.is_empty()
    }
}

/// Which places a picker offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Any node of the tree: a scope, a region.
    Any,
    /// Villages only.
    Village,
}

impl Level {
    fn parse(s: &str) -> Self {
        if s == "village" {
            Self::Village
        } else {
            Self::Any
        }
    }

    const fn region_level(self) -> Option<RegionLevel> {
        match self {
            Self::Any => None,
            Self::Village => Some(RegionLevel::Village),
        }
    }
}

/// Resolves the places typed into a form's fields, collecting what makes the form show
/// again: choices where a name matched several places, errors where it matched none.
pub struct Resolver<'a> {
    state: &'a AppState,
    t: Tr<'a>,
    actor: Actor,
    /// Choices per field.
    pub picks: Picks,
    /// Errors per field.
    pub errors: HashMap<String, String>,
}

impl<'a> Resolver<'a> {
    /// A resolver for `actor`'s forms, its messages in `t`'s language.
    pub fn new(state: &'a AppState, t: Tr<'a>, actor: Actor) -> Self {
        Self {
            state,
            t,
            actor,
            picks: Picks::default(),
            errors: HashMap::new(),
        }
    }

    /// Resolves `value`, typed into `field`: a code (or one place's name) becomes the
    /// code; several places become choices, none an error, and the value stays as typed.
    pub async fn resolve(
        &mut self,
        field: &str,
        value: &mut String,
        level: Level,
    ) -> Result<(), WebError> {
        let found = self
            .state
            .app
            .resolve_place(&self.actor, value, level.region_level())
            .await?;
        match found {
            PlaceMatch::Empty => {}
            PlaceMatch::Code(code) => *value = code,
            PlaceMatch::One(hit) => *value = hit.region.code.to_string(),
            PlaceMatch::Several(hits) => {
                let choices = hits.iter().map(|h| Choice::of(&self.t, h)).collect();
                self.picks.0.insert(field.to_owned(), choices);
            }
            PlaceMatch::Unknown => {
                let message = self.t.t("invalid.place_unknown").to_owned();
                self.errors.insert(field.to_owned(), message);
            }
        }
        Ok(())
    }

    /// Resolves the place typed into `field` of a page form kept as pairs, in place; the
    /// messages (for the form named `form_name`) and the choices to show it again with
    /// when the place did not settle.
    pub(crate) async fn resolve_in(
        mut self,
        form: &mut FormData,
        (field, level): (&str, Level),
        form_name: &str,
    ) -> Result<Option<(Errors, Picks)>, WebError> {
        let mut value = form.get(field).to_owned();
        self.resolve(field, &mut value, level).await?;
        form.set(field, value);
        if self.settled() {
            return Ok(None);
        }
        let errors = Errors::of_places(&self.t, form_name, self.errors);
        Ok(Some((errors, self.picks)))
    }

    /// Resolves a list of places typed into one field, separated by commas, semicolons
    /// or lines; the codes found are returned. A name several places have is an error
    /// that names their codes, since a list offers no choice.
    pub async fn resolve_list(
        &mut self,
        field: &str,
        value: &str,
    ) -> Result<Vec<String>, WebError> {
        let mut codes = Vec::new();
        for typed in value.split([',', ';', '\n']).map(str::trim) {
            let found = self
                .state
                .app
                .resolve_place(&self.actor, typed, None)
                .await?;
            let problem = match found {
                PlaceMatch::Empty => None,
                PlaceMatch::Code(code) => {
                    codes.push(code);
                    None
                }
                PlaceMatch::One(hit) => {
                    codes.push(hit.region.code.to_string());
                    None
                }
                PlaceMatch::Several(hits) => {
                    let choices: Vec<String> = hits
                        .iter()
                        .map(|h| format!("{} ({})", Choice::of(&self.t, h).path, h.region.code))
                        .collect();
                    let args = [("name", typed), ("choices", &choices.join("; "))];
                    Some(self.t.fill("invalid.place_several", &args))
                }
                PlaceMatch::Unknown => Some(
                    self.t
                        .fill("invalid.place_unknown_named", &[("name", typed)]),
                ),
            };
            if let Some(message) = problem {
                self.errors.entry(field.to_owned()).or_insert(message);
            }
        }
        Ok(codes)
    }

    /// Whether every field resolved, so the form may go to its use-case.
    pub fn settled(&self) -> bool {
        self.errors.is_empty() && !self.picks.any()
    }
}

/// `/places/suggest` and `/places/choose`: the picker's field, its level, and what was
/// typed (under the field's own name) or chosen.
#[derive(serde::Deserialize)]
pub struct PickQuery {
    field: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    code: String,
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

/// The suggestions under a picker while typing.
#[derive(Template)]
#[template(path = "places/suggest.html")]
struct Suggestions<'a> {
    t: Tr<'a>,
    field: String,
    level: &'static str,
    choices: Vec<Choice>,
    status: String,
}

/// A picker's input holding the chosen place.
#[derive(Template)]
#[template(path = "places/chosen.html")]
struct Chosen {
    field: String,
    level: &'static str,
    value: String,
    status: String,
}

fn level_key(level: Level) -> &'static str {
    match level {
        Level::Any => "any",
        Level::Village => "village",
    }
}

/// A field name as the picker's element ids use it: letters, digits, `_` and `-`.
fn plain(field: &str) -> Result<String, WebError> {
    let ok = !field.is_empty()
        && field.len() <= 40
        && field
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    ok.then(|| field.to_owned())
        .ok_or(WebError::BadRequest("error.bad_request"))
}

/// `GET /places/suggest?field=…&level=…&{field}=text`: places in the user's area
/// whose name contains the text, as buttons that choose one.
pub async fn suggest(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Query(q): Query<PickQuery>,
) -> Result<Response, WebError> {
    let field = plain(&q.field)?;
    let level = Level::parse(&q.level);
    let typed = q.rest.get(&field).map_or("", String::as_str);
    let (t, _) = frame(&state, &headers, &who, "/places/suggest");
    let found = state
        .app
        .find_places(&who.0.actor(), typed, level.region_level())
        .await;
    let hits = match found {
        Ok(hits) => hits,
        Err(AppError::Invalid(_)) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let choices: Vec<Choice> = hits
        .iter()
        .take(pulih_app::PLACE_CHOICES)
        .map(|h| Choice::of(&t, h))
        .collect();
    let status = if typed.trim().chars().count() < 2 {
        String::new()
    } else {
        t.fill("place.found", &[("n", &choices.len().to_string())])
    };
    Ok(render(&Suggestions {
        t,
        field,
        level: level_key(level),
        choices,
        status,
    }))
}

/// `GET /places/choose?field=…&level=…&code=…`: the picker's input holding the chosen
/// place as "Name (code)".
pub async fn choose(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Query(q): Query<PickQuery>,
) -> Result<Response, WebError> {
    let field = plain(&q.field)?;
    let level = Level::parse(&q.level);
    let places = named(&state, [q.code.as_str()]).await?;
    let name = places.name(&q.code).ok_or(AppError::NotFound)?;
    let (t, _) = frame(&state, &headers, &who, "/places/choose");
    let status = t.fill("place.chosen", &[("name", name)]);
    Ok(render(&Chosen {
        value: places.label(&q.code),
        field,
        level: level_key(level),
        status,
    }))
}
