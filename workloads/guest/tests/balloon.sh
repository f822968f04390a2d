#!/bin/sh
# Guest side of the balloon test (hvperf.run=balloon): keeps the guest up
# (virtio_balloon loaded) while the host drives the balloon over --api
# ({"cmd":"balloon","target_mib":N}) and compares hv's RSS before, after
# inflating and after deflating. The guest reports what it sees.
[ -d /sys/bus/virtio/drivers/virtio_balloon ] || modprobe virtio_balloon 2>/dev/null
secs=${HVPERF_BALLOON_SECS:-60}
i=0
while [ $i -lt "$secs" ]; do
	free_kb=$(awk '/^MemFree:/ {print $2}' /proc/meminfo)
	total_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
	echo "HVPERF-GUEST: balloon t=$i memtotal_kb=$total_kb memfree_kb=$free_kb"
	sleep 5
	i=$((i + 5))
done
echo "HVPERF-GUEST: balloon OK"
