//! Invariant "one place reads the wall clock" (issue 11 item 5): in `crates/service/src`, only
//! `clock.rs` calls `Utc::now`, `Local::now` or `SystemTime::now`; every other module asks
//! `svc.clock()` (or, without a service at hand, `crate::clock::system_now`). Unit tests
//! (`tests.rs` files and `#[cfg(test)] mod tests` blocks) may read it. `Instant::now` (the
//! monotonic clock, for timeouts and the feed clock's extrapolation) is not the wall clock.
//!
//! A source scan rather than clippy's `disallowed-methods`: that list is workspace-wide
//! (`clippy.toml`), and the feed, the notifier and the CLI read the clock legitimately.

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The file without its unit tests.
fn non_test_code(text: &str) -> &str {
    match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    }
}

#[test]
fn only_the_clock_module_reads_the_wall_clock() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    assert!(files.len() > 10, "found {} files", files.len());
    let mut offenders = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy();
        if name == "clock.rs" || name == "tests.rs" {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in non_test_code(&text).lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for needle in ["Utc::now(", "Local::now(", "SystemTime::now("] {
                if code.contains(needle) {
                    offenders.push(format!(
                        "{}:{}: {}",
                        f.strip_prefix(&src).unwrap().display(),
                        i + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "read the wall clock through svc.clock() (crate::clock), not directly:\n{}",
        offenders.join("\n")
    );
}
