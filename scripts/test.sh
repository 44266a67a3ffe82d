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
LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT

# A skip in CI is a failure: with CI set, any test cargo reports as ignored
# must be one the README lists as platform-specific (between the
# "platform-specific tests" markers), and the end-to-end run must skip none.
no_skips() { # LOG WHAT
  [ -n "${CI:-}" ] || return 0
  local allowed ignored bad
  allowed="$(sed -n '/<!-- platform-specific tests -->/,/<!-- end platform-specific tests -->/p' README.md |
    grep -o '`[A-Za-z0-9_:]*`' | tr -d '`')"
  ignored="$(sed -n 's/^test \(.*\) \.\.\. ignored.*$/\1/p' "$1")"
  bad="$(comm -23 <(sort -u <<<"$ignored" | sed '/^$/d') <(sort -u <<<"$allowed"))"
  if [ -n "$bad" ]; then
    echo "CI: $2 skipped tests the README does not list as platform-specific:" >&2
    echo "$bad" >&2
    return 1
  fi
  if grep -Eq '^(#|ℹ) (skipped|todo) [1-9]' "$1"; then
    echo "CI: $2 skipped tests: $(grep -E '^(#|ℹ) (pass|skipped|todo) ' "$1" | tr '\n' ' ')" >&2
    return 1
  fi
}

# The reference JavaScript stack: it verifies our bundles and issues a fresh
# corpus Satchel must agree on (tests/share.rs, tests/reference_corpus.rs).
(cd scripts/verify-with-digitalbazaar && npm ci --no-audit --no-fund --loglevel=error)
export SATCHEL_REQUIRE_REFERENCE=1

echo "== format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The About box's licence list must name every bundled crate.
bash scripts/licenses.sh --check || { echo "run scripts/licenses.sh and commit the list" >&2; exit 1; }

echo "== library, CLI and integration tests"
cargo test --workspace --locked 2>&1 | tee "$LOGS/cargo-test.log"
no_skips "$LOGS/cargo-test.log" "cargo test"

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

echo "== the browser verifier: its interface under Node, then the pages in Chromium and WebKitGTK"
cargo build --workspace --bins --locked
SATCHEL_CLI="$CARGO_TARGET_DIR/debug/satchel" node --test tests/wasm/ 2>&1 | tee "$LOGS/wasm.log"
no_skips "$LOGS/wasm.log" "the wasm interface tests"
bash scripts/pages.sh 2>&1 | tee "$LOGS/pages.log"
no_skips "$LOGS/pages.log" "the page tests"

echo "== end-to-end tests of the desktop app"
bash scripts/e2e.sh 2>&1 | tee "$LOGS/e2e.log"
no_skips "$LOGS/e2e.log" "the end-to-end run"

echo "== the Debian package: build, lintian, install, Open with, remove (the wallet stays)"
bash scripts/package-test.sh 2>&1 | tee "$LOGS/package.log"
no_skips "$LOGS/package.log" "the package test"
