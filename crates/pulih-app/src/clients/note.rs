//! The sealed free-text note many facts carry.

use serde::{Deserialize, Serialize};

/// A free-text note, sealed.
#[derive(Clone, Default, Serialize, Deserialize)]
pub(super) struct Note {
    pub note: Option<String>,
}

pulih_domain::redacted_debug!(Note);
