#!/usr/bin/env bash
# --guest-page-size 4k, 2m and 1g all run a micro-guest; the workload sees
# the page size, and ptrchase runs on each. Where the host's KVM does not
# offer 1 GiB pages (kvm_pvm), hv must refuse 1g at once with that reason.
set -eu
. "$(dirname "$0")/microguest_lib.sh"
mg_require
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for ps in 4k 2m 1g; do
  mem=256M; [ "$ps" = 1g ] && mem=2G
  rc=0
  timeout 30 "$HV" run --quiet --mem $mem --guest-page-size $ps --guest micro:selftest -- \
    >"$tmp/self.$ps" 2>"$tmp/err.$ps" || rc=$?
  if [ "$ps" = 1g ] && [ "$rc" -ne 0 ] && grep -q 'does not offer 1 GiB pages' "$tmp/err.$ps"; then
    echo "  1g: refused as expected here: $(cat "$tmp/err.$ps")"
    continue
  fi
  [ "$rc" -eq 0 ] || { cat "$tmp/err.$ps"; echo "FAIL: $ps exit $rc"; exit 1; }
  case $ps in 4k) want=4096 ;; 2m) want=2097152 ;; 1g) want=1073741824 ;; esac
  grep -q "page_size $want" "$tmp/self.$ps" || { cat "$tmp/self.$ps"; echo "FAIL: $ps"; exit 1; }
  timeout 60 "$HV" run --quiet --mem $mem --guest-page-size $ps --guest micro:ptrchase -- \
    max=8M loads=200000 >"$tmp/pc.$ps"
  mg_check "$tmp/pc.$ps" ptrchase "micro-$ps" | tail -1
done
