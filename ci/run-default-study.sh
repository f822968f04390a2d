#!/usr/bin/env bash
# make run: the default overhead study (scenarios/default.json), then its
# report (HTML + Markdown with plots) and the knob recommendations, all
# under results/<run-id>/.
set -uo pipefail
cd "$(dirname "$0")/.."
hvperf=build/bin/hvperf
# hvperf names the run directory after the run id (results/<run-id>/); the
# new directory is the one that was not there before (stderr stays on the
# terminal, so the progress line shows)
mkdir -p results
before=$(ls results)
$hvperf run scenarios/default.json
rc=$?
dir=$(ls -t results | grep -vxF -- "$before" | head -n 1)
[ -n "$dir" ] && dir=results/$dir
if [ -z "$dir" ] || [ ! -f "$dir/results.json" ]; then
  echo "run-default-study: no results (hvperf run exit $rc)" >&2
  exit "$rc"
fi
$hvperf validate "$dir/results.json" || rc=1
$hvperf report "$dir/results.json" --format html --out "$dir" &&
  $hvperf report "$dir/results.json" --format md --out "$dir" ||
  { echo "run-default-study: hvperf report failed" >&2; rc=1; }
$hvperf recommend "$dir/results.json" --format md >"$dir/recommendations.md" ||
  { echo "run-default-study: hvperf recommend failed" >&2; rc=1; }
echo "results:         $dir/results.json"
echo "report:          $dir/report.html (and report.md)"
echo "recommendations: $dir/recommendations.md"
exit "$rc"
