#!/usr/bin/env bash
# Tests of the pages Satchel writes (the verifier page, portfolios) in two
# engines: headless Chromium through chromedriver, and WebKitGTK's
# MiniBrowser through WebKitWebDriver under Xvfb. Runs tests/pages with
# node's test runner; the satchel binary is the debug build the tests use.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

# --workspace: the same features as `cargo test --workspace` (a warm build).
cargo build --workspace --bins --locked
cargo build --workspace --example e2e_issuer --locked
export SATCHEL_CLI="$CARGO_TARGET_DIR/debug/satchel"

free_port() {
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}
PIDS=""
WORK="$(mktemp -d)"
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null || true; done
  for p in $PIDS; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
wait_for() { # URL
  for _ in $(seq 1 100); do curl -sf "$1/status" >/dev/null && return 0; sleep 0.1; done
  echo "pages: $1 did not start" >&2
  return 1
}

# The loopback HTTPS issuer (examples/e2e_issuer.rs) for "Check online".
"$CARGO_TARGET_DIR/debug/examples/e2e_issuer" "$WORK/issuer" 2>/dev/null &
PIDS="$PIDS $!"
for _ in $(seq 1 100); do [ -s "$WORK/issuer/ready" ] && break; sleep 0.1; done
[ -s "$WORK/issuer/ready" ] || { echo "pages: the loopback issuer did not start" >&2; exit 1; }
export SATCHEL_ISSUER_DIR="$WORK/issuer"

Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$WORK/display" &
PIDS="$PIDS $!"
for _ in $(seq 1 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
export DISPLAY=":$(cat "$WORK/display")"

CHROME_PORT="$(free_port 9515)"
chromedriver --port="$CHROME_PORT" >/dev/null 2>&1 &
PIDS="$PIDS $!"
WEBKIT_PORT="$(free_port $((CHROME_PORT + 1)))"
WebKitWebDriver --port="$WEBKIT_PORT" >/dev/null 2>&1 &
PIDS="$PIDS $!"
export SATCHEL_CHROMEDRIVER="http://127.0.0.1:$CHROME_PORT"
export SATCHEL_WEBKITDRIVER="http://127.0.0.1:$WEBKIT_PORT"
wait_for "$SATCHEL_CHROMEDRIVER"
wait_for "$SATCHEL_WEBKITDRIVER"

node --test --test-concurrency=1 tests/pages/
