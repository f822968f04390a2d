#!/usr/bin/env bash
# A ring-3 null dereference (and a #UD) in a micro-guest ends hv within
# seconds with a clear report (vector, error code, RIP, CR2) and a non-zero
# exit status, not a hang.
set -u
. "$(dirname "$0")/microguest_lib.sh"
mg_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
start=$(date +%s%N)
timeout 20 "$HV" run --quiet --guest micro:selftest -- fault=null >"$tmp/out" 2>"$tmp/err"
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
cat "$tmp/err"
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || { echo "FAIL: exit status $rc"; exit 1; }
grep -q 'vector 14 (#PF page fault)' "$tmp/err" || { echo "FAIL: no #PF report"; exit 1; }
grep -q 'cr2 0x0' "$tmp/err" || { echo "FAIL: no CR2 in the report"; exit 1; }
grep -q 'rip 0x' "$tmp/err" || { echo "FAIL: no RIP in the report"; exit 1; }
echo "null dereference: exit $rc after ${ms} ms"
timeout 20 "$HV" run --quiet --guest micro:selftest -- fault=ud >"$tmp/out" 2>"$tmp/err"
rc=$?
grep -q 'vector 6 (#UD' "$tmp/err" && [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] ||
  { cat "$tmp/err"; echo "FAIL: #UD not reported (exit $rc)"; exit 1; }
echo "ud2: exit $rc, reported"
