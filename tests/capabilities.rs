//! Security baseline checks on the committed config (issue 2, item 6):
//! explicit CSP without `unsafe-eval` or remote origins, no global Tauri object, and a
//! capability that grants exactly the app commands the shell registers.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(p: &str) -> String {
    std::fs::read_to_string(root().join(p)).unwrap()
}

/// The command names listed in build.rs's COMMANDS.
fn build_rs_commands() -> Vec<String> {
    let src = read("src-tauri/build.rs");
    let list = src
        .split("const COMMANDS: &[&str] = &[")
        .nth(1)
        .and_then(|s| s.split("];").next())
        .expect("COMMANDS list in build.rs");
    list.split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[test]
fn csp_is_explicit_and_strict() {
    let conf: serde_json::Value = serde_json::from_str(&read("tauri.conf.json")).unwrap();
    assert_eq!(conf["app"]["withGlobalTauri"], false);
    let csp = conf["app"]["security"]["csp"]
        .as_object()
        .expect("csp as a map");
    for (directive, value) in csp {
        let v = value.as_str().unwrap();
        assert!(!v.contains("unsafe-eval"), "{directive} allows unsafe-eval");
        for token in v.split_whitespace() {
            let remote = token.starts_with("http") && !token.contains("ipc.localhost");
            assert!(
                !remote && token != "*" && token != "https:",
                "{directive} allows remote origin {token}"
            );
        }
    }
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["default-src"], "'self'");
}

#[test]
fn capability_grants_exactly_the_registered_commands() {
    let cmds = build_rs_commands();
    let handler = read("src-tauri/commands/mod.rs");
    let registered = handler
        .split("generate_handler![")
        .nth(1)
        .and_then(|s| s.split(']').next())
        .expect("generate_handler! in commands.rs");
    let mut registered: Vec<String> = registered
        .split(',')
        .map(|s| s.trim().rsplit("::").next().unwrap_or("").to_string())
        .filter(|s| !s.is_empty())
        .collect();
    registered.sort();
    let mut listed = cmds.clone();
    listed.sort();
    assert_eq!(
        registered, listed,
        "build.rs COMMANDS and generate_handler! differ"
    );

    let cap: serde_json::Value =
        serde_json::from_str(&read("src-tauri/capabilities/main.json")).unwrap();
    let perms: Vec<String> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().expect("plain permission names").to_string())
        .collect();
    let mut app_perms: Vec<String> = perms
        .iter()
        .filter(|p| p.starts_with("allow-"))
        .map(|p| p.trim_start_matches("allow-").replace('-', "_"))
        .collect();
    app_perms.sort();
    assert_eq!(
        app_perms, listed,
        "capability grants differ from the commands"
    );
    for p in &perms {
        assert!(
            p.starts_with("allow-") || p.starts_with("core:event:allow-"),
            "unexpected broad permission {p}"
        );
    }
}
