#!/usr/bin/env bash
# make test: unit tests (arguments) then integration tests; one closing line.
set -u
cd "$(dirname "$0")/.."
unit_out=$(mktemp); integ_out=$(mktemp)
bash tests/run-unit.sh "$@" | tee "$unit_out"; urc=${PIPESTATUS[0]}
bash tests/run-integration.sh | tee "$integ_out"; irc=${PIPESTATUS[0]}
count() { grep -Ec "^(unit|integ) +$1 " "$unit_out" "$integ_out" | awk -F: '{ n += $2 } END { print n + 0 }'; }
p=$(count PASS)
f=$(count FAIL)
s=$(count SKIP)
rm -f "$unit_out" "$integ_out"
echo "$p passed, $f failed, $s skipped"
[ "$urc" -eq 0 ] && [ "$irc" -eq 0 ]
