#!/usr/bin/env bash
# In-box, after vfio_nvme.sh (which bound the NVMe controller to vfio-pci):
# the harness's `vfio` knob. One scenario, fio-randread (4 KiB random reads,
# O_DIRECT) in the Linux guest under hv, on two configurations: a virtio-blk
# scratch disk, and the NVMe controller passed through (`"vfio": BDF`; the
# workload takes the first NVMe namespace when there is no virtio disk).
# Both must give an iops and a latency sample with hv's KVM exit count, and
# `hvperf validate` must accept the results. Timings here are emulated
# (nested SVM under QEMU TCG, an emulated NVMe): only correctness is checked.
# Needs the box built with --hvperf --tools --nvme (tests/integration/
# virtbox_vfio.sh).
set -euo pipefail
# shellcheck source=tests/virtbox/harness_lib.sh
. "$(dirname "$0")/harness_lib.sh"

bdf=
for d in /sys/bus/pci/devices/*; do
  [ "$(cat "$d/class")" = 0x010802 ] || continue
  [ "$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)" = vfio-pci ] && bdf=${d##*/}
done
[ -n "$bdf" ] || { echo "FAILED: no NVMe controller bound to vfio-pci (run vfio_nvme first)"; exit 1; }

# 512M: the tools image unpacks to about 110 MB of tmpfs (256M is too little)
sc=/tmp/vfio-io.json
cat >"$sc" <<JSON
{"name": "vfio-io", "workloads": [{"name": "fio-randread", "args": ["qd=4", "seconds=2"]}],
 "configurations": [
   {"name": "linux-virtio-blk", "env": "linux", "knobs": {"mem": "512M", "cpus": 1, "disk": "scratch:64M"}},
   {"name": "linux-vfio-nvme", "env": "linux", "knobs": {"mem": "512M", "cpus": 1, "vfio": "$bdf"}}],
 "repetitions": {"min": 1, "warmup": 0, "max": 1}, "timeout_s": 300}
JSON
s=$(run harness_vfio "$sc") || { echo "$s" | tail -n 1; exit 1; }
echo "samples (config workload metric value kvm.exits kvm.unavailable):"
echo "$s"
for c in linux-virtio-blk linux-vfio-nvme; do
  expect "$s" "$c" fio-randread iops exits
  expect "$s" "$c" fio-randread latency_us exits
done
[ "$(wc -l <<<"$s")" -eq 4 ] || bad+=("want 4 samples, got $(wc -l <<<"$s")")
if [ ${#bad[@]} -gt 0 ]; then
  echo "FAILED: ${bad[*]}"
  exit 1
fi
v() { awk -v c="$1" '$1 == c && $3 == "iops" { printf "%.0f", $4 }' <<<"$s"; }
echo "ok (emulated timings): fio-randread virtio-blk $(v linux-virtio-blk) IO/s, passed-through NVMe $bdf $(v linux-vfio-nvme) IO/s"
