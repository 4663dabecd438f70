//! `jiancha bench …`: benchmarks printing one JSON line of figures each.
//! Each benchmark lives in its own module (`bench_*.rs`) owned by the issue that needs it.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    which: Which,
}

#[derive(clap::Subcommand)]
enum Which {}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.which {}
}
