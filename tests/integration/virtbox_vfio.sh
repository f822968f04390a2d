#!/usr/bin/env bash
# In the test box booted as q35 with an emulated Intel IOMMU and an emulated
# NVMe controller (ci/virtbox/run.sh --nvme IMG): the box binds the NVMe to
# vfio-pci and hv passes it through (--vfio BDF) to a nested Linux guest,
# which reads the host's pattern and writes its own by DMA through the
# IOMMU. Proof that reaches outside every VM: after the box is gone, the
# image file here holds what the nested guest wrote (64 KiB of 0x5A at 0)
# and still the host's 0xA5 pattern at 1 MiB. In-box part:
# tests/virtbox/vfio_nvme.sh (after kvm.sh), then harness_vfio.sh (the
# harness's vfio knob against a virtio-blk disk, fio-randread).
set -euo pipefail
cd "$(dirname "$0")/../.."

mkdir -p build/virtbox
# kept after the run (build/ is not tracked), for a look when it fails
img=build/virtbox/vfio-nvme.img
rm -f "$img"
truncate -s 16M "$img"
# the pattern workloads/guest/tests/disk.sh checks: 64 KiB of 0xA5 at 1 MiB
head -c 65536 /dev/zero | tr '\0' '\245' | dd of="$img" bs=65536 seek=16 conv=notrunc status=none
bash ci/virtbox/run.sh --nvme "$img" --hvperf --tools --timeout 600 kvm vfio_nvme harness_vfio

md5_of() { dd if="$img" bs=65536 skip="$1" count=1 status=none | md5sum | cut -d' ' -f1; }
want5a=$(head -c 65536 /dev/zero | tr '\0' '\132' | md5sum | cut -d' ' -f1)
wanta5=$(head -c 65536 /dev/zero | tr '\0' '\245' | md5sum | cut -d' ' -f1)
[ "$(md5_of 0)" = "$want5a" ] || {
  echo "FAILED: the image's first 64 KiB are not all 0x5A: the nested guest's write through the passed-through NVMe did not reach the file"
  od -A x -t x1 -N 32 "$img"
  exit 1
}
[ "$(md5_of 16)" = "$wanta5" ] ||
  { echo "FAILED: the 0xA5 pattern at 1 MiB of the image changed"; exit 1; }
echo "vfio: the image holds the nested guest's 64 KiB of 0x5A at 0 and the host's 0xA5 at 1 MiB"
