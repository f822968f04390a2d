#!/usr/bin/env bash
# The HTML report is one self-contained file: every plot embedded as a PNG
# data URI, no external resources, and it renders in headless Chromium
# without errors (screenshot taken and checked not to be blank).
set -u
cd "$(dirname "$0")/../.."
hv=build/bin/hvperf
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

$hv report results/fixtures/run-a.json --out "$out" >/dev/null || fail "report exit $?"
html=$out/report.html
[ -s "$html" ] || fail "no report.html"
nplots=$(ls "$out/plots/"*.png | wc -l)
nimg=$(grep -o 'src="data:image/png;base64,' "$html" | wc -l)
[ "$nplots" -ge 10 ] || fail "only $nplots plots"
[ "$nimg" -eq "$nplots" ] || fail "$nimg embedded images for $nplots plots"
grep -q "plot unavailable" "$html" && fail "a plot could not be embedded"
grep -Eiq '(src|href)="(https?:|//|file:)|<link |<script' "$html" && fail "external resource in the HTML"
grep -q "PMU</td><td>unavailable: PMU not virtualized on this host" "$html" || fail "host facts at the top"
# the first embedded image decodes to a PNG
grep -o 'base64,[^"]*' "$html" | head -n 1 | cut -c8- | base64 -d >"$out/first.png" 2>/dev/null
file "$out/first.png" | grep -q "PNG image data" || fail "embedded image is not a PNG"

chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "chromium not installed (ci/deps.sh installs it)"; exit 77; }
# the report must open offline: move it away from its plots directory
mkdir "$out/alone" && cp "$html" "$out/alone/report.html"
profile=$(mktemp -d)
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
	--disable-background-networking --disable-component-update --disable-sync \
	--no-first-run --user-data-dir="$profile" --enable-logging=stderr --v=0 \
	--window-size=1280,2400 --screenshot="$out/shot.png" \
	"file://$out/alone/report.html" >"$out/chromium.log" 2>&1
rc=$?
rm -rf "$profile"
[ $rc -eq 0 ] || { cat "$out/chromium.log"; fail "chromium exit $rc"; }
# page errors: console errors, failed loads, broken images
if grep -Ei 'CONSOLE|Uncaught|net::ERR_|Failed to load|Not allowed to load' "$out/chromium.log"; then
	fail "chromium reported errors"
fi
[ -s "$out/shot.png" ] || fail "no screenshot"
file "$out/shot.png" | grep -q "PNG image data, 1280 x 2400" || fail "screenshot: $(file "$out/shot.png")"
# a blank white page compresses to a few KiB; tables and plots do not
size=$(stat -c %s "$out/shot.png")
[ "$size" -gt 60000 ] || fail "screenshot looks blank ($size bytes)"
[ -n "${KEEP_SCREENSHOT:-}" ] && cp "$out/shot.png" "$KEEP_SCREENSHOT"
echo "html: $nimg plots embedded, screenshot $size bytes"
