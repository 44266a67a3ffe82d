#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser of outside bytes with AFL++ on the
# stable toolchain: `bash scripts/fuzz.sh SECONDS [TARGET...]` runs each target
# (all of them by default) for SECONDS, one after the other, starting from
# the committed corpus in fuzz/corpus/TARGET. Installs what it needs
# (cargo-afl from crates.io, which builds its own AFL++), builds fuzz/ with
# AFL instrumentation (profile `fuzz`, in $CARGO_TARGET_DIR), and prints per
# target the executions, the coverage reached and what was found. Exits 1
# when any target crashed or hung; the inputs are copied to
# fuzz/found/TARGET/ to become regression seeds in fuzz/corpus/TARGET/.
#
#   bash scripts/fuzz.sh seeds   # regenerate the generated seeds (QR, bundle, backup)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
AFL_VERSION=0.18.2

if ! cargo afl --version 2>/dev/null | grep -q "$AFL_VERSION"; then
  cargo install cargo-afl --version "$AFL_VERSION" --locked
fi
# cargo-afl builds AFL++ (afl-fuzz and its runtime) once per rustc version.
if ! out="$(cargo afl config --build 2>&1)" && ! grep -q 'already built' <<<"$out"; then
  echo "$out" >&2
  exit 1
fi

# Instrumented build; AFL_OPT_LEVEL 2 builds faster than cargo-afl's 3 on two
# cores. An explicit --target keeps cargo-afl's flags (instrumentation, one
# codegen unit) off build scripts and proc macros, which never see fuzz input.
# Not --locked: fuzz/Cargo.lock follows the main crate's dependencies, so a
# dependency added there is added here when this runs.
HOST="$(rustc -vV | sed -n 's/^host: //p')"
(cd fuzz && AFL_OPT_LEVEL="${AFL_OPT_LEVEL:-2}" cargo afl build --profile fuzz --target "$HOST")
BIN="$CARGO_TARGET_DIR/$HOST/fuzz/satchel-fuzz"

if [ "${1:-}" = seeds ]; then
  for t in qr qr_image bundle backup backup_archive; do mkdir -p "fuzz/corpus/$t"; done
  "$BIN" seeds fuzz/corpus examples/credentials/01-university-data-science.json \
    examples/credentials/03-courses-machine-learning-ja.json tests/fixtures/qr-large-credential.json
  exit 0
fi

SECONDS_EACH="${1:?usage: scripts/fuzz.sh SECONDS [TARGET...] | seeds}"
shift
TARGETS=("$@")
if [ "${#TARGETS[@]}" = 0 ]; then
  TARGETS=(credential canon verify qr qr_image bundle backup backup_archive)
fi
OUT="$CARGO_TARGET_DIR/fuzz-out"
mkdir -p "$OUT"

dict_for() {
  case "$1" in
    credential|canon|verify|bundle) echo "-x fuzz/dict/credential.dict" ;;
    *) echo "" ;;
  esac
}

found=0
printf '%-15s %8s %10s %8s %8s %8s %7s %6s\n' target seconds execs execs/s edges coverage crashes hangs
for t in "${TARGETS[@]}"; do
  rm -rf "${OUT:?}/$t"
  # AFL_NO_UI: plain log lines; the crash-handler and CPU-governor checks are
  # for dedicated machines, not shared CI runners.
  # shellcheck disable=SC2046
  AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
    AFL_SKIP_CRASHES=1 AFL_QUIET=1 \
    cargo afl fuzz -V "$SECONDS_EACH" -i "fuzz/corpus/$t" -o "$OUT/$t" $(dict_for "$t") \
      -t 2000 -m 4096 -- "$BIN" "$t" >"$OUT/$t.log" 2>&1 || {
        echo "afl-fuzz failed for $t; last lines of $OUT/$t.log:" >&2
        tail -n 20 "$OUT/$t.log" >&2
        found=1
        continue
      }
  stats="$OUT/$t/default/fuzzer_stats"
  get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
  printf '%-15s %8s %10s %8s %8s %8s %7s %6s\n' "$t" "$(get run_time)" "$(get execs_done)" \
    "$(get execs_per_sec)" "$(get edges_found)" "$(get bitmap_cvg)" "$(get saved_crashes)" "$(get saved_hangs)"
  for kind in crashes hangs; do
    if compgen -G "$OUT/$t/default/$kind/id:*" >/dev/null; then
      mkdir -p "fuzz/found/$t"
      cp "$OUT/$t/default/$kind"/id:* "fuzz/found/$t/"
      found=1
    fi
  done
done
if [ "$found" != 0 ]; then
  echo "fuzz: something was found: see fuzz/found/ (each becomes a regression seed once fixed)" >&2
  exit 1
fi
echo "fuzz: ${#TARGETS[@]} targets, ${SECONDS_EACH}s each, nothing found"
