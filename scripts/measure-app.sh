#!/usr/bin/env bash
# Measures the release desktop app with large wallets (numbers for the README):
# start-up to first paint of the wallet, and resident memory once shown.
# Usage: bash scripts/measure-app.sh [RUNS]   (needs Xvfb; builds in release)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --locked -p satchel-app
cargo build --release --locked --example fill_wallet
APP="$CARGO_TARGET_DIR/release/satchel-app"
FILL="$CARGO_TARGET_DIR/release/examples/fill_wallet"

WORK="$(mktemp -d)"
DISPLAY_NUM=90
while [ -e "/tmp/.X11-unix/X$DISPLAY_NUM" ] || [ -e "/tmp/.X$DISPLAY_NUM-lock" ]; do DISPLAY_NUM=$((DISPLAY_NUM + 1)); done
Xvfb ":$DISPLAY_NUM" -screen 0 1280x860x24 -nolisten tcp >/dev/null 2>&1 &
XVFB=$!
trap 'kill $XVFB 2>/dev/null || true; rm -rf "$WORK"' EXIT
export DISPLAY=":$DISPLAY_NUM"
export SATCHEL_KEY_STORE=file
sleep 1

# Memory (MiB) of a process and all its descendants (WebKit's web and network
# processes): FIELD is VmRSS (resident, shared libraries counted in each
# process) or Pss (proportional: shared pages split between the processes).
tree_mem() {
  local field="$2"
  local pids="$1" all="$1" next
  while [ -n "$pids" ]; do
    next=""
    for p in $pids; do next="$next $(pgrep -P "$p" || true)"; done
    pids="$(echo $next)"
    all="$all $pids"
  done
  local kb=0 file
  for p in $all; do
    if [ "$field" = Pss ]; then file="/proc/$p/smaps_rollup"; else file="/proc/$p/status"; fi
    kb=$((kb + $(awk -v f="$field:" '$1 == f {print $2}' "$file" 2>/dev/null || echo 0)))
  done
  echo $((kb / 1024))
}

for N in ${SIZES:-0 1000 10000}; do
  export SATCHEL_WALLET="$WORK/wallet-$N.sqlite3"
  "$FILL" "$SATCHEL_WALLET" "$N" >/dev/null
  echo "== $N credentials"
  for run in $(seq 1 "$RUNS"); do
    start=$(date +%s%N)
    SATCHEL_EXIT_AFTER_FIRST_PAINT=1 "$APP" 2>"$WORK/log" >/dev/null || true
    end=$(date +%s%N)
    inside=$(grep -o 'first paint of the wallet.*' "$WORK/log" || { echo "no first paint logged:"; tail -n 5 "$WORK/log"; })
    echo "run $run: launch to exit after first paint $(((end - start) / 1000000)) ms; app says: $inside"
  done
  "$APP" 2>"$WORK/log" >/dev/null &
  PID=$!
  for _ in $(seq 1 100); do grep -q 'first paint' "$WORK/log" && break; sleep 0.1; done
  sleep 3
  echo "memory 3 s after first paint: app process RSS $(($(awk '/^VmRSS/ {print $2}' /proc/$PID/status) / 1024)) MiB; app + WebKit processes RSS $(tree_mem "$PID" VmRSS) MiB, PSS $(tree_mem "$PID" Pss) MiB"
  kill "$PID"; wait "$PID" 2>/dev/null || true
done
