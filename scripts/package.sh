#!/usr/bin/env bash
# Builds the Debian package of Satchel with the Tauri bundler:
# $CARGO_TARGET_DIR/debian/satchel_<version>_amd64.deb, holding the app
# (/usr/bin/satchel-app, its desktop entry, icons, AppStream metadata and the
# .jwt file type) and the command-line tool (/usr/bin/satchel, its man pages
# and bash/zsh/fish completions).
#
# It packages the debug-profile build the tests and the end-to-end tests use
# (dependencies at opt-level 2): in CI the package costs no second compile.
# The binaries are stripped copies, so the build itself is left as it was.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
bash scripts/install-deps.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

VERSION="$(jq -r .version src-tauri/tauri.conf.json)"
DEB_NAME="satchel_${VERSION}_amd64.deb"

# The same build as scripts/e2e.sh: nothing to do when it already ran.
cargo build -p satchel-app -p satchel --bins --locked

if ! bash scripts/licenses.sh --check; then
  echo "package: the package gets a fresh list; the About box shows the committed one until it is regenerated" >&2
fi

# Everything the bundler takes goes into a staging folder. The bundler reads
# the binaries from <target dir>/debug, so the staging folder serves as the
# target dir for the bundling step only.
STAGE="$CARGO_TARGET_DIR/package"
rm -rf "$STAGE"
mkdir -p "$STAGE/debug" "$STAGE/share"
for bin in satchel-app satchel; do
  strip --strip-unneeded --remove-section=.comment --remove-section=.note \
    -o "$STAGE/debug/$bin" "$CARGO_TARGET_DIR/debug/$bin"
done

# Man pages and completions, generated from the CLI's own argument parser.
"$STAGE/debug/satchel" generate-docs "$STAGE/share/cli"
cp packaging/linux/satchel-app.1 "$STAGE/share/cli/man/"
gzip -9n "$STAGE"/share/cli/man/*.1
# The licences of what is bundled, from the current Cargo.lock.
bash scripts/licenses.sh --out "$STAGE/share/third-party-licenses.txt" >/dev/null
# A Debian changelog entry for this version, dated by the last commit.
DATE="$(git log -1 --format=%aD 2>/dev/null || date -R)"
printf 'satchel (%s) unstable; urgency=medium\n\n  * Release %s of Satchel, the desktop app and the satchel command-line tool.\n\n -- The Satchel developers <satchel@example.org>  %s\n' \
  "$VERSION" "$VERSION" "$DATE" | gzip -9n >"$STAGE/share/changelog.gz"

# The generated files, added to the static ones in src-tauri/tauri.conf.json.
files="$(
  echo '"/usr/bin/satchel": "'"$STAGE/debug/satchel"'"'
  echo ', "/usr/share/doc/satchel/changelog.gz": "'"$STAGE/share/changelog.gz"'"'
  echo ', "/usr/share/doc/satchel/third-party-licenses.txt": "'"$STAGE/share/third-party-licenses.txt"'"'
  echo ', "/usr/share/bash-completion/completions/satchel": "'"$STAGE/share/cli/completions/satchel.bash"'"'
  echo ', "/usr/share/zsh/vendor-completions/_satchel": "'"$STAGE/share/cli/completions/_satchel"'"'
  echo ', "/usr/share/fish/vendor_completions.d/satchel.fish": "'"$STAGE/share/cli/completions/satchel.fish"'"'
  for page in "$STAGE"/share/cli/man/*.1.gz; do
    echo ', "/usr/share/man/man1/'"$(basename "$page")"'": "'"$page"'"'
  done
)"
echo '{"bundle": {"linux": {"deb": {"files": {'"$files"'}}}}}' | jq . >"$STAGE/package.conf.json"

# `tauri bundle` packages what is built; it compiles nothing. The bundler is
# npm's prebuilt @tauri-apps/cli (scripts/install-deps.sh installs it).
TAURI="$PWD/packaging/node_modules/.bin/tauri"
[ -x "$TAURI" ] || (cd packaging && npm ci --no-audit --no-fund --loglevel=error)
(cd src-tauri && CARGO_TARGET_DIR="$STAGE" "$TAURI" bundle --ci --debug --bundles deb --config "$STAGE/package.conf.json")

OUT="$CARGO_TARGET_DIR/debian"
mkdir -p "$OUT"
mv "$STAGE"/debug/bundle/deb/*_"${VERSION}"_amd64.deb "$OUT/$DEB_NAME"
echo "package: $OUT/$DEB_NAME ($(du -k "$OUT/$DEB_NAME" | cut -f1) KiB; installed $(dpkg-deb -f "$OUT/$DEB_NAME" Installed-Size) KiB)"
