#!/bin/sh
# Guest side of the virtio-net test (hvperf.run=net), with the host side in
# tests/virtbox/virtio_devices.sh: hv's tap hvtap0 holds 10.211.0.1/24 on
# the host (the test box, an isolated VM with no other network); the guest
# takes 10.211.0.2/24 on eth0, then
#   1. pings the host (ARP + ICMP both ways through virtio-net),
#   2. receives a file over TCP: `nc -l -p 5201` here, the host connects
#      and sends; prints the byte count and md5 of what arrived,
#   3. sends 1 MiB of random data to the host's `nc -l -p 5202`, prints its
#      md5 (the host compares with what it received).
# The sender's stdin is a file in both directions: busybox nc half-closes
# at its end, the receiver sees EOF and exits.
ip link set eth0 up || { echo "HVPERF-GUEST: net FAIL no eth0"; exit 1; }
ip addr add 10.211.0.2/24 dev eth0
ping -c 3 -W 5 10.211.0.1 >/tmp/ping.out 2>&1 ||
	{ echo "HVPERF-GUEST: net FAIL ping: $(tail -n 2 /tmp/ping.out | tr '\n' ' ')"; exit 1; }
echo "HVPERF-GUEST: net ping ok: $(grep -o '[0-9]* packets received' /tmp/ping.out)"
echo "HVPERF-GUEST: net listening 5201"
timeout 120 nc -l -p 5201 >/tmp/net.rx || { echo "HVPERF-GUEST: net FAIL receive"; exit 1; }
echo "HVPERF-GUEST: net rx bytes=$(wc -c </tmp/net.rx) md5=$(md5sum </tmp/net.rx | cut -d' ' -f1)"
head -c 1048576 /dev/urandom >/tmp/net.tx
echo "HVPERF-GUEST: net tx bytes=1048576 md5=$(md5sum </tmp/net.tx | cut -d' ' -f1)"
timeout 120 nc -w 10 10.211.0.1 5202 </tmp/net.tx || { echo "HVPERF-GUEST: net FAIL send"; exit 1; }
echo "HVPERF-GUEST: net OK"
