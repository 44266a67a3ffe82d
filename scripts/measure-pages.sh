#!/usr/bin/env bash
# Measures the verifier page and portfolios (benches/pages.mjs): page and
# wasm size, opening a portfolio in headless Chromium, and verification per
# credential in the browser against the native CLI (a release build, one core).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --bin satchel --locked
CLI="$CARGO_TARGET_DIR/release/satchel"
WORK="$(mktemp -d)"
PORT=9700
while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$((PORT + 1)); done
chromedriver --port="$PORT" >/dev/null 2>&1 &
DRIVER=$!
trap 'kill $DRIVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
export SATCHEL_KEY_STORE=file
"$CLI" export verifier -o "$WORK/verifier.html" 2>/dev/null
"$CLI" --wallet "$WORK/w.sqlite3" import examples/credentials/0[1-8]*.json >/dev/null 2>&1
"$CLI" --wallet "$WORK/w.sqlite3" export portfolio 1 2 3 4 5 6 7 8 --name "Amira Haddad" -o "$WORK/portfolio.html" 2>/dev/null
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/status" >/dev/null && break; sleep 0.1; done
node benches/pages.mjs "$WORK" "http://127.0.0.1:$PORT" "$CLI"
