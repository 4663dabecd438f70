//! The pluggable SMS gateway (Art. B6: the handler is told by SMS) and its HTTP adapter for
//! the usual shape of government and cloud SMS platforms. Wire shape: docs/sms.md.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::template::{MessageTemplate, TemplateError};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One SMS to send: the template's values, not the text (the gateway owns the template).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsRequest {
    /// Mainland mobile numbers (11 digits starting with 1).
    pub phones: Vec<String>,
    /// Placeholder values: handler, case_no, item, deadline, …
    pub values: BTreeMap<String, String>,
    /// Our own reference, echoed by platforms that support it (the SMS record's id).
    pub out_id: String,
}

/// The platform accepted the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendReceipt {
    /// The platform's message id (used to match delivery receipts).
    pub message_id: String,
    /// The text as sent.
    pub content: String,
    /// The platform's answer, verbatim (kept with the record).
    pub raw: String,
    /// HTTP attempts it took (1 = first try).
    pub attempts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Delivered,
    Undelivered,
    /// The platform has no final answer yet.
    Pending,
}

impl DeliveryStatus {
    pub fn code(self) -> &'static str {
        match self {
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Undelivered => "undelivered",
            DeliveryStatus::Pending => "pending",
        }
    }
}

/// A delivery receipt (状态报告) for one phone of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryReport {
    pub message_id: String,
    pub phone: String,
    pub status: DeliveryStatus,
    /// The platform's status code as given (e.g. DELIVRD, MK:0001).
    pub platform_status: String,
    pub err_code: Option<String>,
    /// The platform's report time as given (free text: platforms differ).
    pub reported_at: Option<String>,
    /// The report's JSON as received.
    pub raw: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmsError {
    #[error("短信平台拒绝了凭据 (SMS gateway refused the credentials, HTTP {status}): {detail}")]
    Auth { status: u16, detail: String },
    #[error("短信平台服务器错误 (SMS gateway server error HTTP {status} after {attempts} attempts): {detail}")]
    Server {
        status: u16,
        attempts: u32,
        detail: String,
    },
    #[error("短信平台拒绝发送 (SMS gateway rejected the message): code {code}: {message}")]
    Rejected { code: String, message: String },
    #[error("短信平台的应答无法解析 (malformed SMS gateway reply): {detail}")]
    Malformed { detail: String },
    #[error("无法连接短信平台 (cannot reach the SMS gateway after {attempts} attempts): {detail}")]
    Transport { detail: String, attempts: u32 },
    #[error("手机号码无效 (invalid mobile number): {0}")]
    InvalidPhone(String),
    #[error("短信设置无效 (SMS settings invalid): {0}")]
    Config(String),
    #[error("未配置短信状态查询地址 (no delivery-status URL configured)")]
    NoStatusEndpoint,
    #[error(transparent)]
    Template(#[from] TemplateError),
}

impl SmsError {
    /// Short stable code for storage and the UI.
    pub fn kind(&self) -> &'static str {
        match self {
            SmsError::Auth { .. } => "auth",
            SmsError::Server { .. } => "server",
            SmsError::Rejected { .. } => "rejected",
            SmsError::Malformed { .. } => "malformed",
            SmsError::Transport { .. } => "transport",
            SmsError::InvalidPhone(_) => "invalid_phone",
            SmsError::Config(_) => "config",
            SmsError::NoStatusEndpoint => "no_status_endpoint",
            SmsError::Template(_) => "template",
        }
    }
}

/// Anything that can send SMS: the HTTP adapter, a test double, a future vendor SDK.
pub trait SmsGateway: Send + Sync {
    /// The text `values` would produce (checks every placeholder has a value).
    fn render(&self, values: &BTreeMap<String, String>) -> Result<String, SmsError>;
    /// Sends one message (retrying transient failures as the gateway sees fit).
    fn send<'a>(&'a self, req: &'a SmsRequest) -> BoxFuture<'a, Result<SendReceipt, SmsError>>;
    /// Delivery receipts known for `message_id` (may be empty or `Pending` for a while).
    fn delivery_reports<'a>(
        &'a self,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<DeliveryReport>, SmsError>>;
}

/// How the adapter authenticates. `Debug` never shows a secret (it is redacted), and no
/// error message or log line carries one.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// App key + secret: every request is signed (HMAC-SHA256, see docs/sms.md).
    AppKey { key: String, secret: String },
    /// `Authorization: Bearer <token>`.
    Bearer { token: String },
}

/// `AK12…` — enough to tell keys apart, never the whole value.
pub fn redact(s: &str) -> String {
    let n = s.chars().count();
    if n <= 8 {
        "***".to_string()
    } else {
        format!("{}…({n} chars)", s.chars().take(4).collect::<String>())
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::AppKey { key, .. } => f
                .debug_struct("AppKey")
                .field("key", &redact(key))
                .field("secret", &"***")
                .finish(),
            Credentials::Bearer { .. } => f.debug_struct("Bearer").field("token", &"***").finish(),
        }
    }
}

/// HMAC-SHA256 (RFC 2104), hex. Small enough not to need a crate.
pub fn hmac_sha256_hex(key: &[u8], msg: &[u8]) -> String {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(msg);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    hex::encode(outer.finalize())
}

/// The string an app-key request signs: key, timestamp, nonce and body, one per line.
pub fn signing_string(key: &str, timestamp: &str, nonce: &str, body: &str) -> String {
    format!("{key}\n{timestamp}\n{nonce}\n{body}")
}

/// Header names of the app-key signature.
pub const HEADER_APP_KEY: &str = "X-App-Key";
pub const HEADER_TIMESTAMP: &str = "X-Timestamp";
pub const HEADER_NONCE: &str = "X-Nonce";
pub const HEADER_SIGNATURE: &str = "X-Signature";

/// JSON field names on the wire, configurable for platforms that spell them differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireFields {
    pub phone_numbers: String,
    /// Send the numbers as one comma-separated string instead of a JSON array.
    pub phones_as_csv: bool,
    pub sign_name: String,
    pub template_code: String,
    pub template_param: String,
    pub content: String,
    pub out_id: String,
    pub code: String,
    pub message: String,
    pub message_id: String,
    pub reports: String,
    pub report_phone: String,
    pub report_status: String,
    pub report_err_code: String,
    pub report_time: String,
    /// Platform status values meaning delivered / still pending (anything else: failed).
    pub delivered_values: Vec<String>,
    pub pending_values: Vec<String>,
}

impl Default for WireFields {
    fn default() -> Self {
        let s = |v: &str| v.to_string();
        WireFields {
            phone_numbers: s("phoneNumbers"),
            phones_as_csv: false,
            sign_name: s("signName"),
            template_code: s("templateCode"),
            template_param: s("templateParam"),
            content: s("content"),
            out_id: s("outId"),
            code: s("code"),
            message: s("message"),
            message_id: s("bizId"),
            reports: s("reports"),
            report_phone: s("phoneNumber"),
            report_status: s("status"),
            report_err_code: s("errCode"),
            report_time: s("reportTime"),
            delivered_values: vec![s("DELIVERED"), s("DELIVRD"), s("SUCCESS")],
            pending_values: vec![s("PENDING"), s("SENDING"), s("UNKNOWN")],
        }
    }
}

/// How request bodies are encoded. Replies are JSON either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// `application/json`: phones as an array (or CSV), `templateParam` as an object.
    Json,
    /// `application/x-www-form-urlencoded`: phones comma-separated, `templateParam` as a
    /// JSON string (the shape of RPC-style cloud SMS APIs).
    Form,
}

impl BodyFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            BodyFormat::Json => "application/json; charset=utf-8",
            BodyFormat::Form => "application/x-www-form-urlencoded; charset=utf-8",
        }
    }
}

/// Percent-encodes for a form body (RFC 3986 unreserved characters kept).
pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Settings of the HTTP adapter.
#[derive(Debug, Clone)]
pub struct HttpSmsConfig {
    /// POST endpoint for sending.
    pub send_url: String,
    /// POST endpoint for delivery status; `None` if receipts only come by callback.
    pub status_url: Option<String>,
    pub credentials: Credentials,
    /// 短信签名 as registered with the platform, e.g. 新区电子监察.
    pub sign_name: String,
    /// The platform's registered template id, if it uses one.
    pub template_code: Option<String>,
    pub template: MessageTemplate,
    pub fields: WireFields,
    /// JSON body (default) or `application/x-www-form-urlencoded`.
    pub body_format: BodyFormat,
    /// The reply `code` meaning success.
    pub success_code: String,
    pub timeout: Duration,
    /// HTTP attempts for one send (5xx and connection errors are retried).
    pub max_attempts: u32,
    /// Wait before the 2nd attempt; doubles each time.
    pub backoff: Duration,
}

impl HttpSmsConfig {
    pub fn new(send_url: &str, credentials: Credentials, template: MessageTemplate) -> Self {
        HttpSmsConfig {
            send_url: send_url.to_string(),
            status_url: None,
            credentials,
            sign_name: "电子监察".to_string(),
            template_code: None,
            template,
            fields: WireFields::default(),
            body_format: BodyFormat::Json,
            success_code: "OK".to_string(),
            timeout: Duration::from_secs(10),
            max_attempts: 3,
            backoff: Duration::from_millis(500),
        }
    }
}

/// The HTTP adapter (POST JSON, JSON reply). Build with [`HttpSmsGateway::new`].
#[derive(Debug, Clone)]
pub struct HttpSmsGateway {
    cfg: HttpSmsConfig,
    client: reqwest::Client,
}

/// A mainland mobile number: 11 digits with a leading 1 (what the adapter accepts).
pub fn is_mobile(p: &str) -> bool {
    p.len() == 11 && p.starts_with('1') && p.bytes().all(|b| b.is_ascii_digit())
}

/// `138****0000` for logs.
pub fn mask_phone(p: &str) -> String {
    if is_mobile(p) {
        format!("{}****{}", &p[..3], &p[7..])
    } else {
        "***".to_string()
    }
}

fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(200).collect();
    if s.chars().count() > 200 {
        out.push('…');
    }
    out
}

fn field_str(v: &Value, name: &str) -> Option<String> {
    match v.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parses delivery reports (an array, or an object holding the array under
/// `fields.reports`); each report carries the message id under `fields.message_id`
/// unless `message_id` is given. Used for the status endpoint and for callback bodies.
pub fn parse_delivery_reports(
    body: &str,
    fields: &WireFields,
    message_id: Option<&str>,
) -> Result<Vec<DeliveryReport>, SmsError> {
    let v: Value = serde_json::from_str(body).map_err(|e| SmsError::Malformed {
        detail: format!("delivery report is not JSON ({e}): {}", excerpt(body)),
    })?;
    let list = match &v {
        Value::Array(a) => a,
        Value::Object(o) => match o.get(&fields.reports) {
            Some(Value::Array(a)) => a,
            _ => {
                return Err(SmsError::Malformed {
                    detail: format!("no '{}' array in: {}", fields.reports, excerpt(body)),
                })
            }
        },
        _ => {
            return Err(SmsError::Malformed {
                detail: format!(
                    "delivery report must be an object or array: {}",
                    excerpt(body)
                ),
            })
        }
    };
    list.iter()
        .enumerate()
        .map(|(i, r)| {
            let need = |name: &str| {
                field_str(r, name).ok_or_else(|| SmsError::Malformed {
                    detail: format!("report {i} lacks '{name}': {}", excerpt(&r.to_string())),
                })
            };
            let platform_status = need(&fields.report_status)?;
            let status = if fields.delivered_values.contains(&platform_status) {
                DeliveryStatus::Delivered
            } else if fields.pending_values.contains(&platform_status) {
                DeliveryStatus::Pending
            } else {
                DeliveryStatus::Undelivered
            };
            Ok(DeliveryReport {
                message_id: match message_id {
                    Some(m) => field_str(r, &fields.message_id).unwrap_or_else(|| m.to_string()),
                    None => need(&fields.message_id)?,
                },
                phone: need(&fields.report_phone)?,
                status,
                platform_status,
                err_code: field_str(r, &fields.report_err_code).filter(|s| !s.is_empty()),
                reported_at: field_str(r, &fields.report_time),
                raw: r.to_string(),
            })
        })
        .collect()
}

impl HttpSmsGateway {
    pub fn new(cfg: HttpSmsConfig) -> Result<Self, SmsError> {
        for (what, url) in [
            ("send_url", Some(&cfg.send_url)),
            ("status_url", cfg.status_url.as_ref()),
        ] {
            if let Some(u) = url {
                if !(u.starts_with("http://") || u.starts_with("https://")) {
                    return Err(SmsError::Config(format!(
                        "{what} must be an http(s) URL, got {u:?}"
                    )));
                }
            }
        }
        if cfg.max_attempts == 0 {
            return Err(SmsError::Config("max_attempts must be at least 1".into()));
        }
        let client = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .build()
            .map_err(|e| SmsError::Config(format!("HTTP client: {e}")))?;
        Ok(HttpSmsGateway { cfg, client })
    }

    pub fn config(&self) -> &HttpSmsConfig {
        &self.cfg
    }

    fn body(&self, req: &SmsRequest) -> Result<(String, String), SmsError> {
        if req.phones.is_empty() {
            return Err(SmsError::InvalidPhone("没有收信号码 (no recipient)".into()));
        }
        if let Some(bad) = req.phones.iter().find(|p| !is_mobile(p)) {
            return Err(SmsError::InvalidPhone(format!("{bad:?}")));
        }
        let content = self.cfg.template.render(&req.values)?;
        let params = self.cfg.template.params(&req.values)?;
        let f = &self.cfg.fields;
        if self.cfg.body_format == BodyFormat::Form {
            let phones = req.phones.join(",");
            let params = Value::from(Map::from_iter(
                params.into_iter().map(|(k, v)| (k, Value::String(v))),
            ))
            .to_string();
            let mut pairs: Vec<(&str, &str)> = vec![
                (&f.phone_numbers, &phones),
                (&f.sign_name, &self.cfg.sign_name),
            ];
            if let Some(code) = &self.cfg.template_code {
                pairs.push((&f.template_code, code));
            }
            pairs.push((&f.template_param, &params));
            pairs.push((&f.content, &content));
            pairs.push((&f.out_id, &req.out_id));
            return Ok((form_encode(&pairs), content));
        }
        let mut m = Map::new();
        m.insert(
            f.phone_numbers.clone(),
            if f.phones_as_csv {
                json!(req.phones.join(","))
            } else {
                json!(req.phones)
            },
        );
        m.insert(f.sign_name.clone(), json!(self.cfg.sign_name));
        if let Some(code) = &self.cfg.template_code {
            m.insert(f.template_code.clone(), json!(code));
        }
        m.insert(f.template_param.clone(), json!(params));
        m.insert(f.content.clone(), json!(content));
        m.insert(f.out_id.clone(), json!(req.out_id));
        Ok((Value::Object(m).to_string(), content))
    }

    fn sign(&self, rb: reqwest::RequestBuilder, body: &str) -> reqwest::RequestBuilder {
        match &self.cfg.credentials {
            Credentials::Bearer { token } => rb.bearer_auth(token),
            Credentials::AppKey { key, secret } => {
                let ts = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0)
                    .to_string();
                let nonce = uuid::Uuid::now_v7().simple().to_string();
                let sig = hmac_sha256_hex(
                    secret.as_bytes(),
                    signing_string(key, &ts, &nonce, body).as_bytes(),
                );
                rb.header(HEADER_APP_KEY, key)
                    .header(HEADER_TIMESTAMP, ts)
                    .header(HEADER_NONCE, nonce)
                    .header(HEADER_SIGNATURE, sig)
            }
        }
    }

    /// POSTs `body` with retries on 5xx and connection errors; returns the 2xx reply body
    /// and the attempts used. 401/403 → [`SmsError::Auth`]; other 4xx → `Rejected`.
    async fn post(&self, url: &str, body: &str) -> Result<(String, u32), SmsError> {
        let mut wait = self.cfg.backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let rb = self
                .client
                .post(url)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    self.cfg.body_format.content_type(),
                )
                .body(body.to_string());
            let res = self.sign(rb, body).send().await;
            let retry_err = match res {
                Err(e) => SmsError::Transport {
                    detail: e.without_url().to_string(),
                    attempts: attempt,
                },
                Ok(r) => {
                    let status = r.status().as_u16();
                    let text = r.text().await.unwrap_or_default();
                    match status {
                        200..=299 => return Ok((text, attempt)),
                        401 | 403 => {
                            return Err(SmsError::Auth {
                                status,
                                detail: excerpt(&text),
                            })
                        }
                        500..=599 => SmsError::Server {
                            status,
                            attempts: attempt,
                            detail: excerpt(&text),
                        },
                        _ => {
                            let v: Option<Value> = serde_json::from_str(&text).ok();
                            let f = &self.cfg.fields;
                            return Err(SmsError::Rejected {
                                code: v
                                    .as_ref()
                                    .and_then(|v| field_str(v, &f.code))
                                    .unwrap_or_else(|| format!("HTTP {status}")),
                                message: v
                                    .as_ref()
                                    .and_then(|v| field_str(v, &f.message))
                                    .unwrap_or_else(|| excerpt(&text)),
                            });
                        }
                    }
                }
            };
            if attempt >= self.cfg.max_attempts {
                return Err(retry_err);
            }
            tracing::warn!(attempt, error = %retry_err, "SMS gateway: retrying");
            tokio::time::sleep(wait).await;
            wait = wait.saturating_mul(2);
        }
    }

    fn parse_send_reply(&self, text: &str) -> Result<String, SmsError> {
        let f = &self.cfg.fields;
        let v: Value = serde_json::from_str(text).map_err(|e| SmsError::Malformed {
            detail: format!("not JSON ({e}): {}", excerpt(text)),
        })?;
        let code = field_str(&v, &f.code).ok_or_else(|| SmsError::Malformed {
            detail: format!("no '{}' in reply: {}", f.code, excerpt(text)),
        })?;
        if code != self.cfg.success_code {
            return Err(SmsError::Rejected {
                code,
                message: field_str(&v, &f.message).unwrap_or_default(),
            });
        }
        field_str(&v, &f.message_id)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| SmsError::Malformed {
                detail: format!(
                    "success reply without '{}': {}",
                    f.message_id,
                    excerpt(text)
                ),
            })
    }
}

impl SmsGateway for HttpSmsGateway {
    fn render(&self, values: &BTreeMap<String, String>) -> Result<String, SmsError> {
        Ok(self.cfg.template.render(values)?)
    }

    fn send<'a>(&'a self, req: &'a SmsRequest) -> BoxFuture<'a, Result<SendReceipt, SmsError>> {
        Box::pin(async move {
            let (body, content) = self.body(req)?;
            let phones: Vec<String> = req.phones.iter().map(|p| mask_phone(p)).collect();
            tracing::info!(?phones, out_id = %req.out_id, "SMS gateway: sending");
            let (text, attempts) = self.post(&self.cfg.send_url, &body).await?;
            let message_id = self.parse_send_reply(&text)?;
            Ok(SendReceipt {
                message_id,
                content,
                raw: text,
                attempts,
            })
        })
    }

    fn delivery_reports<'a>(
        &'a self,
        message_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<DeliveryReport>, SmsError>> {
        Box::pin(async move {
            let url = self
                .cfg
                .status_url
                .as_ref()
                .ok_or(SmsError::NoStatusEndpoint)?;
            let f = &self.cfg.fields;
            let body = match self.cfg.body_format {
                BodyFormat::Json => json!({ f.message_id.clone(): message_id }).to_string(),
                BodyFormat::Form => form_encode(&[(&f.message_id, message_id)]),
            };
            let (text, _) = self.post(url, &body).await?;
            let v: Value = serde_json::from_str(&text).map_err(|e| SmsError::Malformed {
                detail: format!("not JSON ({e}): {}", excerpt(&text)),
            })?;
            match field_str(&v, &f.code) {
                Some(c) if c == self.cfg.success_code => {}
                Some(code) => {
                    return Err(SmsError::Rejected {
                        code,
                        message: field_str(&v, &f.message).unwrap_or_default(),
                    })
                }
                None => {
                    return Err(SmsError::Malformed {
                        detail: format!("no '{}' in reply: {}", f.code, excerpt(&text)),
                    })
                }
            }
            parse_delivery_reports(&text, f, Some(message_id))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credentials::AppKey {
            key: "AKIDexample123456".into(),
            secret: "s3cr3t-very-secret".into(),
        };
        let d = format!("{c:?}");
        assert!(
            !d.contains("s3cr3t") && !d.contains("AKIDexample123456"),
            "{d}"
        );
        assert!(d.contains("AKID…"), "{d}");
        let b = Credentials::Bearer {
            token: "tok-abcdef-123456".into(),
        };
        assert!(!format!("{b:?}").contains("tok-abcdef"));
        let cfg = HttpSmsConfig::new("http://x", b, MessageTemplate::parse("{a}").unwrap());
        assert!(!format!("{cfg:?}").contains("tok-abcdef"));
    }

    #[test]
    fn callback_bodies_parse_with_configured_fields() {
        let f = WireFields::default();
        let body = r#"[{"bizId":"M1","phoneNumber":"13800000000","status":"DELIVRD","reportTime":"2026-10-08 08:00:05"},
                       {"bizId":"M1","phoneNumber":"13900000000","status":"MK:0001","errCode":"MK:0001"}]"#;
        let r = parse_delivery_reports(body, &f, None).unwrap();
        assert_eq!(r[0].status, DeliveryStatus::Delivered);
        assert_eq!(r[1].status, DeliveryStatus::Undelivered);
        assert_eq!(r[1].err_code.as_deref(), Some("MK:0001"));
        let err = parse_delivery_reports(r#"[{"phoneNumber":"1","status":"DELIVRD"}]"#, &f, None)
            .unwrap_err();
        assert!(err.to_string().contains("bizId"), "{err}");
        assert!(matches!(
            parse_delivery_reports("<xml/>", &f, None),
            Err(SmsError::Malformed { .. })
        ));
        let custom = WireFields {
            message_id: "msgid".into(),
            reports: "data".into(),
            report_phone: "mobile".into(),
            report_status: "stat".into(),
            ..WireFields::default()
        };
        let r = parse_delivery_reports(
            r#"{"data":[{"msgid":7,"mobile":"13800000000","stat":"DELIVERED"}]}"#,
            &custom,
            None,
        )
        .unwrap();
        assert_eq!(r[0].message_id, "7");
    }

    #[test]
    fn phones_are_checked_and_masked() {
        assert!(is_mobile("13800000000"));
        assert!(!is_mobile("1380000000") && !is_mobile("23800000000") && !is_mobile("1380000000x"));
        assert_eq!(mask_phone("13812345678"), "138****5678");
    }
}
