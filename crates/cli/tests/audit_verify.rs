//! `jiancha audit verify --db PATH` against a real database file: intact, then tampered with
//! through plain SQLite (triggers dropped, a row altered / removed / inserted).

use std::path::Path;
use std::process::Command;

use chrono::{TimeZone, Utc};
use jiancha_store::rusqlite::Connection;
use jiancha_store::Db;

fn make_db(p: &Path) {
    let mut db = Db::open(p).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
    let mut admin = jiancha_workflow::setup_first_admin(
        &mut db,
        "admin",
        "管理员",
        "admin-password",
        "ws",
        now,
    )
    .unwrap();
    for days in ["5", "6", "7"] {
        jiancha_workflow::settings::set(&mut db, &mut admin, "rectification.days", days, now)
            .unwrap();
    }
}

fn run(p: &Path) -> (i32, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_jiancha"))
        .args(["audit", "verify", "--db"])
        .arg(p)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let v = serde_json::from_str(stdout.trim()).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap_or(-1), v)
}

fn tamper(p: &Path, sql: &str) {
    let c = Connection::open(p).unwrap();
    c.execute_batch(
        "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;",
    )
    .unwrap();
    c.execute_batch(sql).unwrap();
}

#[test]
fn verify_reports_intact_and_each_kind_of_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("j.sqlite");
    make_db(&p);
    let (code, v) = run(&p);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v, serde_json::json!({ "ok": true, "entries": 4 }));

    let altered = dir.path().join("altered.sqlite");
    std::fs::copy(&p, &altered).unwrap();
    tamper(
        &altered,
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2",
    );
    let (code, v) = run(&altered);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["ok"], false);
    assert_eq!(v["entries"], 4);
    assert_eq!(v["first_bad"]["seq"], 2);
    assert_eq!(v["first_bad"]["reason"], "altered");

    let removed = dir.path().join("removed.sqlite");
    std::fs::copy(&p, &removed).unwrap();
    tamper(&removed, "DELETE FROM audit_log WHERE seq = 3");
    let (code, v) = run(&removed);
    assert_eq!((code, v["entries"].clone()), (1, serde_json::json!(3)));
    assert_eq!(v["first_bad"]["seq"], 3);
    assert_eq!(v["first_bad"]["reason"], "removed");

    let inserted = dir.path().join("inserted.sqlite");
    std::fs::copy(&p, &inserted).unwrap();
    tamper(
        &inserted,
        "INSERT INTO audit_log(seq, id, at, actor, workstation, action, subject, details, prev_hash, hash)
         SELECT 5, 'x', at, actor, workstation, action, subject, details, hash, hash FROM audit_log WHERE seq = 4",
    );
    let (code, v) = run(&inserted);
    assert_eq!(code, 1, "{v}");
    assert_eq!(v["first_bad"]["seq"], 5);
    assert_eq!(v["first_bad"]["reason"], "inserted");
}

#[test]
fn verify_names_what_is_wrong_with_a_bad_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jiancha"))
        .args(["audit", "verify", "--db"])
        .arg(dir.path().join("missing.sqlite"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("missing.sqlite") && err.contains("does not exist"),
        "{err}"
    );

    let plain = dir.path().join("plain.sqlite");
    Connection::open(&plain)
        .unwrap()
        .execute_batch("CREATE TABLE t(x)")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_jiancha"))
        .args(["audit", "verify", "--db"])
        .arg(&plain)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no audit trail"));
}
