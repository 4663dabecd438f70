//! `jiancha`: the headless command over the same crates as the console.
//!
//! Every answer is JSON on stdout (one object, or one per line for batch modes); progress and
//! diagnostics go to stderr. Each subcommand lives in its own module.

use clap::{Parser, Subcommand};

mod audit;
mod bench;
mod bench_clock;
mod bench_queue;
mod bench_service;
mod bench_sync;
mod calendar;
mod clock;
mod db;
mod feedsim;
mod instant;
mod letter;
mod sync;

#[derive(Parser)]
#[command(
    name = "jiancha",
    version,
    about = "Jiancha 电子监察工作台 — headless commands"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Working-day calendar queries (is-workday, add-workdays, workdays-between, batch).
    Calendar(calendar::Args),
    /// The case clock: deadline, signal and signal instants of a case.
    Clock(clock::Args),
    /// The simulated municipal feed (serve, digest).
    Feedsim(feedsim::Args),
    /// Sync the municipal feed into a local SQLite cache.
    Sync(sync::Args),
    /// Inspect a local cache (digest).
    Db(db::Args),
    /// Benchmarks that print their figures as one JSON line.
    Bench(bench::Args),
    /// Render official letters (sample previews for template authors).
    Letter(letter::Args),
    /// The tamper-evident audit trail (verify).
    Audit(audit::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Calendar(a) => calendar::run(a),
        Cmd::Clock(a) => clock::run(a),
        Cmd::Feedsim(a) => feedsim::run(a),
        Cmd::Sync(a) => sync::run(a),
        Cmd::Db(a) => db::run(a),
        Cmd::Bench(a) => bench::run(a),
        Cmd::Letter(a) => letter::run(a),
        Cmd::Audit(a) => audit::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("jiancha: error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
