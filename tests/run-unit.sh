#!/usr/bin/env bash
# Run the cmocka unit-test binaries given as arguments (built with ASan+UBSan).
# Prints one line per binary and exits non-zero if any failed.
set -u
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
pass=0 fail=0 failed=()
for t in "$@"; do
  log=$(mktemp)
  if "$t" >"$log" 2>&1; then
    pass=$((pass + 1)); echo "unit  PASS  $(basename "$t")"
  else
    fail=$((fail + 1)); failed+=("$(basename "$t")"); echo "unit  FAIL  $(basename "$t")"
    sed 's/^/    /' "$log"
  fi
  rm -f "$log"
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
