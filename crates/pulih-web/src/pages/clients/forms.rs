//! From HTML form fields to the use-cases' inputs. Only shapes change here (names,
//! repeated checkboxes, text to numbers); every rule is checked by the use-cases.

use std::collections::BTreeMap;

use pulih_app::{
    AssistInput, Barc10Input, CarePlanInput, CareStepInput, ConsentInput, EpisodeInput,
    NewClientInput, Problem,
};
use pulih_domain::clinical::assist::{RawSubstance, Substance};

use super::FormData;

/// The ASSIST questions asked per substance, in order; Q5 is left out for tobacco.
pub const QUESTIONS: [&str; 6] = ["q2", "q3", "q4", "q5", "q6", "q7"];

/// The number of BARC-10 items.
pub const BARC_ITEMS: usize = 10;

/// The name of an ASSIST answer field, as the domain reports errors for it.
pub fn assist_field(substance: Substance, question: &str) -> String {
    format!("substances.{}.{question}", substance.key())
}

/// The name of a BARC-10 item field (1–10), as the domain reports errors for it.
pub fn barc_field(item: usize) -> String {
    format!("items.{item}")
}

/// Registration.
pub fn new_client(f: &FormData) -> NewClientInput {
    NewClientInput {
        region: f.opt("region"),
        name: f.opt("name"),
        nik: f.opt("nik"),
        birth_date: f.opt("birth_date"),
        sex: f.opt("sex"),
        phone: f.opt("phone"),
        village: f.opt("village"),
        family_contact: f.opt("family_contact"),
        // on the page the choice is explicit: anything but "anonymous" needs an identity
        anonymous: Some(f.get("identity") == "anonymous"),
        register_anyway: f.flag("register_anyway"),
    }
}

/// Consent, with the partner types ticked.
pub fn consent(f: &FormData) -> ConsentInput {
    ConsentInput {
        services: f.flag("services"),
        share_with: f.all("share_with"),
        follow_up: f.flag("follow_up"),
        given_by: f.get("given_by").to_owned(),
        method: f.get("method").to_owned(),
        given_on: f.get("given_on").to_owned(),
        expires_on: f.opt("expires_on"),
        guardian: f.opt("guardian"),
        witness: f.opt("witness"),
        form_number: f.opt("form_number"),
    }
}

/// An episode with the substances and routes ticked. Months of use that are not a
/// number are refused here, as the only check the edge makes.
pub fn episode(f: &FormData) -> Result<EpisodeInput, Vec<Problem>> {
    let use_months = match f.opt("use_months") {
        None => None,
        Some(text) => Some(
            text.trim()
                .parse::<u16>()
                .map_err(|_| vec![Problem::new("use_months", "invalid.use_months")])?,
        ),
    };
    Ok(EpisodeInput {
        pathway: f.get("pathway").to_owned(),
        opened_on: f.opt("opened_on"),
        card_number: f.opt("card_number"),
        arrested_on: f.opt("arrested_on"),
        released_on: f.opt("released_on"),
        substances: f.all("substances"),
        use_months,
        routes: f.all("routes"),
        diagnosis: f.opt("diagnosis"),
        treatment_history: f.opt("treatment_history"),
    })
}

/// ASSIST answers: a substance is included when any of its questions was answered
/// (answering Q2 "never" still says it was used at some time).
pub fn assist(f: &FormData) -> AssistInput {
    let mut substances = BTreeMap::new();
    for s in Substance::ALL {
        let answer = |q: &str| f.opt(&assist_field(s, q));
        let raw = RawSubstance {
            q2: answer("q2"),
            q3: answer("q3"),
            q4: answer("q4"),
            q5: answer("q5"),
            q6: answer("q6"),
            q7: answer("q7"),
        };
        let answered = [&raw.q2, &raw.q3, &raw.q4, &raw.q5, &raw.q6, &raw.q7]
            .iter()
            .any(|a| a.is_some());
        if answered {
            substances.insert(s.key().to_owned(), raw);
        }
    }
    AssistInput {
        substances,
        q8: f.opt("q8"),
        typology: f.opt("typology"),
        taken_on: f.opt("taken_on"),
    }
}

/// BARC-10 answers in order; an item left out is sent as 0, which the domain refuses
/// for that item.
pub fn barc10(f: &FormData) -> Barc10Input {
    let items = (1..=BARC_ITEMS)
        .map(|n| f.get(&barc_field(n)).trim().parse::<i64>().unwrap_or(0))
        .collect();
    Barc10Input {
        items,
        taken_on: f.opt("taken_on"),
    }
}

/// A step of care.
pub fn care_step(f: &FormData) -> CareStepInput {
    CareStepInput {
        screening_id: f.opt("screening_id"),
        done: f.get("done").to_owned(),
        note: f.opt("note"),
        given_on: f.opt("given_on"),
    }
}

/// A care plan; the goals come one per line.
pub fn care_plan(f: &FormData) -> CarePlanInput {
    CarePlanInput {
        goals: f.all("goals"),
        responsible: f.get("responsible").to_owned(),
        review_on: f.get("review_on").to_owned(),
        revises: f.opt("revises"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn only_substances_with_an_answer_are_sent() {
        let f = form(&[
            ("substances.alcohol.q2", "daily"),
            ("substances.alcohol.q3", ""),
            ("substances.tobacco.q2", ""),
            ("substances.cannabis.q6", "earlier"),
            ("q8", "never"),
        ]);
        let input = assist(&f);
        assert_eq!(
            input.substances.keys().collect::<Vec<_>>(),
            ["alcohol", "cannabis"]
        );
        assert_eq!(input.substances["alcohol"].q2.as_deref(), Some("daily"));
        assert_eq!(input.substances["alcohol"].q3, None);
        assert_eq!(input.q8.as_deref(), Some("never"));
        assert_eq!(input.taken_on, None);
    }

    #[test]
    fn barc_items_left_out_become_zero_for_the_domain_to_refuse() {
        let mut pairs: Vec<(String, String)> =
            (1..=9).map(|n| (barc_field(n), "5".to_owned())).collect();
        pairs.push(("taken_on".into(), "2026-01-05".into()));
        let input = barc10(&FormData(pairs));
        assert_eq!(input.items, [5, 5, 5, 5, 5, 5, 5, 5, 5, 0]);
        assert_eq!(input.taken_on.as_deref(), Some("2026-01-05"));
    }

    #[test]
    fn checkbox_groups_and_numbers_of_an_episode() {
        let f = form(&[
            ("pathway", "tat"),
            ("substances", "amphetamines"),
            ("substances", "cannabis"),
            ("routes", "smoked"),
            ("use_months", " 18 "),
        ]);
        let input = episode(&f).expect("parses");
        assert_eq!(input.substances, ["amphetamines", "cannabis"]);
        assert_eq!(input.routes, ["smoked"]);
        assert_eq!(input.use_months, Some(18));
        let bad = episode(&form(&[("use_months", "lama")])).expect_err("refused");
        assert_eq!(bad[0].field, "use_months");
    }

    #[test]
    fn consent_ticks_become_flags_and_lists() {
        let f = form(&[
            ("services", "1"),
            ("share_with", "dinsos"),
            ("share_with", "disnakertrans"),
            ("given_by", "client"),
            ("method", "signed_form"),
            ("given_on", "2026-01-05"),
            ("expires_on", ""),
        ]);
        let input = consent(&f);
        assert!(input.services && !input.follow_up);
        assert_eq!(input.share_with, ["dinsos", "disnakertrans"]);
        assert_eq!(input.expires_on, None);
    }
}
