#!/usr/bin/env bash
# virtio-net on this host: hv opens a tap inside a private network
# namespace (ci/netns.sh), lists virtio-net0 in its stats, reads the
# packets the host sends to the tap (dropped and counted while no guest
# driver is up), and refuses vhost=on with the reason where
# /dev/vhost-net is missing. No guest driver here: guest traffic is the
# test box's job (workloads/guest/tests/net.sh).
set -u
cd "$(dirname "$0")/../.."
hv=build/asan/bin/hv
guest=build/tests/mbtest.elf
[ -e /dev/kvm ] || { echo "skip: /dev/kvm is missing on this host"; exit 77; }
[ -e /dev/net/tun ] || { echo "skip: /dev/net/tun is missing on this host"; exit 77; }
command -v ip >/dev/null || { echo "skip: iproute2 (ip) missing"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 (control socket client) missing"; exit 77; }
ns=hvnet$$; tmp=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; bash ci/netns.sh down $ns; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; [ -e "$tmp/err" ] && sed 's/^/  hv: /' "$tmp/err"; exit 1; }

bash ci/netns.sh up $ns hvtap0 10.211.0.1/24 || { echo "skip: cannot create a network namespace"; exit 77; }
sock=$tmp/api.sock
bash ci/netns.sh exec $ns "$hv" run --multiboot "$guest" --cmdline w \
	--net tap=hvtap0,mac=52:54:00:aa:bb:cc --api "$sock" >"$tmp/out" 2>"$tmp/err" </dev/null &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] || fail "hv did not start"
# ARP for a neighbour on the tap: frames go to hv
bash ci/netns.sh exec $ns ping -c 3 -i 0.2 -W 1 10.211.0.2 >/dev/null 2>&1
stats=$(python3 tests/lib/hvapi.py "$sock" '{"cmd":"stats"}')
python3 -c 'import json,sys; n=json.loads(sys.argv[1])["devices"]["virtio-net0"]; assert n["tap"]=="hvtap0", n; assert n["rx_dropped"]>=1, n' "$stats" \
	|| fail "virtio-net0 stats: $stats"
python3 tests/lib/hvapi.py "$sock" '{"cmd":"shutdown"}' >/dev/null
wait "$pid"; rc=$?; pid=
[ "$rc" -eq 0 ] || fail "hv exit $rc"
if grep -q -E "AddressSanitizer|runtime error" "$tmp/err"; then fail "sanitizer report"; fi

# refusals
bash ci/netns.sh exec $ns "$hv" run --multiboot "$guest" --cmdline e --net tap=hvtap0,mac=01:00:00:00:00:01 \
	>/dev/null 2>"$tmp/err" && fail "multicast MAC accepted"
grep -q "unicast" "$tmp/err" || fail "bad MAC message: $(cat "$tmp/err")"
if [ ! -e /dev/vhost-net ]; then
	bash ci/netns.sh exec $ns "$hv" run --multiboot "$guest" --cmdline e --net tap=hvtap0,vhost=on \
		>/dev/null 2>"$tmp/err" && fail "vhost=on accepted without /dev/vhost-net"
	grep -q "vhost-net is not available on this host: /dev/vhost-net missing (module not loaded or not built)" \
		"$tmp/err" || fail "vhost message: $(cat "$tmp/err")"
fi
echo "virtio-net tap and refusals: all checks passed"
