#!/usr/bin/env bash
# Proof that the Debian package installs and works as a learner uses it:
# builds it (scripts/package.sh), checks it with lintian (no errors allowed),
# installs it with dpkg (apt-get -f install for missing dependencies), drives
# the installed app under Xvfb through tauri-driver (tests/package: "Open with
# Satchel" and a second launch handing over its file, on a temporary wallet),
# then removes and purges the package and checks the wallet is still there.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

bash scripts/package.sh
VERSION="$(jq -r .version src-tauri/tauri.conf.json)"
DEB="$CARGO_TARGET_DIR/debian/satchel_${VERSION}_amd64.deb"

echo "== lintian (errors fail; warnings listed)"
lintian --fail-on error --no-tag-display-limit "$DEB"

echo "== install"
if ! $SUDO dpkg -i "$DEB"; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -f install -y -qq
fi
dpkg-query -W -f='${Status}\n' satchel | grep -q "install ok installed"
desktop-file-validate /usr/share/applications/Satchel.desktop
# Issuers' links open in Satchel (the desktop hands them over as arguments).
for s in openid-credential-offer dccrequest org.dcconsortium; do
  grep -q "^MimeType=.*x-scheme-handler/$s;" /usr/share/applications/Satchel.desktop \
    || { echo "package-test: $s links are not registered" >&2; exit 1; }
done
grep -q '^Exec=.* %U$' /usr/share/applications/Satchel.desktop
/usr/bin/satchel --version
test -f /usr/share/man/man1/satchel.1.gz
# No maintainer script that could touch the learner's files.
if dpkg-deb --ctrl-tarfile "$DEB" | tar -t | grep -E 'inst|rm'; then echo "package-test: unexpected maintainer scripts" >&2; exit 1; fi

WORK="$(mktemp -d)"
export SATCHEL_PACKAGE_WORK="$WORK"
export SATCHEL_WALLET="$WORK/wallet.sqlite3"
export SATCHEL_KEY_STORE=file
# A private session bus, so a second launch can find the running window.
read -r DBUS_SESSION_BUS_ADDRESS DBUS_PID < <(dbus-daemon --session --fork --print-address=1 --print-pid=1 | paste -sd' ')
export DBUS_SESSION_BUS_ADDRESS
DISPLAY_NUM=120
while [ -e "/tmp/.X11-unix/X$DISPLAY_NUM" ] || [ -e "/tmp/.X$DISPLAY_NUM-lock" ]; do DISPLAY_NUM=$((DISPLAY_NUM + 1)); done
PORT=4464
while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$((PORT + 1)); done
Xvfb ":$DISPLAY_NUM" -screen 0 1280x860x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 &
XVFB=$!
export DISPLAY=":$DISPLAY_NUM"
tauri-driver --port "$PORT" --native-port $((PORT + 1)) >"$WORK/driver.log" 2>&1 &
DRIVER=$!
cleanup() {
  kill "$DRIVER" "$XVFB" "$DBUS_PID" 2>/dev/null || true
  wait "$DRIVER" "$XVFB" 2>/dev/null || true
  rm -rf "$WORK"
  # Never leave the package installed behind a failed run.
  if dpkg-query -W satchel >/dev/null 2>&1; then $SUDO dpkg -P satchel >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done

echo "== the installed app: Open with Satchel, a second launch"
status=0
SATCHEL_APP=/usr/bin/satchel-app SATCHEL_WEBDRIVER="http://127.0.0.1:$PORT" \
  node --test --test-concurrency=1 tests/package/ || status=$?
if [ "$status" != 0 ]; then
  echo "package-test: failed; tauri-driver log:" >&2
  tail -n 40 "$WORK/driver.log" >&2 || true
  exit "$status"
fi
# The installed CLI reads the same wallet.
/usr/bin/satchel list --json | jq -e 'length == 1' >/dev/null

echo "== remove and purge: the wallet stays"
$SUDO dpkg -r satchel
if [ -e /usr/bin/satchel-app ] || [ -e /usr/bin/satchel ]; then echo "package-test: binaries left after removal" >&2; exit 1; fi
test -s "$SATCHEL_WALLET"
$SUDO dpkg -P satchel
test -s "$SATCHEL_WALLET"
echo "package-test: removed and purged; the wallet $SATCHEL_WALLET is still there ($(stat -c %s "$SATCHEL_WALLET") bytes)"
