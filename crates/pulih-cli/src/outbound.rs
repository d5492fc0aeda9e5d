//! The settings of notifications sent out by e-mail and SMS/WhatsApp: `public_url`, the
//! `[smtp]` and `[sms_gateway]` tables of the configuration file. Secrets (the SMTP
//! password, the gateway token) come from a file named in the table or from the
//! environment (`PULIH_SMTP_PASSWORD`, `PULIH_SMS_GATEWAY_TOKEN`), never from the file
//! itself, so the configuration can be shared without them.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use pulih_app::{GatewaySettings, OutboundConfig, SecretText, SmtpSettings, SmtpTls};

/// The `[smtp]` table.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSmtp {
    host: String,
    port: Option<u16>,
    tls: Option<String>,
    username: Option<String>,
    password_file: Option<PathBuf>,
    from: String,
}

/// The `[sms_gateway]` table.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileGateway {
    url: String,
    token_file: Option<PathBuf>,
}

fn secret(env: &str, file: Option<&Path>, what: &str) -> anyhow::Result<Option<SecretText>> {
    if let Ok(value) = std::env::var(env)
        && !value.trim().is_empty()
    {
        return Ok(Some(SecretText::new(value.trim())));
    }
    let Some(path) = file else { return Ok(None) };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the {what} from {}", path.display()))?;
    Ok(Some(SecretText::new(text.trim())))
}

/// The outbound settings from the file's tables and the environment.
pub fn resolve(
    public_url: Option<String>,
    smtp: Option<FileSmtp>,
    gateway: Option<FileGateway>,
) -> anyhow::Result<OutboundConfig> {
    let smtp = match smtp {
        None => None,
        Some(s) => {
            let tls = match s.tls.as_deref().map(SmtpTls::parse) {
                None => SmtpTls::StartTls,
                Some(Some(tls)) => tls,
                Some(None) => bail!("smtp.tls must be none, starttls or tls"),
            };
            let password = secret(
                "PULIH_SMTP_PASSWORD",
                s.password_file.as_deref(),
                "SMTP password",
            )?;
            let credentials = match (s.username, password) {
                (Some(user), Some(password)) => Some((user, password)),
                (None, None) => None,
                _ => bail!(
                    "smtp: give both username and a password (password_file or PULIH_SMTP_PASSWORD), or neither"
                ),
            };
            let port = s.port.unwrap_or(match tls {
                SmtpTls::None => 25,
                SmtpTls::StartTls => 587,
                SmtpTls::Tls => 465,
            });
            Some(SmtpSettings {
                host: s.host,
                port,
                tls,
                credentials,
                from: s.from,
            })
        }
    };
    let gateway = match gateway {
        None => None,
        Some(g) => {
            let token = secret(
                "PULIH_SMS_GATEWAY_TOKEN",
                g.token_file.as_deref(),
                "gateway token",
            )?
            .context("sms_gateway: give the token in token_file or PULIH_SMS_GATEWAY_TOKEN")?;
            Some(GatewaySettings { url: g.url, token })
        }
    };
    let config = OutboundConfig {
        base_url: public_url,
        smtp,
        gateway,
    };
    pulih_app::check_outbound(&config)
        .context("the e-mail or SMS gateway settings cannot be used")?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn smtp(tls: Option<&str>, username: Option<&str>, password_file: Option<PathBuf>) -> FileSmtp {
        FileSmtp {
            host: "smtp.bnn.go.id".into(),
            port: None,
            tls: tls.map(str::to_owned),
            username: username.map(str::to_owned),
            password_file,
            from: "Pulih <pulih@bnn.go.id>".into(),
        }
    }

    fn secret_file(dir: &tempfile::TempDir, text: &str) -> PathBuf {
        let path = dir.path().join("secret");
        std::fs::write(&path, text).expect("write the secret");
        path
    }

    const URL: &str = "https://pulih.bnn.go.id";

    #[test]
    fn nothing_configured_sends_on_no_channel() {
        let config = resolve(None, None, None).expect("resolves");
        assert!(config.smtp.is_none() && config.gateway.is_none());
    }

    #[test]
    fn the_port_follows_the_protection_unless_given() {
        for (tls, port) in [(None, 587), (Some("starttls"), 587), (Some("tls"), 465)] {
            let config =
                resolve(Some(URL.into()), Some(smtp(tls, None, None)), None).expect("resolves");
            assert_eq!(config.smtp.expect("smtp").port, port, "{tls:?}");
        }
        let mut given = smtp(Some("tls"), None, None);
        given.port = Some(2465);
        let config = resolve(Some(URL.into()), Some(given), None).expect("resolves");
        assert_eq!(config.smtp.expect("smtp").port, 2465);
    }

    #[test]
    fn an_unknown_protection_is_refused_by_name() {
        let e = resolve(Some(URL.into()), Some(smtp(Some("ssl"), None, None)), None)
            .expect_err("refused");
        assert!(e.to_string().contains("smtp.tls"), "{e}");
    }

    #[test]
    fn a_user_name_needs_a_password_and_a_password_a_user_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = secret_file(&dir, "rahasia-smtp\n");
        let both = smtp(None, Some("pulih"), Some(file.clone()));
        let config = resolve(Some(URL.into()), Some(both), None).expect("resolves");
        let (user, password) = config.smtp.expect("smtp").credentials.expect("credentials");
        assert_eq!(
            (user.as_str(), password.expose()),
            ("pulih", "rahasia-smtp")
        );
        if std::env::var_os("PULIH_SMTP_PASSWORD").is_none() {
            let e = resolve(
                Some(URL.into()),
                Some(smtp(None, Some("pulih"), None)),
                None,
            )
            .expect_err("a user name alone is refused");
            assert!(e.to_string().contains("username"), "{e}");
        }
        let e = resolve(Some(URL.into()), Some(smtp(None, None, Some(file))), None)
            .expect_err("a password alone is refused");
        assert!(e.to_string().contains("username"), "{e}");
    }

    #[test]
    fn the_gateway_token_comes_from_its_file_and_a_missing_file_is_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let gateway = |token_file| FileGateway {
            url: "https://sms.example.id/send".into(),
            token_file,
        };
        if std::env::var_os("PULIH_SMS_GATEWAY_TOKEN").is_none() {
            let file = secret_file(&dir, " token-gateway \n");
            let config = resolve(None, None, Some(gateway(Some(file)))).expect("resolves");
            assert_eq!(
                config.gateway.expect("gateway").token.expose(),
                "token-gateway"
            );
            let e = resolve(None, None, Some(gateway(None))).expect_err("no token");
            assert!(e.to_string().contains("PULIH_SMS_GATEWAY_TOKEN"), "{e}");
            let missing = dir.path().join("no-such-token");
            let e =
                resolve(None, None, Some(gateway(Some(missing.clone())))).expect_err("unreadable");
            let chain = format!("{e:#}");
            assert!(chain.contains(&missing.display().to_string()), "{chain}");
        }
    }

    #[test]
    fn a_gateway_address_that_is_not_a_url_is_refused_at_start() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = secret_file(&dir, "token");
        let bad = FileGateway {
            url: "sms gateway".into(),
            token_file: Some(file),
        };
        if std::env::var_os("PULIH_SMS_GATEWAY_TOKEN").is_none() {
            let e = resolve(None, None, Some(bad)).expect_err("refused");
            assert!(e.to_string().contains("SMS gateway"), "{e}");
        }
    }
}
