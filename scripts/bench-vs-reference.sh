#!/usr/bin/env bash
# Satchel against the reference JavaScript stack, side by side in one run:
# - `satchel verify` as one whole process over N credential files (default 440),
#   per credential, against the reference's warm mean per credential
#   (scripts/verify-with-digitalbazaar/bench.mjs: one warm node process);
# - a cold `satchel verify one.json` (whole process, median of 21 runs).
# Builds the release binaries it runs; needs `npm ci` in
# scripts/verify-with-digitalbazaar. Prints one line per measurement.
#
# Usage: scripts/bench-vs-reference.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-440}"
target="${CARGO_TARGET_DIR:-target}"
satchel="$target/release/satchel"
example="$target/release/examples/write_credentials"
# Always built (a no-op when fresh): a stale binary would measure old code.
cargo build --release --locked -p satchel --bin satchel --example write_credentials
[ -d scripts/verify-with-digitalbazaar/node_modules ] || { echo "run npm ci in scripts/verify-with-digitalbazaar first" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$example" "$work/creds" "$n"
files=("$work"/creds/*.json)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

now_ns() { date +%s%N; }

# Satchel: one process verifying every file (a wallet path that does not exist,
# so nothing is opened or created).
start=$(now_ns)
"$satchel" --wallet "$work/none.db" verify "${files[@]}" --json > "$work/satchel.json"
end=$(now_ns)
satchel_ms=$(( (end - start) / 1000 ))
verified=$(grep -o '"outcome": *"verified"' "$work/satchel.json" | wc -l)

ref=$(cd scripts/verify-with-digitalbazaar && node bench.mjs "${files[@]}")

# Cold single-file runs.
cold=()
for _ in $(seq 21); do
  s=$(now_ns)
  "$satchel" --wallet "$work/none.db" verify "${files[0]}" > /dev/null
  e=$(now_ns)
  cold+=($(( (e - s) / 1000 )))
done
cold_median=$(printf '%s\n' "${cold[@]}" | sort -n | sed -n 11p)

python3 - "$n" "$satchel_ms" "$verified" "$ref" "$cold_median" <<'PY'
import json, sys
n, satchel_us, verified, ref, cold_us = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]), int(sys.argv[5])
per = satchel_us / n / 1000
print(f"satchel verify, {n} files, one process: {satchel_us/1000:.1f} ms in all, {per:.3f} ms per credential ({verified} verified)")
print(f"reference (jsonld.js + @digitalbazaar/vc), warm mean: {ref['warm_mean_ms']:.3f} ms per credential ({ref['verified']} of {ref['count']} verified)")
print(f"ratio: {ref['warm_mean_ms'] / per:.1f}x faster per credential (target >= 20x)")
print(f"cold satchel verify one.json: {cold_us/1000:.1f} ms (median of 21; target < 15 ms)")
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
