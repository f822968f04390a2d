#!/usr/bin/env bash
# In-box: one nested boot of the Debian cloud kernel under hv with a disk,
# a balloon, a net device and the control socket; the guest runs
# hvperf.run=disk, then net, then balloon (workloads/guest/tests/).
#  disk (cache=host: the box's root is an initramfs, where O_DIRECT opens
#    fail with EINVAL): the guest reads a host pattern (64 KiB of 0xA5 at
#    1 MiB) with O_DIRECT and writes 64 KiB of 0x5A at 0; after hv exits the
#    box checks the file's bytes: 0x5A at 0, 0xA5 at 1 MiB, the rest untouched.
#  net: hv creates the tap hvtap0 (TUNSETIFF, tun.ko loaded by the box's
#    /init); the box gives it 10.211.0.1/24 (the box is an isolated VM with
#    no other network), the guest takes 10.211.0.2; guest pings box, box
#    pings guest, 1 MiB over TCP each way (busybox nc), md5 compared.
#  balloon (stats=on): the guest dirties and frees BALLOON_FILL MiB; the box
#    inflates by BALLOON_MIB over `hv ctl` ({"cmd":"balloon"}), waits for
#    actual_pages, checks memory.guest_resident_bytes from {"cmd":"stats"}
#    dropped by at least 60% of it, reads the guest's statistics
#    ({"cmd":"balloon-stats"}), deflates to 0, then shuts hv down over the
#    socket.
set -euo pipefail
HV=${HV:-hv}
GUEST_DIR=${GUEST_DIR:?}
BALLOON_MIB=${BALLOON_MIB:-64} BALLOON_FILL=${BALLOON_FILL:-160}
cmdline="console=ttyS0 loglevel=4 tsc=reliable no_timer_check i8042.noaux reboot=t panic=-1"
cmdline+=" hvperf.run=disk hvperf.run=net hvperf.run=balloon"
cmdline+=" hvperf.balloon_fill_mib=$BALLOON_FILL hvperf.balloon_secs=300"
khz=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^tsc_early_khz=//p')
[ -n "$khz" ] && cmdline+=" tsc_early_khz=$khz"
[ -x "$HV" ] || { echo "hv is not in the box ($HV)"; exit 1; }
[ -c /dev/net/tun ] || { echo "FAILED: /dev/net/tun missing in the box (tun.ko not loaded)"; exit 1; }

img=/tmp/vdisk.img log=/tmp/virtio_devices.log sock=/tmp/hv-api.sock
head -c 4194304 /dev/urandom >"$img"
cp "$img" /tmp/vdisk.orig
head -c 65536 /dev/zero | tr '\0' '\245' | dd of="$img" bs=65536 seek=16 conv=notrunc 2>/dev/null
head -c 1048576 /dev/urandom >/tmp/net.tx

# shellcheck source=tests/virtbox/guest_lib.sh
. "$(dirname "$0")/guest_lib.sh"
ctl() { "$HV" ctl "$sock" "$1"; }

start_nc
"$HV" run --kernel "$GUEST_DIR/vmlinuz" --initrd "$GUEST_DIR/initrd.img" \
  --cmdline "$cmdline" --cpus 1 --mem 320M --disk "$img,cache=host,serial=boxdisk" \
  --net tap=hvtap0 --balloon stats=on --api "$sock" --stats-json /tmp/virtio_devices.json \
  </dev/null >"$log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && ip link show hvtap0 >/dev/null 2>&1 && break; sleep 0.1; done
ip link show hvtap0 >/dev/null 2>&1 || fail "hv did not create the tap hvtap0"
ip addr add 10.211.0.1/24 dev hvtap0
ip link set hvtap0 up

# --- disk and net (the guest runs them in this order) ---
wait_log 'HVPERF-GUEST: disk ' 240
grep -a -q 'HVPERF-GUEST: disk OK serial=boxdisk' "$log" || fail "guest did not report 'disk OK serial=boxdisk'"
net_host_side
echo "net: ping both ways, 1 MiB TCP each way intact ($(elapsed) s)"

# --- balloon ---
wait_log 'HVPERF-GUEST: balloon ready' 240
sleep 1
before=$(ctl '{"cmd":"stats"}' | num guest_resident_bytes)
out=$(ctl "{\"cmd\":\"balloon\",\"target_mib\":$BALLOON_MIB}") || fail "balloon set: $out"
want_pages=$((BALLOON_MIB * 256)) actual=
for _ in $(seq 180); do
  bs=$(ctl '{"cmd":"balloon-stats"}') || fail "balloon-stats: $bs"
  actual=$(num actual_pages <<<"$bs")
  [ "$actual" = "$want_pages" ] && break
  sleep 1
done
[ "$actual" = "$want_pages" ] || fail "guest inflated to $actual pages, not $want_pages: $bs"
inflated=$(ctl '{"cmd":"stats"}' | num guest_resident_bytes)
drop=$(( (before - inflated) >> 20 ))
echo "balloon: inflate ${BALLOON_MIB} MiB: guest resident $((before >> 20)) -> $((inflated >> 20)) MiB (drop $drop MiB), $(num released_bytes <<<"$bs") bytes released"
[ $(( (before - inflated) * 10 )) -ge $(( BALLOON_MIB * 6 << 20 )) ] ||
  fail "resident dropped by $drop MiB, less than 60% of $BALLOON_MIB MiB"
grep -q '"guest_stats":{' <<<"$bs" || fail "no guest statistics: $bs"
tot=$(num total_memory <<<"$bs")
[ -n "$tot" ] && [ "$tot" -gt 0 ] || fail "guest statistics lack total_memory: $bs"
echo "balloon: guest statistics: total_memory=$tot free_memory=$(num free_memory <<<"$bs") available_memory=$(num available_memory <<<"$bs")"
ctl '{"cmd":"balloon","target_mib":0}' >/dev/null || fail "balloon deflate request"
for _ in $(seq 180); do
  bs=$(ctl '{"cmd":"balloon-stats"}')
  actual=$(num actual_pages <<<"$bs")
  [ "$actual" = 0 ] && break
  sleep 1
done
[ "$actual" = 0 ] && [ "$(num inflated_pages <<<"$bs")" = 0 ] || fail "deflate incomplete: $bs"
echo "balloon: deflated to 0 pages ($(elapsed) s)"
ctl '{"cmd":"shutdown"}' >/dev/null || fail "shutdown over the control socket"
rc=0; wait "$pid" || rc=$?; pid=
[ "$rc" -eq 0 ] || fail "hv exit status $rc"

# --- disk bytes, after hv has closed the file ---
want=$(head -c 65536 /dev/zero | tr '\0' '\132' | md5sum | cut -d' ' -f1)
got=$(head -c 65536 "$img" | md5sum | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "guest's 0x5A pattern not at offset 0 of the file"
want=$(head -c 65536 /dev/zero | tr '\0' '\245' | md5sum | cut -d' ' -f1)
got=$(dd if="$img" bs=65536 skip=16 count=1 2>/dev/null | md5sum | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "host pattern at 1 MiB changed"
for r in "1 15" "17 47"; do
  set -- $r
  a=$(dd if="$img" bs=65536 skip=$1 count=$2 2>/dev/null | md5sum | cut -d' ' -f1)
  b=$(dd if=/tmp/vdisk.orig bs=65536 skip=$1 count=$2 2>/dev/null | md5sum | cut -d' ' -f1)
  [ "$a" = "$b" ] || fail "bytes in 64 KiB blocks $1..$(( $1 + $2 - 1 )) changed"
done
grep -a -e 'HVPERF-GUEST:' -e '^hv:' "$log" | grep -v 'balloon t=' | tr -d '\r' || true
echo "virtio in a Linux guest: disk patterns, net ping+TCP both ways, balloon -${drop} MiB resident for ${BALLOON_MIB} MiB ($(elapsed) s)"
