#!/usr/bin/env bash
# make test: unit tests (arguments) then integration tests; one closing line.
set -u
cd "$(dirname "$0")/.."
unit_out=$(mktemp); integ_out=$(mktemp)
bash tests/run-unit.sh "$@" | tee "$unit_out"; urc=${PIPESTATUS[0]}
bash tests/run-integration.sh | tee "$integ_out"; irc=${PIPESTATUS[0]}
p=$(( $(grep -c '  PASS  ' "$unit_out") + $(grep -c '  PASS  ' "$integ_out") ))
f=$(( $(grep -c '  FAIL  ' "$unit_out") + $(grep -c '  FAIL  ' "$integ_out") ))
s=$(grep -c '  SKIP  ' "$integ_out")
rm -f "$unit_out" "$integ_out"
echo "$p passed, $f failed, $s skipped"
[ "$urc" -eq 0 ] && [ "$irc" -eq 0 ]
