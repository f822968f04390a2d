#!/usr/bin/env bash
# Run in-box tests in the virtualization test box: the Debian cloud kernel
# under QEMU TCG (-cpu max: emulated AMD SVM with nested paging), where
# kvm-amd works and hv can boot Linux guests.
#   run.sh [--qemu] [--hvperf] [--tools] [--nvme IMG] [--timeout SECS] [--file SRC]... [--env K=V]... TEST...
#   run.sh --shell          (interactive box, for debugging)
# --nvme IMG boots the box as a q35 PC (SeaBIOS) instead of microvm, with an
# emulated Intel IOMMU (intel_iommu=on) and an emulated NVMe controller
# (serial hvperf-nvme0) backed by the raw file IMG: a PCI device in its own
# IOMMU group that the box can hand to vfio-pci (tests/virtbox/vfio_nvme.sh).
# TEST is tests/virtbox/TEST.sh or the basename of a --file. The serial log
# streams to stdout and is kept in build/virtbox/<tests>.log.
# Exit: 0 all passed (or some skipped), 77 all skipped (reason on the last
# line) or no QEMU on this host, 1 a test failed, the box did not finish or
# something it needs is not built. A box that gives no verdict (stall or
# timeout, no test FAIL) is booted once more, and says so.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
timeout=${VIRTBOX_TIMEOUT:-900}
build_args=() tests=() shell=0 nvme=
while [ $# -gt 0 ]; do
  case $1 in
    --qemu|--hvperf|--tools) build_args+=("$1") ;;
    --file|--env) build_args+=("$1" "$2"); shift ;;
    --timeout) timeout=$2; shift ;;
    --nvme) nvme=$2; shift ;;
    --shell) shell=1 ;;
    -*) echo "virtbox: unknown option $1" >&2; exit 2 ;;
    *) tests+=("$1") ;;
  esac
  shift
done
[ ${#tests[@]} -gt 0 ] || [ "$shell" = 1 ] || { echo "virtbox: no test named" >&2; exit 2; }
[ -z "$nvme" ] || [ -f "$nvme" ] || { echo "virtbox: --nvme $nvme: no such file" >&2; exit 2; }
# What every box needs; build-box.sh checks the guest image, the tools
# image and hvperf. Without QEMU the tests that call this are skipped (77).
command -v qemu-system-x86_64 >/dev/null ||
  { echo "qemu-system-x86_64 not installed (ci/deps.sh installs it)"; exit 77; }
[ -x "$top/build/bin/hv" ] || { echo "build/bin/hv missing: run make (make test builds it)"; exit 1; }

out=$top/build/virtbox
mkdir -p "$out"
box=$out/box.$$.cpio
trap 'rm -f "$box"' EXIT
bash "$here/build-box.sh" "$box" "${build_args[@]}"

# TCG's TSC ticks at the host's rate; telling the kernel skips a calibration
# that can hang under TCG.
mhz=$(awk -F: '/^cpu MHz/ {print $2; exit}' /proc/cpuinfo | tr -d ' ')
khz=$(awk -v m="${mhz:-0}" 'BEGIN { printf "%d", m * 1000 }')
[ "$khz" -gt 100000 ] || khz=2445000

cmdline="console=ttyS0 loglevel=4 reboot=t panic=-1 tsc_early_khz=$khz tsc=reliable"
if [ "$shell" = 1 ]; then
  cmdline+=" virtbox.shell"
else
  cmdline+=" virtbox.run=$(IFS=,; echo "${tests[*]}")"
fi
if [ -z "$nvme" ]; then
  machine=(-M microvm)
else
  # q35 (SeaBIOS; -serial stdio still makes the ISA UART at 0x3f8 under
  # -nodefaults). intel-iommu comes before the PCI devices it translates.
  # intremap=on (fine under TCG; only KVM would need kernel-irqchip=split):
  # without interrupt remapping vfio_iommu_type1 refuses VFIO_SET_IOMMU
  # with EPERM (unless allow_unsafe_interrupts=1). aw-bits=48: with the
  # default 39 the box's IOMMU refuses IOVAs from 512 GiB up (QEMU's
  # VFIO_MAP_DMA of a BAR placed high failed with EINVAL).
  # shellcheck disable=SC2054  # the commas are QEMU's
  machine=(-M q35 -device intel-iommu,intremap=on,aw-bits=48
           -drive "if=none,id=nv0,file=$nvme,format=raw"
           -device nvme,drive=nv0,serial=hvperf-nvme0)
  cmdline+=" intel_iommu=on"
fi
qemu=(qemu-system-x86_64 -accel tcg -cpu max "${machine[@]}" -m 3072 -smp 2
      -no-reboot -nodefaults -display none -serial stdio
      -kernel "$top/build/guest/vmlinuz" -initrd "$box" -append "$cmdline")

if [ "$shell" = 1 ]; then
  exec "${qemu[@]}"
fi

log=$out/$(IFS=-; echo "${tests[*]}").log

# boot_box: one boot, console to stdout and $log; sets rc (QEMU's exit,
# 124 on timeout) and stalled (0, or why the box counts as stalled: its
# kernel reported a CPU soft lockup of 50 s or more, or the console stayed
# silent for VIRTBOX_STALL_SECS, default 180; every in-box test prints at
# least every minute or so). Both are QEMU TCG stalls in nested SVM (a VMRUN
# that never comes back), seen now and then with a nested hv or QEMU guest
# and never tied to a test. A stalled box is stopped at once instead of at
# the timeout.
stall_secs=${VIRTBOX_STALL_SECS:-180}
boot_box() {
  local qpid
  : >"$log"
  set +e
  timeout --kill-after=10 "$timeout" "${qemu[@]}" </dev/null > >(tee -a "$log") 2>&1 &
  qpid=$!
  local size=0 now last
  stalled=0
  last=$(date +%s)
  while kill -0 "$qpid" 2>/dev/null; do
    now=$(date +%s)
    if [ "$(stat -c %s "$log")" != "$size" ]; then
      size=$(stat -c %s "$log") last=$now
    fi
    if grep -aEq 'soft lockup - CPU#[0-9]+ stuck for ([5-9][0-9]|[0-9]{3,})s' "$log"; then
      stalled="CPU soft lockup (QEMU TCG stall)"
    elif [ $((now - last)) -ge "$stall_secs" ]; then
      stalled="no console output for ${stall_secs}s (QEMU TCG stall)"
    fi
    if [ "$stalled" != 0 ]; then
      kill "$qpid" 2>/dev/null
      break
    fi
    sleep 2
  done
  wait "$qpid"
  rc=$?
  set -e
  sleep 0.2  # let tee drain
}

echo "virtbox: booting the test box (QEMU TCG, timeout ${timeout}s): ${tests[*]}"
boot_box
# One more boot, only when the box gave no verdict at all: no VIRTBOX-DONE
# and no test reported FAIL (a stall or a timeout). Said on the log.
if ! grep -aq '^VIRTBOX-DONE' "$log" && ! grep -aq '^VIRTBOX-TEST [^ ]* FAIL' "$log"; then
  why="timed out after ${timeout}s"
  [ "$stalled" != 0 ] && why=$stalled
  [ "$rc" != 124 ] && [ "$stalled" = 0 ] && why="stopped (QEMU exit $rc)"
  cp "$log" "$log.first"
  echo "virtbox: the box gave no verdict ($why; log kept as $log.first): booting it once more"
  boot_box
fi

results=$(grep -a '^VIRTBOX-TEST ' "$log" | tr -d '\r' || true)
echo "virtbox: results (log: $log)"
[ -n "$results" ] && echo "$results"
if ! grep -aq '^VIRTBOX-DONE' "$log"; then
  if [ "$stalled" != 0 ]; then
    echo "virtbox: the box stalled again: $stalled"
  elif [ "$rc" = 124 ]; then
    echo "virtbox: the box timed out after ${timeout}s"
  else
    echo "virtbox: the box stopped before finishing (QEMU exit $rc)"
  fi
  exit 1
fi
count() { awk -v s="$1" '$3 == s' <<<"$results" | wc -l; }
n_fail=$(count FAIL) n_pass=$(count PASS) n_skip=$(count SKIP)
echo "virtbox: $n_pass passed, $n_fail failed, $n_skip skipped"
[ "$n_fail" -eq 0 ] && [ $((n_pass + n_skip)) -eq ${#tests[@]} ] || exit 1
if [ "$n_pass" -eq 0 ]; then
  awk '$3 == "SKIP"' <<<"$results" | tail -n 1
  exit 77
fi
