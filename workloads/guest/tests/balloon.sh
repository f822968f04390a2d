#!/bin/sh
# Guest side of the balloon test (hvperf.run=balloon), with the host side in
# tests/virtbox/virtio_devices.sh: the host drives the balloon over --api
# (`hv ctl SOCK '{"cmd":"balloon","target_mib":N}'`) and compares hv's
# guest RAM resident before, after inflating and after deflating.
#   hvperf.balloon_fill_mib=N   first write N MiB to a file and delete it,
#                               so that the free pages the balloon takes
#                               are resident on the host (0)
#   hvperf.balloon_secs=S       stay up S seconds (60), reporting MemTotal
#                               and MemFree every 5 s; the host normally
#                               shuts the VM down before
[ -d /sys/bus/virtio/drivers/virtio_balloon ] || modprobe virtio_balloon 2>/dev/null
arg() { for a in $HVPERF_CMDLINE; do case $a in "$1"=*) echo "${a#*=}"; return;; esac; done; echo "$2"; }
fill=$(arg hvperf.balloon_fill_mib 0)
secs=$(arg hvperf.balloon_secs 60)
if [ "$fill" -gt 0 ]; then
	dd if=/dev/zero of=/balloon.fill bs=1048576 count="$fill" 2>/dev/null
	rm -f /balloon.fill
fi
echo "HVPERF-GUEST: balloon ready fill_mib=$fill"
i=0
while [ $i -lt "$secs" ]; do
	free_kb=$(awk '/^MemFree:/ {print $2}' /proc/meminfo)
	total_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
	echo "HVPERF-GUEST: balloon t=$i memtotal_kb=$total_kb memfree_kb=$free_kb"
	sleep 5
	i=$((i + 5))
done
echo "HVPERF-GUEST: balloon OK"
