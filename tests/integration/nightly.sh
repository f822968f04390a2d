#!/usr/bin/env bash
# ci/nightly end to end on the quick scenario: the first night stores the
# baseline; the second compares against it (default alpha 0.01: exit 0) and
# writes the history; a baseline doctored to be 3x faster makes the third
# night a regression (exit 1) with the verdict in compare.md.
set -u
cd "$(dirname "$0")/../.."
[ -e /dev/kvm ] || { echo "skip: /dev/kvm is missing on this host"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
night() { ci/nightly --quick --scenario scenarios/quick.json --dir "$tmp/n" \
	--baseline "$tmp/base.json" "$@" >"$tmp/log" 2>&1; rc=$?; cat "$tmp/log"; }

night --update-baseline
[ "$rc" -eq 0 ] || fail "first night exit $rc"
[ -f "$tmp/base.json" ] || fail "baseline not stored"

night
[ "$rc" -eq 0 ] || fail "second night against its own baseline exit $rc"
last=$(ls -d "$tmp"/n/2*/ | tail -n 1)
[ -s "$last/compare.md" ] && [ -s "$last/report.html" ] || fail "compare.md or report missing in $last"
[ -s "$tmp/n/history.md" ] || fail "history.md missing"

# the baseline claims 3x the throughput and a third of the latency; with 3
# repetitions a side the exact Mann-Whitney p is at best 0.1, so this night
# uses alpha 0.2, and a 50% threshold that run-to-run noise does not reach
python3 - "$tmp/base.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["samples"]:
    if isinstance(s.get("value"), (int, float)):
        s["value"] = s["value"] * 3 if s["higher_is_better"] else s["value"] / 3
json.dump(d, open(sys.argv[1], "w"))
PY
night --alpha 0.2 --threshold 50%
[ "$rc" -eq 1 ] || fail "a 3x regression should exit 1, got $rc"
last=$(ls -d "$tmp"/n/2*/ | tail -n 1)
grep -qi "regression" "$last/compare.md" || fail "compare.md names no regression"
echo "nightly: baseline, no-change and regression verdicts as expected"
