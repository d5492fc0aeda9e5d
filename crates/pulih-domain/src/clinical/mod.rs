//! Clinical instruments and their scoring, exactly as in the design's "Clinical rules":
//! WHO ASSIST v3.1 (substance involvement) and BARC-10 (recovery capital), with BNN's
//! user typology recorded beside ASSIST ([`typology`]).
//!
//! Answers arrive as raw values and are parsed here into validated types; every
//! rejected answer is reported at once as a [`FieldError`] so a form can mark them all.

pub mod assist;
pub mod barc10;
pub mod typology;

/// One rejected answer: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    /// Path of the field, e.g. `substances.tobacco.q5`, `q8` or `items.3`.
    pub field: String,
    /// Translation key of the reason, e.g. `invalid.assist_answer`.
    pub key: &'static str,
}

impl FieldError {
    /// The answer at `field` is rejected for the reason translated by `key`.
    pub fn new(field: impl Into<String>, key: &'static str) -> Self {
        Self {
            field: field.into(),
            key,
        }
    }
}
