#!/usr/bin/env bash
# Run every tests/integration/*.sh (and ci/virtbox tests when present).
# A test exits 0 to pass, 77 to skip (with its reason on stdout), anything
# else to fail. Output of a failing or skipped test is shown.
set -u
cd "$(dirname "$0")/.."
pass=0 fail=0 skip=0
only=${INTEGRATION_ONLY:-}
for t in tests/integration/*.sh; do
  [ -e "$t" ] || continue
  name=$(basename "$t" .sh)
  [ -n "$only" ] && [[ "$name" != $only ]] && continue
  log=$(mktemp)
  start=$(date +%s)
  timeout --kill-after=10 "${INTEGRATION_TIMEOUT:-900}" bash "$t" >"$log" 2>&1
  rc=$?
  secs=$(( $(date +%s) - start ))
  case $rc in
    0)  pass=$((pass + 1)); echo "integ PASS  $name (${secs}s)" ;;
    77) skip=$((skip + 1)); echo "integ SKIP  $name: $(tail -n 1 "$log")" ;;
    *)  fail=$((fail + 1)); echo "integ FAIL  $name (exit $rc, ${secs}s)"; tail -n 40 "$log" | sed 's/^/    /' ;;
  esac
  rm -f "$log"
done
echo "integration: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
