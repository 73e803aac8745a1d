#!/usr/bin/env bash
# Renders the HTML report of each bundled dataset and screenshots it with headless Chromium,
# for looking at the charts by eye.
#
#   Tests/Scripts/render-html.sh [OUTDIR]     (default OUTDIR: /tmp/emimpute-html)
#
# Writes OUTDIR/<dataset>.html and OUTDIR/<dataset>.png. Needs the Debian package
# `chromium` (apt-get install -y chromium). Set SCRATCH to choose the build directory
# (default .build-html), WIDTH/HEIGHT for the window size (default 1280×2400).
set -euo pipefail

cd "$(dirname "$0")/../.."
out="${1:-/tmp/emimpute-html}"
scratch="${SCRATCH:-.build-html}"
width="${WIDTH:-1280}"
height="${HEIGHT:-2400}"
mkdir -p "$out"

if ! command -v chromium >/dev/null 2>&1; then
    echo "render-html.sh: chromium is not installed; installing it (apt-get install -y chromium)" >&2
    apt-get install -y chromium >/dev/null
fi

swift build --scratch-path "$scratch" --product emimpute >&2
bin="$(swift build --scratch-path "$scratch" --show-bin-path)/emimpute"

render() {
    local name="$1"; shift
    "$bin" impute "$@" --html "$out/$name.html" -o /dev/null --quiet
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --screenshot="$out/$name.png" --window-size="$width,$height" \
        "file://$out/$name.html" >/dev/null 2>&1
    echo "$out/$name.html  $out/$name.png"
}

render airquality Datasets/airquality.csv
render penguins Datasets/penguins.csv
render survey Datasets/survey.csv --na -99 --exclude respondent_id
