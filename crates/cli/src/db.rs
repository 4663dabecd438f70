//! `jiancha db …`: inspect a local cache.
//! - `digest --db PATH` → `{"cases":…,"digest":"…"}` (the protocol's canonical case digest);
//! - `findings --db PATH` → one JSON line per integrity finding;
//! - `check --db PATH` → `{"integrity_check":"ok",…}` with the table counts.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use jiancha_store::Db;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Subcommand)]
enum Cmd {
    /// The canonical digest over the latest version of every case.
    Digest {
        /// The local cache.
        #[arg(long)]
        db: PathBuf,
    },
    /// The data-integrity findings (one JSON object per line).
    Findings {
        /// The local cache.
        #[arg(long)]
        db: PathBuf,
    },
    /// SQLite's integrity check and the row counts of the feed tables.
    Check {
        /// The local cache.
        #[arg(long)]
        db: PathBuf,
    },
}

fn open(path: &PathBuf) -> anyhow::Result<Db> {
    if !path.exists() {
        anyhow::bail!("no database at {}", path.display());
    }
    Db::open(path).with_context(|| format!("opening {}", path.display()))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.cmd {
        Cmd::Digest { db } => {
            let d = jiancha_feed::db_digest(&open(&db)?)?;
            println!(
                "{}",
                serde_json::json!({"cases": d.cases, "digest": d.digest})
            );
        }
        Cmd::Findings { db } => {
            for f in jiancha_feed::list_findings(&open(&db)?)? {
                let evidence: serde_json::Value =
                    serde_json::from_str(&f.evidence).unwrap_or(serde_json::Value::Null);
                println!(
                    "{}",
                    serde_json::json!({
                        "id": f.id, "kind": f.kind, "dept_id": f.dept_id, "case_id": f.case_id,
                        "observed_at": f.observed_at, "summary": f.summary,
                        "evidence": evidence, "resolved_at": f.resolved_at,
                    })
                );
            }
        }
        Cmd::Check { db } => {
            let db = open(&db)?;
            let ok = db.integrity_ok()?;
            let n = jiancha_feed::db::sync_state::table_counts(db.conn())?;
            println!(
                "{}",
                serde_json::json!({
                    "integrity_check": if ok { "ok" } else { "FAILED" },
                    "cases": n.cases,
                    "case_versions": n.case_versions,
                    "quarantined": n.quarantined,
                    "findings": n.findings,
                    "deferred_indexes": n.deferred_indexes,
                })
            );
            if !ok {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
