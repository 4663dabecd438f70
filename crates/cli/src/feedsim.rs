//! `jiancha feedsim`: the simulated municipal feed (docs/feed-protocol.md, docs/feedsim.md).
//!
//! ```text
//! jiancha feedsim serve --addr 127.0.0.1:PORT --seed S --cases N [--fault MODE]... [--live] [--token T]
//!     prints {"addr":…,"url":…,"latest_seq":…,…} once listening, then serves until killed
//! jiancha feedsim digest --seed S --cases N     {"cases":…,"digest":"…"}
//! jiancha feedsim truth --seed S --cases N      what was planted (departments, backdated cases)
//! ```
//! Fault modes: 5xx, slow, truncate, duplicate, reorder, malformed (transport: never change the
//! data) and silent, late, backdate (planted integrity faults: part of the data). `all` = every
//! mode. The city always plants all three integrity faults unless some are named (then only the
//! named ones) or `--honest` is given; `digest` and `truth` take the same flags, so
//! `feedsim digest --seed S --cases N` matches `feedsim serve --seed S --cases N --fault all`.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use jiancha_feedsim::{
    parse_modes, plant_from_modes, serve, FaultMode, Faults, LiveConfig, ServeConfig, World,
    WorldConfig,
};
use jiancha_protocol::Timestamp;
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Args, Clone)]
struct CityArgs {
    /// Seed of the city (same seed, same records, same digest).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of history cases.
    #[arg(long, default_value_t = 10_000)]
    cases: u64,
    /// Fault mode (repeatable, or comma-separated): 5xx, slow, truncate, duplicate, reorder,
    /// malformed, silent, late, backdate, all.
    #[arg(long = "fault", value_name = "MODE")]
    faults: Vec<String>,
    /// Plant no integrity faults (an honest city).
    #[arg(long)]
    honest: bool,
    /// End of the history (RFC 3339 or YYYYMMDDThhmmss; default 2026-06-30T18:00:00+08:00).
    #[arg(long, value_name = "TIME")]
    history_end: Option<String>,
    /// Average arrivals per working day (default: cases/250, between 200 and 4000).
    #[arg(long, value_name = "N")]
    per_day: Option<u32>,
}

impl CityArgs {
    fn modes(&self) -> anyhow::Result<Vec<FaultMode>> {
        parse_modes(&self.faults).map_err(anyhow::Error::msg)
    }

    fn world(&self) -> anyhow::Result<WorldConfig> {
        let mut w = WorldConfig::new(self.seed, self.cases);
        if let Some(h) = &self.history_end {
            w.history_end = Timestamp::parse(h)
                .map_err(anyhow::Error::msg)
                .context("--history-end")?;
        }
        if self.per_day == Some(0) {
            anyhow::bail!("--per-day must be at least 1");
        }
        w.cases_per_workday = self.per_day;
        w.plant = plant_from_modes(&self.modes()?, self.honest);
        Ok(w)
    }
}

#[derive(clap::Subcommand)]
enum Cmd {
    /// Serve the feed on loopback until killed.
    Serve {
        #[command(flatten)]
        city: CityArgs,
        /// Listen address (port 0 = any free port).
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: String,
        /// After the history, advance simulated time (cases turn yellow and red).
        #[arg(long)]
        live: bool,
        /// Live speed: simulated seconds per real second.
        #[arg(long, default_value_t = 600.0)]
        speed: f64,
        /// Require `Authorization: Bearer TOKEN`.
        #[arg(long)]
        token: Option<String>,
        /// Delay of a `slow` answer, in milliseconds.
        #[arg(long, default_value_t = 300)]
        slow_ms: u64,
        /// Retry-After seconds on simulated 503/429.
        #[arg(long, default_value_t = 1)]
        retry_after: u64,
        /// Never gzip answers.
        #[arg(long)]
        no_gzip: bool,
    },
    /// Print {"cases":…,"digest":"…"} over the latest valid version of every history case.
    Digest {
        #[command(flatten)]
        city: CityArgs,
    },
    /// Print what the simulator planted (departments, backdated cases) and the digest.
    Truth {
        #[command(flatten)]
        city: CityArgs,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.cmd {
        Cmd::Digest { city } => {
            let world = World::new(city.world()?);
            let d = world.digest();
            println!("{}", json!({"cases": d.cases, "digest": d.digest}));
        }
        Cmd::Truth { city } => {
            let world = World::new(city.world()?);
            let t = world.truth();
            let out = json!({
                "seed": city.seed,
                "cases": t.digest.cases,
                "digest": t.digest.digest,
                "history_seq": t.history_seq,
                "catalog_len": t.catalog_len,
                "silent_department": t.silent_department.as_ref().map(|(d, _)| d),
                "silent_since": t.silent_department.as_ref().map(|(_, s)| s.to_rfc3339()),
                "late_department": t.late_department,
                "backdating_department": t.backdating_department,
                "honest_departments": t.honest_departments,
                "backdated_cases": t.backdated_cases,
                "impossible_cases": t.impossible_cases,
            });
            println!("{out}");
        }
        Cmd::Serve {
            city,
            addr,
            live,
            speed,
            token,
            slow_ms,
            retry_after,
            no_gzip,
        } => {
            let addr: SocketAddr = addr
                .parse()
                .with_context(|| format!("--addr {addr:?} is not HOST:PORT"))?;
            if !(speed > 0.0 && speed.is_finite()) {
                anyhow::bail!("--speed must be a positive number");
            }
            let modes = city.modes()?;
            let mut cfg = ServeConfig::new(city.world()?);
            cfg.addr = addr;
            cfg.token = token.filter(|t| !t.is_empty());
            cfg.faults = Faults::from_modes(&modes);
            cfg.gzip = !no_gzip;
            cfg.slow_ms = slow_ms;
            cfg.retry_after_secs = retry_after;
            if live {
                cfg.live = Some(LiveConfig {
                    speed,
                    tick: Duration::from_millis(500),
                    // The command line is the edge: it owns the real clock.
                    clock: Arc::new(Instant::now),
                });
            }
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            rt.block_on(async move {
                eprintln!("feedsim: building {} cases of history…", city.cases);
                let handle = serve(cfg)
                    .await
                    .with_context(|| format!("cannot serve on {addr}"))?;
                let line = json!({
                    "addr": handle.addr.to_string(),
                    "url": handle.url(),
                    "latest_seq": handle.latest_seq(),
                    "seed": city.seed,
                    "cases": city.cases,
                    "faults": modes.iter().map(|m| m.name()).collect::<Vec<_>>(),
                    "live": live,
                    "history_end": handle.world().config().history_end.to_rfc3339(),
                });
                let mut out = std::io::stdout().lock();
                writeln!(out, "{line}")?;
                out.flush()?;
                drop(out);
                wait_for_signal().await;
                handle.shutdown().await;
                anyhow::Ok(())
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
