#!/usr/bin/env bash
# Build the test box's own initramfs (uncompressed cpio: under TCG unpacking
# is cheaper than decompressing).
#   build-box.sh OUT.cpio [--qemu] [--hvperf] [--tools] [--file SRC]... [--env K=V]...
# Contents: busybox, bash, kvm/kvm-amd with their dependencies from the guest
# kernel tree, build/bin/hv with its libraries, the guest image
# (/virtbox/guest/), the in-box tests (tests/virtbox/*.sh and each --file, as
# /virtbox/tests/), /etc/virtbox.env. --qemu adds qemu-system-x86_64 and its
# microvm firmware (for bench/boot). --hvperf adds build/bin/hvperf (as
# /virtbox/bin/hvperf), workloads/manifest.json, scenarios/*.json (in
# /virtbox/scenarios/) and the native workloads (stripped, in
# /virtbox/workloads/native/), with the HVPERF_* paths in /etc/virtbox.env.
# --tools adds the tools image (build/guest/initrd-tools.img, make
# guest-tools) to /virtbox/guest/. brd.ko (RAM disks, not loaded) is always
# in the box: an ext4 on /dev/ram0 takes O_DIRECT, which the box's root (an
# initramfs) does not, for cache=direct disks (bench/io --peer qemu).
# vfio-pci and vfio_iommu_type1 with their dependencies are in the box too,
# not loaded (their load order in /etc/modules.vfio; run.sh --nvme).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:?usage: build-box.sh OUT.cpio [--qemu] [--file SRC]... [--env K=V]...}
shift
qemu=0 hvperf=0 tools=0 files=() envs=()
while [ $# -gt 0 ]; do
  case $1 in
    --qemu) qemu=1 ;;
    --hvperf) hvperf=1 ;;
    --tools) tools=1 ;;
    --file) files+=("$2"); shift ;;
    --env)  envs+=("$2"); shift ;;
    *) echo "build-box: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

guest=$top/build/guest
[ -f "$guest/vmlinuz" ] && [ -f "$guest/initrd.img" ] ||
  { echo "build-box: no guest image in $guest (run make guest)" >&2; exit 1; }
release=$(cat "$guest/kernel.release")
kroot=$guest/kernel

stage=$(mktemp -d "${out}.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
bash "$top/workloads/guest/busybox-root.sh" "$stage"
install -m 0755 "$here/init" "$stage/init"

# tun: hv's --net tap in the box; vhost_net (with vhost, vhost_iotlb, tap):
# --net ...,vhost=on (tests/virtbox/virtio_devices.sh, vhost_net.sh)
mods=$(bash "$top/workloads/guest/mod-closure.sh" "$kroot" "$release" kvm-amd tun vhost_net)
# brd is installed, not loaded: its size is an insmod parameter (rd_size).
extra=$(bash "$top/workloads/guest/mod-closure.sh" "$kroot" "$release" brd)
# vfio-pci and vfio_iommu_type1 (hv --vfio): installed, not loaded at boot, so
# the other boxes stay as they were; tests/virtbox/vfio_nvme.sh insmods the
# list in /etc/modules.vfio (load order, minus what modules.load has
# already loaded, e.g. irqbypass for kvm). vfio_iommu_type1 (the IOMMU
# backend of a VFIO container) is no dependency of vfio-pci in modules.dep,
# and the box has no modprobe to fetch it on demand, so it is named here.
vfio=$(bash "$top/workloads/guest/mod-closure.sh" "$kroot" "$release" vfio_iommu_type1 vfio-pci |
       grep -vxF -f <(printf '%s\n' "$mods"))
for ko in $mods $extra $vfio; do
  install -D -m 0644 "$kroot/lib/modules/$release/$ko" "$stage/lib/modules/$release/$ko"
done
printf '%s\n' "$mods" >"$stage/etc/modules.load"
printf '%s\n' "$vfio" >"$stage/etc/modules.vfio"

bash "$here/copy-with-libs.sh" "$stage" /bin/bash
mkdir -p "$stage/virtbox/bin" "$stage/virtbox/guest" "$stage/virtbox/tests"
if [ -x "$top/build/bin/hv" ]; then
  # hv goes to /virtbox/bin/hv; its libraries to their usual paths.
  bash "$here/copy-with-libs.sh" "$stage" "$top/build/bin/hv:/virtbox/bin/hv"
fi
cp "$guest/vmlinuz" "$guest/initrd.img" "$guest/kernel.release" "$stage/virtbox/guest/"
if [ "$tools" = 1 ]; then
  [ -f "$guest/initrd-tools.img" ] ||
    { echo "build-box: $guest/initrd-tools.img missing (make guest-tools)" >&2; exit 1; }
  cp "$guest/initrd-tools.img" "$stage/virtbox/guest/"
fi

for t in "$top"/tests/virtbox/*.sh "${files[@]}"; do
  [ -e "$t" ] || continue
  n=$(basename "$t"); n=${n%.sh}
  install -m 0755 "$t" "$stage/virtbox/tests/$n.sh"
done

if [ "$qemu" = 1 ]; then
  bash "$here/copy-with-libs.sh" "$stage" /usr/bin/qemu-system-x86_64
  install -D -m 0644 /usr/share/qemu/bios-microvm.bin "$stage/usr/share/qemu/bios-microvm.bin"
fi

if [ "$hvperf" = 1 ]; then
  [ -x "$top/build/bin/hvperf" ] || { echo "build-box: build/bin/hvperf missing (make)" >&2; exit 1; }
  bash "$here/copy-with-libs.sh" "$stage" "$top/build/bin/hvperf:/virtbox/bin/hvperf"
  install -D -m 0644 "$top/workloads/manifest.json" "$stage/virtbox/manifest.json"
  mkdir -p "$stage/virtbox/scenarios" "$stage/virtbox/workloads/native"
  cp "$top"/scenarios/*.json "$stage/virtbox/scenarios/"
  for w in "$top"/build/workloads/native/*; do
    [ -f "$w" ] && install -s -m 0755 "$w" "$stage/virtbox/workloads/native/"
  done
  envs+=(HVPERF_HV=/virtbox/bin/hv HVPERF_GUEST_DIR=/virtbox/guest
         HVPERF_MANIFEST=/virtbox/manifest.json HVPERF_WORKLOADS=/virtbox/workloads)
fi

{
  echo "export VIRTBOX=1"
  echo "export HV=/virtbox/bin/hv"
  echo "export GUEST_DIR=/virtbox/guest"
  for e in "${envs[@]}"; do printf 'export %q\n' "$e"; done
} >"$stage/etc/virtbox.env"

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
