//! Typed UUIDv7 identifiers: a `UserId` can never be passed where an `OrgId` is meant.

use std::fmt;
use std::str::FromStr;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A new time-ordered (UUIDv7) id.
            pub fn new() -> Self {
                Self(uuid::Uuid::now_v7())
            }
            /// Wraps an id read from storage.
            pub const fn from_uuid(id: uuid::Uuid) -> Self {
                Self(id)
            }
            /// The underlying UUID, for storage.
            pub const fn as_uuid(&self) -> uuid::Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = crate::Invalid;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self).map_err(|_| crate::Invalid::new("invalid.id"))
            }
        }
    };
}

typed_id!(
    /// Identifies a user account.
    UserId
);
typed_id!(
    /// Identifies an organisation.
    OrgId
);
typed_id!(
    /// Identifies one region import run.
    ImportId
);
typed_id!(
    /// Identifies a login session or API token.
    SessionId
);
typed_id!(
    /// Identifies a client (a person in care), never derived from who they are.
    ClientId
);
typed_id!(
    /// Identifies one fact recorded about a client: a consent, an episode, a screening…
    FactId
);
typed_id!(
    /// Identifies one break-glass access grant.
    GrantId
);
typed_id!(
    /// Identifies one assessment of a place (IKN of a village, IKOTAN of a city).
    AssessmentId
);
typed_id!(
    /// Identifies an IBM unit of a village.
    UnitId
);
typed_id!(
    /// Identifies a bimtek training.
    TrainingId
);
typed_id!(
    /// Identifies an activity of an IBM unit.
    ActivityId
);
typed_id!(
    /// Identifies a service in the partner directory.
    ServiceId
);
typed_id!(
    /// Identifies a school of the Teman Sebaya programme.
    SchoolId
);
typed_id!(
    /// Identifies a referral of a client to a partner service.
    ReferralId
);
typed_id!(
    /// Identifies an in-app notification to a user.
    NotificationId
);
typed_id!(
    /// Identifies one count of a school's peer educators as of a date.
    PeerCountId
);
typed_id!(
    /// Identifies one session held by a school's peer educators.
    PeerSessionId
);
typed_id!(
    /// Identifies an enforcement hand-off (arrest, TAT assessment, Lapas release).
    HandoffId
);
typed_id!(
    /// Identifies a coordination meeting (rakor).
    MeetingId
);
typed_id!(
    /// Identifies an action item agreed at a rakor.
    ActionItemId
);
typed_id!(
    /// Identifies an MoU or joint commitment.
    MouId
);
typed_id!(
    /// Identifies a local regulation (Perda, Perbup/Perwali, SK, Surat Edaran, Perdes).
    RegulationId
);
typed_id!(
    /// Identifies a programme decree naming a year's Bersinar villages.
    DecreeId
);
typed_id!(
    /// Identifies a coordinator's supervision visit to an IBM unit.
    SupervisionVisitId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_time_ordered_and_round_trip_through_text() {
        let a = UserId::new();
        let b = UserId::new();
        assert!(a < b);
        assert_eq!(a.to_string().parse::<UserId>(), Ok(a));
        assert!("not-a-uuid".parse::<UserId>().is_err());
    }
}
