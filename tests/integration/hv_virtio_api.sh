#!/usr/bin/env bash
# hv with virtio-blk disks (sync and io_uring), a balloon and the control
# socket on this host's KVM: the devices appear in the stats, the socket
# answers stats / balloon / balloon-stats / ksm / pause / resume / shutdown from
# several clients, rejects malformed requests, and is removed at exit.
# Also: --vfio and bad --disk/--balloon specs fail with one clear line.
# Runs the sanitizer build of hv with the spinning multiboot test guest.
set -u
cd "$(dirname "$0")/../.."
hv=build/asan/bin/hv
guest=build/tests/mbtest.elf
api=tests/lib/hvapi.py
[ -e /dev/kvm ] || { echo "skip: /dev/kvm is missing on this host"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 (control socket client) missing"; exit 77; }
for f in "$hv" "$guest"; do [ -e "$f" ] || { echo "$f missing: make $f"; exit 1; }; done
tmp=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; [ -e "$tmp/err" ] && sed 's/^/  hv: /' "$tmp/err"; exit 1; }

truncate -s 4M "$tmp/d0.img"
head -c 1M /dev/urandom >"$tmp/d1.img"
sock="$tmp/api.sock"
"$hv" run --multiboot "$guest" --cmdline w --mem 128M \
	--disk "$tmp/d0.img,serial=disk-zero" --disk "$tmp/d1.img,ro,backend=io_uring" \
	--balloon target=8M,stats=on,free-page-reporting=on,deflate-on-oom=on \
	--api "$sock" --stats-json "$tmp/stats.json" >"$tmp/out" 2>"$tmp/err" </dev/null &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] || fail "control socket $sock not created"

q() { python3 "$api" "$sock" "$@"; }
stats=$(q '{"cmd":"stats"}') || fail "stats request failed"
for k in '"virtio-blk0"' '"virtio-blk1"' '"virtio-balloon"' '"kvm"' '"exits"'; do
	grep -q "$k" <<<"$stats" || fail "stats lack $k: $stats"
done
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); b=d["devices"]["virtio-blk1"]; assert b["ro"] and b["backend"]=="io_uring", b; assert d["devices"]["virtio-balloon"]["target_pages"]==2048' "$stats" \
	|| fail "device stats wrong: $stats"

out=$(q '{"cmd":"balloon","target_mib":16}' '{"cmd":"balloon-stats"}')
grep -q '"ok":true,"target_mib":16' <<<"$out" || fail "balloon set: $out"
grep -q '"target_pages":4096' <<<"$out" || fail "balloon-stats after set: $out"
grep -q '"guest_stats":null' <<<"$out" || fail "no guest driver, so no guest stats: $out"

# per-VM KSM: the guest RAM mapping (128 MiB) gains and loses VmFlags "mg"
mg_ram() { python3 - "/proc/$pid/smaps" <<'PY'
import sys
n, big = 0, False
for l in open(sys.argv[1]):
    f = l.split()
    if "-" in f[0] and not f[0].endswith(":"):
        lo, hi = (int(x, 16) for x in f[0].split("-"))
        big = hi - lo >= 128 << 20
    elif f[0] == "VmFlags:" and big and "mg" in f[1:]:
        n += 1
print(n)
PY
}
[ "$(mg_ram)" = 0 ] || fail "guest RAM mergeable before any ksm request"
out=$(q '{"cmd":"ksm","mergeable":true}')
grep -q '"ok":true,"mergeable":true' <<<"$out" || fail "ksm on: $out"
[ "$(mg_ram)" -ge 1 ] || fail "ksm on: guest RAM not marked mergeable (VmFlags mg)"
out=$(q '{"cmd":"ksm","mergeable":false}' '{"cmd":"ksm","mergeable":"yes"}' '{"cmd":"ksm"}')
grep -q '"ok":true,"mergeable":false' <<<"$out" || fail "ksm off: $out"
[ "$(grep -c '^{"error":"ksm: ' <<<"$out")" -eq 2 ] || fail "bad ksm requests not refused: $out"
[ "$(mg_ram)" = 0 ] || fail "ksm off: guest RAM still mergeable"

# malformed and unknown requests get an error object; the connection lives on
out=$(q 'not json' '{"cmd":42}' '[1,2]' '{"cmd":"reboot"}' '{"cmd":"balloon","target_mib":-1}' \
	'{"cmd":"balloon","target_mib":999999}' '{"cmd":"balloon"}' '{"cmd":"stats"}')
[ "$(grep -c '^{"error":' <<<"$out")" -eq 7 ] || fail "expected 7 errors: $out"
[ "$(wc -l <<<"$out")" -eq 8 ] || fail "expected 8 replies: $out"
# an over-long line is refused and the connection closed
python3 - "$sock" <<'PY' || fail "long request not refused"
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5)
s.sendall(b"x" * 5000)
r = s.makefile().readline()
assert r.startswith('{"error":'), r
PY

# several clients at once
for i in 1 2 3 4; do q '{"cmd":"pause"}' '{"cmd":"resume"}' >"$tmp/c$i" & done
wait %2 %3 %4 %5 2>/dev/null
for i in 1 2 3 4; do
	[ "$(grep -c '"ok":true' "$tmp/c$i")" -eq 2 ] || fail "client $i: $(cat "$tmp/c$i")"
done
kill -0 "$pid" || fail "hv died"

out=$(q '{"cmd":"shutdown"}')
grep -q '"ok":true' <<<"$out" || fail "shutdown: $out"
wait "$pid"; rc=$?; pid=
[ "$rc" -eq 0 ] || fail "hv exit $rc after shutdown"
[ -e "$sock" ] && fail "socket not removed at exit"
grep -q '"exit": "signal"' "$tmp/stats.json" || fail "stats JSON exit kind"
grep -q 'shutdown requested over the control socket' "$tmp/stats.json" || fail "exit reason"
if grep -q -E "AddressSanitizer|runtime error|LeakSanitizer" "$tmp/err"; then fail "sanitizer report"; fi

# clear refusals: one line on stderr, non-zero exit
refuse() {  # refuse PATTERN ARGS...
	local pat=$1; shift
	"$hv" run --multiboot "$guest" --cmdline e "$@" >"$tmp/out" 2>"$tmp/err" </dev/null && fail "$* accepted"
	grep -q "$pat" "$tmp/err" || fail "$*: expected '$pat', got: $(cat "$tmp/err")"
	[ "$(grep -c '^hv: ' "$tmp/err")" -eq 1 ] || fail "$*: expected one error line: $(cat "$tmp/err")"
}
if [ -z "$(ls -A /sys/kernel/iommu_groups 2>/dev/null)" ]; then
	refuse "VFIO passthrough needs an IOMMU: /sys/kernel/iommu_groups is empty on this host" --vfio 0000:01:00.0
fi
refuse "unknown or bad option 'backend=aio'" --disk "$tmp/d0.img,backend=aio"
refuse "cannot open" --disk "$tmp/missing.img"
refuse "bad option 'target=lots'" --balloon target=lots
echo "virtio devices and control socket: all checks passed"
