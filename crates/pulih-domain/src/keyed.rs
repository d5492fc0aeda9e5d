//! `keyed_enum!`: a closed list of choices with a stable key for storage, the API and
//! translations (`<prefix>.<key>`), parsed at the edge like every other value.

/// Declares an enum whose variants each have a key; generates `ALL`, `key()` and
/// `parse()` (failing with the given translation key), and serde by key.
macro_rules! keyed_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $key:literal),+ $(,)?
        }
        invalid = $invalid:literal
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $key)] $variant),+
        }

        impl $name {
            /// Every choice, in the order shown in forms.
            pub const ALL: [Self; [$($key),+].len()] = [$(Self::$variant),+];

            /// The key in storage, the API and translations.
            pub const fn key(self) -> &'static str {
                match self {
                    $(Self::$variant => $key),+
                }
            }

            /// Parses a key.
            pub fn parse(s: &str) -> Result<Self, $crate::Invalid> {
                let s = s.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.key() == s)
                    .ok_or($crate::Invalid::new($invalid))
            }
        }
    };
}

pub(crate) use keyed_enum;

/// Trimmed free text of at most `max` characters; empty gives none.
pub fn optional_text(
    input: Option<&str>,
    max: usize,
    invalid: &'static str,
) -> Result<Option<String>, crate::Invalid> {
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.chars().count() > max || s.chars().any(|c| c.is_control() && c != '\n') => {
            Err(crate::Invalid::new(invalid))
        }
        Some(s) => Ok(Some(s.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    keyed_enum! {
        /// A test choice.
        pub enum Colour {
            /// Red.
            Red = "red",
            /// Blue.
            Blue = "blue",
        }
        invalid = "test.colour"
    }

    #[test]
    fn keys_round_trip_and_unknown_keys_are_refused() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.key()), Ok(c));
        }
        assert_eq!(Colour::parse(" blue "), Ok(Colour::Blue));
        assert_eq!(
            Colour::parse("green").map_err(|e| e.key),
            Err("test.colour")
        );
    }

    #[test]
    fn text_is_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(optional_text(Some("  "), 5, "k"), Ok(None));
        assert_eq!(optional_text(Some(" ab "), 5, "k"), Ok(Some("ab".into())));
        assert!(optional_text(Some("abcdef"), 5, "k").is_err());
        assert!(optional_text(Some("a\u{0}b"), 5, "k").is_err());
        assert_eq!(optional_text(Some("a\nb"), 5, "k"), Ok(Some("a\nb".into())));
    }
}
