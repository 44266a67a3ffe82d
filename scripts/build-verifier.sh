#!/usr/bin/env bash
# Writes the published verifier site into the build outputs:
# $CARGO_TARGET_DIR/site/verifier.html (the page `satchel export verifier`
# writes) and index.html (the same page), for the release workflow to deploy
# as a static site at PUBLISHED_VERIFIER_URL (src/share/page.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --bin satchel --locked
SITE="$CARGO_TARGET_DIR/site"
mkdir -p "$SITE"
"$CARGO_TARGET_DIR/debug/satchel" export verifier -o "$SITE/verifier.html"
cp "$SITE/verifier.html" "$SITE/index.html"
echo "build-verifier: $SITE/verifier.html ($(wc -c <"$SITE/verifier.html") bytes)"
