//! MoUs and joint commitments between organisations (the provincial police narcotics
//! directorate with a rehab institution, a foundation, religious and community leaders):
//! parties, what they commit to ([`MouScope`], several allowed), the document number,
//! the signing date and term, and the end date that follows. A draft is signed, a
//! signed MoU may be ended early; one past its end date is expired, whatever was stored.
//! Referrals done under an MoU are linked to it.

use chrono::{Months, NaiveDate};

use crate::Invalid;
use crate::keyed::keyed_enum;

/// Days before its end a signed MoU appears on the worklist.
pub const ENDING_WARNING_DAYS: i64 = 60;
/// Longest term, in months.
pub const TERM_MAX_MONTHS: u32 = 120;
/// Longest document number or title, in characters.
pub const TEXT_MAX: usize = 200;

keyed_enum! {
    /// What the parties commit to.
    pub enum MouScope {
        /// Coaching after rehabilitation (pembinaan pasca rehabilitasi).
        PostRehabCoaching = "post_rehab_coaching",
        /// Skills training (pelatihan keterampilan).
        SkillsTraining = "skills_training",
        /// Referrals between the parties (rujukan).
        Referrals = "referrals",
    }
    invalid = "invalid.mou_scope"
}

keyed_enum! {
    /// Where an MoU stands.
    pub enum MouStatus {
        /// Being drafted, not signed yet.
        Draft = "draft",
        /// Signed and in force.
        Signed = "signed",
        /// Past its end date.
        Expired = "expired",
        /// Ended by the parties before its end date.
        Ended = "ended",
    }
    invalid = "invalid.mou_status"
}

impl MouStatus {
    /// The status as of `today`: a signed MoU past its end date is expired.
    pub fn as_of(self, ends_on: Option<NaiveDate>, today: NaiveDate) -> Self {
        match (self, ends_on) {
            (Self::Signed, Some(end)) if end < today => Self::Expired,
            _ => self,
        }
    }

    /// The stored status after a change to `to`: a draft may be signed (with a signing
    /// date and term) or abandoned (ended); a signed MoU may be ended. Expiry is never
    /// set by hand: it follows from the end date.
    pub fn change(self, to: Self, signed: bool) -> Result<Self, Invalid> {
        match (self, to) {
            (Self::Draft, Self::Signed) if signed => Ok(to),
            (Self::Draft, Self::Signed) => Err(Invalid::new("invalid.mou_unsigned")),
            (Self::Draft | Self::Signed, Self::Ended) => Ok(to),
            _ => Err(Invalid::new("invalid.mou_status_change")),
        }
    }
}

/// Parses the scopes: at least one, each once, in their listed order.
pub fn parse_scopes(raw: &[String]) -> Result<Vec<MouScope>, Invalid> {
    let mut out = Vec::new();
    for r in raw.iter().filter(|s| !s.trim().is_empty()) {
        let s = MouScope::parse(r)?;
        if !out.contains(&s) {
            out.push(s);
        }
    }
    if out.is_empty() {
        return Err(Invalid::new("invalid.mou_scope_missing"));
    }
    out.sort();
    Ok(out)
}

/// A term in months, 1–120.
pub fn parse_term(months: u32) -> Result<u32, Invalid> {
    if (1..=TERM_MAX_MONTHS).contains(&months) {
        Ok(months)
    } else {
        Err(Invalid::new("invalid.mou_term"))
    }
}

/// The last day of a term of `months` from `signed_on`: the day before the same date
/// `months` later (a year from 1 March ends on the last day of February).
pub fn ends_on(signed_on: NaiveDate, months: u32) -> Option<NaiveDate> {
    signed_on
        .checked_add_months(Months::new(months))?
        .pred_opt()
}

/// Whether a signed MoU ending on `ends_on` shows as ending soon on `today`.
pub fn ending_soon(status: MouStatus, ends_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    matches!((status, ends_on), (MouStatus::Signed, Some(end))
        if end >= today && (end - today).num_days() <= ENDING_WARNING_DAYS)
}

/// Trimmed text of 1–200 characters (a document number or a title).
pub fn parse_text(raw: &str, invalid: &'static str) -> Result<String, Invalid> {
    let s = raw.trim();
    let n = s.chars().count();
    if !(1..=TEXT_MAX).contains(&n) || s.chars().any(char::is_control) {
        return Err(Invalid::new(invalid));
    }
    Ok(s.to_owned())
}
