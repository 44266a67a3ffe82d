#!/usr/bin/env bash
# Installs everything Satchel's build, app and tests need on Debian 12
# (idempotent; skips what is already there). Run as root (CI) or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

PKGS=(
  build-essential pkg-config libssl-dev             # Rust crates with C parts
  libwebkit2gtk-4.1-dev libayatana-appindicator3-dev librsvg2-dev  # Tauri 2 on Linux
  xvfb webkit2gtk-driver imagemagick                 # headless app runs, WebDriver, screenshots
  zbar-tools librsvg2-bin                            # independent QR reader for tests; rsvg-convert draws SVG codes for it (ImageMagick's SVG delegate)
  dbus-daemon gnome-keyring                          # a private Secret Service keyring for the key test
  fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji  # credential text: Latin, Arabic, CJK, emoji
  jq lintian desktop-file-utils                      # the Debian package: its config, lintian, the desktop entry check
  rustc-web rust-web-src rust-web-llvm lld-22        # the browser verifier (build.rs): rustc with the wasm back end, std sources, rust-lld
  chromium chromium-driver curl                      # the verifier page and portfolios in headless Chromium (curl: the drivers are up)
)
# Node.js runs the end-to-end tests and the reference verifier; use the
# machine's own when there is one.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PKGS+=(nodejs npm)
fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Tauri bundler that makes the Debian package (scripts/package.sh): npm's
# prebuilt binary, pinned in packaging/package-lock.json (seconds, where
# `cargo install tauri-cli` took 15-23 minutes on 2 cores).
(cd packaging && npm ci --no-audit --no-fund --loglevel=error)

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "install-deps: cargo install tauri-driver"
  cargo install tauri-driver --locked --quiet
fi
