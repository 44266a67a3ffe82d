#!/usr/bin/env bash
# Makes every icon size the freedesktop icon theme uses (hicolor: 16 to 256
# pixels; icons/icon.png itself is the 512 one) from the one source image,
# icons/icon.png. Run after changing it and commit the results.
set -euo pipefail
cd "$(dirname "$0")/.."
for n in 16 22 24 32 48 64 96 128 256; do
  convert icons/icon.png -filter Lanczos -resize "${n}x${n}" -strip -define png:color-type=6 "icons/${n}x${n}.png"
done
echo "icons: made $(ls icons/*x*.png | wc -l) sizes from icons/icon.png"
