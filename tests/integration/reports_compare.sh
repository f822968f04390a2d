#!/usr/bin/env bash
# hvperf compare on the checked-in fixtures: exit 1 on the injected 20%
# regression (ptrchase on micro-default), 0 on two runs of the same
# configuration, 2 on bad input; "too few repetitions" with 2 per side.
set -u
cd "$(dirname "$0")/../.."
hv=build/bin/hvperf
fx=results/fixtures
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

$hv compare $fx/run-a.json $fx/run-b-same.json >"$out/same.md"; rc=$?
[ $rc -eq 0 ] || fail "same configuration: exit $rc, want 0"
grep -q "0 regressions" "$out/same.md" || fail "same configuration: summary"

$hv compare $fx/run-a.json $fx/run-c-regress.json >"$out/regress.md"; rc=$?
[ $rc -eq 1 ] || fail "injected regression: exit $rc, want 1"
n=$(grep -c '^| regression | ptrchase .* | micro-default | latency_ns' "$out/regress.md")
[ "$n" -eq 4 ] || fail "want the 4 ptrchase/micro-default keys as regressions, got $n"
grep '^| regression' "$out/regress.md" | grep -vq 'micro-default' && fail "a regression outside the injected key"
grep -q '+2[0-9]\.[0-9]%\|+19\.[0-9]%' "$out/regress.md" || fail "change of about +20% not shown"

$hv compare $fx/run-a.json $fx/run-d-2reps.json --format txt >"$out/few.txt"; rc=$?
[ $rc -eq 0 ] || fail "2 repetitions: exit $rc, want 0"
grep -q "too few repetitions" "$out/few.txt" || fail "too few repetitions verdict"

# bad input: one clear line naming the file, exit 2
echo '{"schema":"hvperf-results/1","run":{},"samples":[{"workload":"x"}]}' >"$out/bad.json"
$hv compare $fx/run-a.json "$out/bad.json" >/dev/null 2>"$out/err"; rc=$?
[ $rc -eq 2 ] || fail "bad input: exit $rc, want 2"
[ "$(wc -l <"$out/err")" -eq 1 ] || fail "bad input: want one line on stderr"
grep -q "bad.json: samples\[0\]" "$out/err" || fail "bad input: message $(cat "$out/err")"
$hv compare $fx/run-a.json /nonexistent.json >/dev/null 2>&1; [ $? -eq 2 ] || fail "missing file"
$hv compare $fx/run-a.json $fx/run-b-same.json --threshold x >/dev/null 2>&1
[ $? -eq 2 ] || fail "bad --threshold"
# --out writes the same document
$hv compare $fx/run-a.json $fx/run-c-regress.json --out "$out/pr.md"; [ $? -eq 1 ] || fail "--out exit"
cmp -s "$out/pr.md" "$out/regress.md" || fail "--out differs from stdout"
echo "compare: same=0, regression=1 (4 keys), bad input=2"
