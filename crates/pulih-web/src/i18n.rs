//! Indonesian and English texts from `locales/*.toml`; Indonesian is the default.
//! Templates never contain user-facing text of their own, only keys.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use pulih_domain::region::TimeZone;

mod time;

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Bahasa Indonesia, the default.
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// The language code, as in the `lang` cookie and `<html lang>`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::En => "en",
        }
    }

    /// From a cookie or `Accept-Language` value; unknown values give none.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().get(..2)? {
            "id" => Some(Self::Id),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The other language, for the switch link.
    pub const fn other(self) -> Self {
        match self {
            Self::Id => Self::En,
            Self::En => Self::Id,
        }
    }
}

/// Both catalogues, parsed once at start-up.
#[derive(Debug)]
pub struct I18n {
    id: HashMap<String, String>,
    en: HashMap<String, String>,
}

/// The texts of one language, handed to templates and error messages.
#[derive(Debug, Clone, Copy)]
pub struct Tr<'a> {
    /// The language.
    pub lang: Lang,
    texts: &'a HashMap<String, String>,
    /// The zone times are shown in: the user's region's.
    zone: TimeZone,
    /// Now, for saying how long ago something was.
    now: DateTime<Utc>,
}

impl I18n {
    /// Parses the embedded catalogues; a malformed file is a build mistake, caught by tests.
    pub fn load() -> Result<Self, toml::de::Error> {
        Ok(Self {
            id: toml::from_str(include_str!("../locales/id.toml"))?,
            en: toml::from_str(include_str!("../locales/en.toml"))?,
        })
    }

    /// The texts of `lang`, with times in WIB until [`Tr::with_time`] says otherwise.
    pub fn tr(&self, lang: Lang) -> Tr<'_> {
        let texts = match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        };
        Tr {
            lang,
            texts,
            zone: TimeZone::Wib,
            now: Utc::now(),
        }
    }
}

impl Tr<'_> {
    /// The same texts, with times shown in `zone` and "ago" counted from `now`.
    #[must_use]
    pub const fn with_time(self, zone: TimeZone, now: DateTime<Utc>) -> Self {
        Self { zone, now, ..self }
    }

    /// The text for `key`; a missing key shows itself, so it is noticed (and tests fail).
    pub fn t<'k>(&'k self, key: &'k str) -> &'k str {
        self.texts.get(key).map_or(key, String::as_str)
    }

    /// The text for `key` with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        args.iter()
            .fold(self.t(key).to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), value)
            })
    }

    /// The message for a rejected input, placeholders filled in.
    pub fn problem(&self, problem: &pulih_app::Problem) -> String {
        let args: Vec<(&str, &str)> = problem.args.iter().map(|(n, v)| (*n, v.as_str())).collect();
        self.fill(problem.key, &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_notification_kind_shown_in_the_app_has_a_generic_outgoing_text() {
        let i18n = I18n::load().expect("catalogues parse");
        let shown = [
            "notification.title",
            "notification.mark_read",
            "notification.new",
        ];
        let kinds: BTreeSet<&str> = pulih_domain::outbound::KINDS
            .iter()
            .map(|(k, _, _)| *k)
            .collect();
        for key in i18n.en.keys() {
            if let Some(kind) = key.strip_prefix("notification.")
                && !shown.contains(&key.as_str())
            {
                assert!(kinds.contains(kind), "{kind} has no outgoing text");
            }
        }
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let i18n = I18n::load().expect("catalogues parse");
        let id: BTreeSet<_> = i18n.id.keys().collect();
        let en: BTreeSet<_> = i18n.en.keys().collect();
        assert_eq!(
            id.difference(&en).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "missing in en"
        );
        assert_eq!(
            en.difference(&id).collect::<Vec<_>>(),
            Vec::<&&String>::new(),
            "missing in id"
        );
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        let i18n = I18n::load().expect("catalogues parse");
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
        // every file under templates/ and src/, however deep: a new folder is not missed
        let mut sources = Vec::new();
        let mut dirs = vec![
            std::path::PathBuf::from(format!("{root}templates")),
            std::path::PathBuf::from(format!("{root}src")),
        ];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    sources.push(std::fs::read_to_string(&path).expect("read"));
                }
            }
        }
        let mut missing = BTreeSet::new();
        for text in &sources {
            for (i, _) in text.match_indices("t(\"") {
                let rest = &text[i + 3..];
                let key = &rest[..rest.find('"').expect("closing quote")];
                let known = i18n.id.contains_key(key) && i18n.en.contains_key(key);
                if key.contains('.') && !known {
                    missing.insert(key.to_owned());
                }
            }
        }
        assert!(missing.is_empty(), "keys without text: {missing:?}");
    }

    /// Keys built at run time: messages named by the domain and use-cases, and labels
    /// derived from enums.
    #[test]
    fn every_dynamic_key_exists() {
        let i18n = I18n::load().expect("catalogues parse");
        let mut keys: Vec<String> = Vec::new();
        for role in pulih_domain::account::Role::ALL {
            keys.push(format!("role.{}", role.as_str()));
        }
        for t in pulih_domain::org::OrgType::ALL {
            keys.push(format!("org_type.{}", t.as_str()));
        }
        for k in [
            "level.province",
            "level.regency",
            "level.district",
            "level.village",
            "kind.kabupaten",
            "kind.kota",
            "kind.desa",
            "kind.kelurahan",
        ] {
            keys.push(k.to_owned());
        }
        for c in pulih_domain::programme::ikn::Category::ALL {
            keys.push(format!("ikn.{}", c.key()));
        }
        for s in pulih_domain::programme::bersinar::Status::ALL {
            keys.push(format!("bersinar.{}", s.key()));
        }
        keys.push("programme.not_assessed".to_owned());
        for k in pulih_domain::programme::bersinar::Step::ALL {
            keys.push(format!("bersinar_step.{}", k.key()));
            keys.push(format!("bersinar_step_hint.{}", k.key()));
        }
        for s in pulih_domain::programme::bersinar::Standing::ALL {
            keys.push(format!("programme.standing.{}", s.key()));
        }
        for i in pulih_domain::programme::ikn::CoreIndicator::ALL {
            keys.push(format!("ikn_indicator.{}", i.key()));
        }
        for i in pulih_domain::programme::ikn::SupportingIndicator::ALL {
            keys.push(format!("ikn_indicator.{}", i.key()));
        }
        for b in pulih_domain::programme::ikotan::Band::ALL {
            keys.push(format!("ikotan.{}", b.key()));
        }
        for c in ["added", "renamed", "retired", "restored"] {
            keys.push(format!("change.{c}"));
        }
        for l in pulih_domain::programme::peers::SchoolLevel::ALL {
            keys.push(format!("school_level.{}", l.key()));
        }
        for b in pulih_domain::programme::peers::GradeBand::ALL {
            keys.push(format!("grade_band.{}", b.key()));
        }
        for v in pulih_domain::programme::ikotan::Variable::ALL {
            keys.push(format!("ikotan_variable.{}", v.key()));
        }
        keys.extend(client_page_keys());
        keys.extend(referral_keys());
        keys.extend(vocational_keys());
        for k in pulih_app::AccessKind::ALL {
            keys.push(format!("access.kind.{}", k.key()));
        }
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let mut dirs: Vec<std::path::PathBuf> = [
            "pulih-domain/src",
            "pulih-app/src",
            "pulih-web/src",
            "pulih-regions/src",
        ]
        .iter()
        .map(|d| std::path::Path::new(root).join(d))
        .collect();
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("read");
                    for literal in text.split('"').skip(1).step_by(2) {
                        let prefixed = ["invalid.", "conflict.", "error."]
                            .iter()
                            .any(|p| literal.starts_with(p));
                        if prefixed
                            && !literal.contains(' ')
                            && !literal.ends_with(".html")
                            && !literal.ends_with('.')
                        {
                            keys.push(literal.to_owned());
                        }
                    }
                }
            }
        }
        let missing: Vec<&String> = keys.iter().filter(|k| !i18n.id.contains_key(*k)).collect();
        assert!(missing.is_empty(), "keys without text: {missing:?}");
    }

    /// Labels and messages of referrals, notifications and worklist sections.
    fn referral_keys() -> Vec<String> {
        use pulih_domain::referral::{Move, ReferralStatus, ServiceType};
        let mut keys = Vec::new();
        for s in ReferralStatus::ALL {
            keys.push(format!("referral_status.{}", s.key()));
            if s != ReferralStatus::Sent {
                keys.push(format!("notification.referral.{}", s.key()));
            }
        }
        keys.push("notification.referral.sent".to_owned());
        keys.push("notification.referral.overdue".to_owned());
        keys.push("notification.client.possible_duplicate".to_owned());
        keys.push("notification.user.nik_lookup_limit".to_owned());
        keys.push("notification.client.break_glass".to_owned());
        keys.push("notification.user.break_glass_limit".to_owned());
        for m in Move::ALL {
            keys.push(format!("referral_move.{}", m.key()));
        }
        for t in ServiceType::ALL {
            keys.push(format!("directory.type.{}", t.key()));
        }
        let sections = pulih_app::Worklist::SECTIONS.into_iter();
        for section in sections.chain(["referral_needed_date", "care_plan_reviews_date"]) {
            keys.push(format!("worklist.{section}"));
        }
        for t in pulih_domain::clinical::typology::Typology::ALL {
            keys.push(format!("typology.{}", t.key()));
        }
        keys
    }

    /// Labels of the vocational track's choices and forms.
    fn vocational_keys() -> Vec<String> {
        use pulih_domain::vocational::{
            ExitReason, IncomeBand, PlacementKind, RetentionMonth, Sector,
        };
        let mut keys: Vec<String> = Vec::new();
        keys.extend(PlacementKind::ALL.map(|k| format!("placement.{}", k.key())));
        keys.extend(Sector::ALL.map(|k| format!("sector.{}", k.key())));
        keys.extend(IncomeBand::ALL.map(|k| format!("income.{}", k.key())));
        keys.extend(RetentionMonth::ALL.map(|k| format!("retention.{}", k.key())));
        keys.extend(ExitReason::ALL.map(|k| format!("exit.{}", k.key())));
        keys.extend(
            crate::pages::clients::VocStep::ALL.map(|s| format!("vocational.form.{}", s.key())),
        );
        keys
    }

    /// Labels the client pages build from the domain's enums.
    fn client_page_keys() -> Vec<String> {
        use pulih_domain::client::{FactKind, Sex};
        use pulih_domain::clinical::assist::{Frequency, Recency, Recommendation, Risk, Substance};
        use pulih_domain::consent::{ConsentGiver, ConsentMethod};
        use pulih_domain::intake::{Pathway, Route, TreatmentHistory};
        let mut keys = Vec::new();
        let mut add = |prefix: &str, key: &str| keys.push(format!("{prefix}.{key}"));
        for s in Substance::ALL {
            add("substance", s.key());
            add("substance_short", s.key());
        }
        for f in Frequency::ALL {
            add("assist.freq", f.key());
        }
        for r in Recency::ALL {
            add("assist.recency", r.key());
        }
        for r in Risk::ALL {
            add("risk", r.key());
        }
        for r in Recommendation::ALL {
            add("recommendation", r.key());
            add("step", r.key());
        }
        for q in ["q2", "q3", "q4", "q5", "q6", "q7", "q8"] {
            add("assist.question", q);
        }
        for p in Pathway::ALL {
            add("pathway", p.key());
        }
        for r in Route::ALL {
            add("route", r.key());
        }
        for h in TreatmentHistory::ALL {
            add("treatment", h.key());
        }
        for g in ConsentGiver::ALL {
            add("consent_giver", g.key());
        }
        for m in ConsentMethod::ALL {
            add("consent_method", m.key());
        }
        for s in Sex::ALL {
            add("sex", s.key());
        }
        for k in FactKind::ALL {
            add("fact", k.key());
        }
        for k in pulih_domain::handoff::HandoffKind::ALL {
            add("handoff_kind", k.key());
        }
        for r in pulih_domain::care::Review::ALL {
            add("review", r.key());
        }
        for n in 1..=10 {
            add("barc.item", &n.to_string());
        }
        for n in 1..=6 {
            add("barc.scale", &n.to_string());
        }
        keys
    }

    #[test]
    fn placeholders_are_filled() {
        let i18n = I18n::load().expect("catalogues parse");
        let tr = i18n.tr(Lang::En);
        assert!(
            tr.fill("error.throttled", &[("minutes", "15")])
                .contains("15")
        );
    }
}
