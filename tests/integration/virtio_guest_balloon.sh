#!/usr/bin/env bash
# virtio-balloon driven by a micro-guest's ring-3 driver (workloads/src/
# vballoon.c): the guest touches 64 MiB, inflates the balloon by it, holds,
# deflates and touches it again. At each phase the test reads hv's guest
# RAM resident (stats JSON over the control socket, from /proc/PID/smaps):
# inflating must lower it by roughly 64 MiB (>= 90%), the retouch must
# bring it back. The control socket must report the guest's balloon
# statistics (total memory, and available memory that follows the balloon).
# Sanitizer build of hv: no report allowed.
set -u
cd "$(dirname "$0")/../.."
hv=build/asan/bin/hv
elf=$PWD/build/workloads/micro/vballoon.elf
[ -c /dev/kvm ] || { echo "skip: /dev/kvm is missing on this host"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 (control socket client) missing"; exit 77; }
for f in "$hv" "$elf"; do [ -e "$f" ] || { echo "$f missing: make"; exit 1; }; done
tmp=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; for f in "$tmp"/out "$tmp"/err; do [ -e "$f" ] && sed 's/^/  /' "$f"; done; exit 1; }

"$hv" run --mem 256M --guest "micro:$elf" --balloon stats=on --api "$tmp/api.sock" \
	-- mib=64 hold=2 >"$tmp/out" 2>"$tmp/err" </dev/null &
pid=$!
python3 - "$tmp/out" "$tmp/api.sock" <<'PY' || fail "balloon phases"
import json, os, socket, sys, time
out, sock = sys.argv[1:3]
MIB = 1 << 20

def ask(req):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sock)
    s.sendall((json.dumps(req) + "\n").encode())
    line = s.makefile().readline()
    s.close()
    return json.loads(line)

def wait_phase(name, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(out) and f"vballoon: phase {name}\n" in open(out).read():
            return
        time.sleep(0.05)
    sys.exit(f"guest never reached phase {name}")

def resident():
    return ask({"cmd": "stats"})["memory"]["guest_resident_bytes"]

wait_phase("touched"); r_touched = resident()
wait_phase("inflated"); r_inflated = resident()
# guest statistics: the first request hands the buffer back, the guest
# refills it while it holds; poll until the refreshed values arrive
end, st = time.time() + 2.5, None
while time.time() < end:
    b = ask({"cmd": "balloon-stats"})
    st = b.get("guest_stats")
    if st and st.get("available_memory") == 192 * MIB:
        break
    time.sleep(0.2)
assert st and st.get("total_memory") == 256 * MIB, b
assert st.get("available_memory") == 192 * MIB, b
assert b["inflated_pages"] == 64 * 256 and b["actual_pages"] == 64 * 256, b
wait_phase("retouched"); r_back = resident()
print(f"  guest RAM resident: touched {r_touched / MIB:.1f} MiB, inflated {r_inflated / MIB:.1f} MiB,"
      f" retouched {r_back / MIB:.1f} MiB")
print(f"  guest statistics over the control socket: {st}")
assert r_touched - r_inflated >= 0.9 * 64 * MIB, "inflating 64 MiB did not lower RSS by ~64 MiB"
assert r_back - r_inflated >= 0.9 * 64 * MIB, "retouching after deflate did not bring RSS back"
PY
wait "$pid"; rc=$?; pid=
[ "$rc" -eq 0 ] || fail "hv exit $rc"
grep -q '"op":"inflate"' "$tmp/out" && grep -q '"op":"deflate"' "$tmp/out" || fail "no inflate/deflate results"
grep -q -E "AddressSanitizer|runtime error|LeakSanitizer" "$tmp/err" && fail "sanitizer report"
grep '"workload":"vballoon"' "$tmp/out" | sed 's/^/  /'
echo "virtio-balloon from a micro-guest: RSS follows inflate/deflate, guest statistics reported"
