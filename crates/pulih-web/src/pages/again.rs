//! What a page form does once its use-case has answered: saved, on to the page that shows
//! the result; refused, the same page again with what was typed and the messages, under the
//! refusal's status (422 or 409); anything else is the error page.

use std::future::Future;

use axum::response::{IntoResponse, Redirect, Response};
use pulih_app::AppResult;

use super::clients::{Errors, FormData, refused, with_status};
use crate::WebError;
use crate::i18n::Tr;

/// After the form `name` sent `form`: a redirect to `next(saved)`, or `page(form, messages)`
/// with the refusal's status.
pub(crate) async fn after<T, P, F>(
    t: &Tr<'_>,
    result: AppResult<T>,
    next: impl FnOnce(T) -> String,
    (form, name): (FormData, &str),
    page: P,
) -> Result<Response, WebError>
where
    P: FnOnce(FormData, Errors) -> F,
    F: Future<Output = Result<Response, WebError>>,
{
    match result {
        Ok(saved) => Ok(Redirect::to(&next(saved)).into_response()),
        Err(e) => {
            let (status, errors) = refused(t, name, e)?;
            Ok(with_status(page(form, errors).await?, status))
        }
    }
}
