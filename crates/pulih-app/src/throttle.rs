//! Counters kept in memory: login throttling per account and per address (after too
//! many failures in a window, further attempts are refused until the window passes), and
//! a daily allowance per user (NIK look-ups). Each server process counts for itself.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use pulih_domain::ids::UserId;

/// Limits for failed logins.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleConfig {
    /// Failures allowed per account within the window.
    pub per_account: u32,
    /// Failures allowed per client address within the window.
    pub per_ip: u32,
    /// Length of the window, in seconds.
    pub window_secs: i64,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_ip: 20,
            window_secs: 15 * 60,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: DateTime<Utc>,
    failures: u32,
}

/// Failure counters by key (`user:NAME` or `ip:ADDR`).
#[derive(Debug)]
pub struct Throttle {
    config: ThrottleConfig,
    windows: Mutex<HashMap<String, Window>>,
}

impl Throttle {
    /// New, empty counters.
    pub fn new(config: ThrottleConfig) -> Self {
        Self {
            config,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn keys(username: &str, ip: Option<&str>) -> Vec<(String, bool)> {
        // Usernames are at most 32 characters; longer input cannot name an account.
        let name: String = username.chars().take(40).collect();
        let mut keys = vec![(format!("user:{name}"), true)];
        if let Some(ip) = ip {
            keys.push((format!("ip:{ip}"), false));
        }
        keys
    }

    /// Reserves one attempt: refused with the seconds to wait if either counter is at its
    /// limit, else counted at once (before the password is checked), so parallel guesses
    /// cannot all slip through. A success gives the attempt back.
    pub fn attempt(&self, username: &str, ip: Option<&str>, now: DateTime<Utc>) -> Result<(), u64> {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let window = Duration::seconds(self.config.window_secs);
        windows.retain(|_, w| w.started + window > now);
        let keys = Self::keys(username, ip);
        let wait = keys
            .iter()
            .filter_map(|(key, is_account)| {
                let w = windows.get(key)?;
                let limit = if *is_account {
                    self.config.per_account
                } else {
                    self.config.per_ip
                };
                (w.failures >= limit)
                    .then(|| (w.started + window - now).num_seconds().max(1) as u64)
            })
            .max();
        if let Some(secs) = wait {
            return Err(secs);
        }
        for (key, _) in keys {
            windows
                .entry(key)
                .or_insert(Window {
                    started: now,
                    failures: 0,
                })
                .failures += 1;
        }
        Ok(())
    }

    /// After a successful login: clears the account's counter and gives back the
    /// address's reserved attempt.
    pub fn succeeded(&self, username: &str, ip: Option<&str>) {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (key, is_account) in Self::keys(username, ip) {
            if is_account {
                windows.remove(&key);
            } else if let Some(w) = windows.get_mut(&key) {
                w.failures = w.failures.saturating_sub(1);
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

    #[test]
    fn an_account_is_blocked_after_its_limit_until_the_window_passes() {
        let t = Throttle::new(ThrottleConfig {
            per_account: 3,
            per_ip: 10,
            window_secs: 60,
        });
        let start = Utc::now();
        for _ in 0..3 {
            assert_eq!(t.attempt("sari", Some("1.2.3.4"), start), Ok(()));
        }
        assert_eq!(t.attempt("sari", Some("5.6.7.8"), start), Err(60));
        assert_eq!(t.attempt("budi", Some("1.2.3.4"), start), Ok(()));
        assert_eq!(
            t.attempt("sari", None, start + Duration::seconds(61)),
            Ok(())
        );
    }

    #[test]
    fn an_address_is_blocked_across_accounts_and_successes_give_attempts_back() {
        let t = Throttle::new(ThrottleConfig {
            per_account: 100,
            per_ip: 2,
            window_secs: 60,
        });
        let now = Utc::now();
        assert_eq!(t.attempt("a", Some("9.9.9.9"), now), Ok(()));
        t.succeeded("a", Some("9.9.9.9"));
        assert_eq!(t.attempt("a", Some("9.9.9.9"), now), Ok(()));
        assert_eq!(t.attempt("b", Some("9.9.9.9"), now), Ok(()));
        assert!(t.attempt("c", Some("9.9.9.9"), now).is_err());
        assert!(t.attempt("c", Some("8.8.8.8"), now).is_ok());
    }
}
