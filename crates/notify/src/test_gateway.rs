//! A real local SMS test gateway (feature `test-gateway`): an HTTP server on 127.0.0.1 that
//! speaks the wire shape of docs/sms.md, checks credentials (bearer token or app-key
//! HMAC signature), answers delivery-status queries, logs every request (in memory and, if
//! asked, as JSON lines in a file: "the SMS test gateway's log"), and can be told to fail
//! (5xx, auth error, malformed reply, rejection) so the adapter's error paths run over
//! real HTTP. `cargo run -p jiancha-notify --features test-gateway --example sms_test_gateway`.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};

use crate::gateway::{
    hmac_sha256_hex, signing_string, Credentials, WireFields, HEADER_APP_KEY, HEADER_NONCE,
    HEADER_SIGNATURE, HEADER_TIMESTAMP,
};

/// How the next requests are answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailMode {
    /// Answer normally.
    Normal,
    /// Answer the next `times` requests with HTTP 503, then normally.
    ServerError { times: u32 },
    /// Refuse every request with 401 as if the credentials were wrong.
    AuthError,
    /// Answer 200 with a body that is not JSON.
    Malformed,
    /// Answer 200 with a business error code.
    Reject { code: String, message: String },
}

/// One request as logged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoggedRequest {
    pub seq: u64,
    /// When the gateway received it (its wall clock, RFC 3339 UTC).
    pub at: String,
    pub path: String,
    /// Whether the credentials checked out (never the credentials themselves).
    pub auth_ok: bool,
    /// The request body (JSON text).
    pub body: String,
    pub status: u16,
    pub response: String,
}

#[derive(Debug, Clone)]
struct Sent {
    id: String,
    phones: Vec<String>,
}

struct Inner {
    credentials: Credentials,
    fields: WireFields,
    log: Mutex<Vec<LoggedRequest>>,
    log_file: Option<Mutex<std::fs::File>>,
    mode: Mutex<FailMode>,
    sent: Mutex<Vec<Sent>>,
    undeliverable: Mutex<Vec<String>>,
}

/// A running test gateway. Stops when dropped.
pub struct TestGateway {
    addr: SocketAddr,
    inner: Arc<Inner>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestGateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestGateway {
    /// Starts on 127.0.0.1:0 (a free port) on the current tokio runtime. `log_file`:
    /// where to append one JSON line per request.
    pub async fn start(
        credentials: Credentials,
        log_file: Option<PathBuf>,
    ) -> std::io::Result<TestGateway> {
        Self::start_on("127.0.0.1:0", credentials, log_file).await
    }

    pub async fn start_on(
        bind: &str,
        credentials: Credentials,
        log_file: Option<PathBuf>,
    ) -> std::io::Result<TestGateway> {
        let file = match log_file {
            Some(p) => Some(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)?,
            )),
            None => None,
        };
        let inner = Arc::new(Inner {
            credentials,
            fields: WireFields::default(),
            log: Mutex::new(Vec::new()),
            log_file: file,
            mode: Mutex::new(FailMode::Normal),
            sent: Mutex::new(Vec::new()),
            undeliverable: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/sms/send", post(send))
            .route("/sms/status", post(status))
            .with_state(inner.clone());
        let listener = tokio::net::TcpListener::bind(bind).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(TestGateway { addr, inner, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn send_url(&self) -> String {
        format!("http://{}/sms/send", self.addr)
    }

    pub fn status_url(&self) -> String {
        format!("http://{}/sms/status", self.addr)
    }

    pub fn set_mode(&self, mode: FailMode) {
        *lock(&self.inner.mode) = mode;
    }

    /// Receipts for this number will say UNDELIVERED (空号, error MK:0001).
    pub fn make_undeliverable(&self, phone: &str) {
        lock(&self.inner.undeliverable).push(phone.to_string());
    }

    /// Every request so far.
    pub fn log(&self) -> Vec<LoggedRequest> {
        lock(&self.inner.log).clone()
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or(""), 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The request body as a JSON object: JSON as is; a form body decoded, its phone list
/// split on commas and its template parameters parsed from their JSON string.
fn body_as_json(inner: &Inner, headers: &HeaderMap, body: &str) -> Value {
    let is_form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return serde_json::from_str(body).unwrap_or(Value::Null);
    }
    let f = &inner.fields;
    let mut m = serde_json::Map::new();
    for pair in body.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (percent_decode(k), percent_decode(v));
        let val = if k == f.phone_numbers {
            Value::from(v.split(',').map(String::from).collect::<Vec<_>>())
        } else if k == f.template_param {
            serde_json::from_str(&v).unwrap_or(Value::String(v))
        } else {
            Value::String(v)
        };
        m.insert(k, val);
    }
    Value::Object(m)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn check_auth(inner: &Inner, headers: &HeaderMap, body: &str) -> bool {
    let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    match &inner.credentials {
        Credentials::Bearer { token } => h("authorization") == Some(&format!("Bearer {token}")),
        Credentials::AppKey { key, secret } => {
            let (Some(k), Some(ts), Some(nonce), Some(sig)) = (
                h(HEADER_APP_KEY),
                h(HEADER_TIMESTAMP),
                h(HEADER_NONCE),
                h(HEADER_SIGNATURE),
            ) else {
                return false;
            };
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            let fresh = ts.parse::<i64>().is_ok_and(|t| (now - t).abs() <= 300);
            k == key
                && fresh
                && hmac_sha256_hex(
                    secret.as_bytes(),
                    signing_string(k, ts, nonce, body).as_bytes(),
                ) == sig
        }
    }
}

fn record(
    inner: &Inner,
    path: &str,
    auth_ok: bool,
    body: &str,
    status: StatusCode,
    response: &str,
) {
    let mut log = lock(&inner.log);
    let entry = LoggedRequest {
        seq: log.len() as u64 + 1,
        at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        path: path.to_string(),
        auth_ok,
        body: body.to_string(),
        status: status.as_u16(),
        response: response.to_string(),
    };
    if let Some(f) = &inner.log_file {
        if let Ok(line) = serde_json::to_string(&entry) {
            let _ = writeln!(lock(f), "{line}");
        }
    }
    log.push(entry);
}

/// The common part: auth and fail modes. `Err` = the response to give instead.
fn gate(inner: &Inner, headers: &HeaderMap, body: &str) -> Result<bool, (StatusCode, String)> {
    let auth_ok = check_auth(inner, headers, body);
    let mut mode = lock(&inner.mode);
    match &mut *mode {
        FailMode::ServerError { times } if *times > 0 => {
            *times -= 1;
            return Err((
                StatusCode::SERVICE_UNAVAILABLE,
                "<html>503 Service Unavailable</html>".into(),
            ));
        }
        FailMode::AuthError => {
            return Err((
                StatusCode::UNAUTHORIZED,
                json!({"code": "AuthFailed", "message": "鉴权失败"}).to_string(),
            ))
        }
        _ => {}
    }
    if !auth_ok {
        return Err((
            StatusCode::UNAUTHORIZED,
            json!({"code": "AuthFailed", "message": "签名或令牌无效"}).to_string(),
        ));
    }
    match &*mode {
        FailMode::Malformed => Err((StatusCode::OK, "OK? <not json>".into())),
        FailMode::Reject { code, message } => Err((
            StatusCode::OK,
            json!({"code": code, "message": message}).to_string(),
        )),
        _ => Ok(auth_ok),
    }
}

fn reply(
    inner: &Inner,
    path: &str,
    auth_ok: bool,
    body: &str,
    status: StatusCode,
    text: String,
) -> Response {
    record(inner, path, auth_ok, body, status, &text);
    (
        status,
        [("content-type", "application/json; charset=utf-8")],
        text,
    )
        .into_response()
}

async fn send(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> Response {
    let body = String::from_utf8_lossy(&body).into_owned();
    let auth_ok = check_auth(&inner, &headers, &body);
    if let Err((st, text)) = gate(&inner, &headers, &body) {
        return reply(&inner, "/sms/send", auth_ok, &body, st, text);
    }
    let f = &inner.fields;
    let v = body_as_json(&inner, &headers, &body);
    let phones: Vec<String> = v
        .get(&f.phone_numbers)
        .and_then(|p| p.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let has = |n: &str| {
        v.get(n)
            .and_then(|x| x.as_str())
            .is_some_and(|s| !s.is_empty())
    };
    if phones.is_empty() || !has(&f.sign_name) || !has(&f.content) {
        let text =
            json!({"code": "InvalidParameter", "message": "缺少号码、签名或内容"}).to_string();
        return reply(
            &inner,
            "/sms/send",
            auth_ok,
            &body,
            StatusCode::BAD_REQUEST,
            text,
        );
    }
    let id = {
        let mut sent = lock(&inner.sent);
        let id = format!("TG{:06}", sent.len() + 1);
        sent.push(Sent {
            id: id.clone(),
            phones,
        });
        id
    };
    let text = json!({"code": "OK", "message": "提交成功", f.message_id.clone(): id}).to_string();
    reply(&inner, "/sms/send", auth_ok, &body, StatusCode::OK, text)
}

async fn status(State(inner): State<Arc<Inner>>, headers: HeaderMap, body: Bytes) -> Response {
    let body = String::from_utf8_lossy(&body).into_owned();
    let auth_ok = check_auth(&inner, &headers, &body);
    if let Err((st, text)) = gate(&inner, &headers, &body) {
        return reply(&inner, "/sms/status", auth_ok, &body, st, text);
    }
    let f = &inner.fields;
    let v = body_as_json(&inner, &headers, &body);
    let id = v
        .get(&f.message_id)
        .and_then(|x| x.as_str())
        .unwrap_or_default()
        .to_string();
    let found = lock(&inner.sent).iter().find(|s| s.id == id).cloned();
    let Some(sent) = found else {
        let text = json!({"code": "NotFound", "message": format!("无此短信 {id}")}).to_string();
        return reply(&inner, "/sms/status", auth_ok, &body, StatusCode::OK, text);
    };
    let bad = lock(&inner.undeliverable).clone();
    let reports: Vec<Value> = sent
        .phones
        .iter()
        .map(|p| {
            let undeliverable = bad.contains(p);
            json!({
                f.message_id.clone(): sent.id,
                f.report_phone.clone(): p,
                f.report_status.clone(): if undeliverable { "MK:0001" } else { "DELIVRD" },
                f.report_err_code.clone(): if undeliverable { "MK:0001" } else { "" },
                f.report_time.clone(): chrono::Utc::now()
                    .with_timezone(&jiancha_calendar::cst())
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
            })
        })
        .collect();
    let text = json!({"code": "OK", "message": "成功", f.reports.clone(): reports}).to_string();
    reply(&inner, "/sms/status", auth_ok, &body, StatusCode::OK, text)
}
