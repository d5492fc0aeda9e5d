//! A client's pseudonymous code: eight characters of Crockford's base32 drawn at random,
//! the last a check character, shown in two groups (`K7QM-4X9H`). Drawn at random so
//! that a code found in a notebook leads nowhere and the next client's code cannot be
//! guessed from one's own (a sequence would hand out every client of a regency); about
//! 34 billion codes, so guessing one, even without the break-glass limits, is hopeless.
//!
//! The alphabet leaves out I, L, O and U; reading a code, `i` and `l` count as 1, `o` as
//! 0, and case, spaces and hyphens do not matter. The check character (Luhn mod 32)
//! catches any one mistyped character and any two neighbours swapped but `0` and `Z`.
//!
//! Codes given before were the regency's digits and a sequence (`2171-00042`); they
//! stay valid and are read as they are, and demo data is still numbered so.

use rand::Rng;

use crate::Invalid;
use crate::region::RegionCode;

/// Crockford's base32: digits and letters without I, L, O and U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random characters in a code; one check character follows.
const RANDOM: usize = 7;

/// A client's pseudonymous code (see the module).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct ClientCode(String);

impl ClientCode {
    /// A new code drawn from the operating system's randomness.
    pub fn fresh() -> Self {
        Self::random(&mut rand::rngs::OsRng)
    }

    /// A new code drawn from `rng` (a seeded one for demo data).
    pub fn random(rng: &mut impl Rng) -> Self {
        let mut values: Vec<u8> = (0..RANDOM).map(|_| rng.gen_range(0..32)).collect();
        values.push(check(&values));
        Self::shown(&values)
    }

    /// The code of the earlier form for the `seq`-th client of the regency containing
    /// `region`, e.g. `2171-00042`: the demo loader numbers its synthetic clients so, as
    /// millions of random codes drawn without a look at the table would collide.
    pub fn sequential(region: &RegionCode, seq: i64) -> Self {
        let regency: String = region
            .as_str()
            .chars()
            .filter(char::is_ascii_digit)
            .take(4)
            .collect();
        Self(format!("{regency}-{seq:05}"))
    }

    /// Parses a code someone typed, e.g. for break-glass access.
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let s = s.trim();
        if sequential(s) {
            return Ok(Self(s.to_owned()));
        }
        let values: Option<Vec<u8>> = s
            .chars()
            .filter(|c| *c != '-' && *c != ' ')
            .map(value)
            .collect();
        match values {
            Some(v) if v.len() == RANDOM + 1 && check(&v[..RANDOM]) == v[RANDOM] => {
                Ok(Self::shown(&v))
            }
            _ => Err(Invalid::new("invalid.client_code")),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code of `values`, in two groups of four.
    fn shown(values: &[u8]) -> Self {
        let chars: String = values
            .iter()
            .map(|v| char::from(ALPHABET[usize::from(*v)]))
            .collect();
        Self(format!("{}-{}", &chars[..4], &chars[4..]))
    }
}

impl std::fmt::Display for ClientCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `s` is a code of the earlier form: four digits, a hyphen, five or more digits.
fn sequential(s: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    s.split_once('-').is_some_and(|(regency, seq)| {
        regency.len() == 4 && digits(regency) && seq.len() >= 5 && digits(seq)
    })
}

/// The value of one typed character, read as Crockford reads it.
fn value(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'I' | 'L' => '1',
        'O' => '0',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|a| char::from(*a) == c)
        .and_then(|p| u8::try_from(p).ok())
}

/// The Luhn mod 32 check value of `values`.
fn check(values: &[u8]) -> u8 {
    let sum: u32 = values
        .iter()
        .rev()
        .enumerate()
        .map(|(i, v)| {
            let addend = u32::from(*v) * if i % 2 == 0 { 2 } else { 1 };
            addend / 32 + addend % 32
        })
        .sum();
    u8::try_from((32 - sum % 32) % 32).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;

    #[test]
    fn a_code_is_two_readable_groups_and_reads_back_however_it_is_typed() {
        let code = ClientCode::random(&mut rand::rngs::StdRng::seed_from_u64(7));
        let text = code.as_str();
        assert_eq!((text.len(), &text[4..5]), (9, "-"));
        assert!(
            text.chars()
                .all(|c| c == '-' || ALPHABET.contains(&(c as u8)))
        );
        let typed = text
            .to_lowercase()
            .replace('-', " ")
            .replace('1', "l")
            .replace('0', "o");
        assert_eq!(ClientCode::parse(&typed), Ok(code));
    }

    #[test]
    fn codes_of_the_earlier_form_still_read() {
        let batam = RegionCode::parse("21.71.01.1001").expect("region");
        assert_eq!(ClientCode::sequential(&batam, 42).as_str(), "2171-00042");
        assert_eq!(
            ClientCode::parse(" 2171-00042 ").expect("valid").as_str(),
            "2171-00042"
        );
        assert!(ClientCode::parse("2171-42").is_err());
        assert!(ClientCode::parse("Budi").is_err());
        assert!(ClientCode::parse("K7QM-4X9").is_err());
    }

    proptest! {
        #[test]
        fn one_mistyped_character_or_two_swapped_neighbours_but_0_and_z_are_caught(
            seed in any::<u64>(), at in 0usize..8, by in 1u8..32,
        ) {
            let code = ClientCode::random(&mut rand::rngs::StdRng::seed_from_u64(seed));
            let mut values: Vec<u8> = code.as_str().chars().filter_map(value).collect();
            let mut typo = values.clone();
            typo[at] = (typo[at] + by) % 32;
            prop_assert!(ClientCode::parse(&ClientCode::shown(&typo).0).is_err());
            let pair = (values[at].min(values[(at + 1) % 8]), values[at].max(values[(at + 1) % 8]));
            if at < 7 && pair.0 != pair.1 && pair != (0, 31) {
                values.swap(at, at + 1);
                prop_assert!(ClientCode::parse(&ClientCode::shown(&values).0).is_err());
            }
        }
    }
}
