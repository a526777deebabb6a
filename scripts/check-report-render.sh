#!/usr/bin/env bash
# Renders a flightlab bench HTML report with headless Chromium and checks the screenshot.
#
#   scripts/check-report-render.sh [REPORT.html] [SCREENSHOT.png]
#
# Without REPORT, runs a tiny sweep (`./flightlab bench ...`) to make one. Installs Debian's
# chromium package when no chromium is on the PATH (needs root, or sudo, and apt). Fails when
# Chromium cannot render the page or the screenshot is blank. Look at the PNG yourself too.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

report="${1:-}"
shot="${2:-$here/target/report-screenshot.png}"
mkdir -p "$(dirname "$shot")"

if [ -z "$report" ]; then
  report="$here/target/report-check.html"
  echo "check-report-render: making $report with a tiny sweep..." >&2
  "$here/flightlab" bench --rows 20000 --batch-rows 1024 --warmup 1 --iterations 3 \
    --sweep batch-rows=1024,4096 --sweep streams=1,2 --quiet \
    --output "$here/target/report-check.json" --report "$report" >&2
fi
[ -s "$report" ] || { echo "check-report-render: no report at $report" >&2; exit 1; }

browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser="$b"; break; fi
done
if [ -z "$browser" ]; then
  echo "check-report-render: installing chromium (apt-get)..." >&2
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >&2
  browser=chromium
fi

rm -f "$shot"
# The report is self-contained: no network is needed, and none is allowed to be used.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
  --user-data-dir="$work/profile" --window-size=1200,2400 \
  --screenshot="$shot" "file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")" \
  >"$work/chromium.log" 2>&1 || { cat "$work/chromium.log" >&2; exit 1; }
[ -s "$shot" ] || { echo "check-report-render: no screenshot" >&2; cat "$work/chromium.log" >&2; exit 1; }

# A rendered page has many colours; a blank or failed one has one or two.
colours=$(python3 - "$shot" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, []
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat.append(body)
    pos += 12 + n
assert depth == 8 and ctype in (2, 6), "unexpected PNG type"
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(b"".join(idat)), width * bpp
prev, seen = bytearray(stride), set()
for y in range(height):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 5 == 0:
        for x in range(0, stride, bpp * 3):
            seen.add(bytes(line[x:x + 3]))
    prev = line
print(len(seen))
PY
)
echo "check-report-render: $shot: $colours distinct colours sampled" >&2
if [ "$colours" -lt 8 ]; then
  echo "check-report-render: the screenshot looks blank" >&2
  exit 1
fi
echo "$shot"
