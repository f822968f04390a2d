#!/bin/sh
# Guest side of the disk pattern test (hvperf.run=disk), run in the test
# box's Linux guest on a disk whose image the host filled at sectors 2048..
# (1 MiB in) with the byte 0xA5 for 64 KiB: hv's virtio-blk (`--disk IMG`,
# /dev/vda, the default) or a passed-through NVMe controller (`--vfio BDF`,
# hvperf.disk=/dev/nvme0n1 on the kernel command line). The guest
#   1. reads the host pattern back with O_DIRECT and checks it,
#   2. writes 64 KiB of 0x5A at offset 0 with O_DIRECT and syncs,
# then powers off; the host verifies the file's first 64 KiB are 0x5A.
dev=/dev/vda
for arg in $(cat /proc/cmdline); do
	case $arg in hvperf.disk=*) dev=${arg#hvperf.disk=} ;; esac
done
name=${dev##*/}
# the nvme driver probes asynchronously: its namespace's node may appear
# after /init has started (virtio-blk's /dev/vda is there at once)
i=0
while [ ! -b "$dev" ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
[ -b "$dev" ] || { echo "HVPERF-GUEST: disk FAIL no $dev"; exit 1; }
want=$(head -c 65536 /dev/zero | tr '\0' '\245' | md5sum | cut -d' ' -f1)
got=$(dd if="$dev" bs=65536 skip=16 count=1 iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1)
[ "$got" = "$want" ] || { echo "HVPERF-GUEST: disk FAIL host pattern mismatch on $dev"; exit 1; }
# from a file, not a pipe: dd's read from a pipe may return a partial block
# (it did: 8 KiB of the 64), and count=1 then writes only that much
head -c 65536 /dev/zero | tr '\0' '\132' >/tmp/pattern.5a
dd if=/tmp/pattern.5a of="$dev" bs=65536 count=1 oflag=direct conv=fsync 2>/dev/null \
	|| { echo "HVPERF-GUEST: disk FAIL write"; exit 1; }
sync
# virtio-blk has the serial on the disk (/sys/block/vda/serial), NVMe on the
# controller (/sys/block/nvme0n1/device/serial)
case $name in
	nvme*) serial=/sys/block/$name/device/serial ;;
	*) serial=/sys/block/$name/serial ;;
esac
echo "HVPERF-GUEST: disk OK serial=$(cat "$serial" 2>/dev/null)"
