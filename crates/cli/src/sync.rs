//! `jiancha sync --feed URL --db PATH [--token T]`: sync the municipal feed into a local cache
//! until caught up. A progress line on stderr when it is a terminal; one JSON line on stdout.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use jiancha_feed::{Phase, SyncOptions, SyncProgress};

#[derive(clap::Args)]
pub struct Args {
    /// The feed's base URL, e.g. http://127.0.0.1:8080
    #[arg(long)]
    feed: String,
    /// The local cache (created if missing).
    #[arg(long)]
    db: PathBuf,
    /// Bearer token for the feed.
    #[arg(long)]
    token: Option<String>,
    /// Records per request (1..=5000).
    #[arg(long, default_value_t = 5000)]
    page_size: u32,
    /// Commit after at least this many records (many pages per transaction).
    #[arg(long, default_value_t = 200_000)]
    batch_records: usize,
    /// Load into an empty cache without secondary indexes (built at the end) when at least
    /// this many records are to come.
    #[arg(long, default_value_t = 20_000)]
    cold_load_min: u64,
    /// Give up after this many consecutive failures of one request (0 = never).
    #[arg(long, default_value_t = 40)]
    max_attempts: u32,
    /// First retry backoff in milliseconds (doubles up to 30 s).
    #[arg(long, default_value_t = 250)]
    backoff_ms: u64,
    /// A department silent for more than this many working hours is a finding.
    #[arg(long, default_value_t = 16.0)]
    silent_hours: f64,
    /// A case reported more than this many working hours after its acceptance is a finding.
    #[arg(long, default_value_t = 16.0)]
    late_hours: f64,
    /// Never draw the progress line, even on a terminal.
    #[arg(long)]
    quiet: bool,
    /// Skip classifying the cases with the clock after the sync.
    #[arg(long)]
    no_evaluate: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !(1..=5000).contains(&args.page_size) {
        anyhow::bail!("--page-size {} is outside 1..=5000", args.page_size);
    }
    let mut opts = SyncOptions::new(&args.feed);
    opts.token = args.token.clone();
    opts.page_size = args.page_size;
    opts.batch_records = args.batch_records.max(1);
    opts.cold_load_min_records = args.cold_load_min;
    opts.retry.max_attempts = (args.max_attempts > 0).then_some(args.max_attempts);
    opts.retry.base = Duration::from_millis(args.backoff_ms.max(1));
    opts.findings.silent_working_hours = args.silent_hours;
    opts.findings.late_report_working_hours = args.late_hours;

    let draw = !args.quiet && std::io::stderr().is_terminal();
    let progress: jiancha_feed::ProgressFn = Arc::new(move |p: &SyncProgress| {
        if draw {
            draw_progress(p);
        }
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let calendar = Arc::new(jiancha_calendar::Calendar::builtin());
    let result = rt.block_on(jiancha_feed::sync(
        &args.db,
        &opts,
        calendar.clone(),
        progress,
    ));
    if draw {
        eprintln!();
    }
    let r = result.with_context(|| format!("sync of {} into {}", args.feed, args.db.display()))?;
    // Issue 4 item 6: classify the cases at the feed's clock, so the queues are a query.
    let signals = match (args.no_evaluate, r.server_time) {
        (false, Some(at)) => {
            let mut db = jiancha_store::Db::open(&args.db)?;
            // The configured warning lead (Art. B5(1)), as the console's (issue 13 item 5).
            let cfg = jiancha_service::settings::clock_config(&db)
                .map_err(|e| anyhow::anyhow!("reading the warning lead: {}", e.message))?;
            let s = jiancha_feed::evaluate(&mut db, &calendar, &cfg, at, false)
                .context("classifying the cases with the clock")?;
            serde_json::json!({
                "evaluated": s.evaluated, "normal": s.normal, "warning": s.warning,
                "yellow": s.yellow, "red": s.red, "done": s.done,
                "clock_errors": s.clock_errors, "next_change": s.next_change,
            })
        }
        _ => serde_json::Value::Null,
    };
    let out = serde_json::json!({
        "cases": r.cases,
        "quarantined": r.quarantined,
        "records": r.records,
        "stored": r.applied.stored,
        "duplicates": r.applied.duplicates,
        "new_quarantined": r.applied.quarantined,
        "findings": r.applied.findings + r.silent_findings,
        "bytes": r.bytes,
        "seconds": (r.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        // Where the time went: the writer's transactions, and the end of a cold load.
        "write_seconds": (r.write_time.as_secs_f64() * 1000.0).round() / 1000.0,
        "index_build_seconds": (r.index_time.as_secs_f64() * 1000.0).round() / 1000.0,
        "cursor": r.cursor,
        "server_time": r.server_time,
        "cold_load": r.cold_load,
        "signals": signals,
    });
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn draw_progress(p: &SyncProgress) {
    let phase = match p.phase {
        Phase::Connecting => "连接",
        Phase::Loading => "同步",
        Phase::BuildingIndexes => "建索引",
        Phase::Checking => "核查",
        Phase::Done => "完成",
    };
    let pct = match (p.latest_seq, p.fetched_cursor.parse::<u64>()) {
        (Some(l), Ok(c)) if l > 0 => format!(" {:>5.1}%", (c.min(l) as f64 * 100.0) / l as f64),
        _ => String::new(),
    };
    let retry = match &p.retrying {
        Some(n) => format!("  重试#{} ({})", n.attempt, truncate(&n.error, 40)),
        None => String::new(),
    };
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\r\x1b[2K{phase}{pct}  已收 {} 条  已提交 {} 条  隔离 {}  {:.1} MB  {:.0} 条/s{retry}",
        p.received,
        p.records,
        p.quarantined,
        p.bytes as f64 / 1_048_576.0,
        p.records_per_s
    );
    let _ = err.flush();
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        s.chars().take(n).collect::<String>() + "…"
    }
}
