# Shared by scripts/run.sh and scripts/test.sh: installs what is missing, sets the
# environment. Sourced, not run. Safe to source repeatedly (every step checks first).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# One cargo target directory reused across clones and runs (CI included) when it exists.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/jiancha-target}"
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m[jiancha]\033[0m %s\n' "$*" >&2; }

# Debian packages: building the app (webkit2gtk 4.1, gtk3, rsvg), running it headless
# (Xvfb), WebDriver E2E (WebKitWebDriver), CJK fonts (without them Chinese renders blank),
# and the tools the letter tests use (pdftotext, LibreOffice headless).
APT_BUILD=(build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libgtk-3-dev
  librsvg2-dev libayatana-appindicator3-dev libxdo-dev)
APT_RUN=(xvfb xauth fonts-noto-cjk fonts-wqy-microhei imagemagick libnotify-bin)
APT_TEST=(webkit2gtk-driver poppler-utils librsvg2-bin libreoffice-writer-nogui fonts-arphic-ukai)

ensure_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_rust() {
  if ! command -v cargo >/dev/null; then
    log "cargo not found: install the Rust toolchain (rustup) first"; exit 1
  fi
  rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt
}

ensure_node() {
  if ! command -v npm >/dev/null; then
    log "installing Node.js and npm from Debian"
    ensure_apt nodejs npm
  fi
}

# npm packages of the UI, exactly as locked.
ensure_ui_deps() {
  ensure_node
  local stamp="$ROOT/ui/node_modules/.jiancha-lock"
  if [ ! -f "$stamp" ] || ! cmp -s "$ROOT/ui/package-lock.json" "$stamp"; then
    log "installing the UI's npm packages (npm ci)"
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$ROOT/ui/package-lock.json" "$stamp"
  fi
}

build_ui() {
  ensure_ui_deps
  log "building the UI (vue-tsc + vite)"
  (cd "$ROOT/ui" && npm run --silent build)
}

# tauri-driver: the WebDriver proxy for the E2E tests (from crates.io).
ensure_tauri_driver() {
  if ! command -v tauri-driver >/dev/null; then
    log "installing tauri-driver (cargo install)"
    cargo install tauri-driver --locked --quiet
  fi
}
