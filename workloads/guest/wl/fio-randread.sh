#!/bin/sh
# fio-randread: Debian's fio, 4 KiB random reads with O_DIRECT from the
# guest's first virtio disk (/dev/vda: the `disk` knob, e.g. scratch:256M),
# or, without one, the first NVMe namespace (a controller passed through with
# the `vfio` knob; reads only, but give it a scratch device all the same).
#   fio-randread [qd=N] [seconds=S] [bs=SIZE] [dev=/dev/vda]
# Prints iops and latency_us (mean completion latency) from
# fio --output-format=json; without the disk it says so and exits 69.
qd=1 seconds=10 bs=4k dev=
for a in "$@"; do
  case $a in
    qd=*) qd=${a#*=} ;;
    seconds=*) seconds=${a#*=} ;;
    bs=*) bs=${a#*=} ;;
    dev=*) dev=${a#*=} ;;
    *) echo "fio-randread: unknown argument $a" >&2; exit 2 ;;
  esac
done
if [ -z "$dev" ]; then
  dev=/dev/vda
  # the nvme driver probes asynchronously: its disk may come after /init
  i=0
  while [ ! -b /dev/vda ] && [ -e /sys/class/nvme/nvme0 ] && [ $i -lt 30 ]; do
    [ -b /dev/nvme0n1 ] && { dev=/dev/nvme0n1; break; }
    sleep 1; i=$((i + 1))
  done
fi
command -v fio >/dev/null || { echo "fio-randread: fio is not in this image (make guest-tools)"; exit 69; }
[ -b "$dev" ] || { echo "fio-randread: no disk $dev in the guest (knob disk, e.g. scratch:256M)"; exit 69; }
j=/tmp/fio.json
fio --name=randread --filename="$dev" --rw=randread --bs="$bs" --iodepth="$qd" \
  --ioengine=libaio --direct=1 --runtime="$seconds" --time_based --norandommap \
  --output-format=json --output="$j" >/tmp/fio.log 2>&1 ||
  { tail -n 3 /tmp/fio.log; echo "fio-randread: fio failed"; exit 1; }
# fio's JSON is one key per line: the job's "read" object holds iops, then
# clat_ns with its mean.
awk -v qd="$qd" -v bs="$bs" '
  /"read" : \{/ && !rd { rd = 1 }
  rd && /"iops" :/ && iops == "" { gsub(/,/, "", $3); iops = $3 }
  rd && /"clat_ns" : \{/ { clat = 1 }
  clat && /"mean" :/ && mean == "" { gsub(/,/, "", $3); mean = $3 }
  END {
    if (iops == "" || mean == "") { print "fio-randread: no read iops/clat in the JSON"; exit 1 }
    p = sprintf("{\"op\":\"randread\",\"qd\":%d,\"bs\":\"%s\"}", qd, bs)
    printf "{\"workload\":\"fio-randread\",\"metric\":\"iops\",\"value\":%s,\"unit\":\"IO/s\",\"higher_is_better\":true,\"params\":%s}\n", iops, p
    printf "{\"workload\":\"fio-randread\",\"metric\":\"latency_us\",\"value\":%.3f,\"unit\":\"us\",\"higher_is_better\":false,\"params\":%s}\n", mean / 1000, p
  }' "$j"
