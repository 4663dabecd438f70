//! The HTTP side: one page request with retries (docs/feed-protocol.md "Client behaviour").

use std::time::Duration;

use jiancha_protocol::{
    backoff, check_schema_version, retry_after, status_action, ErrorBody, Health, Page,
    StatusAction,
};

use crate::error::SyncError;
use crate::prepare::{prepare_record, PreparedPage};

/// How transient errors are retried.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// First backoff; doubles on each consecutive failure.
    pub base: Duration,
    /// Largest backoff (also caps `Retry-After`).
    pub cap: Duration,
    /// Give up after this many consecutive failures of one request (`None`: never).
    pub max_attempts: Option<u32>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        // The protocol's recommendation: 250 ms doubling to 30 s. 40 attempts ≈ 18 minutes.
        RetryPolicy {
            base: Duration::from_millis(250),
            cap: Duration::from_secs(30),
            max_attempts: Some(40),
        }
    }
}

impl RetryPolicy {
    fn delay(&self, attempt: u32, retry_after: Option<Duration>, jitter: &mut u64) -> Duration {
        if let Some(d) = retry_after {
            // The server said when: honour it (the protocol caps it at 600 s).
            return d.min(Duration::from_secs(600));
        }
        // Same doubling as the protocol's `backoff`, scaled to `base`.
        let scale = backoff(attempt).as_secs_f64() / backoff(0).as_secs_f64();
        let d = (self.base.as_secs_f64() * scale).min(self.cap.as_secs_f64());
        // Up to 50 % jitter (xorshift; spreading retries needs no cryptographic randomness).
        *jitter ^= *jitter << 13;
        *jitter ^= *jitter >> 7;
        *jitter ^= *jitter << 17;
        let f = (*jitter % 1000) as f64 / 2000.0;
        Duration::from_secs_f64(d * (1.0 + f))
    }
}

/// A page as received: its body (known to parse as a page, UTF-8), where each record lies in
/// it, and what the fetch loop needs to go on. The page is parsed once: the records' ranges
/// are kept, so validation reads each record without scanning the page again.
pub(crate) struct RawPage {
    pub body: String,
    pub records: Vec<std::ops::Range<usize>>,
    pub next_cursor: String,
    pub has_more: bool,
    pub empty: bool,
}

impl RawPage {
    /// Validates the records and prepares them for the writer (CPU-bound).
    pub fn prepare(self) -> PreparedPage {
        let records = self
            .records
            .iter()
            .map(|r| prepare_record(&self.body, r.clone()))
            .collect();
        PreparedPage {
            bytes: self.body.len() as u64,
            body: self.body,
            records,
            next_cursor: self.next_cursor,
        }
    }
}

/// A transient failure, reported while retrying.
#[derive(Debug, Clone)]
pub struct RetryNotice {
    /// Consecutive failures so far.
    pub attempt: u32,
    /// What went wrong.
    pub error: String,
    /// How long the client waits before the next try.
    pub wait: Duration,
}

#[derive(Clone)]
pub(crate) struct FeedClient {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
    retry: RetryPolicy,
    jitter: u64,
    /// The change log the cursor belongs to; a page from another one stops the sync.
    feed_id: Option<String>,
}

enum Attempt<T> {
    Done(T),
    Transient(String, Option<Duration>),
}

impl FeedClient {
    pub fn new(
        base: &str,
        token: Option<String>,
        timeout: Duration,
        retry: RetryPolicy,
    ) -> Result<Self, SyncError> {
        let base = base.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(SyncError::Config(format!(
                "feed URL {base:?} must start with http:// or https://"
            )));
        }
        let http = reqwest::Client::builder()
            .gzip(true)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|e| SyncError::Config(format!("HTTP client: {e}")))?;
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15)
            | 1;
        Ok(FeedClient {
            base,
            token,
            http,
            retry,
            jitter: seed,
            feed_id: None,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Pages must come from this change log (`None`: the feed names none).
    pub fn expect_feed_id(&mut self, id: Option<String>) {
        self.feed_id = id;
    }

    async fn with_retry<T, F, Fut>(
        &mut self,
        what: &str,
        on_retry: &(dyn Fn(RetryNotice) + Send + Sync),
        mut f: F,
    ) -> Result<T, SyncError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<Attempt<T>, SyncError>>,
    {
        let mut attempt = 0u32;
        loop {
            match f().await? {
                Attempt::Done(v) => return Ok(v),
                Attempt::Transient(error, after) => {
                    attempt += 1;
                    if let Some(max) = self.retry.max_attempts {
                        if attempt >= max {
                            return Err(SyncError::GaveUp {
                                what: what.to_owned(),
                                attempts: attempt,
                                last: error,
                            });
                        }
                    }
                    let wait = self.retry.delay(attempt - 1, after, &mut self.jitter);
                    tracing::warn!(what, attempt, %error, ?wait, "feed: transient error, retrying");
                    on_retry(RetryNotice {
                        attempt,
                        error,
                        wait,
                    });
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// `GET /v1/changes?after=cursor&limit=n`, retried until the body parses as a page; the
    /// records are not validated yet ([`RawPage::prepare`]), so the next request can be on its
    /// way while this page is validated.
    pub async fn changes_raw(
        &mut self,
        cursor: &str,
        limit: u32,
        on_retry: &(dyn Fn(RetryNotice) + Send + Sync),
    ) -> Result<RawPage, SyncError> {
        let url = format!("{}/v1/changes", self.base);
        let http = self.http.clone();
        let token = self.token.clone();
        let limit = limit.to_string();
        let want = self.feed_id.clone();
        self.with_retry("GET /v1/changes", on_retry, || {
            let want = want.clone();
            let mut req = http
                .get(&url)
                .query(&[("after", cursor), ("limit", limit.as_str())]);
            if let Some(t) = &token {
                req = req.bearer_auth(t);
            }
            async move {
                let body = match send(req).await? {
                    Attempt::Done(b) => b,
                    Attempt::Transient(e, a) => return Ok(Attempt::Transient(e, a)),
                };
                let body = match String::from_utf8(body) {
                    Ok(b) => b,
                    Err(e) => {
                        return Ok(Attempt::Transient(
                            format!("page is not UTF-8 (truncated?): {e}"),
                            None,
                        ))
                    }
                };
                let (next_cursor, has_more, records) = match serde_json::from_str::<Page<'_>>(&body)
                {
                    Ok(p) => {
                        check_schema_version(&p.schema_version).map_err(SyncError::Permanent)?;
                        if let (Some(want), Some(got)) = (&want, &p.feed_id) {
                            if want != got {
                                return Err(SyncError::Permanent(format!(
                                    "数据源已重建 (feed_id {got} ≠ {want}): the feed's change \
                                     log changed during the sync; sync again to follow the new one"
                                )));
                            }
                        }
                        // Where each record lies in the body (the raw values borrow it).
                        let base = body.as_ptr() as usize;
                        let records = p
                            .records
                            .iter()
                            .map(|r| {
                                let start = r.get().as_ptr() as usize - base;
                                start..start + r.get().len()
                            })
                            .collect::<Vec<_>>();
                        (p.next_cursor, p.has_more, records)
                    }
                    Err(e) => {
                        return Ok(Attempt::Transient(
                            format!("page does not parse (truncated?): {e}"),
                            None,
                        ))
                    }
                };
                Ok(Attempt::Done(RawPage {
                    empty: records.is_empty(),
                    body,
                    records,
                    next_cursor,
                    has_more,
                }))
            }
        })
        .await
    }

    /// `GET /v1/health`, retried.
    pub async fn health(
        &mut self,
        on_retry: &(dyn Fn(RetryNotice) + Send + Sync),
    ) -> Result<Health, SyncError> {
        let url = format!("{}/v1/health", self.base);
        let http = self.http.clone();
        self.with_retry("GET /v1/health", on_retry, || {
            let req = http.get(&url);
            async move {
                let body = match send(req).await? {
                    Attempt::Done(b) => b,
                    Attempt::Transient(e, a) => return Ok(Attempt::Transient(e, a)),
                };
                match serde_json::from_slice::<Health>(&body) {
                    Ok(h) => {
                        check_schema_version(&h.schema_version).map_err(SyncError::Permanent)?;
                        Ok(Attempt::Done(h))
                    }
                    Err(e) => Ok(Attempt::Transient(
                        format!("health does not parse (truncated?): {e}"),
                        None,
                    )),
                }
            }
        })
        .await
    }
}

/// Sends one request and reads the body; classifies failures.
async fn send(req: reqwest::RequestBuilder) -> Result<Attempt<Vec<u8>>, SyncError> {
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => return Ok(Attempt::Transient(describe(&e), None)),
    };
    let status = resp.status().as_u16();
    match status_action(status) {
        StatusAction::Proceed => match resp.bytes().await {
            // Without a copy when the body was gathered into one buffer (a multi-chunk page).
            Ok(b) => Ok(Attempt::Done(Vec::from(b))),
            Err(e) => Ok(Attempt::Transient(
                format!("body cut off: {}", describe(&e)),
                None,
            )),
        },
        StatusAction::Retry => {
            let after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(retry_after);
            let msg = server_message(resp).await;
            Ok(Attempt::Transient(format!("HTTP {status}{msg}"), after))
        }
        StatusAction::Stop(text) => {
            let msg = server_message(resp).await;
            Err(SyncError::Permanent(format!("{text}{msg}")))
        }
    }
}

async fn server_message(resp: reqwest::Response) -> String {
    match resp.bytes().await {
        Ok(b) => match serde_json::from_slice::<ErrorBody>(&b) {
            Ok(e) => format!(" — {}: {}", e.error.code, e.error.message),
            Err(_) => String::new(),
        },
        Err(_) => String::new(),
    }
}

fn describe(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(": ");
        s.push_str(&x.to_string());
        src = x.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_the_cap_with_at_most_half_jitter_and_honours_retry_after() {
        let p = RetryPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(2),
            max_attempts: None,
        };
        let mut j = 12345u64;
        for (attempt, want_ms) in [
            (0u32, 100u64),
            (1, 200),
            (2, 400),
            (3, 800),
            (4, 1600),
            (5, 2000),
            (9, 2000),
        ] {
            let d = p.delay(attempt, None, &mut j).as_millis() as u64;
            assert!(
                d >= want_ms && d <= want_ms * 3 / 2,
                "attempt {attempt}: {d} ms, want {want_ms}..={} ms",
                want_ms * 3 / 2
            );
        }
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(7)), &mut j),
            Duration::from_secs(7)
        );
        assert_eq!(
            p.delay(0, Some(Duration::from_secs(4000)), &mut j),
            Duration::from_secs(600)
        );
    }
}
