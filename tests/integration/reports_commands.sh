#!/usr/bin/env bash
# report (md, txt, html), history, recommend and plan produce their output
# from the checked-in fixtures.
set -u
cd "$(dirname "$0")/../.."
hv=build/bin/hvperf
fx=results/fixtures
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# report: every layer, ratios with CIs, waterfall, counters with reasons
$hv report $fx/run-a.json --format md --out "$out/r" || fail "report md exit $?"
md=$out/r/report.md
for l in cpu memory storage network; do grep -q "^## Layer: $l" "$md" || fail "layer $l"; done
grep -q "cycles: unavailable: PMU not virtualized on this host" "$md" || fail "PMU reason"
grep -q "| micro-hugetlb-2m | guest_page_size=2m, mem_backing=hugetlb-2m | 5 |" "$md" || fail "knob diff row"
grep -q "KVM exits / unit" "$md" || fail "KVM exits table"
grep -q "blk_backend=io_uring" "$md" || fail "storage knob"
for p in bars-memory waterfall-05-ptrchase_working_set_64M sweep-memory-ptrchase sweep-storage-blkio; do
	for e in png svg; do
		[ -s "$out/r/plots/$p.$e" ] || fail "plot $p.$e missing"
	done
	grep -q "(plots/$p.png)" "$md" || fail "link to $p"
done
file "$out/r/plots/bars-memory.png" | grep -q "PNG image" || fail "not a PNG"
grep -q "<svg" "$out/r/plots/bars-memory.svg" || fail "not an SVG"
ls "$out/r" | grep -q tmp && fail "temp files left behind"

$hv report $fx/run-a.json --format txt --out "$out/t" || fail "report txt exit $?"
grep -q "ratio to native (95% CI)" "$out/t/report.txt" || fail "txt table"

$hv report $fx/run-a.json --format pdf >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad --format"
$hv report /nonexistent >/dev/null 2>&1; [ $? -eq 2 ] || fail "missing input"

# history: the step on night 7 is found, the flat series are not flagged
$hv history $fx/history/* --out "$out/h" >/dev/null || fail "history exit $?"
h=$out/h/history.md
grep "ptrchase working_set=64M | micro-default" "$h" | grep -q "from run 20261107-011500-nightly" \
	|| fail "change point at night 7 not found: $(grep micro-default "$h")"
grep "ptrchase working_set=64M | native" "$h" | grep -q "| none |" || fail "false change point"
[ "$(ls "$out/h/plots/"*.png | wc -l)" -eq 4 ] || fail "history plots"
$hv history $fx/history/night-a >/dev/null 2>&1; [ $? -eq 2 ] || fail "one run must be refused"

# recommend: hugetlb helps ptrchase, pinning makes no significant difference
$hv recommend $fx/run-a.json >"$out/rec.md" || fail "recommend exit $?"
grep -q "hv run --mem-backing hugetlb-2m" "$out/rec.md" || fail "setting to apply"
grep -q "side channel" "$out/rec.md" || fail "KSM trade-off"
grep -q "No significant difference from the VM default on any of the 6" "$out/rec.md" \
	|| fail "pin=auto should be no significant difference"
grep -q "Not recommended" "$out/rec.md" || fail "overcommit/ksm should not be recommended"

# plan: measured inputs named, arithmetic visible
$hv plan $fx/run-a.json --host-mem 24G --host-cpus 2 --cpu-ratio 8 --vm 256M >"$out/plan.md" \
	|| fail "plan exit $?"
grep -q "hv overhead per VM | 8.9M | measured" "$out/plan.md" || fail "hv overhead"
grep -q "^| 1.00 | 264.9M | 92 |" "$out/plan.md" || fail "1.0 row: $(grep '^| 1.00' "$out/plan.md")"
grep -q "^| 1.25 .* not measured |" "$out/plan.md" || fail "unmeasured ratio must say so"
grep -q "balloon reclaim | not used | absent" "$out/plan.md" || fail "absent input"
$hv plan $fx/run-a.json --host-mem 24G --host-cpus 2 --vm 4Q >/dev/null 2>&1
[ $? -eq 2 ] || fail "bad --vm"
echo "report/history/recommend/plan produced their output"
