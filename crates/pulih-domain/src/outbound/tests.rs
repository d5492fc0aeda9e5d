use super::*;

/// Words that must never leave the machine: clinical, enforcement or identifying.
const FORBIDDEN: &[&str] = &[
    "assist",
    "barc",
    "rehab",
    "narkoba",
    "narkotika",
    "drug",
    "obat",
    "sabu",
    "shabu",
    "ganja",
    "heroin",
    "opioid",
    "zat",
    "substance",
    "relapse",
    "kambuh",
    "klinis",
    "clinical",
    "diagnos",
    "skrining",
    "screening",
    "suntik",
    "inject",
    "nik",
    "klien",
    "client",
    "pasien",
    "patient",
    "polisi",
    "police",
    "lapas",
    "prison",
    "tat ",
    "ipwl",
    "wajib lapor",
    "penjara",
    "tangkap",
    "arrest",
    "adiksi",
    "addict",
    "pecandu",
];

#[test]
fn no_outgoing_text_of_any_kind_names_a_clinical_or_identifying_word() {
    let kinds = KINDS.iter().map(|(k, _, _)| *k).chain(["something.new"]);
    for kind in kinds {
        for lang in [Lang::Id, Lang::En] {
            let m = message(kind, lang);
            let all = format!("{} {}", m.subject, m.text).to_lowercase();
            for word in FORBIDDEN {
                assert!(
                    !all.contains(word),
                    "{kind} ({lang:?}) says {word:?}: {all}"
                );
            }
            assert!(!all.contains(kind), "{kind} leaks its key");
            assert!(all.starts_with("pulih:"), "{all}");
        }
    }
}

#[test]
fn a_message_names_the_kind_in_plain_words_in_the_users_language() {
    let m = message("referral.accepted", Lang::Id);
    assert_eq!(
        m.text,
        "Pulih: ada 1 pemberitahuan baru (kabar rujukan). Buka Pulih untuk melihatnya."
    );
    assert_eq!(m.subject, "Pulih: pemberitahuan baru");
    let m = message("digest", Lang::En);
    assert!(m.text.contains("daily work summary"), "{}", m.text);
}

#[test]
fn email_addresses_are_parsed_and_bad_ones_refused() {
    let ok =
        EmailAddress::parse("  Siti.Rahma@Dinsos.Sanggau.go.id ").map(|e| e.as_str().to_owned());
    assert_eq!(ok.as_deref(), Ok("Siti.Rahma@dinsos.sanggau.go.id"));
    for bad in [
        "",
        "siti",
        "siti@",
        "@x.id",
        "siti@localhost",
        "si ti@x.id",
        "a@b..id",
        "a<b@x.id",
    ] {
        assert!(EmailAddress::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn indonesian_mobile_numbers_are_normalised_to_international_form() {
    for given in [
        "0812-3456-7890",
        "+62 812 3456 7890",
        "6281234567890",
        "0812.3456.7890",
    ] {
        let n = PhoneNumber::parse(given).map(|p| p.as_str().to_owned());
        assert_eq!(n.as_deref(), Ok("+6281234567890"), "{given}");
    }
    for bad in [
        "",
        "12345",
        "0212345678",
        "+1 555 0100 200",
        "08123",
        "0812345678901234",
        "08x2345678",
    ] {
        assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_contact_is_parsed_by_its_channel() {
    assert!(Contact::parse(Channel::Email, "0812345678").is_err());
    assert!(Contact::parse(Channel::Sms, "a@b.id").is_err());
    let c = Contact::parse(Channel::Sms, "081234567890");
    assert_eq!(
        c.map(|c| c.address().to_owned()).as_deref(),
        Ok("+6281234567890")
    );
    assert_eq!(
        format!("{:?}", Contact::parse(Channel::Email, "a@b.id")),
        "Ok(Contact { .. })"
    );
}

#[test]
fn retries_back_off_doubling_to_an_hour_then_give_up() {
    let secs: Vec<i64> = (1..MAX_ATTEMPTS)
        .filter_map(next_attempt_in)
        .map(|d| d.num_seconds())
        .collect();
    assert_eq!(secs, vec![60, 120, 240, 480, 960, 1920, 3600]);
    assert_eq!(next_attempt_in(MAX_ATTEMPTS), None);
    assert_eq!(next_attempt_in(0).map(|d| d.num_seconds()), Some(60));
}

#[test]
fn keys_round_trip() {
    for c in Channel::ALL {
        assert_eq!(Channel::parse(c.key()), Ok(c));
    }
    for s in [
        DeliveryState::Pending,
        DeliveryState::Sent,
        DeliveryState::Failed,
    ] {
        assert_eq!(DeliveryState::parse(s.key()), Ok(s));
    }
    assert_eq!(Lang::parse("en"), Ok(Lang::En));
    assert!(Lang::parse("fr").is_err());
}
