#!/usr/bin/env bash
# bench/harness: the cost of measurement. One run of a CPU workload with
# PMU counters (perf_event_open, inherit, enable_on_exec) and without,
# interleaved, then the ratio of medians with a 95% bootstrap CI.
# Target: under 1% (ratio within [0.99, 1.01] for ops/s).
#   bash bench/harness.sh [WORKLOAD] [REPETITIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
w=${1:-intops}
reps=${2:-15}
hvperf=build/bin/hvperf
[ -x $hvperf ] || { echo "bench/harness: build first (make)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/s.json" <<J
{"name": "harness-overhead", "workloads": ["$w"],
 "configurations": [
  {"name": "{env}-counters", "env": "native"},
  {"name": "native-nocounters", "env": "native", "counters": false},
  {"name": "micro-counters", "env": "micro"},
  {"name": "micro-nocounters", "env": "micro", "counters": false}],
 "repetitions": {"min": $reps, "warmup": 1, "max": $reps}}
J
sed -i 's/{env}-counters/native-counters/' "$tmp/s.json"
CI=true $hvperf run "$tmp/s.json" --out "$tmp/r" >/dev/null 2>"$tmp/log" || cat "$tmp/log" >&2
echo "cost of measurement, $w, $reps interleaved repetitions each:"
$hvperf overhead "$tmp/r/results.json" native-nocounters native-counters
$hvperf overhead "$tmp/r/results.json" micro-nocounters micro-counters 2>/dev/null ||
  echo "micro: not measured: $(grep -A1 '"config": "micro-counters"' "$tmp/r/results.json" | grep -o '"reason": .*' | head -1)"
