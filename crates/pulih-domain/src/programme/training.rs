//! Bimtek (bimbingan teknis): the recovery agents' training, a run of consecutive days
//! (three in Desa Binjai) with attendance taken per agent per day. An agent who attended
//! every day is trained.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::Invalid;
use crate::clinical::FieldError;
use crate::ids::UserId;
use crate::programme::one_line;

/// Longest training, in days.
pub const MAX_DAYS: u32 = 30;

/// A training's dates: it ends on or after the day it starts and lasts at most 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Training {
    starts_on: NaiveDate,
    ends_on: NaiveDate,
}

impl Training {
    /// Validates the dates, both days included (`invalid.training_dates`).
    pub fn parse(starts_on: NaiveDate, ends_on: NaiveDate) -> Result<Self, Invalid> {
        let span = (ends_on - starts_on).num_days();
        if (0..i64::from(MAX_DAYS)).contains(&span) {
            Ok(Self { starts_on, ends_on })
        } else {
            Err(Invalid::new("invalid.training_dates"))
        }
    }

    /// The first day.
    pub fn starts_on(&self) -> NaiveDate {
        self.starts_on
    }

    /// The last day.
    pub fn ends_on(&self) -> NaiveDate {
        self.ends_on
    }

    /// Every day of the training, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let end = self.ends_on;
        self.starts_on.iter_days().take_while(move |d| *d <= end)
    }

    /// How many days it lasts, 1–30.
    pub fn day_count(&self) -> u32 {
        // At most MAX_DAYS by construction.
        (self.ends_on - self.starts_on).num_days() as u32 + 1
    }

    /// Whether attendance may be taken on `day`: only on a day of the training
    /// (`invalid.attendance_day`).
    pub fn attendance_day_ok(&self, day: NaiveDate) -> Result<(), Invalid> {
        if (self.starts_on..=self.ends_on).contains(&day) {
            Ok(())
        } else {
            Err(Invalid::new("invalid.attendance_day"))
        }
    }

    /// Whether `day` has come by `today`: attendance is taken on the day or after, never
    /// ahead (`invalid.attendance_future_day`).
    pub fn day_has_come(&self, day: NaiveDate, today: NaiveDate) -> Result<(), Invalid> {
        if day > today {
            Err(Invalid::new("invalid.attendance_future_day"))
        } else {
            Ok(())
        }
    }

    /// Whether an agent who attended `attended_days` is trained: present on every day of
    /// the training. Days outside it do not count.
    pub fn trained(&self, attended_days: &BTreeSet<NaiveDate>) -> bool {
        self.days().all(|d| attended_days.contains(&d))
    }

    /// The agents among `present` whom the training's whole `attendance` (agent, day)
    /// makes trained and who hold no certificate yet (`certified`), in the order given:
    /// each earns one certificate.
    pub fn newly_trained(
        &self,
        attendance: &[(UserId, NaiveDate)],
        certified: &[UserId],
        present: &[UserId],
    ) -> Vec<UserId> {
        present
            .iter()
            .filter(|user| !certified.contains(user))
            .filter(|user| {
                let days = attendance
                    .iter()
                    .filter(|(who, _)| who == *user)
                    .map(|(_, day)| *day)
                    .collect();
                self.trained(&days)
            })
            .copied()
            .collect()
    }
}

/// Most curriculum modules or trainers of one training.
pub const MAX_LIST: usize = 30;

/// A bimtek as planned: its dates, title, organiser, curriculum modules and trainers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TrainingPlan {
    dates: Training,
    title: String,
    organiser: String,
    modules: Vec<String>,
    trainers: Vec<String>,
}

impl TrainingPlan {
    /// Validates a plan, reporting every problem at once: dates as [`Training::parse`]
    /// (`ends_on`, `invalid.training_dates`), a title and an organiser of 1–200 characters
    /// (`title`, `invalid.training_title`; `organiser`, `invalid.training_organiser`),
    /// 1–30 modules (`modules`, `invalid.training_modules`) and 0–30 trainers (`trainers`,
    /// `invalid.training_trainers`), each a line of 1–200 characters.
    pub fn parse(
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        title: &str,
        organiser: &str,
        modules: &[String],
        trainers: &[String],
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let dates = Training::parse(starts_on, ends_on)
            .map_err(|e| errors.push(FieldError::new("ends_on", e.key)));
        let title = one_line(title, 200, "title", "invalid.training_title", &mut errors);
        let organiser = one_line(
            organiser,
            200,
            "organiser",
            "invalid.training_organiser",
            &mut errors,
        );
        let modules = list(
            modules,
            1,
            "modules",
            "invalid.training_modules",
            &mut errors,
        );
        let trainers = list(
            trainers,
            0,
            "trainers",
            "invalid.training_trainers",
            &mut errors,
        );
        match dates {
            Ok(dates) if errors.is_empty() => Ok(Self {
                dates,
                title,
                organiser,
                modules,
                trainers,
            }),
            _ => Err(errors),
        }
    }

    /// The dates.
    pub fn dates(&self) -> Training {
        self.dates
    }

    /// The title, e.g. `Bimtek Agen Pemulihan`.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Who organised it, e.g. `BNNK Binjai`.
    pub fn organiser(&self) -> &str {
        &self.organiser
    }

    /// The curriculum modules.
    pub fn modules(&self) -> &[String] {
        &self.modules
    }

    /// The trainers.
    pub fn trainers(&self) -> &[String] {
        &self.trainers
    }
}

/// Non-empty lines, `min`–30 of them, each 1–200 characters.
fn list(
    items: &[String],
    min: usize,
    field: &'static str,
    invalid: &'static str,
    errors: &mut Vec<FieldError>,
) -> Vec<String> {
    let kept: Vec<&String> = items.iter().filter(|s| !s.trim().is_empty()).collect();
    let mut bad = !(min..=MAX_LIST).contains(&kept.len());
    let mut out = Vec::with_capacity(kept.len());
    for item in kept {
        let mut ignored = Vec::new();
        let line = one_line(item, 200, field, invalid, &mut ignored);
        bad |= !ignored.is_empty();
        out.push(line);
    }
    if bad {
        errors.push(FieldError::new(field, invalid));
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2023, 5, d).expect("date")
    }

    fn binjai() -> Training {
        Training::parse(day(9), day(11)).unwrap()
    }

    #[test]
    fn a_three_day_bimtek_lists_its_three_days() {
        let t = binjai();
        assert_eq!(t.day_count(), 3);
        assert_eq!(t.days().collect::<Vec<_>>(), [day(9), day(10), day(11)]);
        assert_eq!((t.starts_on(), t.ends_on()), (day(9), day(11)));
    }

    #[test]
    fn attendance_waits_for_the_day_to_come() {
        let t = binjai();
        assert_eq!(t.day_has_come(day(10), day(10)), Ok(()));
        assert_eq!(
            t.day_has_come(day(11), day(10)).unwrap_err().key,
            "invalid.attendance_future_day"
        );
    }

    #[test]
    fn a_one_day_and_a_thirty_day_training_are_accepted() {
        assert_eq!(Training::parse(day(9), day(9)).unwrap().day_count(), 1);
        assert_eq!(Training::parse(day(1), day(30)).unwrap().day_count(), 30);
    }

    #[test]
    fn a_training_ending_before_it_starts_or_over_thirty_days_is_refused() {
        for (from, to) in [(day(10), day(9)), (day(1), day(31))] {
            assert_eq!(
                Training::parse(from, to),
                Err(Invalid::new("invalid.training_dates"))
            );
        }
    }

    #[test]
    fn attendance_outside_the_training_is_refused() {
        let t = binjai();
        assert_eq!(t.attendance_day_ok(day(9)), Ok(()));
        assert_eq!(t.attendance_day_ok(day(11)), Ok(()));
        for d in [day(8), day(12)] {
            assert_eq!(
                t.attendance_day_ok(d),
                Err(Invalid::new("invalid.attendance_day"))
            );
        }
    }

    #[test]
    fn an_agent_who_missed_a_day_is_not_trained() {
        let t = binjai();
        let all: BTreeSet<_> = [day(9), day(10), day(11)].into();
        assert!(t.trained(&all));
        let missed: BTreeSet<_> = [day(9), day(11), day(12)].into();
        assert!(!t.trained(&missed));
        assert!(!t.trained(&BTreeSet::new()));
    }

    #[test]
    fn a_plan_keeps_its_modules_and_trainers_and_reports_every_problem() {
        let modules = vec![
            "Adiksi".to_owned(),
            " ".to_owned(),
            "Konseling dasar".to_owned(),
        ];
        let trainers = vec!["dr. Rina".to_owned()];
        let p = TrainingPlan::parse(
            day(9),
            day(11),
            "Bimtek",
            "BNNK Binjai",
            &modules,
            &trainers,
        )
        .unwrap();
        assert_eq!(p.modules(), ["Adiksi", "Konseling dasar"]);
        assert_eq!(
            (p.title(), p.organiser(), p.trainers().len()),
            ("Bimtek", "BNNK Binjai", 1)
        );
        assert_eq!(p.dates().day_count(), 3);
        let errors =
            TrainingPlan::parse(day(11), day(9), "", "x", &[], &["a\nb".to_owned()]).unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.key)).collect();
        assert_eq!(
            got,
            [
                ("ends_on", "invalid.training_dates"),
                ("title", "invalid.training_title"),
                ("modules", "invalid.training_modules"),
                ("trainers", "invalid.training_trainers"),
            ]
        );
    }

    proptest! {
        #[test]
        fn trained_means_every_day_attended_and_extra_days_do_not_matter(
            start in 1u32..=28, len in 0u32..=3,
            attended in prop::collection::btree_set(1u32..=31, 0..31),
        ) {
            let t = Training::parse(day(start), day(start + len)).unwrap();
            let attended: BTreeSet<_> = attended.into_iter().map(day).collect();
            let every = (start..=start + len).all(|d| attended.contains(&day(d)));
            prop_assert_eq!(t.trained(&attended), every);
            for d in &attended {
                let inside = (day(start)..=day(start + len)).contains(d);
                prop_assert_eq!(t.attendance_day_ok(*d).is_ok(), inside);
            }
        }
    }
}
