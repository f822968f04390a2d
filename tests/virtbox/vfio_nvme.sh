#!/usr/bin/env bash
# In-box (box booted with ci/virtbox/run.sh --nvme IMG: q35, emulated Intel
# IOMMU, an emulated NVMe controller with serial hvperf-nvme0): hv's VFIO
# PCI passthrough. The box loads vfio-pci and vfio_iommu_type1
# (/etc/modules.vfio), checks the IOMMU put the NVMe controller (PCI class
# 0x010802) in a group of its own, sees the host's pattern on it, unbinds it
# from nvme, binds it to vfio-pci (driver_override + drivers_probe) and
# checks /dev/vfio/<group>. Then hv boots the Debian cloud kernel with
# --vfio BDF; the nested guest's built-in nvme driver finds the controller
# behind hv's PCI host bridge and runs the disk test (workloads/guest/tests/
# disk.sh, hvperf.disk=/dev/nvme0n1): reads 64 KiB of 0xA5 at 1 MiB, writes
# 64 KiB of 0x5A at 0, both by DMA into guest RAM through the IOMMU mapping
# hv set up. hv must exit 0 with the guest's "disk OK serial=hvperf-nvme0";
# the host side (tests/integration/virtbox_vfio.sh) then checks the image.
# VFIO_VMM=qemu (run.sh --qemu --env VFIO_VMM=qemu) runs the same nested
# boot under the box's QEMU (microvm,pcie=on, -device vfio-pci) instead of
# hv: a reference that the box, its IOMMU and the guest side work.
set -euo pipefail
VFIO_VMM=${VFIO_VMM:-hv}
HV=${HV:-hv}
GUEST_DIR=${GUEST_DIR:?}
khz=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^tsc_early_khz=//p')
[ -x "$HV" ] || { echo "hv is not in the box ($HV)"; exit 1; }

# not /tmp/vfio_nvme.log: the box's /init tees this script's output there
log=/tmp/vfio_nvme.hv.log
: >"$log"
# shellcheck source=tests/virtbox/guest_lib.sh
. "$(dirname "$0")/guest_lib.sh"

grep -qw intel_iommu=on /proc/cmdline ||
  fail "the box was not booted with intel_iommu=on (run.sh --nvme IMG)"
release=$(uname -r)
while read -r ko; do
  [ -n "$ko" ] || continue
  m=${ko##*/}; m=${m%.ko}; m=${m//-/_}
  [ -d "/sys/module/$m" ] && continue
  insmod "/lib/modules/$release/$ko" || fail "insmod $ko"
done </etc/modules.vfio
[ -d /sys/bus/pci/drivers/vfio-pci ] || fail "vfio-pci driver not registered"
[ -c /dev/vfio/vfio ] || fail "/dev/vfio/vfio missing after loading vfio"
ngroups=$(find /sys/kernel/iommu_groups -mindepth 1 -maxdepth 1 | wc -l)
[ "$ngroups" -gt 0 ] || fail "/sys/kernel/iommu_groups is empty: no IOMMU in the box"

bdf=
for d in /sys/bus/pci/devices/*; do
  [ "$(cat "$d/class")" = 0x010802 ] || continue
  [ -z "$bdf" ] || fail "more than one NVMe controller: $bdf and ${d##*/}"
  bdf=${d##*/}
done
[ -n "$bdf" ] || fail "no NVMe controller (class 0x010802) in /sys/bus/pci/devices"
dev=/sys/bus/pci/devices/$bdf
[ -L "$dev/iommu_group" ] || fail "$bdf has no IOMMU group"
group=$(basename "$(readlink "$dev/iommu_group")")
members=$(ls "/sys/kernel/iommu_groups/$group/devices")
# vfio needs every device of a group bound to it (or to no driver)
[ "$members" = "$bdf" ] || fail "IOMMU group $group holds more than $bdf: $(echo "$members" | tr "\n" " ")"
echo "vfio: NVMe controller $bdf ($(cat "$dev/vendor"):$(cat "$dev/device")), IOMMU group $group of $ngroups"

# While the box's nvme driver has it: the right disk, with the host's pattern.
drv=$(basename "$(readlink "$dev/driver" 2>/dev/null)" 2>/dev/null || true)
[ "$drv" = nvme ] || fail "$bdf is bound to '${drv:-no driver}', not nvme"
ctrl=$(ls "$dev/nvme" 2>/dev/null | head -n 1)
[ -n "$ctrl" ] || fail "no nvme controller under $dev/nvme"
serial=$(tr -d ' \n' <"/sys/class/nvme/$ctrl/serial")
[ "$serial" = hvperf-nvme0 ] || fail "$ctrl serial is '$serial', not hvperf-nvme0"
for _ in $(seq 30); do [ -b "/dev/${ctrl}n1" ] && break; sleep 1; done
[ -b "/dev/${ctrl}n1" ] || fail "/dev/${ctrl}n1 missing"
want=$(head -c 65536 /dev/zero | tr '\0' '\245' | md5sum | cut -d' ' -f1)
got=$(dd if="/dev/${ctrl}n1" bs=65536 skip=16 count=1 2>/dev/null | md5sum | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "the box does not read the 0xA5 pattern at 1 MiB of /dev/${ctrl}n1"

echo "$bdf" >"$dev/driver/unbind"
echo vfio-pci >"$dev/driver_override"
echo "$bdf" >/sys/bus/pci/drivers_probe
drv=$(basename "$(readlink "$dev/driver" 2>/dev/null)" 2>/dev/null || true)
[ "$drv" = vfio-pci ] || fail "$bdf did not bind to vfio-pci (driver: '${drv:-none}')"
[ -c "/dev/vfio/$group" ] || fail "/dev/vfio/$group missing after binding $bdf to vfio-pci"
echo "vfio: $bdf bound to vfio-pci, /dev/vfio/$group present"

vcmdline="console=ttyS0 loglevel=4 tsc=reliable no_timer_check i8042.noaux reboot=t panic=-1"
vcmdline+=" hvperf.run=disk hvperf.disk=/dev/nvme0n1"
[ -n "$khz" ] && vcmdline+=" tsc_early_khz=$khz"

# boot_guest EXTRA_CMDLINE STATS_JSON: one nested boot under $VFIO_VMM that
# must end with the guest's disk test passed
boot_guest() {
  : >"$log"
  case $VFIO_VMM in
    hv)
      "$HV" run --kernel "$GUEST_DIR/vmlinuz" --initrd "$GUEST_DIR/initrd.img" \
        --cmdline "$vcmdline $1" --cpus 1 --mem 256M --vfio "$bdf" --stats-json "$2" \
        </dev/null >"$log" 2>&1 &
      ;;
    qemu)
      command -v qemu-system-x86_64 >/dev/null || fail "no QEMU in the box (run.sh --qemu)"
      qemu-system-x86_64 -M microvm,pcie=on -enable-kvm -cpu host -nodefaults -no-user-config \
        -display none -serial stdio -no-reboot -m 256M -smp 1 \
        -kernel "$GUEST_DIR/vmlinuz" -initrd "$GUEST_DIR/initrd.img" -append "$vcmdline $1" \
        -device "vfio-pci,host=$bdf" </dev/null >"$log" 2>&1 &
      ;;
    *) fail "VFIO_VMM=$VFIO_VMM: hv or qemu" ;;
  esac
  pid=$!
  # the guest powers off after its disk test: the VMM exits
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -0 "$pid" 2>/dev/null && fail "$VFIO_VMM still running after 300 s"
  rc=0; wait "$pid" || rc=$?; pid=
  grep -a -e '^hv:' -e '^qemu-system' "$log" | tr -d '\r' || true
  # what the guest saw of the disk
  grep -a -i -e 'HVPERF-GUEST: disk' -e 'nvme' "$log" | tr -d '\r' | head -n 20 || true
  [ "$rc" -eq 0 ] || fail "$VFIO_VMM (vfio $bdf) exit status $rc"
  grep -a -q 'HVPERF-GUEST: disk OK serial=hvperf-nvme0' "$log" ||
    fail "the guest did not report 'disk OK serial=hvperf-nvme0'"
  # a lost interrupt shows as an I/O timeout (the driver then polls)
  if grep -a -i -q -e 'timeout' -e 'completed via polling' "$log"; then
    fail "the guest's nvme driver timed out waiting for an interrupt"
  fi
}

# hv_stats FILE: hv's vfio0 counters
hv_stats() {
  [ -s "$1" ] || fail "hv wrote no --stats-json"
  tr -d ' \n' <"$1" | grep -o '"vfio0":{[^}]*}' || fail "no vfio0 in hv's stats"
}

boot_guest "" /tmp/vfio.json
if [ "$VFIO_VMM" = hv ]; then
  # the nvme driver runs on MSI-X; its doorbells are mapped straight into
  # the guest (KVM slots), only the MSI-X table page traps to hv
  vst=$(hv_stats /tmp/vfio.json)
  echo "vfio: hv stats (MSI-X): $vst"
  [ "$(num msix_enables <<<"$vst")" -ge 1 ] || fail "the guest never turned MSI-X on: $vst"
  [ "$(num bar_slots_mapped <<<"$vst")" -ge 1 ] || fail "no BAR was mapped into the guest: $vst"
  [ "$(num msix_table_accesses <<<"$vst")" -ge 1 ] || fail "the guest never wrote the MSI-X table: $vst"
  [ "$(num dma_mapped_bytes <<<"$vst")" = 268435456 ] || fail "not all 256 MiB mapped for DMA: $vst"

  # again with pci=nomsi: the driver falls back to INTx, routed by hv's
  # _PRT to an IOAPIC input and delivered by a resampling irqfd
  boot_guest "pci=nomsi" /tmp/vfio-intx.json
  vst=$(hv_stats /tmp/vfio-intx.json)
  echo "vfio: hv stats (INTx): $vst"
  [ "$(num msix_enables <<<"$vst")" = 0 ] && [ "$(num msi_enables <<<"$vst")" = 0 ] ||
    fail "pci=nomsi, yet MSI or MSI-X was enabled: $vst"
  [ "$(num intx_enables <<<"$vst")" -ge 1 ] || fail "INTx was never on: $vst"
fi
echo "vfio: guest under $VFIO_VMM read the host pattern and wrote 0x5A through the passed-through NVMe $bdf (IOMMU group $group$([ "$VFIO_VMM" = hv ] && echo ", MSI-X and INTx"), $(elapsed) s)"
