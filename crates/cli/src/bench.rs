//! `jiancha bench …`: benchmarks printing one JSON line of figures each.
//! Each benchmark lives in its own module (`bench_*.rs`) owned by the issue that needs it.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    which: Which,
}

#[derive(clap::Subcommand)]
enum Which {
    /// The case clock: classify synthetic open cases at one instant (issue 3).
    Clock(crate::bench_clock::Args),
    /// Cold sync from the loopback simulator vs the raw insert limit (issue 4).
    Sync(crate::bench_sync::Args),
    /// Queue pages and filters over N open cards (issue 5).
    Queue(crate::bench_queue::Args),
    /// A queue page and a case page through a signed-in service, per call (issue 11).
    Service(crate::bench_service::Args),
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.which {
        Which::Clock(a) => crate::bench_clock::run(a),
        Which::Sync(a) => crate::bench_sync::run(a),
        Which::Queue(a) => crate::bench_queue::run(a),
        Which::Service(a) => crate::bench_service::run(a),
    }
}
