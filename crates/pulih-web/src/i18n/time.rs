//! Times as people read them: in the zone of the user's region (WIB, WITA or WIT), with
//! the month's name in the page's language, or how long ago. Every page formats times
//! through these two methods; dates without a time stay dates.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};

use super::Tr;

/// How long ago a time is still said as "… ago"; older ones are given in full.
const RELATIVE_FOR: Duration = Duration::days(7);

impl Tr<'_> {
    /// `at` in the user's zone: "2 Des 2026, 17.46 WIB" or "2 Dec 2026, 17:46 WIB".
    pub fn at(&self, at: &DateTime<Utc>) -> String {
        let local = *at + Duration::hours(i64::from(self.zone.hours()));
        let month = self
            .t("time.months")
            .split(' ')
            .nth(local.month0() as usize)
            .unwrap_or_default()
            .to_owned();
        self.fill(
            "time.at",
            &[
                ("day", &local.day().to_string()),
                ("month", &month),
                ("year", &local.year().to_string()),
                ("hour", &format!("{:02}", local.hour())),
                ("minute", &format!("{:02}", local.minute())),
                ("zone", self.zone.as_str()),
            ],
        )
    }

    /// How long before now `at` was: "3 jam lalu" or "3 hours ago"; a time in the
    /// future or more than a week ago is given in full, as [`Tr::at`] gives it.
    pub fn ago(&self, at: &DateTime<Utc>) -> String {
        let past = self.now - *at;
        if past < Duration::zero() || past >= RELATIVE_FOR {
            return self.at(at);
        }
        let (one, many, n) = if past < Duration::minutes(1) {
            return self.t("time.just_now").to_owned();
        } else if past < Duration::hours(1) {
            ("time.minute_ago", "time.minutes_ago", past.num_minutes())
        } else if past < Duration::days(1) {
            ("time.hour_ago", "time.hours_ago", past.num_hours())
        } else {
            ("time.day_ago", "time.days_ago", past.num_days())
        };
        let key = if n == 1 { one } else { many };
        self.fill(key, &[("n", &n.to_string())])
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;
    use pulih_domain::region::TimeZone;

    use crate::i18n::{I18n, Lang};

    fn utc(h: u32, m: u32) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc
            .with_ymd_and_hms(2026, 12, 2, h, m, 0)
            .single()
            .expect("valid time")
    }

    #[test]
    fn a_time_is_given_in_the_zone_of_the_user_and_the_page_language() {
        let i18n = I18n::load().expect("catalogues");
        let at = utc(10, 46);
        let id = i18n.tr(Lang::Id).with_time(TimeZone::Wib, at);
        assert_eq!(id.at(&at), "2 Des 2026, 17.46 WIB");
        let en = i18n.tr(Lang::En).with_time(TimeZone::Wita, at);
        assert_eq!(en.at(&at), "2 Dec 2026, 18:46 WITA");
        let late = utc(20, 5);
        let wit = i18n.tr(Lang::Id).with_time(TimeZone::Wit, at);
        assert_eq!(wit.at(&late), "3 Des 2026, 05.05 WIT");
    }

    #[test]
    fn recent_times_are_said_as_how_long_ago() {
        let i18n = I18n::load().expect("catalogues");
        let now = utc(13, 46);
        let id = i18n.tr(Lang::Id).with_time(TimeZone::Wib, now);
        let en = i18n.tr(Lang::En).with_time(TimeZone::Wib, now);
        assert_eq!(id.ago(&utc(10, 46)), "3 jam lalu");
        assert_eq!(en.ago(&utc(10, 46)), "3 hours ago");
        assert_eq!(en.ago(&utc(12, 45)), "1 hour ago");
        assert_eq!(en.ago(&utc(13, 40)), "6 minutes ago");
        assert_eq!(en.ago(&utc(13, 46)), "just now");
        assert_eq!(en.ago(&(now - chrono::Duration::days(2))), "2 days ago");
        assert_eq!(
            en.ago(&(now - chrono::Duration::days(9))),
            "23 Nov 2026, 20:46 WIB"
        );
    }
}
