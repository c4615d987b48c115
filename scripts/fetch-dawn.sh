#!/usr/bin/env bash
# Fetches Dawn (Google's WebGPU implementation) as the prebuilt shared library inside the npm package
# bun-webgpu-linux-x64, using npm's own client, into a per-version cache folder. Idempotent.
# Prints the absolute path of libwebgpu_wrapper.so on its last line of stdout.
# Usage: scripts/fetch-dawn.sh [cache-root]   (default: ${XDG_CACHE_HOME:-~/.cache}/wgllama/dawn)
set -euo pipefail
VERSION=0.1.7
PKG=bun-webgpu-linux-x64
ROOT="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/wgllama/dawn}"
DIR="$ROOT/$VERSION"
LIB="$DIR/libwebgpu_wrapper.so"
if [ -s "$LIB" ]; then
  echo "$LIB"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-dawn: npm is not installed (apt-get install npm)" >&2; exit 2; }
mkdir -p "$DIR"
TMP="$(mktemp -d "$DIR/.fetch.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
# npm pack downloads the tarball only (no install scripts run); send its chatter to stderr.
(cd "$TMP" && npm pack --silent "$PKG@$VERSION" >&2)
tar -xzf "$TMP/$PKG-$VERSION.tgz" -C "$TMP" package/libwebgpu_wrapper.so package/LICENSE
mv "$TMP/package/LICENSE" "$DIR/LICENSE"
# Rename last so a concurrent or interrupted run never leaves a truncated library at the final path.
mv "$TMP/package/libwebgpu_wrapper.so" "$LIB.part.$$"
mv "$LIB.part.$$" "$LIB"
echo "$LIB"
