//! Time-based one-time passwords (RFC 6238): HMAC-SHA1, 6 digits, 30-second steps.
//!
//! A code is accepted for the step it was made in and one step either side (clocks on
//! phones drift); the caller remembers the last step it accepted per user so that a code
//! is never taken twice (see [`Totp::verify`]).

use hmac::{Hmac, Mac};
use rand::RngCore;
use rand::rngs::OsRng;
use sha1::Sha1;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Seconds per step.
pub const STEP_SECS: i64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
const SECRET_LEN: usize = 20;
/// RFC 4648 base32 alphabet.
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A shared TOTP secret. Zeroized on drop; `Debug` is redacted.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Totp(Vec<u8>);

impl std::fmt::Debug for Totp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Totp(<redacted>)")
    }
}

impl Totp {
    /// A fresh random secret.
    pub fn generate() -> Self {
        let mut bytes = vec![0; SECRET_LEN];
        OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// A secret from its raw bytes (as stored, after opening).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// A secret from its base32 form (spaces and case ignored); none if it is not base32.
    pub fn from_base32(text: &str) -> Option<Self> {
        let mut bits: u64 = 0;
        let mut count = 0;
        let mut out = Vec::new();
        for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
            let c = c.to_ascii_uppercase() as u8;
            let value = BASE32.iter().position(|&a| a == c)?;
            bits = (bits << 5) | value as u64;
            count += 5;
            if count >= 8 {
                count -= 8;
                out.push((bits >> count) as u8);
                bits &= (1 << count) - 1;
            }
        }
        Some(Self(out))
    }

    /// The raw bytes, for sealing.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The secret in base32 without padding, as authenticator apps take it typed.
    pub fn base32(&self) -> String {
        let mut out = String::new();
        let (mut bits, mut count) = (0u32, 0);
        for &b in &self.0 {
            bits = (bits << 8) | u32::from(b);
            count += 8;
            while count >= 5 {
                count -= 5;
                out.push(BASE32[((bits >> count) & 31) as usize] as char);
            }
            bits &= (1 << count) - 1;
        }
        if count > 0 {
            out.push(BASE32[((bits << (5 - count)) & 31) as usize] as char);
        }
        out
    }

    /// The `otpauth://` URI an authenticator app reads from a QR code.
    pub fn uri(&self, issuer: &str, account: &str) -> String {
        let label = format!("{issuer}:{account}");
        format!(
            "otpauth://totp/{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
            percent(&label),
            self.base32(),
            percent(issuer)
        )
    }

    /// The step a Unix time falls in.
    pub fn step_of(unix_secs: i64) -> i64 {
        unix_secs.div_euclid(STEP_SECS)
    }

    /// The code of one step (RFC 4226 HOTP over the step counter), zero-padded.
    #[expect(clippy::expect_used, reason = "HMAC accepts keys of any length")]
    pub fn code(&self, step: i64) -> String {
        let mut mac =
            Hmac::<Sha1>::new_from_slice(&self.0).expect("HMAC accepts keys of any length");
        mac.update(&step.to_be_bytes());
        let hash = mac.finalize().into_bytes();
        let offset = usize::from(hash[hash.len() - 1] & 0x0f);
        let bin = u32::from_be_bytes([
            hash[offset] & 0x7f,
            hash[offset + 1],
            hash[offset + 2],
            hash[offset + 3],
        ]);
        format!(
            "{:0width$}",
            bin % 10u32.pow(DIGITS),
            width = DIGITS as usize
        )
    }

    /// The step whose code `code` is, within one step of `unix_secs` and after
    /// `last_used` (a step accepted before is never accepted again); none otherwise.
    /// Every candidate is compared in constant time.
    pub fn verify(&self, code: &str, unix_secs: i64, last_used: Option<i64>) -> Option<i64> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let now = Self::step_of(unix_secs);
        let mut found = None;
        for step in [now - 1, now, now + 1] {
            let same: bool = self.code(step).as_bytes().ct_eq(code.as_bytes()).into();
            if same && last_used.is_none_or(|last| step > last) {
                found = Some(step);
            }
        }
        found
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1: the 20-byte ASCII secret and the 8-digit codes, of
    /// which a 6-digit code is the last six digits.
    const RFC_SECRET: &[u8] = b"12345678901234567890";
    const RFC_VECTORS: [(i64, &str); 6] = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let totp = Totp::from_bytes(RFC_SECRET.to_vec());
        for (time, eight) in RFC_VECTORS {
            assert_eq!(totp.code(Totp::step_of(time)), eight[2..], "at {time}");
        }
    }

    #[test]
    fn a_code_is_taken_one_step_either_side_and_never_twice() {
        let totp = Totp::generate();
        let now = 1_700_000_000;
        let step = Totp::step_of(now);
        for s in [step - 1, step, step + 1] {
            assert_eq!(totp.verify(&totp.code(s), now, None), Some(s));
        }
        for s in [step - 2, step + 2] {
            assert_eq!(totp.verify(&totp.code(s), now, None), None);
        }
        assert_eq!(totp.verify(&totp.code(step), now, Some(step)), None);
        assert_eq!(totp.verify(&totp.code(step - 1), now, Some(step - 1)), None);
        assert_eq!(
            totp.verify(&totp.code(step + 1), now, Some(step)),
            Some(step + 1)
        );
        assert_eq!(totp.verify("12345", now, None), None);
        assert_eq!(totp.verify("abcdef", now, None), None);
    }

    #[test]
    fn base32_reads_back_what_it_writes_and_the_uri_names_it() {
        let totp = Totp::from_bytes(RFC_SECRET.to_vec());
        assert_eq!(totp.base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        let back = Totp::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").expect("base32");
        assert_eq!(back.bytes(), RFC_SECRET);
        assert!(Totp::from_base32("not base32!").is_none());
        let uri = totp.uri("Pulih", "sari@x");
        assert!(uri.starts_with("otpauth://totp/Pulih%3Asari%40x?secret=GEZDGNBVGY3TQOJQ"));
        assert!(uri.contains("&period=30"));
    }
}
