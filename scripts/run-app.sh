#!/usr/bin/env bash
# Installs what Satchel needs, builds the desktop app and starts it. Without a
# display (a server, CI) it runs under Xvfb; screenshots then need `import`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo build -p satchel-app --release --locked
APP="${CARGO_TARGET_DIR:-$PWD/target}/release/satchel-app"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run-app: no display; starting Xvfb on :77" >&2
  Xvfb :77 -screen 0 1280x860x24 -nolisten tcp &
  export DISPLAY=:77
fi
exec "$APP" "$@"
