//! Checks of the invariants in ARCHITECTURE.md that are about the shape of the code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

fn metadata() -> serde_json::Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Invariant: only the app shell depends on tauri; no crate under `crates/` has tauri,
/// wry, tao or webkit anywhere in its (normal, build or dev) dependency tree.
#[test]
fn domain_crates_are_free_of_tauri_and_webkit() {
    let meta = metadata();
    let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for node in meta["resolve"]["nodes"].as_array().unwrap() {
        let id = node["id"].as_str().unwrap().to_string();
        let ds = node["deps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["pkg"].as_str().unwrap().to_string())
            .collect();
        deps.insert(id, ds);
    }
    for p in meta["packages"].as_array().unwrap() {
        names.insert(
            p["id"].as_str().unwrap().into(),
            p["name"].as_str().unwrap().into(),
        );
    }
    let forbidden = |n: &str| {
        n == "tauri"
            || n.starts_with("tauri-")
            || n == "wry"
            || n == "tao"
            || n.starts_with("webkit2gtk")
            || n.starts_with("javascriptcore")
    };
    let mut checked = 0;
    for p in meta["packages"].as_array().unwrap() {
        let manifest = p["manifest_path"].as_str().unwrap();
        if !manifest.contains("/crates/") || p["source"].is_string() {
            continue;
        }
        checked += 1;
        let start = p["id"].as_str().unwrap().to_string();
        let mut seen = BTreeSet::new();
        let mut stack = vec![start.clone()];
        while let Some(id) = stack.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            let name = &names[&id];
            assert!(
                !forbidden(name),
                "{} depends (transitively) on {name}",
                p["name"].as_str().unwrap()
            );
            stack.extend(deps.get(&id).cloned().unwrap_or_default());
        }
    }
    assert!(
        checked >= 10,
        "expected the crates under crates/, found {checked}"
    );
}

/// Invariant: writes happen in `BEGIN IMMEDIATE` transactions. clippy.toml forbids
/// rusqlite's transaction constructors outside the store; this catches the SQL spelling.
#[test]
fn no_hand_written_transactions_outside_the_store() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut offenders = Vec::new();
    let mut stack = vec![root.join("crates"), root.join("src-tauri")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs")
                && !p.starts_with(root.join("crates/store/src"))
            {
                let src = std::fs::read_to_string(&p).unwrap();
                // Code lines only: comments may well mention BEGIN IMMEDIATE.
                for line in src.lines().map(str::trim).filter(|l| !l.starts_with("//")) {
                    let line = line.to_uppercase().replace(' ', "");
                    for needle in [
                        "EXECUTE(\"BEGIN",
                        "EXECUTE_BATCH(\"BEGIN",
                        "BEGINIMMEDIATE",
                        "BEGINDEFERRED",
                        "BEGINEXCLUSIVE",
                        "BEGINTRANSACTION",
                    ] {
                        if line.contains(needle) {
                            offenders.push(format!("{}: {line}", p.display()));
                        }
                    }
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "hand-written BEGIN outside the store: {offenders:?}"
    );
}

/// Invariant: nothing touching the database, disk or network runs on the main thread.
/// Every IPC command is generated from the command list by one macro in
/// `src-tauri/commands/mod.rs`, whose single `#[tauri::command]` is an `async fn` that hands
/// the service call to `blocking` (spawn_blocking); no other command is written by hand.
#[test]
fn every_command_runs_off_the_main_thread() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri");
    let mut commands = 0;
    let mut stack = vec![dir];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let src = std::fs::read_to_string(&p).unwrap();
            for body in src.split("#[tauri::command]").skip(1) {
                commands += 1;
                assert!(
                    p.ends_with("src-tauri/commands/mod.rs"),
                    "{}: a hand-written command (commands come from the list)",
                    p.display()
                );
                let signature = body.trim_start().lines().next().unwrap_or("");
                assert!(
                    signature.starts_with("async fn $name("),
                    "{}: the generated command is not async: {signature}",
                    p.display()
                );
                let end = body.find("fn handler()").unwrap_or(body.len());
                assert!(
                    body[..end].contains("blocking(state, move |svc|"),
                    "{}: the generated command does not run through `blocking`",
                    p.display()
                );
            }
        }
    }
    assert_eq!(commands, 1, "one generated #[tauri::command]");
    assert!(jiancha_api::COMMANDS.len() > 10);
}

/// Invariant: only the edge knows JSON. The pure core (calendar arithmetic and the clock,
/// the store, letters and charts) never touches JSON; the calendar's file importer is its
/// one edge. (JSON lives in protocol/feed/feedsim (the wire), notify's gateway, the CLI,
/// api/service and the shell, and as the audit log's `details` text in workflow.)
#[test]
fn the_pure_core_knows_no_json() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut offenders = Vec::new();
    for krate in ["calendar", "store", "letters", "charts"] {
        let manifest =
            std::fs::read_to_string(root.join("crates").join(krate).join("Cargo.toml")).unwrap();
        let mut stack = vec![root.join("crates").join(krate).join("src")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs")
                    && !p.ends_with("calendar/src/import.rs")
                    && std::fs::read_to_string(&p).unwrap().contains("serde_json")
                {
                    offenders.push(p.display().to_string());
                }
            }
        }
        if krate != "calendar" && manifest.contains("serde_json") {
            offenders.push(format!("crates/{krate}/Cargo.toml"));
        }
    }
    assert!(
        offenders.is_empty(),
        "JSON inside the pure core: {offenders:?}"
    );
}
