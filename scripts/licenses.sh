#!/usr/bin/env bash
# Writes the list of components bundled into Satchel (every crate the app and
# the CLI link on Linux) with each one's licence, from Cargo's own metadata:
# src-tauri/third-party-licenses.txt, shown in the app's About box and
# installed by the package. Run it after changing dependencies and commit the
# result; `--check` only says whether the committed list is current;
# `--out FILE` writes the list to FILE instead (packaging).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=src-tauri/third-party-licenses.txt

list() {
  cargo tree --locked -e normal -p satchel-app -p satchel --target x86_64-unknown-linux-gnu \
    --prefix none --no-dedupe --format '{p}|{l}' |
    sed -E 's/^([^ ]+ v[^ |]+)( \([^)]*\))?\|/\1: /' | grep -v -e '^satchel' -e '^$' | LC_ALL=C sort -u
}

if [ "${1:-}" = --check ]; then
  if ! diff -q <(list) "$OUT" >/dev/null; then
    echo "licenses: $OUT is out of date with Cargo.lock; run bash scripts/licenses.sh and commit it" >&2
    exit 1
  fi
  exit 0
fi
if [ "${1:-}" = --out ]; then OUT="$2"; fi
list >"$OUT"
echo "licenses: $(wc -l <"$OUT") components written to $OUT"
