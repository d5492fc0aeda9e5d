//! Coordination meetings (rapat koordinasi, rakor): a BNNK with Dinsos, Dinkes,
//! Disnakertrans, DP3A and BLK setting up IBM, or a city's Kota Tanggap rakor with Polri,
//! Kejaksaan and volunteers. A rakor has a date, a place, a convening organisation, the
//! organisations present, topics and decisions, and action items: each owned by one
//! registered organisation, due on a date, open until its owner marks it done or
//! dropped. An open item past its due date is overdue.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::clinical::FieldError;
use crate::keyed::keyed_enum;

/// Longest place, in characters.
pub const PLACE_MAX: usize = 200;
/// Longest topic or decision, in characters.
pub const LINE_MAX: usize = 1_000;
/// Most topics, and most decisions, of one rakor.
pub const LINES_MAX: usize = 30;
/// Longest action item, in characters.
pub const ITEM_MAX: usize = 500;

keyed_enum! {
    /// Where an action item stands.
    pub enum ItemStatus {
        /// Still to do.
        Open = "open",
        /// Done.
        Done = "done",
        /// Given up, no longer to do.
        Dropped = "dropped",
    }
    invalid = "invalid.item_status"
}

impl ItemStatus {
    /// The status after its owner sets `to`: any change is allowed (a done item may be
    /// reopened), but setting the status it has already is refused, so that a second
    /// click or a stale form does not pass for news.
    pub fn change(self, to: Self) -> Result<Self, Invalid> {
        if self == to {
            Err(Invalid::new("invalid.item_status_same"))
        } else {
            Ok(to)
        }
    }

    /// Whether an item with this status, due on `due_on`, is overdue on `today`.
    pub fn overdue(self, due_on: NaiveDate, today: NaiveDate) -> bool {
        self == Self::Open && due_on < today
    }
}

/// Lines of free text (topics, decisions): each trimmed, empty ones dropped, at most
/// [`LINES_MAX`] of at most [`LINE_MAX`] characters; at least `min`.
pub fn parse_lines(field: &str, raw: &[String], min: usize) -> Result<Vec<String>, FieldError> {
    let lines: Vec<String> = raw
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let bad =
        |s: &String| s.chars().count() > LINE_MAX || s.chars().any(|c| c.is_control() && c != '\n');
    if lines.len() < min {
        Err(FieldError::new(field, "invalid.lines_missing"))
    } else if lines.len() > LINES_MAX || lines.iter().any(bad) {
        Err(FieldError::new(field, "invalid.lines"))
    } else {
        Ok(lines)
    }
}

/// The place a rakor was held: 2–200 characters.
pub fn parse_place(raw: &str) -> Result<String, Invalid> {
    let s = raw.trim();
    let n = s.chars().count();
    if !(2..=PLACE_MAX).contains(&n) || s.chars().any(char::is_control) {
        return Err(Invalid::new("invalid.rakor_place"));
    }
    Ok(s.to_owned())
}

/// What an action item asks for: 3–500 characters.
pub fn parse_item(raw: &str) -> Result<String, Invalid> {
    let s = raw.trim();
    let n = s.chars().count();
    if !(3..=ITEM_MAX).contains(&n) || s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Invalid::new("invalid.action_item"));
    }
    Ok(s.to_owned())
}

/// An action item's due date: not before the rakor that agreed it.
pub fn check_due(held_on: NaiveDate, due_on: NaiveDate) -> Result<NaiveDate, Invalid> {
    if due_on < held_on {
        return Err(Invalid::new("invalid.due_before_rakor"));
    }
    Ok(due_on)
}

/// A status change as stored in an item's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// From.
    pub from: ItemStatus,
    /// To.
    pub to: ItemStatus,
}
