#!/usr/bin/env bash
# Runs every test of Satchel on a fresh Debian machine: installs what is needed
# (system packages, cargo tools, npm packages), then lints, runs the library,
# CLI and integration tests, and drives the desktop app end to end under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

# One build cache for every run on this machine (CI clones afresh each time).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/satchel/target}"
export CARGO_TERM_COLOR=never

# The reference JavaScript verifier the bundle interop test runs.
(cd scripts/verify-with-digitalbazaar && npm ci --no-audit --no-fund --loglevel=error)
export SATCHEL_REQUIRE_REFERENCE=1

echo "== format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== library, CLI and integration tests"
cargo test --workspace --locked

echo "== the learner key in a real OS keyring (a private D-Bus session and keyring)"
# The test binary built above, run directly: `cargo test --test keyring`
# resolves a narrower feature set and would rebuild half the tree.
KEYRING_TEST="$(cargo test --workspace --locked --no-run --message-format=json 2>/dev/null |
  grep '"name":"keyring"' | grep -o '"executable":"[^"]*"' | cut -d'"' -f4)"
[ -x "$KEYRING_TEST" ] || { echo "keyring test binary not found" >&2; exit 1; }
KEYRING_HOME="$(mktemp -d)"
XDG_DATA_HOME="$KEYRING_HOME" KEYRING_TEST="$KEYRING_TEST" dbus-run-session -- bash -c '
  printf satchel-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && sleep 1 &&
  "$KEYRING_TEST" --ignored'
rm -rf "$KEYRING_HOME"

echo "== end-to-end tests of the desktop app"
bash scripts/e2e.sh
