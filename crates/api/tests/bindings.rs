//! The TypeScript IPC types in `ui/src/bindings/` are generated from the Rust DTOs and
//! committed. This test fails when they drift; `UPDATE_BINDINGS=1 cargo test -p jiancha-api`
//! rewrites them.

use std::path::PathBuf;

fn bindings_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings")
}

#[test]
fn committed_bindings_match_the_rust_types() {
    let dir = bindings_dir();
    let update = std::env::var_os("UPDATE_BINDINGS").is_some();
    let expected = jiancha_api::bindings();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "ts") {
                std::fs::remove_file(p).unwrap();
            }
        }
        for (name, src) in &expected {
            std::fs::write(dir.join(name), src).unwrap();
        }
        return;
    }
    let mut drift = Vec::new();
    for (name, src) in &expected {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(found) if found == *src => {}
            Ok(_) => drift.push(format!("{name}: differs")),
            Err(_) => drift.push(format!("{name}: missing")),
        }
    }
    let known: Vec<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let n = entry.unwrap().file_name().to_string_lossy().into_owned();
        if n.ends_with(".ts") && !known.contains(&n.as_str()) {
            drift.push(format!("{n}: no Rust type generates it any more"));
        }
    }
    assert!(
        drift.is_empty(),
        "ui/src/bindings drifted from the Rust DTOs ({}); run `UPDATE_BINDINGS=1 cargo test -p jiancha-api` and commit",
        drift.join("; ")
    );
}
