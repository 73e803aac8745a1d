#!/usr/bin/env bash
# Renders the HTML report of each bundled dataset and screenshots it with headless Chromium,
# for looking at the charts by eye.
#
#   Tests/Scripts/render-html.sh [OUTDIR]     (default OUTDIR: /tmp/emimpute-html)
#
# Writes OUTDIR/<dataset>.html and OUTDIR/<dataset>.png (and the completed CSV and
# Chromium's log next to them). Needs the Debian package
# `chromium` (apt-get install -y chromium). Set SCRATCH to choose the build directory
# (default .build-html), WIDTH/HEIGHT for the window size (default 1280×4000, tall
# enough for the whole page of each bundled dataset). UPDATE_DOCS_IMAGE=1 also refreshes
# Docs/images/report-airquality.png (see the end of this script).
set -euo pipefail

cd "$(dirname "$0")/../.."
out="${1:-/tmp/emimpute-html}"
scratch="${SCRATCH:-.build-html}"
width="${WIDTH:-1280}"
height="${HEIGHT:-4000}"
mkdir -p "$out"

# Logs and the completed CSVs go to files in OUTDIR, never to /dev/null.
if ! chromium_path=$(command -v chromium); then
    echo "render-html.sh: chromium is not installed; installing it (apt-get install -y chromium; log: $out/apt.log)" >&2
    apt-get install -y chromium >"$out/apt.log"
fi

swift build --scratch-path "$scratch" --product emimpute >&2
bin="$(swift build --scratch-path "$scratch" --show-bin-path)/emimpute"

render() {
    local name="$1"; shift
    "$bin" impute "$@" --html "$out/$name.html" -o "$out/$name-completed.csv" --quiet
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --screenshot="$out/$name.png" --window-size="$width,$height" \
        "file://$out/$name.html" >"$out/$name-chromium.log" 2>&1
    echo "$out/$name.html  $out/$name.png"
}

render airquality Datasets/airquality.csv
render penguins Datasets/penguins.csv
render survey Datasets/survey.csv --na -99 --exclude respondent_id

# With UPDATE_DOCS_IMAGE=1, also refresh Docs/images/report-airquality.png (referenced from
# Docs/Report.md): the airquality screenshot trimmed of its blank margins, scaled to 1000 px
# wide and reduced to a 256-colour palette to stay small. Needs python3 with Pillow
# (Debian: apt-get install -y python3-pil).
if [ "${UPDATE_DOCS_IMAGE:-0}" = 1 ]; then
    /usr/bin/python3 - "$out/airquality.png" Docs/images/report-airquality.png <<'PY'
import sys
from PIL import Image, ImageChops
source, target = sys.argv[1], sys.argv[2]
image = Image.open(source).convert("RGB")
box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
image = image.crop((max(0, box[0] - 24), 0, min(image.size[0], box[2] + 24), box[3] + 24))
image = image.resize((1000, round(image.size[1] * 1000 / image.size[0])), Image.LANCZOS)
image.quantize(colors=256, method=Image.FASTOCTREE, dither=Image.NONE).save(target, optimize=True)
print(target)
PY
fi
