//! User accounts: usernames, passwords and roles, parsed at the edge.

use chrono::TimeDelta;

use crate::Invalid;
use crate::keyed::keyed_enum;

/// A login name: 3–32 characters of `a–z`, `0–9`, `.`, `_`, `-`, stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    /// Parses and lower-cases a username.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim().to_lowercase();
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
        if (3..=32).contains(&s.len()) && s.chars().all(allowed) {
            Ok(Self(s))
        } else {
            Err(Invalid::new("invalid.username"))
        }
    }

    /// The username as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's name as shown to colleagues: 1–100 characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    /// Parses a display name.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim();
        if s.is_empty() || s.chars().count() > 100 || s.chars().any(char::is_control) {
            Err(Invalid::new("invalid.display_name"))
        } else {
            Ok(Self(s.to_owned()))
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password that meets the policy: 10–128 characters, not the username.
/// Deliberately no `Debug` output of the content.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    /// Checks the policy for a password chosen by `username`.
    pub fn parse(s: &str, username: &Username) -> Result<Self, Invalid> {
        let n = s.chars().count();
        if n < 10 {
            Err(Invalid::new("invalid.password_short"))
        } else if n > 128 {
            Err(Invalid::new("invalid.password_long"))
        } else if s.to_lowercase().contains(username.as_str()) {
            Err(Invalid::new("invalid.password_username"))
        } else {
            Ok(Self(s.to_owned()))
        }
    }

    /// The secret, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// What a user is in the system; decides, with the scope, what it may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// BNN/BNNP/BNNK system administrator.
    Admin,
    /// BNNK rehab section, IBM supervisor.
    Coordinator,
    /// Rehab officer, IPWL or puskesmas counsellor.
    Counsellor,
    /// Agen pemulihan of an IBM unit.
    Agent,
    /// Partner agency staff.
    Partner,
    /// Monitoring at district, province or national level: aggregates only.
    Analyst,
    /// Police liaison: aggregates and its own hand-offs, never clinical data.
    PoliceLiaison,
}

impl Role {
    /// Every role, in the order shown in forms.
    pub const ALL: [Self; 7] = [
        Self::Admin,
        Self::Coordinator,
        Self::Counsellor,
        Self::Agent,
        Self::Partner,
        Self::Analyst,
        Self::PoliceLiaison,
    ];

    /// The role's name in storage and the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Coordinator => "coordinator",
            Self::Counsellor => "counsellor",
            Self::Agent => "agent",
            Self::Partner => "partner",
            Self::Analyst => "analyst",
            Self::PoliceLiaison => "police_liaison",
        }
    }

    /// Parses a role name.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or(Invalid::new("invalid.role"))
    }
}

keyed_enum! {
    /// Why a one-time link lets a person set their own password. Either way the password
    /// is chosen by the person, never shown to whoever issued the link.
    pub enum LinkPurpose {
        /// An invitation to a new account.
        Invite = "invite",
        /// A reset of a forgotten password (or of a lost second factor).
        Reset = "reset",
    }
    invalid = "invalid.link_purpose"
}

impl LinkPurpose {
    /// How long a link stays usable: a week for an invitation, which may wait for the
    /// person to be in signal; three days for a reset, asked for by the person.
    pub fn valid_for(self) -> TimeDelta {
        match self {
            Self::Invite => TimeDelta::days(7),
            Self::Reset => TimeDelta::days(3),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_limited() {
        assert_eq!(
            Username::parse(" Sari.Dewi ").map(|u| u.0),
            Ok("sari.dewi".into())
        );
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("with space").is_err());
        assert!(Username::parse(&"x".repeat(33)).is_err());
    }

    #[test]
    fn passwords_follow_the_policy_and_never_print() {
        let user = Username::parse("sari").expect("valid");
        assert_eq!(
            NewPassword::parse("short", &user).err(),
            Some(Invalid::new("invalid.password_short"))
        );
        assert!(NewPassword::parse("my-SARI-password", &user).is_err());
        let ok = NewPassword::parse("kopi susu pagi hari", &user).expect("valid");
        assert_eq!(format!("{ok:?}"), "NewPassword(***)");
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn links_expire_after_a_week_or_three_days() {
        assert_eq!(LinkPurpose::Invite.valid_for().num_days(), 7);
        assert_eq!(LinkPurpose::Reset.valid_for().num_days(), 3);
    }
}
