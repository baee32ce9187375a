#!/usr/bin/env bash
# Copy the pinned front-end files out of their npm packages into web/static/vendor/.
#
# Deployments often run on closed government networks, so pages never load anything
# from a CDN: the minified files (and their licences) are committed instead. Run this
# script only to change a version; keep the pins in step with package.json.
#
#   scripts/vendor_assets.sh            # fetch with `npm pack`, copy, print sha256 sums
set -euo pipefail

HTMX_VERSION="2.0.11"
ECHARTS_VERSION="5.6.0"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/src/shigongtu/web/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

command -v npm >/dev/null || { echo "vendor_assets.sh: npm is required" >&2; exit 1; }

# fetch NAME VERSION DIR: unpack the registry tarball of NAME@VERSION into $work/DIR.
fetch() {
    local name="$1" version="$2" dir="$3"
    mkdir -p "$work/$dir"
    (cd "$work" && npm pack --silent "$name@$version" >"$dir.tgz.name")
    tar -xzf "$work/$(cat "$work/$dir.tgz.name")" -C "$work/$dir" --strip-components=1
}

# copy SRC DEST: copy one file, failing loudly if the package layout changed.
copy() {
    [[ -f "$1" ]] || { echo "vendor_assets.sh: missing $1 (package layout changed?)" >&2; exit 1; }
    install -m 0644 "$1" "$2"
}

fetch htmx.org "$HTMX_VERSION" htmx
fetch echarts "$ECHARTS_VERSION" echarts

mkdir -p "$dest/htmx" "$dest/echarts"
rm -f "$dest"/htmx/* "$dest"/echarts/*
copy "$work/htmx/dist/htmx.min.js" "$dest/htmx/htmx.min.js"
copy "$work/htmx/LICENSE" "$dest/htmx/LICENSE"
copy "$work/echarts/dist/echarts.min.js" "$dest/echarts/echarts.min.js"
copy "$work/echarts/LICENSE" "$dest/echarts/LICENSE"
copy "$work/echarts/NOTICE" "$dest/echarts/NOTICE"  # Apache-2.0 asks for NOTICE alongside

cat >"$dest/VERSIONS" <<VERSIONS
# Written by scripts/vendor_assets.sh; do not edit by hand.
htmx.org $HTMX_VERSION
echarts $ECHARTS_VERSION
VERSIONS

(cd "$dest" && sha256sum htmx/* echarts/*)
