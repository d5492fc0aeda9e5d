//! Places as people name them: a typed name or code resolved inside the user's area,
//! and the names of the places a page shows, read in one go.
//!
//! Forms take a place as a name ("Pulau Buluh"), a code (`21.71.05.1002`) or both as a
//! page shows them ("Pulau Buluh (21.71.05.1002)"). A name is looked up only inside the
//! user's scope, so a place outside it is unknown, exactly like a name that does not
//! exist: the answer says nothing about the rest of the tree the user could not browse.

use std::collections::HashMap;

use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::region::{RegionCode, RegionLevel};
use pulih_store::RegionHit;

use crate::{App, AppError, AppResult};

/// Most places offered to choose from when a name matches several.
pub const CHOICES: usize = 10;

/// What a typed place resolved to.
#[derive(Debug, Clone, PartialEq)]
pub enum PlaceMatch {
    /// Nothing was typed.
    Empty,
    /// A code (or `ID`, the nation), to pass on as typed: the use-case checks it.
    Code(String),
    /// One place has the name.
    One(RegionHit),
    /// Several places have it: the user chooses.
    Several(Vec<RegionHit>),
    /// No place in the user's area has it.
    Unknown,
}

/// A typed place split into what to look up: a code (alone, or in brackets after a
/// name as pages show it), or a name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Typed<'a> {
    Empty,
    Code(&'a str),
    Name(&'a str),
}

fn typed(text: &str) -> Typed<'_> {
    let text = text.trim();
    if text.is_empty() {
        return Typed::Empty;
    }
    let bracketed = text
        .strip_suffix(')')
        .and_then(|t| t.rsplit_once('('))
        .map(|(_, code)| code.trim());
    let candidate = bracketed.unwrap_or(text);
    if candidate.eq_ignore_ascii_case("ID") || RegionCode::parse(candidate).is_ok() {
        return Typed::Code(candidate);
    }
    Typed::Name(text)
}

impl App {
    /// Places inside the actor's scope whose name contains `query` (two characters at
    /// least), of one level or any, each with the names of its ancestors.
    #[tracing::instrument(skip_all)]
    pub async fn find_places(
        &self,
        actor: &Actor,
        query: &str,
        level: Option<RegionLevel>,
    ) -> AppResult<Vec<RegionHit>> {
        authorize(actor, Action::ViewRegions, &actor.scope)?;
        if query.trim().chars().count() < 2 {
            return Err(AppError::invalid("q", "invalid.search_short"));
        }
        Ok(self
            .store
            .search_regions(
                query.trim(),
                level,
                &actor.scope,
                crate::regions::SEARCH_LIMIT,
            )
            .await?)
    }

    /// Resolves a typed place: a code passes as typed; a name is looked up inside the
    /// actor's scope, an exact name preferred to one that only contains the text.
    #[tracing::instrument(skip_all)]
    pub async fn resolve_place(
        &self,
        actor: &Actor,
        text: &str,
        level: Option<RegionLevel>,
    ) -> AppResult<PlaceMatch> {
        let name = match typed(text) {
            Typed::Empty => return Ok(PlaceMatch::Empty),
            Typed::Code(code) => return Ok(PlaceMatch::Code(code.to_owned())),
            Typed::Name(name) if name.chars().count() < 2 => return Ok(PlaceMatch::Unknown),
            Typed::Name(name) => name,
        };
        let hits = self.find_places(actor, name, level).await?;
        let lower = name.to_lowercase();
        let (exact, _): (Vec<_>, Vec<_>) = hits
            .iter()
            .cloned()
            .partition(|h| h.region.name.to_lowercase() == lower);
        let mut candidates = if exact.is_empty() { hits } else { exact };
        Ok(match candidates.len() {
            0 => PlaceMatch::Unknown,
            1 => PlaceMatch::One(candidates.remove(0)),
            _ => {
                candidates.truncate(CHOICES);
                PlaceMatch::Several(candidates)
            }
        })
    }

    /// The names of places, by code, read from what is remembered and the rest in one
    /// read. Region names are public: no right is needed to know them.
    #[tracing::instrument(skip_all)]
    pub async fn place_names<'c>(
        &self,
        codes: impl IntoIterator<Item = &'c RegionCode>,
    ) -> AppResult<HashMap<RegionCode, String>> {
        let mut names = HashMap::new();
        let mut missing = Vec::new();
        for code in codes {
            if names.contains_key(code) || missing.contains(code) {
                continue;
            }
            match self.atlas.known(code) {
                Some(region) => {
                    names.insert(code.clone(), region.name);
                }
                None => missing.push(code.clone()),
            }
        }
        if !missing.is_empty() {
            for region in self.store.regions_by_codes(&missing).await? {
                self.atlas.remember(&region);
                names.insert(region.code, region.name);
            }
        }
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_taken_alone_or_in_brackets_after_a_name() {
        assert_eq!(typed("21.71.05.1002"), Typed::Code("21.71.05.1002"));
        assert_eq!(
            typed(" Pulau Buluh (21.71.05.1002) "),
            Typed::Code("21.71.05.1002")
        );
        assert_eq!(typed("ID"), Typed::Code("ID"));
        assert_eq!(typed("Indonesia (ID)"), Typed::Code("ID"));
    }

    #[test]
    fn anything_else_is_a_name_and_blank_is_nothing() {
        assert_eq!(typed("Pulau Buluh"), Typed::Name("Pulau Buluh"));
        assert_eq!(typed("Kota Batam (kota)"), Typed::Name("Kota Batam (kota)"));
        assert_eq!(typed("   "), Typed::Empty);
    }
}
