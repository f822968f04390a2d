#!/bin/sh
# Guest side of the virtio-net test (hvperf.run=net): the host runs hv in
# a namespace made by ci/netns.sh (tap 10.211.0.1/24) with
# --net tap=hvtap0; the guest takes 10.211.0.2, pings the host and fetches
# a file over TCP from `nc -l -p 5201` on the host side (busybox nc).
ip link set eth0 up || { echo "HVPERF-GUEST: net FAIL no eth0"; exit 1; }
ip addr add 10.211.0.2/24 dev eth0
ping -c 3 -W 2 10.211.0.1 >/dev/null || { echo "HVPERF-GUEST: net FAIL ping"; exit 1; }
bytes=$(nc 10.211.0.1 5201 </dev/null | wc -c)
echo "HVPERF-GUEST: net OK tcp_bytes=$bytes"
