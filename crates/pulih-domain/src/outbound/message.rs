//! The one text of an outgoing message, chosen from the notification's kind and the
//! user's language only: it says that something of a kind waits in Pulih, in plain words,
//! and never carries the notification's subject or details (codes, names, numbers).

use super::Lang;

/// Every notification kind Pulih sends, with its topic in Indonesian and English.
pub const KINDS: &[(&str, &str, &str)] = &[
    (
        "digest",
        "ringkasan kerja harian",
        "your daily work summary",
    ),
    ("referral.sent", "kabar rujukan", "a referral update"),
    ("referral.accepted", "kabar rujukan", "a referral update"),
    ("referral.declined", "kabar rujukan", "a referral update"),
    ("referral.started", "kabar rujukan", "a referral update"),
    ("referral.completed", "kabar rujukan", "a referral update"),
    (
        "referral.not_attended",
        "kabar rujukan",
        "a referral update",
    ),
    ("referral.cancelled", "kabar rujukan", "a referral update"),
    (
        "referral.overdue",
        "rujukan yang lewat tenggat",
        "a referral past its deadline",
    ),
    (
        "client.possible_duplicate",
        "data yang perlu diperiksa",
        "a record to check",
    ),
    (
        "client.break_glass",
        "akses darurat ke sebuah catatan",
        "an emergency access to a record",
    ),
    (
        "audit.checkpoint_refused",
        "peringatan keamanan",
        "a security alert",
    ),
    (
        "user.break_glass_limit",
        "batas harian pengguna terlampaui",
        "a user passed a daily limit",
    ),
    (
        "user.nik_lookup_limit",
        "batas harian pengguna terlampaui",
        "a user passed a daily limit",
    ),
];

/// An outgoing message: a subject (for e-mail) and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The e-mail subject.
    pub subject: String,
    /// The text: the whole SMS, the start of the e-mail.
    pub text: String,
}

/// The message telling a user of a new notification of `kind`; a kind not in [`KINDS`]
/// is named only as "a notification".
pub fn message(kind: &str, lang: Lang) -> Outgoing {
    let topic = KINDS.iter().find(|(k, _, _)| *k == kind);
    match lang {
        Lang::Id => Outgoing {
            subject: "Pulih: pemberitahuan baru".into(),
            text: match topic {
                Some((_, id, _)) => {
                    format!("Pulih: ada 1 pemberitahuan baru ({id}). Buka Pulih untuk melihatnya.")
                }
                None => "Pulih: ada 1 pemberitahuan baru. Buka Pulih untuk melihatnya.".into(),
            },
        },
        Lang::En => Outgoing {
            subject: "Pulih: new notification".into(),
            text: match topic {
                Some((_, _, en)) => {
                    format!("Pulih: you have 1 new notification ({en}). Open Pulih to see it.")
                }
                None => "Pulih: you have 1 new notification. Open Pulih to see it.".into(),
            },
        },
    }
}
