//! The outbox's retry policy: a failed attempt is tried again after a delay that doubles
//! each time (one minute, two, four… at most an hour); after [`MAX_ATTEMPTS`] the
//! delivery is given up and shown to administrators as failed.

use chrono::Duration;

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i64 = 8;

/// The first delay, in seconds.
const BASE_SECS: i64 = 60;

/// The longest delay, in seconds.
const CAP_SECS: i64 = 3600;

/// How long to wait after the `attempts`-th failed attempt (1 for the first); none when
/// the delivery is to be given up.
pub fn next_attempt_in(attempts: i64) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    let secs = BASE_SECS.saturating_mul(1_i64 << doublings).min(CAP_SECS);
    Some(Duration::seconds(secs))
}
