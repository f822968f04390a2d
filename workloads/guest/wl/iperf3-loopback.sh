#!/bin/sh
# iperf3-loopback: Debian's iperf3 client and server in one guest over the
# loopback interface (a single VM has no peer): TCP throughput through the
# guest's network stack, no virtual NIC involved.
#   iperf3-loopback [seconds=S] [streams=N]
# Prints bandwidth_mbs from iperf3 -J (end.sum_received.bits_per_second).
seconds=5 streams=1
for a in "$@"; do
  case $a in
    seconds=*) seconds=${a#*=} ;;
    streams=*) streams=${a#*=} ;;
    *) echo "iperf3-loopback: unknown argument $a" >&2; exit 2 ;;
  esac
done
command -v iperf3 >/dev/null || { echo "iperf3-loopback: iperf3 is not in this image (make guest-tools)"; exit 69; }
ip link set lo up
iperf3 -s -1 -B 127.0.0.1 >/tmp/iperf3-server.log 2>&1 &
sleep 1
j=/tmp/iperf3.json
iperf3 -c 127.0.0.1 -t "$seconds" -P "$streams" -J >"$j" 2>/tmp/iperf3.log ||
  { tail -n 3 /tmp/iperf3.log "$j"; echo "iperf3-loopback: iperf3 failed"; exit 1; }
wait
awk -v s="$seconds" -v n="$streams" '
  /"sum_received"/ { rx = 1 }
  rx && /"bits_per_second":/ { gsub(/,/, "", $2); bps = $2; exit }
  END {
    if (bps == "") { print "iperf3-loopback: no sum_received in the JSON"; exit 1 }
    printf "{\"workload\":\"iperf3-loopback\",\"metric\":\"bandwidth_mbs\",\"value\":%.3f,\"unit\":\"MB/s\",\"higher_is_better\":true,\"params\":{\"proto\":\"tcp\",\"streams\":%d},\"extra\":{\"bits_per_second\":%s,\"seconds\":%s}}\n", bps / 8e6, n, bps, s
  }' "$j"
