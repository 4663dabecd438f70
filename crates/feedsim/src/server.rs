//! The feed over HTTP (axum on tokio): `/v1/changes`, `/v1/health`, bearer token, gzip, fault
//! injection, and live mode (simulated time advancing while the console watches).
//!
//! Memory: the feed index holds one `u64` per published version (publication time and
//! (case, slot)); records are rendered from the pure case generator on every request.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use jiancha_protocol::{
    CaseDigest, Cursor, DigestResult, Entity, ErrorBody, ErrorDetail, Health, Record, Timestamp,
    DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SCHEMA_VERSION,
};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::faults::Faults;
use crate::rng::{mix, Rng};
use crate::world::{Truth, World, WorldConfig};

/// Live mode: simulated time = history end + `speed` × (real time since start).
#[derive(Clone)]
pub struct LiveConfig {
    /// Simulated seconds per real second (e.g. 600 = a working day in under a minute).
    pub speed: f64,
    /// How often the ticker advances simulated time.
    pub tick: Duration,
    /// The real clock (the caller's, so tests control it). The ticker is the only place the
    /// simulator looks at time.
    pub clock: Arc<dyn Fn() -> Instant + Send + Sync>,
}

impl std::fmt::Debug for LiveConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveConfig")
            .field("speed", &self.speed)
            .field("tick", &self.tick)
            .finish()
    }
}

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The city.
    pub world: WorldConfig,
    /// Where to listen (`127.0.0.1:0` = any free loopback port).
    pub addr: SocketAddr,
    /// Bearer token required on `/v1/changes` (none = open).
    pub token: Option<String>,
    /// Transport faults.
    pub faults: Faults,
    /// Honour `Accept-Encoding: gzip`.
    pub gzip: bool,
    /// Delay of a `slow` answer.
    pub slow_ms: u64,
    /// `Retry-After` seconds on 503/429.
    pub retry_after_secs: u64,
    /// Live mode (absent = a fixed history).
    pub live: Option<LiveConfig>,
}

impl ServeConfig {
    /// A fixed history on a free loopback port, no token, no transport faults, gzip on.
    pub fn new(world: WorldConfig) -> ServeConfig {
        ServeConfig {
            world,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            token: None,
            faults: Faults::default(),
            gzip: true,
            slow_ms: 300,
            retry_after_secs: 1,
            live: None,
        }
    }

    /// The console's embedded demo feed: 20 000 cases of history ending at `now` (given by the
    /// caller: the simulator never reads the wall clock), then live at 600× (a working day
    /// passes in about a minute) driven by `clock`, so cases turn yellow and red on screen.
    pub fn console_demo(
        now: Timestamp,
        clock: Arc<dyn Fn() -> Instant + Send + Sync>,
    ) -> ServeConfig {
        let mut world = WorldConfig::new(20260101, 20_000);
        world.history_end = now;
        ServeConfig {
            live: Some(LiveConfig {
                speed: 600.0,
                tick: Duration::from_secs(1),
                clock,
            }),
            ..ServeConfig::new(world)
        }
    }
}

struct Index {
    entries: Vec<u64>,
    pending: BinaryHeap<Reverse<u64>>,
    next_live_case: u64,
    sim_now: i64,
}

struct Shared {
    world: World,
    feed_id: String,
    token: Option<String>,
    faults: Faults,
    gzip: bool,
    slow_ms: u64,
    retry_after_secs: u64,
    index: RwLock<Index>,
    requests: AtomicU64,
}

const CODE_BITS: u32 = 32;

fn encode(world: &World, pub_time: i64, case: u64, slot: u8) -> u64 {
    let rel = (pub_time - world.base_unix()).clamp(0, u32::MAX as i64) as u64;
    (rel << CODE_BITS) | (case << 4) | slot as u64
}

fn decode(e: u64) -> (u64, u8) {
    let code = e & 0xFFFF_FFFF;
    (code >> 4, (code & 15) as u8)
}

/// Builds the history index: every version published at or before the history end, in
/// publication order; versions published later go to the returned pending heap (live mode).
pub fn build_index(world: &World) -> (Vec<u64>, BinaryHeap<Reverse<u64>>) {
    let h = world.history_end_unix();
    let mut entries = Vec::with_capacity((world.config().cases as usize).saturating_mul(5) / 2);
    let mut pending = BinaryHeap::new();
    for i in 0..world.config().cases {
        let plan = world.plan(i);
        for &(s, _, p) in &plan.versions {
            let e = encode(world, p, i, s);
            if p <= h {
                entries.push(e);
            } else {
                pending.push(Reverse(e));
            }
        }
    }
    entries.sort_unstable();
    entries.shrink_to_fit();
    (entries, pending)
}

impl Shared {
    fn latest_seq(&self) -> u64 {
        self.world.catalog_len() + self.index.read().expect("index lock").entries.len() as u64
    }

    fn advance_to(&self, t: i64) {
        let mut ix = self.index.write().expect("index lock");
        if t <= ix.sim_now {
            return;
        }
        let day = chrono::DateTime::from_timestamp(t + 8 * 3600, 0)
            .expect("in range")
            .date_naive();
        while ix.next_live_case < self.world.case_end()
            && self.world.arrival_day(ix.next_live_case) <= day
        {
            let i = ix.next_live_case;
            let plan = self.world.plan(i);
            for &(s, _, p) in &plan.versions {
                ix.pending.push(Reverse(encode(&self.world, p, i, s)));
            }
            ix.next_live_case += 1;
        }
        let base = self.world.base_unix();
        while let Some(Reverse(e)) = ix.pending.peek().copied() {
            if (e >> CODE_BITS) as i64 + base > t {
                break;
            }
            ix.pending.pop();
            ix.entries.push(e);
        }
        ix.sim_now = t;
    }

    fn record_at(&self, seq: u64, entries: &[u64], first: u64) -> Option<Record> {
        let c = self.world.catalog_len();
        if seq <= c {
            return self.world.catalog_record(seq);
        }
        let e = *entries.get((seq - first) as usize)?;
        let (i, s) = decode(e);
        self.world.render(&self.world.plan(i), s, seq)
    }
}

/// A running simulator.
pub struct Handle {
    /// The bound address.
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    server: JoinHandle<()>,
    ticker: Option<JoinHandle<()>>,
}

impl Handle {
    /// `http://addr`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The highest seq published so far.
    pub fn latest_seq(&self) -> u64 {
        self.shared.latest_seq()
    }

    /// The simulated current time.
    pub fn sim_now(&self) -> Timestamp {
        Timestamp::from_unix(self.shared.index.read().expect("index lock").sim_now)
            .expect("in range")
    }

    /// Moves simulated time forward to `t` (publishing what happened until then). Works with or
    /// without live mode; time never moves backwards.
    pub fn advance_to(&self, t: Timestamp) {
        self.shared.advance_to(t.unix());
    }

    /// The city.
    pub fn world(&self) -> &World {
        &self.shared.world
    }

    /// What was planted, and the history digest (a full pass over the history cases).
    pub fn truth(&self) -> Truth {
        self.shared.world.truth()
    }

    /// Number of `/v1/changes` requests served.
    pub fn request_count(&self) -> u64 {
        self.shared.requests.load(Ordering::Relaxed)
    }

    /// The digest over the latest version of every case published so far (history and live):
    /// what a correct sync that is caught up right now holds.
    pub fn current_digest(&self) -> DigestResult {
        let entries = self
            .shared
            .index
            .read()
            .expect("index lock")
            .entries
            .clone();
        let mut latest: HashMap<u64, u8> = HashMap::new();
        for e in entries {
            let (i, s) = decode(e);
            if World::is_case_slot(s) {
                let v = latest.entry(i).or_insert(s);
                *v = (*v).max(s);
            }
        }
        let mut d = CaseDigest::new();
        for (i, s) in latest {
            if let Some(c) = self.shared.world.render_case(&self.shared.world.plan(i), s) {
                d.add(&c);
            }
        }
        d.finish()
    }

    /// Stops the server and the ticker.
    pub async fn shutdown(mut self) {
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.server).await;
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Builds the city and its history index (on a blocking thread), binds, and serves until the
/// handle is shut down or dropped.
pub async fn serve(cfg: ServeConfig) -> std::io::Result<Handle> {
    if cfg.world.cases >= 1 << 27 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "feedsim serves at most 134 million history cases",
        ));
    }
    let wcfg = cfg.world.clone();
    let (world, entries, pending) = tokio::task::spawn_blocking(move || {
        let world = World::new(wcfg);
        let (entries, pending) = build_index(&world);
        (world, entries, pending)
    })
    .await
    .map_err(std::io::Error::other)?;
    let sim_now = world.history_end_unix();
    let next_live_case = world.config().cases;
    let shared = Arc::new(Shared {
        feed_id: world.feed_id(),
        world,
        token: cfg.token.clone(),
        faults: cfg.faults,
        gzip: cfg.gzip,
        slow_ms: cfg.slow_ms,
        retry_after_secs: cfg.retry_after_secs,
        index: RwLock::new(Index {
            entries,
            pending,
            next_live_case,
            sim_now,
        }),
        requests: AtomicU64::new(0),
    });
    let listener = tokio::net::TcpListener::bind(cfg.addr).await?;
    let addr = listener.local_addr()?;
    let app = Router::new()
        .route("/v1/changes", get(changes))
        .route("/v1/health", get(health))
        .fallback(not_found)
        .with_state(shared.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    let ticker = cfg.live.map(|live| {
        let sh = shared.clone();
        tokio::spawn(async move {
            let start = (live.clock)();
            let h = sh.world.history_end_unix();
            loop {
                tokio::time::sleep(live.tick).await;
                let real = (live.clock)()
                    .saturating_duration_since(start)
                    .as_secs_f64();
                sh.advance_to(h + (real * live.speed) as i64);
            }
        })
    });
    Ok(Handle {
        addr,
        shared,
        shutdown: Some(tx),
        server,
        ticker,
    })
}

fn error(status: StatusCode, code: &str, message: String) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message,
        },
    };
    (status, axum::Json(body)).into_response()
}

async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such endpoint; the feed serves /v1/changes and /v1/health".into(),
    )
}

async fn health(State(sh): State<Arc<Shared>>) -> Response {
    let h = Health {
        status: "ok".into(),
        schema_version: SCHEMA_VERSION.into(),
        latest_seq: sh.latest_seq(),
        server_time: Timestamp::from_unix(sh.index.read().expect("index lock").sim_now)
            .expect("in range"),
        feed_id: Some(sh.feed_id.clone()),
    };
    axum::Json(h).into_response()
}

fn query_params(q: Option<&str>) -> Result<(Cursor, u32), String> {
    let mut after = Cursor::START;
    let mut limit = DEFAULT_PAGE_SIZE;
    for pair in q.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "after" => after = Cursor::parse(v)?,
            "limit" => {
                limit = v
                    .parse::<u32>()
                    .map_err(|_| format!("bad limit {v:?}: expected 1..={MAX_PAGE_SIZE}"))?;
                if limit == 0 {
                    return Err(format!("bad limit 0: expected 1..={MAX_PAGE_SIZE}"));
                }
                limit = limit.min(MAX_PAGE_SIZE);
            }
            _ => {}
        }
    }
    Ok((after, limit))
}

fn malformed_variant(seed: u64, seq: u64) -> Option<u64> {
    let h = mix(seed ^ seq.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0xBAD);
    h.is_multiple_of(89).then_some((h >> 8) % 6)
}

/// A malformed record derived from a valid one (kept close to real data, so the client's
/// validator and not a JSON parser has to catch it).
fn malformed_record(valid: &Record, variant: u64) -> String {
    let mut v: serde_json::Value = serde_json::to_value(valid).expect("records serialise");
    match variant {
        0 => {
            v.as_object_mut().expect("object").remove("id");
        }
        1 => v["reported_at"] = "2026/03/02 09:00".into(),
        2 => match &valid.entity {
            Entity::Case(_) => v["data"]["status"] = "99".into(),
            _ => v["type"] = "invoice".into(),
        },
        3 => {
            let id = format!("{}-X", valid.id());
            v["id"] = id.into();
        }
        4 => v = serde_json::Value::String("<<not a record>>".into()),
        _ => {
            if let Some(d) = v["data"].as_object_mut() {
                d.remove("application");
                d.remove("case_id");
                d.remove("title");
            }
        }
    }
    v.to_string()
}

async fn changes(
    State(sh): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Some(token) = &sh.token {
        match headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        {
            None => {
                return error(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "missing Authorization: Bearer <token>".into(),
                )
            }
            Some(v) if v.strip_prefix("Bearer ").map(str::trim) != Some(token.as_str()) => {
                return error(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "this token is not accepted".into(),
                )
            }
            Some(_) => {}
        }
    }
    let (after, limit) = match query_params(q.as_deref()) {
        Ok(x) => x,
        Err(m) => return error(StatusCode::BAD_REQUEST, "bad_request", m),
    };
    let n = sh.requests.fetch_add(1, Ordering::Relaxed) + 1;
    let f = sh.faults;
    if f.slow && n % 9 == 2 {
        tokio::time::sleep(Duration::from_millis(sh.slow_ms)).await;
    }
    if f.http5xx && n % 7 == 1 {
        let retry = HeaderValue::from(sh.retry_after_secs);
        return match (n / 7) % 4 {
            0 => error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "simulated failure".into(),
            ),
            1 => error(
                StatusCode::BAD_GATEWAY,
                "unavailable",
                "simulated bad gateway".into(),
            ),
            2 => {
                let mut r = error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "simulated overload".into(),
                );
                r.headers_mut().insert(header::RETRY_AFTER, retry);
                r
            }
            _ => {
                let mut r = error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    "simulated rate limit".into(),
                );
                r.headers_mut().insert(header::RETRY_AFTER, retry);
                r
            }
        };
    }
    let lim = limit as u64;
    let c = sh.world.catalog_len();
    let (lo, hi, next, latest, entries) = {
        let ix = sh.index.read().expect("index lock");
        let latest = c + ix.entries.len() as u64;
        if after.0 > latest {
            return error(
                StatusCode::GONE,
                "cursor_expired",
                format!("cursor {after} is beyond this feed's latest change {latest}; resync from the start"),
            );
        }
        let a = after.0;
        let (lo, hi, next) = if f.duplicate && n % 5 == 3 && a > 0 {
            (a.saturating_sub(lim), a, a)
        } else if f.reorder && n % 4 == 0 && a + lim < latest {
            (a + lim, (a + 2 * lim).min(latest), a)
        } else {
            let hi = (a + lim).min(latest);
            (a, hi, hi)
        };
        // Copy the index slice for (lo, hi] so rendering runs without the lock.
        let from = lo.max(c);
        let slice = if hi > from {
            ix.entries[(from - c) as usize..(hi - c) as usize].to_vec()
        } else {
            Vec::new()
        };
        (lo, hi, next, latest, (from + 1, slice))
    };
    let (first, slice) = entries;
    // ~1 KB per record with its envelope: sized so the body is not reallocated while written.
    let mut body = Vec::with_capacity((hi - lo) as usize * 1100 + 160);
    body.extend_from_slice(b"{\"schema_version\":\"");
    body.extend_from_slice(SCHEMA_VERSION.as_bytes());
    body.extend_from_slice(b"\",\"records\":[");
    if !f.malformed && !f.reorder {
        // The common path: serialise straight into the body.
        let mut first_record = true;
        for seq in lo + 1..=hi {
            let Some(r) = sh.record_at(seq, &slice, first) else {
                continue;
            };
            if !first_record {
                body.push(b',');
            }
            first_record = false;
            serde_json::to_writer(&mut body, &r).expect("records serialise");
        }
    } else {
        let mut records: Vec<String> = Vec::with_capacity((hi - lo) as usize + 8);
        for seq in lo + 1..=hi {
            let Some(r) = sh.record_at(seq, &slice, first) else {
                continue;
            };
            records.push(r.to_json());
            if f.malformed && seq > c {
                if let Some(variant) = malformed_variant(sh.world.config().seed, seq) {
                    records.push(malformed_record(&r, variant));
                }
            }
        }
        if f.reorder {
            let mut r = Rng::new(sh.world.config().seed, 0x5EED, n);
            for k in (1..records.len()).rev() {
                records.swap(k, r.index(k + 1));
            }
        }
        for (k, r) in records.iter().enumerate() {
            if k > 0 {
                body.push(b',');
            }
            body.extend_from_slice(r.as_bytes());
        }
    }
    let _ = write!(
        body,
        "],\"next_cursor\":\"{next}\",\"has_more\":{},\"feed_id\":\"{}\"}}",
        next < latest,
        sh.feed_id
    );
    let gzip = sh.gzip
        && headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("gzip"));
    if gzip {
        let mut enc = flate2::write::GzEncoder::new(
            Vec::with_capacity(body.len() / 6),
            flate2::Compression::fast(),
        );
        enc.write_all(&body).expect("in-memory write");
        body = enc.finish().expect("in-memory gzip");
    }
    let mut builder = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8");
    if gzip {
        builder = builder.header(header::CONTENT_ENCODING, "gzip");
    }
    if f.truncate && n % 6 == 4 {
        let half = body.len() / 2;
        body.truncate(half);
        if (n / 6) % 2 == 0 {
            // A complete HTTP answer whose body stops mid-JSON.
            return builder.body(Body::from(body)).expect("response");
        }
        // The connection drops mid-body.
        let stream = futures_util::stream::iter(vec![
            Ok::<Vec<u8>, std::io::Error>(body),
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "simulated truncation",
            )),
        ]);
        return builder.body(Body::from_stream(stream)).expect("response");
    }
    builder.body(Body::from(body)).expect("response")
}
