//! Coordination across agencies: coordination meetings (rakor) with their action items
//! ([`rakor`]), and MoUs between organisations ([`mou`]). Both are placed at a node of the
//! region tree (the convener's or signer's area, at any level, never tied to a village
//! unit) and name organisations: registered ones by id, or others by name ([`Party`]).
//!
//! Who reaches them is one decision ([`access`]): a user whose scope holds the record, or
//! a user whose organisation the record names (present, party, owner of an action item).
//! Anyone else is told the record does not exist.

pub mod mou;
pub mod rakor;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::authz::{Action, Actor, authorize};
use crate::clinical::FieldError;
use crate::ids::OrgId;
use crate::region::{RegionCode, Scope};

/// Longest name of an organisation that is not registered, in characters.
pub const PARTY_NAME_MAX: usize = 200;
/// Most organisations one record may name.
pub const PARTIES_MAX: usize = 60;

/// An organisation a record names: one of the directory, or one named by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Party {
    /// A registered organisation.
    Registered {
        /// Its id.
        org_id: OrgId,
    },
    /// An organisation not registered, by name.
    Named {
        /// Its name, trimmed.
        name: String,
    },
}

impl Party {
    /// The registered organisation's id, if it is one.
    pub const fn org_id(&self) -> Option<OrgId> {
        match self {
            Self::Registered { org_id } => Some(*org_id),
            Self::Named { .. } => None,
        }
    }
}

/// A party as sent: an organisation's id or a name (exactly one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RawParty {
    /// A registered organisation's id.
    #[serde(default)]
    pub org_id: Option<String>,
    /// The name of one that is not registered.
    #[serde(default)]
    pub name: Option<String>,
}

impl RawParty {
    /// Parses one party: an id that is a UUID, or a name of 2–200 characters.
    pub fn parse(&self) -> Result<Party, Invalid> {
        let id = self
            .org_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let name = self
            .name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        match (id, name) {
            (Some(id), None) => Ok(Party::Registered {
                org_id: id.parse().map_err(|_| Invalid::new("invalid.org"))?,
            }),
            (None, Some(name)) => Ok(Party::Named {
                name: party_name(name)?,
            }),
            _ => Err(Invalid::new("invalid.party")),
        }
    }
}

/// A name of an organisation: 2–200 characters, no control characters.
fn party_name(name: &str) -> Result<String, Invalid> {
    let n = name.chars().count();
    if !(2..=PARTY_NAME_MAX).contains(&n) || name.chars().any(char::is_control) {
        return Err(Invalid::new("invalid.party_name"));
    }
    Ok(name.to_owned())
}

/// Parses a list of parties at `field.N`, dropping repeats (the same id or the same name
/// in any case); at least `min` must remain.
pub fn parse_parties(
    field: &str,
    raw: &[RawParty],
    min: usize,
) -> Result<Vec<Party>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut out: Vec<Party> = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        match r.parse() {
            Ok(p) if !out.iter().any(|q| same_party(q, &p)) => out.push(p),
            Ok(_) => {}
            Err(e) => errors.push(FieldError::new(format!("{field}.{i}"), e.key)),
        }
    }
    if errors.is_empty() && out.len() < min {
        errors.push(FieldError::new(field, "invalid.parties_too_few"));
    }
    if out.len() > PARTIES_MAX {
        errors.push(FieldError::new(field, "invalid.parties_too_many"));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn same_party(a: &Party, b: &Party) -> bool {
    match (a, b) {
        (Party::Registered { org_id: x }, Party::Registered { org_id: y }) => x == y,
        (Party::Named { name: x }, Party::Named { name: y }) => {
            x.to_lowercase() == y.to_lowercase()
        }
        _ => false,
    }
}

/// How far a user reaches a coordination record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// Not at all: the record is answered as not found.
    None,
    /// Named in it: the user's organisation is present, a party, or an owner; it may read
    /// the record and update what its organisation owns.
    Named,
    /// In scope for reading only (an administrator of the region).
    Read,
    /// In scope as a coordinator: may record and change everything in it.
    Manage,
}

/// How far `actor` reaches a record placed at `region` naming the organisations
/// `named`. A user outside the region whose organisation is not named reaches nothing,
/// exactly as for a record that does not exist.
pub fn access(actor: &Actor, region: &RegionCode, named: &[OrgId]) -> Reach {
    let place = Scope::Region(region.clone());
    if authorize(actor, Action::ManageCoordination, &place).is_ok() {
        Reach::Manage
    } else if authorize(actor, Action::ViewCoordination, &place).is_ok() {
        Reach::Read
    } else if authorize(actor, Action::ViewCoordination, &Scope::National).is_ok_or_scope()
        && named.contains(&actor.org_id)
    {
        Reach::Named
    } else {
        Reach::None
    }
}

/// Whether a refusal was only for scope: the role may take the action somewhere.
trait ScopeOnly {
    fn is_ok_or_scope(&self) -> bool;
}

impl ScopeOnly for Result<(), crate::authz::Denied> {
    fn is_ok_or_scope(&self) -> bool {
        matches!(self, Ok(()) | Err(crate::authz::Denied::Scope))
    }
}
