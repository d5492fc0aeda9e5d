//! Login throttling per account and per address, kept in memory: after too many failures
//! in a window, further attempts are refused until the window passes.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

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
        let mut keys = vec![(format!("user:{username}"), true)];
        if let Some(ip) = ip {
            keys.push((format!("ip:{ip}"), false));
        }
        keys
    }

    /// Seconds to wait if either counter is over its limit, else none.
    pub fn blocked(&self, username: &str, ip: Option<&str>, now: DateTime<Utc>) -> Option<u64> {
        let windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let window = Duration::seconds(self.config.window_secs);
        Self::keys(username, ip)
            .into_iter()
            .filter_map(|(key, is_account)| {
                let w = windows.get(&key)?;
                let limit = if is_account {
                    self.config.per_account
                } else {
                    self.config.per_ip
                };
                let ends = w.started + window;
                (w.failures >= limit && ends > now)
                    .then(|| (ends - now).num_seconds().max(1) as u64)
            })
            .max()
    }

    /// Counts a failed attempt against the account and the address.
    pub fn failed(&self, username: &str, ip: Option<&str>, now: DateTime<Utc>) {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let window = Duration::seconds(self.config.window_secs);
        windows.retain(|_, w| w.started + window > now);
        for (key, _) in Self::keys(username, ip) {
            windows
                .entry(key)
                .or_insert(Window {
                    started: now,
                    failures: 0,
                })
                .failures += 1;
        }
    }

    /// Clears the account's counter after a successful login.
    pub fn succeeded(&self, username: &str) {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        windows.remove(&format!("user:{username}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_blocked_after_its_limit_until_the_window_passes() {
        let t = Throttle::new(ThrottleConfig {
            per_account: 3,
            per_ip: 10,
            window_secs: 60,
        });
        let start = Utc::now();
        for _ in 0..3 {
            assert_eq!(t.blocked("sari", Some("1.2.3.4"), start), None);
            t.failed("sari", Some("1.2.3.4"), start);
        }
        assert_eq!(t.blocked("sari", Some("5.6.7.8"), start), Some(60));
        assert_eq!(t.blocked("budi", Some("1.2.3.4"), start), None);
        assert_eq!(t.blocked("sari", None, start + Duration::seconds(61)), None);
    }

    #[test]
    fn an_address_is_blocked_across_accounts() {
        let t = Throttle::new(ThrottleConfig {
            per_account: 100,
            per_ip: 2,
            window_secs: 60,
        });
        let now = Utc::now();
        t.failed("a", Some("9.9.9.9"), now);
        t.failed("b", Some("9.9.9.9"), now);
        assert!(t.blocked("c", Some("9.9.9.9"), now).is_some());
        assert!(t.blocked("c", Some("8.8.8.8"), now).is_none());
    }
}
