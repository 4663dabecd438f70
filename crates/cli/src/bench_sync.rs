//! `jiancha bench sync --cases N`: a cold sync of N simulated cases over loopback HTTP, beside
//! the limit it is measured against (issue 4 item 8): the same case rows inserted into a table
//! with only its primary key, one prepared statement, one transaction, WAL, SQLite's default
//! page cache, measured in the same run. Prints one JSON line.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use jiancha_feed::SyncOptions;
use jiancha_feedsim::{serve, Plant, ServeConfig, WorldConfig};
use jiancha_store::rusqlite::{self, params, Connection};

#[derive(clap::Args)]
pub struct Args {
    /// History cases the simulator serves.
    #[arg(long, default_value_t = 1_000_000)]
    cases: u64,
    /// The simulator's seed.
    #[arg(long, default_value_t = 20260630)]
    seed: u64,
    /// Records per request.
    #[arg(long, default_value_t = 5000)]
    page_size: u32,
    /// Let the simulator gzip its answers (off by default: on loopback compression only costs
    /// CPU that both ends share).
    #[arg(long)]
    gzip: bool,
    /// Commit the sync's transaction after this many records …
    #[arg(long, default_value_t = 200_000)]
    batch_records: usize,
    /// … or after this many seconds.
    #[arg(long, default_value_t = 2.0)]
    commit_seconds: f64,
    /// Keep the databases in this directory instead of a temporary one.
    #[arg(long)]
    keep: Option<std::path::PathBuf>,
    /// Run the simulator inside this process (default: a child `jiancha feedsim serve`, so
    /// `peak_rss_mb` is the sync's own; both share the machine's cores either way).
    #[arg(long)]
    in_process_sim: bool,
}

/// The simulator as a child process (`jiancha feedsim serve`), killed on drop.
struct SimChild {
    child: std::process::Child,
    url: String,
    latest_seq: u64,
}

impl SimChild {
    fn start(args: &Args) -> anyhow::Result<SimChild> {
        use std::io::BufRead;
        let exe = std::env::current_exe().context("locating the jiancha binary")?;
        let mut cmd = std::process::Command::new(exe);
        cmd.args(["feedsim", "serve", "--addr", "127.0.0.1:0", "--honest"])
            .args([
                "--seed",
                &args.seed.to_string(),
                "--cases",
                &args.cases.to_string(),
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit());
        if !args.gzip {
            cmd.arg("--no-gzip");
        }
        let mut child = cmd.spawn().context("starting `jiancha feedsim serve`")?;
        let mut line = String::new();
        let read = child
            .stdout
            .take()
            .map(|o| std::io::BufReader::new(o).read_line(&mut line));
        let parsed = match read {
            Some(Ok(n)) if n > 0 => serde_json::from_str::<serde_json::Value>(&line).ok(),
            _ => None,
        };
        let found = parsed.as_ref().and_then(|v| {
            Some((
                v.get("url")?.as_str()?.to_owned(),
                v.get("latest_seq")?.as_u64()?,
            ))
        });
        match found {
            Some((url, latest_seq)) => Ok(SimChild {
                child,
                url,
                latest_seq,
            }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                anyhow::bail!("`jiancha feedsim serve` did not print its address: {line:?}")
            }
        }
    }
}

impl Drop for SimChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The case rows the sync stored: every version the feed sent, in `case_versions`' shape
/// (crates/store/migrations/0004), which the limit inserts into a table with only its key.
const COLS: &str =
    "seq, case_id, reported_at, received_at, status, accepted_at, completed_at, payload";

type Row = (
    i64,
    String,
    i64,
    i64,
    String,
    Option<i64>,
    Option<i64>,
    String,
);

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let tmp;
    let dir = match &args.keep {
        Some(d) => {
            std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
            d.clone()
        }
        None => {
            tmp = tempdir()?;
            tmp.0.clone()
        }
    };
    let sync_db = dir.join("bench-sync.sqlite");
    let raw_db = dir.join("bench-raw.sqlite");
    for p in [&sync_db, &raw_db] {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
        }
    }

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (report, sync_secs, records, build_secs, fetch_secs) = rt.block_on(async {
        let t = Instant::now();
        // The simulator: a child process by default, else in this process.
        let (child, inproc) = if args.in_process_sim {
            let mut world = WorldConfig::new(args.seed, args.cases);
            world.plant = Plant::NONE;
            let mut cfg = ServeConfig::new(world);
            cfg.gzip = args.gzip;
            let h = serve(cfg).await.context("starting the simulator")?;
            (None, Some(h))
        } else {
            (Some(SimChild::start(&args)?), None)
        };
        let (url, latest) = match (&child, &inproc) {
            (Some(c), _) => (c.url.clone(), c.latest_seq),
            (_, Some(h)) => (h.url(), h.latest_seq()),
            _ => unreachable!("one simulator was started"),
        };
        let build_secs = t.elapsed().as_secs_f64();
        eprintln!(
            "bench sync: simulator ready in {build_secs:.1} s: {latest} records at {url}{}",
            if child.is_some() {
                " (child process)"
            } else {
                ""
            }
        );
        let mut opts = SyncOptions::new(url);
        opts.page_size = args.page_size;
        opts.batch_records = args.batch_records.max(1);
        opts.commit_interval = Duration::from_secs_f64(args.commit_seconds.max(0.0));
        let cal = Arc::new(jiancha_calendar::Calendar::builtin());
        let t = Instant::now();
        let r = jiancha_feed::sync(&sync_db, &opts, cal, Arc::new(|_| {})).await?;
        let secs = t.elapsed().as_secs_f64();
        // The HTTP + JSON side alone (simulator, transfer, validation), for the record.
        let t = Instant::now();
        jiancha_feed::fetch_only(&opts).await?;
        let fetch_secs = t.elapsed().as_secs_f64();
        let records = latest;
        if let Some(h) = inproc {
            h.shutdown().await;
        }
        drop(child);
        Ok::<_, anyhow::Error>((r, secs, records, build_secs, fetch_secs))
    })?;
    drop(rt);
    eprintln!(
        "bench sync: {} cases ({records} records) in {sync_secs:.2} s",
        report.cases
    );

    // The limit, measured on the same machine in the same run.
    let remove_raw = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", raw_db.display()));
        }
    };
    let (raw_rows, raw_secs) = raw_insert(&sync_db, &raw_db, false, None)?;
    remove_raw();
    let (latest_rows, latest_secs) = raw_insert(&sync_db, &raw_db, true, None)?;
    remove_raw();
    // The same limit in a file with the cache's page size (16 KiB; SQLite's default is 4 KiB),
    // printed beside it so the page size's share of the ratio is visible.
    let (_, raw_same_page_secs) =
        raw_insert(&sync_db, &raw_db, false, Some(jiancha_store::PAGE_SIZE))?;
    anyhow::ensure!(
        latest_rows == report.cases,
        "raw insert saw {latest_rows} current versions, the sync stored {} cases",
        report.cases
    );
    let sync_rate = report.cases as f64 / sync_secs;
    // In cases per second: how fast the cases could be stored if only the raw inserts of
    // their rows cost anything.
    let raw_rate = report.cases as f64 / raw_secs;
    let latest_rate = report.cases as f64 / latest_secs;
    let out = serde_json::json!({
        "cases": report.cases,
        "records": records,
        "case_rows": raw_rows,
        "bytes": report.bytes,
        "sync_seconds": round(sync_secs),
        "sync_cases_per_s": sync_rate.round(),
        "raw_insert_rows": raw_rows,
        "raw_insert_seconds": round(raw_secs),
        "raw_insert_per_s": raw_rate.round(),
        "raw_insert_rows_per_s": (raw_rows as f64 / raw_secs).round(),
        "ratio": (sync_rate / raw_rate * 1000.0).round() / 1000.0,
        "latest_only_raw_insert_per_s": latest_rate.round(),
        "latest_only_ratio": (sync_rate / latest_rate * 1000.0).round() / 1000.0,
        "raw_insert_cache_page_size_per_s": (report.cases as f64 / raw_same_page_secs).round(),
        "cache_page_size_ratio": (sync_secs.recip() * raw_same_page_secs * 1000.0).round() / 1000.0,
        "peak_rss_mb": peak_rss_mb(),
        "simulator_build_seconds": round(build_secs),
        "fetch_parse_seconds": round(fetch_secs),
        "write_seconds": round(report.write_time.as_secs_f64()),
        "index_build_seconds": round(report.index_time.as_secs_f64()),
        "gzip": args.gzip,
        // peak_rss_mb is this process's own when the simulator runs as a child.
        "sim_separate": !args.in_process_sim,
    });
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The limit: the case rows the sync stored (every version), inserted into a table with only
/// its primary key, one prepared statement, one transaction, WAL, the default page cache. Rows
/// are read in chunks from the synced database outside the timed sections; only the inserts
/// and the commit count. With `latest_only`, one row per case (its current version) keyed by
/// 办件编号 instead. `page_size`: None = SQLite's default (the limit as the issue defines it).
fn raw_insert(
    src: &std::path::Path,
    dst: &std::path::Path,
    latest_only: bool,
    page_size: Option<i64>,
) -> anyhow::Result<(u64, f64)> {
    let src = Connection::open(src)?;
    let mut dst = Connection::open(dst)?;
    if let Some(p) = page_size {
        dst.pragma_update(None, "page_size", p)?;
    }
    dst.pragma_update(None, "journal_mode", "WAL")?;
    dst.pragma_update(None, "synchronous", "NORMAL")?;
    let (create, select) = if latest_only {
        (
            "CREATE TABLE raw (seq INTEGER NOT NULL, case_id TEXT PRIMARY KEY, \
             reported_at INTEGER NOT NULL, received_at INTEGER NOT NULL, status TEXT NOT NULL, \
             accepted_at INTEGER, completed_at INTEGER, payload TEXT NOT NULL) STRICT",
            "SELECT v.seq, v.case_id, v.reported_at, v.received_at, v.status, v.accepted_at, \
             v.completed_at, v.payload FROM cases c JOIN case_versions v ON v.seq = c.seq \
             WHERE c.seq > ?1 ORDER BY c.seq LIMIT 20000",
        )
    } else {
        (
            "CREATE TABLE raw (seq INTEGER PRIMARY KEY, case_id TEXT NOT NULL, \
             reported_at INTEGER NOT NULL, received_at INTEGER NOT NULL, status TEXT NOT NULL, \
             accepted_at INTEGER, completed_at INTEGER, payload TEXT NOT NULL) STRICT",
            "SELECT seq, case_id, reported_at, received_at, status, accepted_at, completed_at, \
             payload FROM case_versions WHERE seq > ?1 ORDER BY seq LIMIT 20000",
        )
    };
    dst.execute_batch(create)?;
    let mut timed = Duration::ZERO;
    let mut n = 0u64;
    // One transaction for everything (the benchmark's definition of the limit).
    #[allow(clippy::disallowed_methods)] // the raw limit is not the cache: a plain transaction
    let tx = dst.transaction()?;
    {
        let mut ins = tx.prepare(&format!(
            "INSERT INTO raw ({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        ))?;
        let mut sel = src.prepare(select)?;
        let mut last = 0i64;
        loop {
            let chunk: Vec<Row> = sel
                .query_map([last], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ))
                })?
                .collect::<Result<_, rusqlite::Error>>()?;
            let Some(l) = chunk.last() else { break };
            last = l.0;
            let t = Instant::now();
            for r in &chunk {
                ins.execute(params![r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7])?;
            }
            timed += t.elapsed();
            n += chunk.len() as u64;
        }
    }
    let t = Instant::now();
    tx.commit()?;
    timed += t.elapsed();
    Ok((n, timed.as_secs_f64()))
}

/// Peak resident set (VmHWM) of this process, in MiB.
fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}

/// A temporary directory removed on drop (std only).
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir() -> anyhow::Result<TempDir> {
    let base = std::env::temp_dir().join(format!("jiancha-bench-sync-{}", std::process::id()));
    std::fs::create_dir_all(&base).with_context(|| format!("creating {}", base.display()))?;
    Ok(TempDir(base))
}
