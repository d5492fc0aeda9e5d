//! Counters kept in memory: login throttling, and a daily allowance per user (NIK
//! look-ups). Each server process counts for itself.
//!
//! Failed logins are counted per account *and address* (so a stranger elsewhere cannot
//! stop the owner), per address across accounts (password spraying), and per account
//! from devices it never logged in from (guessing from many addresses). Past a count's
//! allowance each further attempt waits longer — the first delay, then twice as long,
//! up to a ceiling — and the count is forgotten after a quiet spell. Nothing ever locks
//! an account: a device that logged in before (it holds a device token, see
//! [`crate::Keys::device_token`]) is counted on its own, so the owner's phone keeps
//! working while someone guesses at the account from elsewhere.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use pulih_domain::ids::UserId;

/// Limits for failed logins.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleConfig {
    /// Failures allowed per account from one address or one known device before delays.
    pub per_account: u32,
    /// Failures allowed per address across accounts before delays.
    pub per_ip: u32,
    /// Failures allowed per account from unknown devices, all addresses together.
    pub per_account_anywhere: u32,
    /// The first delay past an allowance, in seconds; each further failure doubles it.
    pub first_delay_secs: i64,
    /// The longest delay, in seconds; a count is forgotten after this long without failures.
    pub window_secs: i64,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_ip: 20,
            per_account_anywhere: 20,
            first_delay_secs: 30,
            window_secs: 15 * 60,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Count {
    last: DateTime<Utc>,
    failures: u32,
}

/// Who is trying to log in.
#[derive(Debug, Clone, Copy)]
pub struct Attempt<'a> {
    /// The account tried, as typed.
    pub username: &'a str,
    /// The client's address.
    pub ip: Option<&'a str>,
    /// The device's identity when it holds a valid device token for this account.
    pub known_device: Option<&'a str>,
}

/// Failure counts by key.
#[derive(Debug)]
pub struct Throttle {
    config: ThrottleConfig,
    counts: Mutex<HashMap<String, Count>>,
}

impl Throttle {
    /// New, empty counters.
    pub fn new(config: ThrottleConfig) -> Self {
        Self {
            config,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// The counts an attempt is charged to, each with its allowance.
    fn keys(&self, a: &Attempt<'_>) -> Vec<(String, u32)> {
        // Usernames are at most 32 characters; longer input cannot name an account.
        let name: String = a.username.chars().take(40).collect();
        let ip = a.ip.unwrap_or("-");
        match a.known_device {
            Some(device) => vec![(format!("device:{name}|{device}"), self.config.per_account)],
            None => vec![
                (format!("pair:{name}|{ip}"), self.config.per_account),
                (format!("ip:{ip}"), self.config.per_ip),
                (format!("user:{name}"), self.config.per_account_anywhere),
            ],
        }
    }

    /// How long after its last failure a count past its allowance waits.
    fn delay(&self, failures: u32, allowance: u32) -> Duration {
        let doublings = failures.saturating_sub(allowance).min(20);
        let secs = self
            .config
            .first_delay_secs
            .saturating_mul(1 << doublings)
            .min(self.config.window_secs);
        Duration::seconds(secs)
    }

    /// Reserves one attempt: refused with the seconds to wait if a count is past its
    /// allowance and its delay has not passed, else counted at once (before the password
    /// is checked), so parallel guesses cannot all slip through. A success gives the
    /// attempt back.
    pub fn attempt(&self, a: &Attempt<'_>, now: DateTime<Utc>) -> Result<(), u64> {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let quiet = Duration::seconds(self.config.window_secs);
        counts.retain(|_, c| c.last + quiet > now);
        let keys = self.keys(a);
        let wait = keys
            .iter()
            .filter_map(|(key, allowance)| {
                let c = counts.get(key)?;
                let open = c.last + self.delay(c.failures, *allowance);
                (c.failures >= *allowance && open > now)
                    .then(|| (open - now).num_seconds().max(1) as u64)
            })
            .max();
        if let Some(secs) = wait {
            return Err(secs);
        }
        for (key, _) in keys {
            let c = counts.entry(key).or_insert(Count {
                last: now,
                failures: 0,
            });
            c.last = now;
            c.failures += 1;
        }
        Ok(())
    }

    /// After a successful login: clears the account's counts from this address or
    /// device and gives back the attempt it reserved from the others.
    pub fn succeeded(&self, a: &Attempt<'_>) {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (key, _) in self.keys(a) {
            if key.starts_with("pair:") || key.starts_with("device:") {
                counts.remove(&key);
            } else if let Some(c) = counts.get_mut(&key) {
                c.failures = c.failures.saturating_sub(1);
            }
        }
    }
}

/// Where a user stands against a daily allowance after asking for one more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    /// Granted.
    Granted,
    /// Refused, for the first time today: the moment to raise an alert.
    JustSpent,
    /// Refused, as it was before today.
    Spent,
}

/// So many uses per user and day; the count starts again each day.
#[derive(Debug)]
pub struct DailyLimit {
    per_day: u32,
    used: Mutex<HashMap<UserId, (NaiveDate, u32)>>,
}

impl DailyLimit {
    /// Allows `per_day` uses per user and day.
    pub fn new(per_day: u32) -> Self {
        Self {
            per_day,
            used: Mutex::new(HashMap::new()),
        }
    }

    /// The uses allowed per day.
    pub fn per_day(&self) -> u32 {
        self.per_day
    }

    /// Counts one use by `user` on `day` and says whether it is allowed.
    pub fn take(&self, user: UserId, day: NaiveDate) -> Allowance {
        let mut used = self
            .used
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = used.entry(user).or_insert((day, 0));
        if count.0 != day {
            *count = (day, 0);
        }
        count.1 = count.1.saturating_add(1);
        match count.1.checked_sub(self.per_day) {
            None | Some(0) => Allowance::Granted,
            Some(1) => Allowance::JustSpent,
            Some(_) => Allowance::Spent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_daily_limit_refuses_past_it_says_so_once_and_starts_again_the_next_day() {
        use Allowance::{Granted, JustSpent, Spent};
        let limit = DailyLimit::new(2);
        let (sari, budi) = (UserId::new(), UserId::new());
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).expect("day");
        let taken: Vec<Allowance> = (0..4).map(|_| limit.take(sari, day)).collect();
        assert_eq!(taken, [Granted, Granted, JustSpent, Spent]);
        assert_eq!(limit.take(budi, day), Granted);
        let next = day.succ_opt().expect("next day");
        assert_eq!(limit.take(sari, next), Granted);
    }

    fn throttle() -> Throttle {
        Throttle::new(ThrottleConfig {
            per_account: 3,
            per_ip: 10,
            per_account_anywhere: 6,
            first_delay_secs: 10,
            window_secs: 60,
        })
    }

    fn from<'a>(username: &'a str, ip: &'a str) -> Attempt<'a> {
        Attempt {
            username,
            ip: Some(ip),
            known_device: None,
        }
    }

    #[test]
    fn past_its_allowance_an_address_waits_longer_each_time_and_is_forgotten_when_quiet() {
        let t = throttle();
        let start = Utc::now();
        let at = |secs| start + Duration::seconds(secs);
        for _ in 0..3 {
            assert_eq!(t.attempt(&from("sari", "1.2.3.4"), start), Ok(()));
        }
        assert_eq!(t.attempt(&from("sari", "1.2.3.4"), start), Err(10));
        assert_eq!(t.attempt(&from("sari", "1.2.3.4"), at(10)), Ok(()));
        assert_eq!(t.attempt(&from("sari", "1.2.3.4"), at(10)), Err(20));
        assert_eq!(t.attempt(&from("sari", "1.2.3.4"), at(30)), Ok(()));
        assert_eq!(t.attempt(&from("sari", "1.2.3.4"), at(30)), Err(40));
        assert_eq!(
            t.attempt(&from("sari", "1.2.3.4"), at(90)),
            Ok(()),
            "forgotten"
        );
    }

    #[test]
    fn a_stranger_elsewhere_never_stops_the_owner() {
        let t = throttle();
        let now = Utc::now();
        for _ in 0..3 {
            assert_eq!(t.attempt(&from("sari", "6.6.6.6"), now), Ok(()));
        }
        assert!(t.attempt(&from("sari", "6.6.6.6"), now).is_err());
        assert_eq!(t.attempt(&from("sari", "1.2.3.4"), now), Ok(()));
        t.succeeded(&from("sari", "1.2.3.4"));
        // strangers at many addresses slow the account down for unknown devices only
        for n in 0..6 {
            let _ = t.attempt(&from("sari", &format!("7.7.7.{n}")), now);
        }
        assert!(t.attempt(&from("sari", "8.8.8.8"), now).is_err());
        let phone = Attempt {
            known_device: Some("phone"),
            ..from("sari", "8.8.8.8")
        };
        assert_eq!(t.attempt(&phone, now), Ok(()));
    }

    #[test]
    fn an_address_is_slowed_across_accounts_and_successes_give_attempts_back() {
        let t = Throttle::new(ThrottleConfig {
            per_ip: 2,
            ..ThrottleConfig::default()
        });
        let now = Utc::now();
        assert_eq!(t.attempt(&from("a", "9.9.9.9"), now), Ok(()));
        t.succeeded(&from("a", "9.9.9.9"));
        assert_eq!(t.attempt(&from("a", "9.9.9.9"), now), Ok(()));
        assert_eq!(t.attempt(&from("b", "9.9.9.9"), now), Ok(()));
        assert!(t.attempt(&from("c", "9.9.9.9"), now).is_err());
        assert!(t.attempt(&from("c", "8.8.8.8"), now).is_ok());
    }
}
