//! The ASSIST form. Sending it saves the screening through the use-case; while it is
//! filled in, htmx posts it to `/assist/preview` on every change, which scores the same
//! answers with the domain's rules and saves nothing (no client data is read, so
//! nothing is audited).

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use pulih_app::Origin;
use pulih_domain::clinical::FieldError;
use pulih_domain::clinical::assist::{AssistAnswers, AssistResult, RawAssist, Substance};
use pulih_domain::ids::ClientId;

use super::forms::{self, QUESTIONS, assist_field};
use super::{Errors, FormData, Sent, label, may_record, sent, with_status};
use crate::auth::CurrentUser;
use crate::found::Found;
use crate::i18n::Tr;
use crate::pages::page_form::PageForm;
use crate::pages::{Nav, frame, render};
use crate::{AppState, WebError, lang_of};

#[derive(Template)]
#[template(path = "clients/assist.html")]
struct AssistPage<'a> {
    t: Tr<'a>,
    nav: Nav,
    id: ClientId,
    form: FormData,
    errors: Errors,
    result: Option<AssistResult>,
    problems: Vec<String>,
}

impl AssistPage<'_> {
    /// The questions asked about a substance: Q5 is not asked for tobacco.
    fn questions(&self, s: Substance) -> Vec<&'static str> {
        QUESTIONS
            .into_iter()
            .filter(|q| !(s == Substance::Tobacco && *q == "q5"))
            .collect()
    }

    /// Whether a question is answered by recency (Q6, Q7) rather than frequency.
    fn recency(&self, q: &str) -> bool {
        matches!(q, "q6" | "q7")
    }

    /// Whether a substance's answers should show open: answered or refused.
    fn touched(&self, s: Substance) -> bool {
        QUESTIONS.iter().any(|q| {
            let field = assist_field(s, q);
            self.form.opt(&field).is_some() || self.errors.has(&field)
        })
    }
}

/// The live score, swapped into `#assist-score`.
#[derive(Template)]
#[template(path = "clients/assist_score.html")]
struct ScorePart<'a> {
    t: Tr<'a>,
    result: Option<AssistResult>,
    problems: Vec<String>,
}

/// Scores the answers on a form without saving them: the result once something is
/// answered, or what is wrong with the answers.
fn preview(t: &Tr<'_>, form: &FormData) -> (Option<AssistResult>, Vec<String>) {
    let input = forms::assist(form);
    let raw = RawAssist {
        substances: input.substances,
        q8: input.q8,
        typology: input.typology,
    };
    match AssistAnswers::parse(&raw) {
        Ok(answers) => {
            let result = answers.score();
            let any = !result.scores.is_empty() || result.injecting_recent;
            (any.then_some(result), Vec::new())
        }
        Err(errors) => (None, errors.iter().map(|e| problem(t, e)).collect()),
    }
}

/// A rejected answer as a sentence naming the substance and question.
fn problem(t: &Tr<'_>, e: &FieldError) -> String {
    let mut parts = e.field.split('.');
    let place = match (parts.next(), parts.next(), parts.next()) {
        (Some("substances"), Some(s), Some(q)) => {
            format!("{} {}", label(t, "substance", s), q.to_uppercase())
        }
        _ => e.field.to_uppercase(),
    };
    format!("{place}: {}", t.t(e.key))
}

fn page(
    state: &AppState,
    headers: &HeaderMap,
    who: &CurrentUser,
    id: ClientId,
    form: FormData,
    errors: Errors,
) -> Response {
    let (t, nav) = frame(state, headers, who, &format!("/clients/{id}/assist"));
    let (result, problems) = preview(&t, &form);
    render(&AssistPage {
        t,
        nav,
        id,
        form,
        errors,
        result,
        problems,
    })
}

/// `GET /clients/{id}/assist`.
pub async fn assist_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(id): Found<ClientId>,
) -> Result<Response, WebError> {
    may_record(&state, &who, id).await?;
    Ok(page(
        &state,
        &headers,
        &who,
        id,
        FormData::default(),
        Errors::default(),
    ))
}

/// `POST /clients/{id}/assist`: saves the screening and shows the record.
pub async fn assist_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    origin: Origin,
    Found(id): Found<ClientId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    let input = forms::assist(&form);
    let result = state
        .app
        .screen_assist(&who.0.actor(), id, input, &origin)
        .await;
    let t = state.i18n.tr(lang_of(&headers));
    match sent(&t, id, "", result)? {
        Sent::Saved(response) => Ok(response),
        Sent::Refused(status, errors) => Ok(with_status(
            page(&state, &headers, &who, id, form, errors),
            status,
        )),
    }
}

/// `POST /clients/{id}/assist/preview` (htmx): the scores of the answers so far, saved
/// nowhere. Only for logged-in users who work with clients, with the form's token.
pub async fn assist_preview(
    State(state): State<AppState>,
    headers: HeaderMap,
    who: CurrentUser,
    Found(id): Found<ClientId>,
    PageForm(form): PageForm,
) -> Result<Response, WebError> {
    may_record(&state, &who, id).await?;
    let t = state.i18n.tr(lang_of(&headers));
    let (result, problems) = preview(&t, &form);
    Ok(render(&ScorePart {
        t,
        result,
        problems,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{I18n, Lang};

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn the_preview_scores_by_the_domain_rules() {
        let i18n = I18n::load().expect("catalogues");
        let t = i18n.tr(Lang::En);
        let (result, problems) = preview(
            &t,
            &form(&[
                ("substances.alcohol.q2", "daily"),
                ("substances.alcohol.q3", "weekly"),
            ]),
        );
        let result = result.expect("scored");
        assert!(problems.is_empty());
        assert_eq!(result.scores[&Substance::Alcohol].score, 11);
        assert_eq!(result.recommendation.key(), "brief_intervention");
        assert_eq!(preview(&t, &FormData::default()).0, None);
    }

    #[test]
    fn refused_answers_name_the_substance_and_question() {
        let i18n = I18n::load().expect("catalogues");
        let t = i18n.tr(Lang::En);
        let (result, problems) = preview(
            &t,
            &form(&[
                ("substances.tobacco.q2", "never"),
                ("substances.tobacco.q3", "daily"),
            ]),
        );
        assert_eq!(result, None);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("Q3"), "{problems:?}");
    }
}
