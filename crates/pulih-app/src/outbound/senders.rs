//! The [`Sender`] trait and its two implementations: [`SmtpSender`] (e-mail through an
//! SMTP server, with lettre over rustls) and [`HttpGateway`] (a JSON POST to an
//! SMS/WhatsApp gateway). A failure is reported by kind only (`connect`, `timeout`,
//! `status_503`…): never the address or the server's words, which may echo it.

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use pulih_domain::outbound::Channel;

use super::{GatewaySettings, SmtpSettings, SmtpTls};

/// How long one attempt may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Why an attempt failed: a short kind, safe to store and show to administrators.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sending failed: {0}")]
pub struct SendError(pub String);

impl SendError {
    fn kind(kind: &str) -> Self {
        Self(kind.to_owned())
    }
}

/// Sends one message on one channel.
#[async_trait]
pub trait Sender: Send + Sync {
    /// The channel.
    fn channel(&self) -> Channel;
    /// Sends `text` (with `subject`, for e-mail) to `to`; done when the server or
    /// gateway accepted it.
    async fn send(&self, to: &str, subject: &str, text: &str) -> Result<(), SendError>;
}

/// E-mail through the configured SMTP server.
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    link: Option<String>,
}

impl SmtpSender {
    /// A sender over `settings`; `base_url` is linked at the end of every e-mail.
    pub fn new(settings: &SmtpSettings, base_url: Option<&str>) -> Result<Self, SendError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|_| SendError::kind("from_address"))?;
        let tls =
            |host: &str| TlsParameters::new(host.to_owned()).map_err(|_| SendError::kind("tls"));
        let tls = match settings.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::StartTls => Tls::Required(tls(&settings.host)?),
            SmtpTls::Tls => Tls::Wrapper(tls(&settings.host)?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(TIMEOUT));
        if let Some((user, password)) = &settings.credentials {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            link: base_url.map(|u| format!("{}/notifications", u.trim_end_matches('/'))),
        })
    }
}

#[async_trait]
impl Sender for SmtpSender {
    fn channel(&self) -> Channel {
        Channel::Email
    }

    async fn send(&self, to: &str, subject: &str, text: &str) -> Result<(), SendError> {
        let to: Mailbox = to.parse().map_err(|_| SendError::kind("address"))?;
        let body = match &self.link {
            Some(link) => format!("{text}\n\n{link}\n"),
            None => format!("{text}\n"),
        };
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|_| SendError::kind("message"))?;
        self.transport.send(email).await.map(drop).map_err(|e| {
            let kind = if e.is_timeout() {
                "timeout".to_owned()
            } else if e.is_tls() {
                "tls".to_owned()
            } else if let Some(code) = e.status() {
                format!("smtp_{code}")
            } else if e.is_client() {
                "smtp_client".to_owned()
            } else {
                "connect".to_owned()
            };
            SendError(kind)
        })
    }
}

/// SMS or WhatsApp through an HTTP gateway: `POST {url}` with `{"to", "text"}` and
/// `Authorization: Bearer <token>`; any 2xx answer is sent, anything else is retried.
pub struct HttpGateway {
    client: reqwest::Client,
    url: String,
    token: super::SecretText,
}

impl HttpGateway {
    /// A gateway over `settings`.
    pub fn new(settings: &GatewaySettings) -> Result<Self, SendError> {
        reqwest::Url::parse(&settings.url).map_err(|_| SendError::kind("gateway_url"))?;
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(|_| SendError::kind("tls"))?;
        Ok(Self {
            client,
            url: settings.url.clone(),
            token: settings.token.clone(),
        })
    }
}

#[async_trait]
impl Sender for HttpGateway {
    fn channel(&self) -> Channel {
        Channel::Sms
    }

    async fn send(&self, to: &str, _subject: &str, text: &str) -> Result<(), SendError> {
        let answer = self
            .client
            .post(&self.url)
            .bearer_auth(self.token.expose())
            .json(&serde_json::json!({ "to": to, "text": text }))
            .send()
            .await
            .map_err(|e| {
                SendError::kind(if e.is_timeout() {
                    "timeout"
                } else if e.is_connect() {
                    "connect"
                } else {
                    "http"
                })
            })?;
        let status = answer.status();
        if status.is_success() {
            Ok(())
        } else {
            Err(SendError(format!("status_{}", status.as_u16())))
        }
    }
}
