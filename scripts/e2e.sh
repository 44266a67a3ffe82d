#!/usr/bin/env bash
# End-to-end tests of the desktop app: builds the debug app, starts Xvfb and
# tauri-driver (which drives WebKitWebDriver), runs tests/e2e with node's test
# runner on a fresh temporary wallet, and saves docs/screenshot.png. The
# online checks are tested against a loopback HTTPS issuer (examples/e2e_issuer.rs)
# that the app reaches through SATCHEL_CONNECT_TO and SATCHEL_EXTRA_CA_CERTS.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

cargo build -p satchel-app -p satchel --bins --locked
# --workspace: the same features as `cargo test --workspace` (a warm build).
cargo build --workspace --example e2e_issuer --locked
APP="$CARGO_TARGET_DIR/debug/satchel-app"
export SATCHEL_CLI="$CARGO_TARGET_DIR/debug/satchel"

WORK="$(mktemp -d)"
export SATCHEL_WALLET="$WORK/wallet.sqlite3"
# Shared files are saved here instead of through the native save dialog.
export SATCHEL_SAVE_DIR="$WORK/saved"
mkdir -p "$SATCHEL_SAVE_DIR"
# The file Restore… opens instead of asking (the test puts a backup there).
export SATCHEL_OPEN_FILE="$WORK/restore.age"
# Web pages the app would open in the browser (LinkedIn's form) are logged here.
export SATCHEL_OPEN_URL_FILE="$WORK/opened-urls.txt"

# A free WebDriver port (Xvfb picks its own free display below).
PORT=4444
while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$((PORT + 1)); done

DRIVER="" XVFB="" ISSUER=""
cleanup() {
  for p in $DRIVER $XVFB $ISSUER; do kill "$p" 2>/dev/null || true; done
  for p in $DRIVER $XVFB $ISSUER; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Runs a check every 0.1 s until it holds, for up to 10 s; fails if it never did.
wait_until() {
  for _ in $(seq 1 100); do
    "$@" && return 0
    sleep 0.1
  done
  "$@"
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

# The test issuer: its files first, then the overrides the app inherits
# (through tauri-driver) to reach it as https://issuer.example.edu/.
export SATCHEL_E2E_ISSUER="$WORK/issuer"
"$CARGO_TARGET_DIR/debug/examples/e2e_issuer" "$SATCHEL_E2E_ISSUER" 2>"$WORK/issuer.log" &
ISSUER=$!
wait_until test -e "$SATCHEL_E2E_ISSUER/ready" || { echo "e2e: the test issuer did not start" >&2; cat "$WORK/issuer.log" >&2; exit 1; }
SATCHEL_CONNECT_TO="$(cat "$SATCHEL_E2E_ISSUER/connect-to")"
export SATCHEL_CONNECT_TO
export SATCHEL_EXTRA_CA_CERTS="$SATCHEL_E2E_ISSUER/ca.pem"

# -displayfd: Xvfb takes a free display itself and says which once it is
# ready, so two runs on one machine never share (and kill) one display.
Xvfb -displayfd 3 -screen 0 1280x860x24 -nolisten tcp 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
XVFB=$!
wait_until test -s "$WORK/display" || { echo "e2e: Xvfb did not start" >&2; cat "$WORK/xvfb.log" >&2; exit 1; }
DISPLAY=":$(tr -d '[:space:]' <"$WORK/display")"
export DISPLAY
tauri-driver --port "$PORT" >"$WORK/driver.log" 2>&1 &
DRIVER=$!

wait_until port_open || true

status=0
SATCHEL_APP="$APP" SATCHEL_WEBDRIVER="http://127.0.0.1:$PORT" SATCHEL_SCREENSHOT="${SATCHEL_SCREENSHOT:-docs/screenshot.png}" \
  node --test --test-concurrency=1 tests/e2e/ || status=$?
if [ "$status" != 0 ]; then
  echo "e2e: failed; tauri-driver log:" >&2
  tail -n 40 "$WORK/driver.log" >&2 || true
fi
exit "$status"
