//! Kill test (issue 4 item 7): the real `jiancha sync` binary, SIGKILLed at random points and
//! restarted, ends with the same database content as an uninterrupted sync, and SQLite's
//! integrity check passes.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use jiancha_feedsim::{serve, Faults, Plant, ServeConfig, WorldConfig};
use jiancha_store::Db;

const BIN: &str = env!("CARGO_BIN_EXE_jiancha");

fn sync_cmd(url: &str, db: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.args(["sync", "--feed", url, "--db"])
        .arg(db)
        .args([
            "--quiet",
            "--page-size",
            "300",
            "--batch-records",
            "600",
            "--cold-load-min",
            "2000",
            "--backoff-ms",
            "5",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// What "the same database content" means: every case version, the current version of every
/// case, quarantine, findings, cursor and signals.
fn content(db: &Path) -> Vec<String> {
    let db = Db::open(db).unwrap();
    assert!(db.integrity_ok().unwrap(), "PRAGMA integrity_check");
    let q = |sql: &str| -> String {
        db.conn()
            .query_row(sql, [], |r| r.get::<_, Option<String>>(0))
            .unwrap()
            .unwrap_or_default()
    };
    vec![
        q("SELECT count(*) || ':' || total(seq) || ':' || total(length(payload)) FROM case_versions"),
        q("SELECT group_concat(case_id || '@' || seq || '/' || versions || '/' || first_seq, ',') FROM (SELECT * FROM cases ORDER BY case_id)"),
        q("SELECT group_concat(raw_sha256, ',') FROM (SELECT raw_sha256 FROM quarantine ORDER BY 1)"),
        q("SELECT group_concat(key, ',') FROM (SELECT key FROM integrity_findings ORDER BY 1)"),
        q("SELECT group_concat(dept_id || ':' || records || ':' || last_seq, ',') FROM (SELECT * FROM dept_status ORDER BY 1)"),
        q("SELECT cursor FROM sync_cursor"),
        q("SELECT group_concat(case_id || ':' || signal || ':' || level || ':' || coalesce(began_at, ''), ',') FROM (SELECT * FROM case_signals ORDER BY 1)"),
        q("SELECT CAST(count(*) AS TEXT) FROM deferred_indexes"),
        q("SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY 1)"),
        jiancha_feed::db_digest(&db).unwrap().digest,
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_points_then_resume_equals_an_uninterrupted_sync() {
    let mut w = WorldConfig::new(42, 3_000);
    w.plant = Plant::ALL;
    let mut cfg = ServeConfig::new(w);
    // Transport faults too: duplicates and reordering across the kills.
    cfg.faults = Faults {
        duplicate: true,
        reorder: true,
        malformed: true,
        ..Faults::default()
    };
    let h = serve(cfg).await.unwrap();
    let url = h.url();
    let dir = tempfile::tempdir().unwrap();

    // The reference: one uninterrupted run.
    let reference = dir.path().join("reference.sqlite");
    let out = tokio::task::spawn_blocking({
        let (url, reference) = (url.clone(), reference.clone());
        move || sync_cmd(&url, &reference).output().unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["cases"].as_u64().unwrap(), h.truth().digest.cases);
    let t_full = {
        let t = Instant::now();
        let p = dir.path().join("timing.sqlite");
        let (url2, p2) = (url.clone(), p.clone());
        tokio::task::spawn_blocking(move || sync_cmd(&url2, &p2).output().unwrap())
            .await
            .unwrap();
        t.elapsed()
    };

    // The victim: killed at random points, restarted each time.
    let victim = dir.path().join("victim.sqlite");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("kill test seed {seed}, uninterrupted sync {t_full:?}");
    let mut rng = seed | 1;
    let mut killed = 0;
    for _ in 0..8 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        // Somewhere in the first half of an uninterrupted run: each attempt commits part of
        // the feed (or nothing) before it dies.
        let frac = 0.1 + (rng % 1000) as f64 / 1000.0 * 0.35;
        let at = t_full.mul_f64(frac);
        let (url2, v2) = (url.clone(), victim.clone());
        let finished = tokio::task::spawn_blocking(move || {
            let mut child = sync_cmd(&url2, &v2).spawn().unwrap();
            std::thread::sleep(at);
            match child.try_wait().unwrap() {
                Some(status) => {
                    assert!(status.success());
                    true
                }
                None => {
                    child.kill().unwrap(); // SIGKILL
                    child.wait().unwrap();
                    false
                }
            }
        })
        .await
        .unwrap();
        if !finished {
            killed += 1;
            // Whatever was committed is intact.
            let db = Db::open(&victim).unwrap();
            assert!(
                db.integrity_ok().unwrap(),
                "integrity after SIGKILL at {at:?}"
            );
            let cursor: Option<String> = db
                .conn()
                .query_row("SELECT cursor FROM sync_cursor", [], |r| r.get(0))
                .ok();
            eprintln!("killed at {at:?}: cursor {cursor:?}");
        }
    }
    assert!(
        killed >= 2,
        "only {killed} kills landed: the sync was too quick to interrupt"
    );
    let v2 = victim.clone();
    let out = tokio::task::spawn_blocking(move || sync_cmd(&url, &v2).output().unwrap())
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (a, b) = (content(&reference), content(&victim));
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(
            x, y,
            "content part {i} differs after {killed} kills (seed {seed})"
        );
    }
    assert_eq!(
        jiancha_feed::db_digest(&Db::open(&victim).unwrap()).unwrap(),
        h.truth().digest
    );
    h.shutdown().await;
}
