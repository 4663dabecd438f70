#!/usr/bin/env bash
# Builds the Jiancha console and opens it on its embedded default: the built-in demo feed
# served in-process on loopback, and a SQLite cache in the user's data directory
# (~/.local/share/cn.gov.jiancha.console/jiancha.sqlite). Installs what is missing first.
# Without a display it runs under Xvfb and saves a screenshot, saying where.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_apt "${APT_BUILD[@]}" "${APT_RUN[@]}"
ensure_rust
build_ui
log "building the console (release)"
cargo build --release --features custom-protocol -p jiancha-console --manifest-path "$ROOT/Cargo.toml"
APP="$CARGO_TARGET_DIR/release/jiancha-console"

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  log "opening $APP"
  exec "$APP"
fi

shot="${JIANCHA_SCREENSHOT:-$ROOT/jiancha-screenshot.png}"
log "no display found: running the console under Xvfb (1440x900)."
log "a screenshot is saved to $shot every 30 s; to see it live, run a VNC server on"
log "the Xvfb display, or run this script from a desktop session. Ctrl-C stops it."
exec xvfb-run -a -s "-screen 0 1440x900x24" bash -c '
  "$0" & app=$!
  trap "kill $app 2>/dev/null" EXIT INT TERM
  while kill -0 $app 2>/dev/null; do
    sleep 8; import -window root "$1.tmp.png" 2>/dev/null && mv "$1.tmp.png" "$1"
    sleep 22
  done' "$APP" "$shot"
