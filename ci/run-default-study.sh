#!/usr/bin/env bash
# make run: the default overhead study, then its report.
set -uo pipefail
cd "$(dirname "$0")/.."
hvperf=build/bin/hvperf
id=$(date -u +%Y%m%d-%H%M%S)-$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')
dir=results/$id
$hvperf run scenarios/default.json --out "$dir"
rc=$?
if [ ! -f "$dir/results.json" ]; then
  echo "run-default-study: no results (hvperf run exit $rc)" >&2
  exit "$rc"
fi
$hvperf validate "$dir/results.json" || rc=1
if $hvperf --help | grep -q '^  report '; then
  $hvperf report "$dir/results.json" --format html >"$dir/report.html" &&
    $hvperf report "$dir/results.json" --format md >"$dir/report.md" &&
    echo "report: $dir/report.html and $dir/report.md" ||
    { echo "run-default-study: hvperf report failed" >&2; rc=1; }
else
  echo "run-default-study: 'hvperf report' is not available in this build; skipping the report (results: $dir/results.json)"
fi
echo "results: $dir/results.json"
exit "$rc"
