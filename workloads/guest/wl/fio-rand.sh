#!/bin/sh
# fio-rand: Debian's fio, random I/O with O_DIRECT (libaio) on the guest's
# first virtio disk, for each operation and queue depth in turn, in one
# boot (bench/io-peer: hv's virtio-blk against QEMU's on the same image).
#   fio-rand [ops=randread,randwrite] [qds=1,32] [seconds=S] [bs=4k] [dev=/dev/vda]
# Prints iops and latency_us (mean completion latency) per {op, qd, bs}
# from fio --output-format=json; without the disk it says so and exits 69.
# randwrite overwrites the disk.
set -euo pipefail  # busybox ash
ops=randread,randwrite qds=1,32 seconds=10 bs=4k dev=/dev/vda
for a in "$@"; do
  case $a in
    ops=*) ops=${a#*=} ;;
    qds=*) qds=${a#*=} ;;
    seconds=*) seconds=${a#*=} ;;
    bs=*) bs=${a#*=} ;;
    dev=*) dev=${a#*=} ;;
    *) echo "fio-rand: unknown argument $a" >&2; exit 2 ;;
  esac
done
command -v fio >/dev/null || { echo "fio-rand: fio is not in this image (make guest-tools)"; exit 69; }
[ -b "$dev" ] || { echo "fio-rand: no disk $dev in the guest"; exit 69; }
j=/tmp/fio.json
for op in $(echo "$ops" | tr ',' ' '); do
  case $op in
    randread) sect="read" ;;
    randwrite) sect="write" ;;
    *) echo "fio-rand: op $op is not randread or randwrite"; exit 2 ;;
  esac
  for qd in $(echo "$qds" | tr ',' ' '); do
    fio --name="$op" --filename="$dev" --rw="$op" --bs="$bs" --iodepth="$qd" \
      --ioengine=libaio --direct=1 --runtime="$seconds" --time_based --norandommap \
      --output-format=json --output="$j" >/tmp/fio.log 2>&1 ||
      { tail -n 3 /tmp/fio.log; echo "fio-rand: fio $op qd=$qd failed"; exit 1; }
    # fio's JSON is one key per line: the job's "read"/"write" object holds
    # iops, then clat_ns with its mean.
    awk -v s="$sect" -v op="$op" -v qd="$qd" -v bs="$bs" '
      $0 ~ "\"" s "\" : \\{" && !in_s { in_s = 1 }
      in_s && /"iops" :/ && iops == "" { gsub(/,/, "", $3); iops = $3 }
      in_s && /"clat_ns" : \{/ { clat = 1 }
      clat && /"mean" :/ && mean == "" { gsub(/,/, "", $3); mean = $3 }
      END {
        if (iops == "" || mean == "") { print "fio-rand: no " s " iops/clat in the JSON"; exit 1 }
        p = sprintf("{\"op\":\"%s\",\"qd\":%d,\"bs\":\"%s\"}", op, qd, bs)
        printf "{\"workload\":\"fio-rand\",\"metric\":\"iops\",\"value\":%s,\"unit\":\"IO/s\",\"higher_is_better\":true,\"params\":%s}\n", iops, p
        printf "{\"workload\":\"fio-rand\",\"metric\":\"latency_us\",\"value\":%.3f,\"unit\":\"us\",\"higher_is_better\":false,\"params\":%s}\n", mean / 1000, p
      }' "$j" || exit 1
  done
done
