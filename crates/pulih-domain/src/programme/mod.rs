//! The village programme, as pure types and rules.
//!
//! A BNNK forms an **IBM unit** (Intervensi Berbasis Masyarakat) in a village: a founding
//! meeting, a decree and a handful of trained volunteers, the *agen pemulihan*. The agents
//! attend a **bimtek** (technical training, e.g. three days in Desa Binjai) and are trained
//! once they attended every day ([`training`]). They then record **activities** —
//! awareness sessions at desa, dusun, RT or RW level, in schools, workplaces and places of
//! worship, with audience counts by sex and age band ([`activity`]) — and map their
//! village's vulnerability with the **IKN** (Indeks Kawasan Rawan Narkoba: 8 core and 5
//! supporting indicators giving Bahaya, Waspada, Siaga or Aman, [`ikn`]).
//!
//! A regency or city designates villages as **Desa/Kelurahan Bersinar** (Bersih Narkoba)
//! by decree against yearly targets ([`bersinar`]), and is itself scored once a year as a
//! **Kota Tanggap Ancaman Narkoba** on the five IKOTAN variables ([`ikotan`]). One
//! decree of the Bupati or Wali Kota names a year's programme villages as candidates at
//! once ([`bersinar_decree`]). A region's local regulations on narcotics (Perda,
//! Perbup/Perwali, SK, Surat Edaran, Perdes) are kept with their dated lifecycle, and
//! those in force are evidence for IKOTAN ([`regulation`]).
//!
//! The BNNK supervises the agents: officers accompany their outreach, coordinators visit
//! the units and watch for agents gone quiet ([`supervision`]). A BNNK or BNNP office
//! also runs its own awareness sessions and outreach, with relawan and school counsellors
//! counted as audiences or facilitators ([`office_activity`]).
//!
//! Schools run **Teman Sebaya**, a peer-educator programme: trained students counted by
//! sex and grade band, and the sessions they hold, counted the same way ([`peers`]).
//!
//! Nothing here touches storage or the web: values are parsed at the edge into these
//! types, and every rule is a function of its inputs (today's date included).

use crate::clinical::FieldError;
use crate::keyed::{keyed_enum, optional_text};

pub mod activity;
pub mod activity_detail;
pub mod bersinar;
pub mod bersinar_decree;
pub mod ikn;
pub mod ikotan;
pub mod office_activity;
pub mod peers;
pub mod regulation;
pub mod supervision;
pub mod training;
pub mod unit;

keyed_enum! {
    /// The kinds of assessment of a place.
    pub enum AssessmentKind {
        /// IKN of a village.
        Ikn = "ikn",
        /// IKOTAN of a regency or city, once a year.
        Ikotan = "ikotan",
    }
    invalid = "invalid.assessment_kind"
}

/// One trimmed line of 1–`max` characters, pushing `invalid` at `field` otherwise.
pub(crate) fn one_line(
    value: &str,
    max: usize,
    field: &'static str,
    invalid: &'static str,
    errors: &mut Vec<FieldError>,
) -> String {
    let text = optional_text(Some(value), max, invalid).ok().flatten();
    match text.filter(|s| !s.contains('\n')) {
        Some(s) => s,
        None => {
            errors.push(FieldError::new(field, invalid));
            String::new()
        }
    }
}
