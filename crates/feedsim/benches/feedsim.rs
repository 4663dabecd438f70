//! `cargo bench -p jiancha-feedsim` (or `cargo run --release --bench feedsim -- N`): prints one
//! JSON line with the simulator's generation figures for N cases (default 1,000,000):
//! planning rate, index build time and size, record rendering rate and size, digest rate.
//! Figures only; nothing here is a pass/fail test.

use std::time::Instant;

use jiancha_feedsim::{build_index, serve, ServeConfig, World, WorldConfig};
use jiancha_protocol::CaseDigest;

fn main() {
    let n: u64 = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let world = World::new(WorldConfig::new(1, n));

    let t = Instant::now();
    let mut versions = 0usize;
    for i in 0..n {
        versions += world.plan(i).versions.len();
    }
    let plan_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let (entries, pending) = build_index(&world);
    let index_s = t.elapsed().as_secs_f64();

    // Render the first 200,000 published versions (or all) as the server would.
    let sample = entries.len().min(200_000);
    let t = Instant::now();
    let mut bytes = 0usize;
    for (k, e) in entries[..sample].iter().enumerate() {
        let code = e & 0xFFFF_FFFF;
        let plan = world.plan(code >> 4);
        if let Some(r) = world.render(&plan, (code & 15) as u8, k as u64 + 1) {
            bytes += r.to_json().len();
        }
    }
    let render_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mut d = CaseDigest::new();
    let h = world.history_end_unix();
    for i in 0..n.min(200_000) {
        if let Some(c) = world.case_as_published_at(&world.plan(i), h) {
            d.add(&c);
        }
    }
    let digest_s = t.elapsed().as_secs_f64();

    // Serving over loopback HTTP: fetch pages of 5000 (no gzip, bodies not parsed) for up to
    // 500,000 records.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (http_records, http_s, http_bytes) = rt.block_on(async {
        let mut cfg = ServeConfig::new(WorldConfig::new(1, n));
        cfg.gzip = false;
        let h = serve(cfg).await.expect("serve");
        let client = reqwest::Client::new();
        let stop = h.latest_seq().min(500_000);
        let t = Instant::now();
        let mut after = 0u64;
        let mut bytes = 0usize;
        while after < stop {
            let b = client
                .get(format!("{}/v1/changes?after={after}&limit=5000", h.url()))
                .send()
                .await
                .expect("send")
                .bytes()
                .await
                .expect("body");
            bytes += b.len();
            after = (after + 5000).min(h.latest_seq());
        }
        let s = t.elapsed().as_secs_f64();
        h.shutdown().await;
        (after, s, bytes)
    });

    println!(
        "{}",
        serde_json::json!({
            "http_records_per_s": (http_records as f64 / http_s).round(),
            "http_mb_per_s": http_bytes as f64 / 1e6 / http_s,
            "cases": n,
            "versions": versions,
            "plan_cases_per_s": (n as f64 / plan_s).round(),
            "index_build_s": index_s,
            "index_entries": entries.len(),
            "index_pending": pending.len(),
            "index_mb": (entries.len() * 8) as f64 / 1e6,
            "render_records_per_s": (sample as f64 / render_s).round(),
            "record_bytes_avg": bytes as f64 / sample.max(1) as f64,
            "digest_cases_per_s": (n.min(200_000) as f64 / digest_s).round(),
        })
    );
}
