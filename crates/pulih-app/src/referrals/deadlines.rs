//! How long partners have to answer: working days per service type (default 3) and the
//! public holidays that do not count, a national setting kept with its versions.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use pulih_domain::authz::{Action, Actor, authorize};
use pulih_domain::referral::{DEFAULT_ANSWER_DAYS, ServiceType};
use pulih_domain::region::Scope;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::Fields;
use crate::{App, AppError, AppResult, Origin, Record};

/// The setting's key.
const SETTING: &str = "referral_deadlines";
/// Longest answer time, in working days.
const MAX_DAYS: u8 = 30;

/// Answer times by service type and the holidays skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralDeadlines {
    /// Working days to answer, by service type key; missing types get the default.
    pub days: BTreeMap<String, u8>,
    /// Public holidays, skipped like weekends.
    pub holidays: Vec<NaiveDate>,
}

impl ReferralDeadlines {
    /// Working days a partner of this type has to answer.
    pub fn days_for(&self, service: ServiceType) -> u8 {
        self.days
            .get(service.key())
            .copied()
            .unwrap_or(DEFAULT_ANSWER_DAYS)
    }
}

/// New answer times, based on a version.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlinesInput {
    /// Working days by service type key.
    #[serde(default)]
    pub days: BTreeMap<String, u8>,
    /// Holidays as `YYYY-MM-DD`.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// The version read (none when never set).
    #[serde(default)]
    pub version: Option<i64>,
}

impl App {
    /// The answer times in force, with the setting's version (none: defaults).
    #[tracing::instrument(skip_all)]
    pub async fn referral_deadlines_versioned(
        &self,
    ) -> AppResult<(ReferralDeadlines, Option<i64>)> {
        match self.store.setting(SETTING).await? {
            Some(s) => {
                let value = serde_json::from_str(&s.value).map_err(|e| {
                    AppError::Internal(format!("the referral deadlines do not parse: {e}"))
                })?;
                Ok((value, Some(s.version)))
            }
            None => Ok((ReferralDeadlines::default(), None)),
        }
    }

    /// The answer times in force.
    pub(crate) async fn referral_deadlines(&self) -> AppResult<ReferralDeadlines> {
        Ok(self.referral_deadlines_versioned().await?.0)
    }

    /// Changes the answer times (national administrators), from the version read.
    #[tracing::instrument(skip_all)]
    pub async fn set_referral_deadlines(
        &self,
        actor: &Actor,
        input: DeadlinesInput,
        origin: &Origin,
    ) -> AppResult<ReferralDeadlines> {
        authorize(actor, Action::ConfigureProgramme, &Scope::National)?;
        let mut f = Fields::default();
        for (service, days) in &input.days {
            if ServiceType::parse(service).is_err() {
                f.add(format!("days.{service}"), "invalid.service_type");
            } else if !(1..=MAX_DAYS).contains(days) {
                f.add(format!("days.{service}"), "invalid.referral_days");
            }
        }
        let mut holidays: Vec<NaiveDate> = input
            .holidays
            .iter()
            .filter_map(|h| f.date("holidays", h))
            .collect();
        f.finish()?;
        holidays.sort_unstable();
        holidays.dedup();
        let value = ReferralDeadlines {
            days: input.days,
            holidays,
        };
        let text = serde_json::to_string(&value).map_err(|e| AppError::Internal(e.to_string()))?;
        let record = Record {
            kind: "setting",
            id: Some(SETTING.to_owned()),
            region: "ID",
        };
        let event = self.event(Some(actor), "setting.change", record, origin, json!(value));
        self.put_setting(actor, origin, SETTING, text, input.version, event)
            .await?;
        Ok(value)
    }
}
