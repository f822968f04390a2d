#!/usr/bin/env bash
# In-box: hv's vhost-net data path. A net-only nested boot of the Debian
# cloud kernel under hv with --net tap=hvtap1,vhost=on (vhost_net.ko, with
# vhost, vhost_iotlb and tap, loaded by the box's /init). The box gives the
# tap 10.211.0.1/24, the guest takes 10.211.0.2 (workloads/guest/tests/
# net.sh): guest pings box, box pings guest, 1 MiB over TCP each way (busybox
# nc), md5 compared. The guest powers off; hv's --stats-json must show
# vhost on, started once, over 100 calls (interrupts from vhost) and no
# packets through hv's userspace path.
# Its own box (tests/integration/virtbox_vhost_net.sh), not a second boot in
# virtio_devices.sh: a second hv Linux boot appended there reset the box
# (QEMU exit 0, no message; not diagnosed), while this test alone passes.
set -euo pipefail
HV=${HV:-hv}
GUEST_DIR=${GUEST_DIR:?}
khz=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^tsc_early_khz=//p')
[ -x "$HV" ] || { echo "hv is not in the box ($HV)"; exit 1; }
[ -c /dev/net/tun ] || { echo "FAILED: /dev/net/tun missing in the box (tun.ko not loaded)"; exit 1; }

# not /tmp/vhost_net.log: the box's /init tees this script's output there
log=/tmp/vhost_net.hv.log

# shellcheck source=tests/virtbox/guest_lib.sh
. "$(dirname "$0")/guest_lib.sh"

[ -c /dev/vhost-net ] || fail "/dev/vhost-net missing in the box (vhost_net.ko not loaded)"
head -c 1048576 /dev/urandom >/tmp/net.tx
t0=$(date +%s)
vcmdline="console=ttyS0 loglevel=4 tsc=reliable no_timer_check i8042.noaux reboot=t panic=-1 hvperf.run=net"
[ -n "$khz" ] && vcmdline+=" tsc_early_khz=$khz"
start_nc
"$HV" run --kernel "$GUEST_DIR/vmlinuz" --initrd "$GUEST_DIR/initrd.img" \
  --cmdline "$vcmdline" --cpus 1 --mem 256M --net tap=hvtap1,vhost=on --stats-json /tmp/virtio_vhost.json \
  </dev/null >"$log" 2>&1 &
pid=$!
for _ in $(seq 100); do ip link show hvtap1 >/dev/null 2>&1 && break; sleep 0.1; done
ip link show hvtap1 >/dev/null 2>&1 || fail "hv (vhost=on) did not create the tap hvtap1"
ip addr add 10.211.0.1/24 dev hvtap1
ip link set hvtap1 up
net_host_side
# the guest powers off after its net test: hv exits and writes its stats
for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
rc=0; wait "$pid" || rc=$?; pid=
[ "$rc" -eq 0 ] || fail "hv (vhost=on) exit status $rc"
nst=$(tr -d ' \n' </tmp/virtio_vhost.json | grep -o '"virtio-net0":{[^}]*}') || fail "no virtio-net0 in hv's stats"
echo "vhost-net: hv stats: $nst"
grep -q '"vhost":true' <<<"$nst" || fail "vhost not on: $nst"
[ "$(num vhost_starts <<<"$nst")" = 1 ] && [ "$(num vhost_calls <<<"$nst")" -gt 100 ] &&
  [ "$(num tx_packets <<<"$nst")" = 0 ] && [ "$(num rx_packets <<<"$nst")" = 0 ] ||
  fail "packets did not go through vhost: $nst"
grep -a -e '^hv:' "$log" | tr -d '\r' || true
echo "vhost-net: ping both ways, 1 MiB TCP each way intact through vhost-net, $(num vhost_calls <<<"$nst") vhost calls ($(elapsed) s)"
