//! What workers send to record facts about a client: raw text, parsed by the use-cases.

use std::collections::BTreeMap;

use pulih_domain::clinical::assist::RawSubstance;
use pulih_domain::ids::FactId;
use serde::Serialize;

/// Consent as recorded on the form.
#[derive(Clone, Default, serde::Deserialize)]
pub struct ConsentInput {
    /// Services (screening, care, treatment).
    #[serde(default)]
    pub services: bool,
    /// Partner types the record may be shared with.
    #[serde(default)]
    pub share_with: Vec<String>,
    /// Follow-up contact.
    #[serde(default)]
    pub follow_up: bool,
    /// `client` or `guardian`.
    pub given_by: String,
    /// `signed_form` or `verbal_witnessed`.
    pub method: String,
    /// `YYYY-MM-DD`.
    pub given_on: String,
    /// `YYYY-MM-DD`, if limited.
    #[serde(default)]
    pub expires_on: Option<String>,
    /// The guardian's name.
    #[serde(default)]
    pub guardian: Option<String>,
    /// The witness's name.
    #[serde(default)]
    pub witness: Option<String>,
    /// The number printed on the signed consent form.
    #[serde(default)]
    pub form_number: Option<String>,
}

/// What a consent would record, read back before it is saved.
#[derive(Clone, Serialize)]
pub struct ConsentReadBack {
    /// What is agreed.
    pub terms: pulih_domain::consent::ConsentTerms,
    /// The guardian's name.
    pub guardian: Option<String>,
    /// The witness's name.
    pub witness: Option<String>,
    /// The number of the signed form.
    pub form_number: Option<String>,
}

/// A withdrawal of consent.
#[derive(Clone, Default, serde::Deserialize)]
pub struct WithdrawalInput {
    /// The consent withdrawn.
    pub consent_id: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub withdrawn_on: Option<String>,
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// An episode of care and its intake pathway, with the minimum data set.
#[derive(Clone, Default, serde::Deserialize)]
pub struct EpisodeInput {
    /// Pathway key, e.g. `tat`.
    pub pathway: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub opened_on: Option<String>,
    /// Kartu lapor diri number (Wajib Lapor).
    #[serde(default)]
    pub card_number: Option<String>,
    /// Date of arrest (TAT).
    #[serde(default)]
    pub arrested_on: Option<String>,
    /// Date of release (Lapas).
    #[serde(default)]
    pub released_on: Option<String>,
    /// Substance keys, as in ASSIST.
    #[serde(default)]
    pub substances: Vec<String>,
    /// Months of use.
    #[serde(default)]
    pub use_months: Option<u16>,
    /// Route keys.
    #[serde(default)]
    pub routes: Vec<String>,
    /// Working diagnosis.
    #[serde(default)]
    pub diagnosis: Option<String>,
    /// Treatment history key.
    #[serde(default)]
    pub treatment_history: Option<String>,
}

/// The TAT assessment of an episode took place.
#[derive(Clone, Default, serde::Deserialize)]
pub struct TatAssessmentInput {
    /// The episode.
    pub episode_id: String,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub assessed_on: Option<String>,
    /// A note.
    #[serde(default)]
    pub note: Option<String>,
}

/// ASSIST answers as in the API contract, with the date taken.
#[derive(Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssistInput {
    /// Answers per substance key.
    #[serde(default)]
    pub substances: BTreeMap<String, RawSubstance>,
    /// Injecting.
    #[serde(default)]
    pub q8: Option<String>,
    /// BNN's user typology: `coba_pakai`, `teratur_pakai` or `pecandu`.
    #[serde(default)]
    pub typology: Option<String>,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub taken_on: Option<String>,
}

/// BARC-10 answers.
#[derive(Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Barc10Input {
    /// Ten answers, 1–6.
    pub items: Vec<i64>,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub taken_on: Option<String>,
}

/// A BARC-10 result.
#[derive(Clone, Copy, Serialize)]
pub struct Barc10Result {
    /// The stored fact.
    pub id: FactId,
    /// Sum of the items, 10–60.
    pub total: u8,
    /// Whether the total shows strong recovery capital (≥ 47).
    pub strong: bool,
}

/// A step of care given.
#[derive(Clone, Default, serde::Deserialize)]
pub struct CareStepInput {
    /// The screening it follows; the latest ASSIST when empty.
    #[serde(default)]
    pub screening_id: Option<String>,
    /// `advice`, `brief_intervention` or `referral`.
    pub done: String,
    /// Why, when less is done than proposed.
    #[serde(default)]
    pub note: Option<String>,
    /// `YYYY-MM-DD`; today when empty.
    #[serde(default)]
    pub given_on: Option<String>,
}

/// A care plan.
#[derive(Clone, Default, serde::Deserialize)]
pub struct CarePlanInput {
    /// Goals, one per entry or per line.
    #[serde(default)]
    pub goals: Vec<String>,
    /// Person responsible.
    #[serde(default)]
    pub responsible: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub review_on: String,
    /// The plan this revises.
    #[serde(default)]
    pub revises: Option<String>,
}

pulih_domain::redacted_debug!(
    ConsentInput,
    ConsentReadBack,
    WithdrawalInput,
    EpisodeInput,
    TatAssessmentInput,
    AssistInput,
    Barc10Input,
    Barc10Result,
    CareStepInput,
    CarePlanInput
);
