//! `jiancha audit verify --db PATH`: checks the hash chain of the audit trail (issue 7 item 3).
//!
//! Opens the file read-only and without migrating it (a file under examination is never
//! changed). Prints one JSON line: `{"ok":true,"entries":N}` and exits 0 when the chain is
//! intact; `{"ok":false,"entries":N,"first_bad":{"seq":S,"reason":"altered|removed|inserted",
//! "detail":"…"}}` and exits 1 otherwise. Exit 2: the file could not be checked at all.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context};
use jiancha_store::rusqlite::{Connection, OpenFlags};
use jiancha_workflow::audit;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Subcommand)]
enum Cmd {
    /// Verify the hash chain; report the first altered, removed or inserted entry.
    Verify {
        /// The SQLite database file of a Jiancha console.
        #[arg(long)]
        db: PathBuf,
    },
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.cmd {
        Cmd::Verify { db } => verify(&db),
    }
}

fn verify(path: &Path) -> anyhow::Result<ExitCode> {
    if !path.is_file() {
        bail!("database file {} does not exist", path.display());
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open {} read-only", path.display()))?;
    let has_log = audit::has_trail(&conn)
        .with_context(|| format!("{} is not a readable SQLite database", path.display()))?;
    if !has_log {
        bail!(
            "{} has no audit trail (no audit_log in its schema): not a Jiancha database, or its schema is older than version 20",
            path.display()
        );
    }
    let report = audit::verify_conn(&conn)
        .with_context(|| format!("cannot read the audit trail of {}", path.display()))?;
    let out = match &report.first_bad {
        None => serde_json::json!({ "ok": true, "entries": report.entries }),
        Some(b) => serde_json::json!({
            "ok": false,
            "entries": report.entries,
            "first_bad": { "seq": b.seq, "reason": b.reason.code(), "detail": b.detail },
        }),
    };
    println!("{out}");
    if let Some(b) = &report.first_bad {
        eprintln!(
            "jiancha: audit trail of {} is NOT intact: entry {} {}",
            path.display(),
            b.seq,
            b.reason.code()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
