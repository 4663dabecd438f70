//! `jiancha bench service [--cases N] [--calls N]`: what one command costs through a signed-in
//! [`Service`], the path the console's commands take (issue 11 item 3). A cache of N simulated
//! cases is synced over loopback and evaluated, a `Service` is opened on it and an
//! administrator signed in; then `calls` calls each of
//! - `svc.db()` alone (what every command pays before its first query),
//! - `queues::card_page` (first page, 100 rows, every level), and
//! - `cases::case_detail` (the case screen, a different case each call)
//!
//! are timed one by one. Prints one JSON line with the median, mean and p95 of each in
//! microseconds. Build in release for the figure:
//! `cargo run --release -p jiancha-cli -- bench service`.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use jiancha_api::queues::{PageRequest, QueueFilter};
use jiancha_calendar::{Calendar, ClockConfig};
use jiancha_feed::SyncOptions;
use jiancha_feedsim::{serve, Plant, ServeConfig, WorldConfig};
use jiancha_service::{auth, cases, queues, Config, FeedSource, Service};
use serde_json::json;

#[derive(clap::Args)]
pub struct Args {
    /// History cases the simulator serves.
    #[arg(long, default_value_t = 20_000)]
    cases: u64,
    /// Timed calls of each operation.
    #[arg(long, default_value_t = 300)]
    calls: usize,
    /// The simulator's seed.
    #[arg(long, default_value_t = 20260630)]
    seed: u64,
    /// Rows per queue page (the UI asks for 100).
    #[arg(long, default_value_t = 100)]
    page: u32,
}

/// Median, mean and p95 of per-call times, microseconds.
fn stats(mut us: Vec<f64>) -> serde_json::Value {
    us.sort_by(|a, b| a.total_cmp(b));
    let n = us.len().max(1);
    let mean = us.iter().sum::<f64>() / n as f64;
    let at = |q: f64| us.get(((n as f64 - 1.0) * q).round() as usize).copied();
    let r = |x: f64| (x * 10.0).round() / 10.0;
    json!({
        "median_us": at(0.5).map(r),
        "mean_us": r(mean),
        "p95_us": at(0.95).map(r),
        "calls": us.len(),
    })
}

fn time_each(
    calls: usize,
    mut f: impl FnMut(usize) -> anyhow::Result<()>,
) -> anyhow::Result<Vec<f64>> {
    let mut out = Vec::with_capacity(calls);
    for i in 0..calls {
        let t = Instant::now();
        f(i)?;
        out.push(t.elapsed().as_secs_f64() * 1e6);
    }
    Ok(out)
}

fn api(e: jiancha_api::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{:?}: {}", e.code, e.message)
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.calls > 0, "--calls must be at least 1");
    let dir = tempfile_dir()?;
    let path = dir.join("bench-service.sqlite");
    let rt = tokio::runtime::Runtime::new()?;
    let t = Instant::now();
    let (url, now) = rt.block_on(async {
        let mut world = WorldConfig::new(args.seed, args.cases);
        world.plant = Plant::NONE;
        let h = serve(ServeConfig::new(world))
            .await
            .context("starting the simulator")?;
        let opts = SyncOptions::new(h.url());
        let r = jiancha_feed::sync(
            &path,
            &opts,
            Arc::new(Calendar::builtin()),
            Arc::new(|_| {}),
        )
        .await
        .context("syncing the simulator")?;
        let url = h.url();
        h.shutdown().await;
        Ok::<_, anyhow::Error>((url, r.server_time.unwrap_or(0)))
    })?;
    drop(rt);
    {
        let mut db = jiancha_store::Db::open(&path)?;
        jiancha_feed::evaluate(
            &mut db,
            &Calendar::builtin(),
            &ClockConfig::default(),
            now,
            true,
        )?;
    }
    let setup_s = t.elapsed().as_secs_f64();
    eprintln!(
        "bench service: {} cases synced and evaluated in {setup_s:.1} s",
        args.cases
    );

    let svc = Service::open(Config {
        db_path: path.clone(),
        feed: FeedSource::Remote { url },
        demo_speed: jiancha_service::live::DEFAULT_DEMO_SPEED,
    })
    .map_err(api)?;
    auth::setup_first_admin(&svc, "admin", "管理员", "bench-service-pass").map_err(api)?;
    let filter = QueueFilter::default();
    let page = PageRequest {
        offset: 0,
        limit: args.page,
    };
    // The first page also brings the search words up to date: not timed.
    let first = queues::card_page(&svc, &filter, page, now).map_err(api)?;
    anyhow::ensure!(
        !first.rows.is_empty(),
        "the simulator raised no cards: nothing to page"
    );
    let ids: Vec<String> = first.rows.iter().map(|r| r.case_id.clone()).collect();
    cases::case_detail(&svc, &ids[0], now).map_err(api)?;

    let open = time_each(args.calls, |_| {
        let db = svc.db().map_err(api)?;
        drop(db);
        Ok(())
    })?;
    let queue = time_each(args.calls, |_| {
        let p = queues::card_page(&svc, &filter, page, now).map_err(api)?;
        anyhow::ensure!(p.total == first.total, "the page changed");
        Ok(())
    })?;
    let case = time_each(args.calls, |i| {
        let d = cases::case_detail(&svc, &ids[i % ids.len()], now).map_err(api)?;
        std::hint::black_box(d);
        Ok(())
    })?;
    drop(svc);
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{}",
        json!({
            "bench": "service",
            "cases": args.cases,
            "cards": first.total,
            "page_rows": args.page,
            "db_open": stats(open),
            "queue_page": stats(queue),
            "case_page": stats(case),
            "setup_s": (setup_s * 10.0).round() / 10.0,
        })
    );
    Ok(ExitCode::SUCCESS)
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("jiancha-bench-service-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}
