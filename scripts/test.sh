#!/usr/bin/env bash
# Runs every test of Jiancha: UI typecheck/build/unit tests, rustfmt, clippy (-D warnings),
# the Rust test suites of every crate, and the WebDriver E2E tests against the real app in
# WebKitGTK under Xvfb. Installs what is missing first (apt, npm, tauri-driver).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_apt "${APT_BUILD[@]}" "${APT_RUN[@]}" "${APT_TEST[@]}"
ensure_rust
ensure_tauri_driver
build_ui
log "UI unit tests (vitest)"
(cd ui && npm run --silent test)

log "rustfmt"
cargo fmt --all --check
log "clippy"
cargo clippy --workspace --all-targets --features custom-protocol -- -D warnings

# The app embeds ui/dist at compile time; custom-protocol is the production asset path.
log "cargo test (every library crate and the CLI)"
cargo test --workspace --exclude jiancha-console --no-fail-fast
# The app's tests: config/architecture checks and the E2E tests, which drive the real app
# in WebKitGTK under Xvfb. One at a time: each E2E session starts an app that syncs its
# demo feed, and two at once on 2 cores make the webview sluggish enough to time out.
log "cargo test -p jiancha-console (E2E under Xvfb)"
xvfb-run -a -s "-screen 0 1440x900x24" \
  cargo test -p jiancha-console --features custom-protocol --no-fail-fast -- --test-threads=1
