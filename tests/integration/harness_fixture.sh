#!/usr/bin/env bash
# hvperf run end to end on the fixture workloads (tests/fixtures/harness):
# samples and skips, validation, a failing workload, a bad scenario (exit 2),
# and a run killed with SIGKILL then continued with --resume.
set -euo pipefail
cd "$(dirname "$0")/../.."
hvperf=build/bin/hvperf
fx=tests/fixtures/harness
export HVPERF_MANIFEST=$fx/manifest.json HVPERF_WORKLOADS=$fx/workloads CI=true
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# 1. a normal run validates; linux configs are skipped with a reason
$hvperf run $fx/scenario.json --out "$tmp/a" 2>"$tmp/a.log"
$hvperf validate "$tmp/a/results.json" | tee "$tmp/a.valid"
grep -q '^valid: 9 samples' "$tmp/a.valid"

# 2. bad input: one line on stderr naming file and JSON path, exit 2
set +e
HVPERF_MANIFEST=tests/fixtures/scenarios/manifest.json \
  $hvperf run tests/fixtures/scenarios/bad/guest-page-size-on-native.json 2>"$tmp/bad.err"
rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "bad scenario: exit $rc, expected 2"; exit 1; }
[ "$(wc -l <"$tmp/bad.err")" -eq 1 ]
grep -q 'guest-page-size-on-native.json: \$.configurations\[0\].knobs.guest_page_size' "$tmp/bad.err"

# 3. a failing workload is recorded in failures, exit 3, still valid
cat >"$tmp/fail.json" <<'J'
{"workloads": ["fakefail", "fakemem"], "configurations": [{"env": "native"}],
 "repetitions": {"min": 2, "warmup": 0}}
J
set +e
$hvperf run "$tmp/fail.json" --out "$tmp/f" 2>/dev/null
rc=$?
set -e
[ "$rc" -eq 3 ] || { echo "failing workload: exit $rc, expected 3"; exit 1; }
grep -q 'deliberate failure' "$tmp/f/results.json"
$hvperf validate "$tmp/f/results.json"

# 4. kill -9 in the middle, then --resume: same run id, nothing repeated
cat >"$tmp/long.json" <<'J'
{"workloads": ["fakecpu"], "configurations": [{"name": "n1", "env": "native"},
 {"name": "n2", "env": "native"}], "repetitions": {"min": 8, "warmup": 0, "max": 8}}
J
$hvperf run "$tmp/long.json" --out "$tmp/r" 2>/dev/null &
pid=$!
for _ in $(seq 1 200); do
  n=$(grep -c '"repetition"' "$tmp/r/results.json" 2>/dev/null || true)
  [ "${n:-0}" -ge 4 ] && break
  sleep 0.05
done
kill -9 $pid; wait $pid 2>/dev/null || true
before=$(grep -c '"repetition"' "$tmp/r/results.json")
id=$(grep -m1 '"id"' "$tmp/r/results.json")
echo "killed after $before samples"
[ "$before" -ge 4 ] && [ "$before" -lt 16 ]
$hvperf run --resume "$tmp/r" 2>/dev/null
[ "$(grep -c '"repetition"' "$tmp/r/results.json")" -eq 16 ]
[ "$(grep -m1 '"id"' "$tmp/r/results.json")" = "$id" ]
$hvperf validate "$tmp/r/results.json"
echo "harness_fixture: ok"
