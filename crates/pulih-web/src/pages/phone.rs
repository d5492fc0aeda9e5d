//! Phone numbers as links a phone can act on: `tel:` to call, WhatsApp to message a
//! mobile number. Numbers are written the Indonesian way ("0812-3456-7890", "+62 812…");
//! anything that is not a plausible number stays plain text.

/// The number in international digits ("6281234567890"), if it looks like one.
fn international(number: &str) -> Option<String> {
    let trimmed = number.trim();
    if !trimmed
        .chars()
        .all(|c| c.is_ascii_digit() || " +-.()".contains(c))
    {
        return None;
    }
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let full = match digits.strip_prefix('0') {
        Some(national) if !trimmed.starts_with('+') => format!("62{national}"),
        _ => digits,
    };
    (9..=15).contains(&full.len()).then_some(full)
}

/// The `tel:` link of a number.
pub fn tel(number: &str) -> Option<String> {
    international(number).map(|n| format!("tel:+{n}"))
}

/// The WhatsApp link of an Indonesian mobile number (62 8…); none for other numbers.
pub fn whatsapp(number: &str) -> Option<String> {
    international(number)
        .filter(|n| n.starts_with("628"))
        .map(|n| format!("https://wa.me/{n}"))
}

#[cfg(test)]
mod tests {
    use super::{tel, whatsapp};

    #[test]
    fn indonesian_numbers_become_links_and_the_rest_stays_text() {
        assert_eq!(tel("0812-3456-7890").as_deref(), Some("tel:+6281234567890"));
        assert_eq!(
            tel("+62 812 3456 7890").as_deref(),
            Some("tel:+6281234567890")
        );
        assert_eq!(tel("(0778) 123456").as_deref(), Some("tel:+62778123456"));
        assert_eq!(
            whatsapp("0812-3456-7890").as_deref(),
            Some("https://wa.me/6281234567890")
        );
        assert_eq!(
            whatsapp("(0778) 123456"),
            None,
            "a landline has no WhatsApp"
        );
        for text in ["0778-1", "hubungi kantor", "", "0812; drop", "+"] {
            assert_eq!(tel(text), None, "{text:?}");
        }
    }
}
