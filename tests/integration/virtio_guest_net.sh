#!/usr/bin/env bash
# virtio-net driven from a micro-guest (workloads/src/vnet.c) on this host:
# a namespace with a tap (ci/netns.sh, 10.211.0.1/24 inside it only), hv
# (sanitizer build) with --net tap=, the guest at 10.211.0.2.
#  1. `ping -c 5` from the namespace: all 5 replies (ARP and ICMP answered
#     by the polled ring-3 driver: rx, tx, no interrupts)
#  2. raw frames (tests/tools/netraw.c, AF_PACKET on the tap): N frames of
#     1514 bytes host -> guest (paced, the tap drops what the guest has not
#     taken) and N guest -> host; the guest's and the host's rates printed
#  3. without --net, vnet reports unavailable with the reason, exit 0
set -u
cd "$(dirname "$0")/../.."
hv=build/asan/bin/hv
raw=build/tests/netraw
N=${VNET_FRAMES:-20000}
GMAC=52:54:00:aa:bb:cc
[ -e /dev/kvm ] || { echo "skip: /dev/kvm is missing on this host"; exit 77; }
[ -e /dev/net/tun ] || { echo "skip: /dev/net/tun is missing on this host"; exit 77; }
command -v ip >/dev/null || { echo "skip: iproute2 (ip) missing"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 (result parsing) missing"; exit 77; }
if command -v ping >/dev/null; then ping=(ping); elif command -v busybox >/dev/null; then ping=(busybox ping);
else echo "skip: no ping (iputils-ping or busybox)"; exit 77; fi
elf=build/workloads/micro/vnet.elf
for f in "$hv" "$raw" "$elf"; do [ -e "$f" ] || { echo "$f missing: make $f"; exit 1; }; done
ns=hvvnet$$; tmp=$(mktemp -d); pid= rpid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$rpid" ] && kill "$rpid" 2>/dev/null; wait 2>/dev/null; bash ci/netns.sh down $ns; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; for f in out err; do [ -e "$tmp/$f" ] && sed "s/^/  hv $f: /" "$tmp/$f"; done; exit 1; }
nsx() { bash ci/netns.sh exec $ns "$@"; }

bash ci/netns.sh up $ns hvtap0 10.211.0.1/24 || { echo "skip: cannot create a network namespace"; exit 77; }
tapmac=$(ip -n $ns -o link show hvtap0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
[ -n "$tapmac" ] || fail "no MAC on hvtap0"

nsx "$raw" recv hvtap0 $GMAC "$N" 60 >"$tmp/recv" 2>&1 &
rpid=$!
nsx "$hv" run --guest "micro:$elf" --mem 64M --net tap=hvtap0,mac=$GMAC --stats-json "$tmp/stats.json" \
	-- ip=10.211.0.2 seconds=60 rx="$N" tx="$N" size=1514 dst="$tapmac" \
	>"$tmp/out" 2>"$tmp/err" </dev/null &
pid=$!
for _ in $(seq 100); do grep -q '^vnet: ready' "$tmp/out" && break; sleep 0.05; done
grep -q '^vnet: ready mac=52:54:00:aa:bb:cc ip=10.211.0.2' "$tmp/out" || fail "vnet not ready"

nsx "${ping[@]}" -c 5 -W 2 10.211.0.2 >"$tmp/ping" 2>&1
grep -E -q ', 5 (packets )?received' "$tmp/ping" || fail "ping: $(tail -n 2 "$tmp/ping" | tr '\n' ' ')"
rtt=$(grep -o 'min/avg/max[^=]*= [0-9./]*' "$tmp/ping" | sed 's/.*= //')

nsx "$raw" send hvtap0 $GMAC "$N" 1514 256 >"$tmp/send" 2>&1 || fail "netraw send: $(cat "$tmp/send")"
wait "$pid"; rc=$?; pid=
[ "$rc" -eq 0 ] || fail "hv exit $rc"
wait "$rpid"; rpid=
if grep -q -E "AddressSanitizer|runtime error" "$tmp/err"; then fail "sanitizer report"; fi

summary=$(python3 - "$tmp/out" "$tmp/recv" "$tmp/stats.json" "$N" <<'PY'
import json, re, sys
out, recv, stats, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
res = [json.loads(l) for l in open(out) if l.startswith("{")]
def one(metric, **params):
    r = [x for x in res if x["metric"] == metric and all(x["params"].get(k) == v for k, v in params.items())]
    assert len(r) == 1, (metric, params, res)
    return r[0]
arp, icmp = one("replies", proto="arp"), one("replies", proto="icmp")
assert arp["value"] >= 1, arp
assert icmp["value"] >= 5, icmp
rx, tx = one("frames_per_sec", dir="rx"), one("frames_per_sec", dir="tx")
assert rx["extra"]["complete"] and rx["extra"]["frames"] >= n // 2 and rx["value"] > 0, rx
assert tx["extra"]["complete"] and tx["extra"]["frames"] == n and tx["value"] > 0, tx
h = dict(kv.split("=") for kv in open(recv).read().split(":", 1)[1].split())
assert int(h["frames"]) >= n * 9 // 10, ("host received", h)
dev = json.load(open(stats))["devices"]["virtio-net0"]
assert dev["tx_packets"] >= n + 5 and dev["tx_errors"] == 0 and dev["rx_packets"] >= rx["extra"]["frames"], dev
print("rx %d/%d frames at %.0f frames/s (%.0f Mbit/s); tx %d frames at %.0f frames/s (%.0f Mbit/s), "
      "host got %s at %s frames/s" % (rx["extra"]["frames"], n, rx["value"], rx["extra"]["mbit_s"],
      n, tx["value"], tx["extra"]["mbit_s"], h["frames"], h["frames_per_sec"]))
PY
) || fail "results: $summary"
echo "  host sender: $(cat "$tmp/send")"

# no device: an unavailable result with the reason, exit 0
"$hv" run --guest "micro:$elf" --mem 32M -- seconds=1 >"$tmp/out" 2>"$tmp/err" </dev/null || fail "vnet without --net: exit $?"
grep -q '"value":null.*"available":false.*"reason":"no virtio-net device' "$tmp/out" ||
	fail "vnet without --net: $(cat "$tmp/out")"
echo "vnet: ping 5/5 (rtt min/avg/max $rtt ms); $summary"
