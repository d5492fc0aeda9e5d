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
