//! `jiancha feedsim` end to end: serve prints its address and answers over loopback; digest is
//! deterministic and independent of transport fault flags.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn jiancha() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jiancha"))
}

fn digest(args: &[&str]) -> serde_json::Value {
    let out = jiancha()
        .args(["feedsim", "digest"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn digest_is_deterministic_and_fault_independent() {
    let a = digest(&["--seed", "9", "--cases", "800"]);
    let b = digest(&["--seed", "9", "--cases", "800", "--fault", "all"]);
    let c = digest(&["--seed", "9", "--cases", "800", "--fault", "5xx,truncate"]);
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert!(a["cases"].as_u64().unwrap() > 700);
    assert_eq!(a["digest"].as_str().unwrap().len(), 64);
    let d = digest(&["--seed", "10", "--cases", "800"]);
    assert_ne!(a["digest"], d["digest"]);
    let bad = jiancha()
        .args(["feedsim", "digest", "--fault", "nope"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown fault mode"));
}

#[test]
fn serve_prints_its_address_and_answers() {
    let mut child = jiancha()
        .args([
            "feedsim", "serve", "--seed", "9", "--cases", "300", "--token", "t0k",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    let addr = v["addr"].as_str().unwrap().to_owned();
    let get = |path: &str, auth: bool| {
        let mut s = TcpStream::connect(&addr).unwrap();
        let auth = if auth {
            "Authorization: Bearer t0k\r\n"
        } else {
            ""
        };
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: x\r\n{auth}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        resp
    };
    let health = get("/v1/health", false);
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains(&format!("\"latest_seq\":{}", v["latest_seq"])));
    assert!(get("/v1/changes", false).starts_with("HTTP/1.1 401"));
    let page = get("/v1/changes?limit=3", true);
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("\"next_cursor\":\"3\""));
    child.kill().unwrap();
    child.wait().unwrap();
}
