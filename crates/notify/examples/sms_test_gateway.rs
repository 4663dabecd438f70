//! The local SMS test gateway as a program, for demos and the app's E2E runs.
//!
//! ```text
//! cargo run -p jiancha-notify --features test-gateway --example sms_test_gateway -- \
//!     [--bind 127.0.0.1:0] [--token TOKEN | --app-key KEY --app-secret SECRET] [--log FILE]
//! ```
//! Prints one JSON line with the URLs on stdout, then serves until Ctrl-C / SIGTERM.
//! Every request is appended to FILE as a JSON line (the SMS test gateway's log).

use std::path::PathBuf;

use jiancha_notify::test_gateway::TestGateway;
use jiancha_notify::Credentials;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut bind, mut token, mut key, mut secret, mut log) =
        ("127.0.0.1:0".to_string(), None, None, None, None::<PathBuf>);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--bind" => bind = val()?,
            "--token" => token = Some(val()?),
            "--app-key" => key = Some(val()?),
            "--app-secret" => secret = Some(val()?),
            "--log" => log = Some(PathBuf::from(val()?)),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let creds = match (token, key, secret) {
        (Some(token), None, None) => Credentials::Bearer { token },
        (None, Some(key), Some(secret)) => Credentials::AppKey { key, secret },
        (None, None, None) => Credentials::Bearer {
            token: "test-token".into(),
        },
        _ => return Err("give either --token or both --app-key and --app-secret".into()),
    };
    let gw = TestGateway::start_on(&bind, creds, log.clone())
        .await
        .map_err(|e| format!("cannot bind {bind}: {e}"))?;
    println!(
        "{{\"send_url\":\"{}\",\"status_url\":\"{}\",\"log\":{:?}}}",
        gw.send_url(),
        gw.status_url(),
        log.map(|p| p.display().to_string()).unwrap_or_default()
    );
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| e.to_string())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    eprintln!("sms test gateway: {} requests served", gw.log().len());
    Ok(())
}
