#!/usr/bin/env bash
# In-box: the tools image (Debian's fio and stress-ng) and the Linux-only
# workloads through the harness. `hvperf run` of
# scenarios/linux-tools-quick.json (fio-randread from a 64 MiB scratch disk,
# stress-ng-cpu, syscall, ctxswitch in the stock Debian cloud kernel under
# hv, one repetition each), `hvperf validate`, and every expected sample
# present with a positive, finite value and hv's KVM exit count. When QEMU
# is in the box (run.sh --qemu), fio-randread also runs under QEMU microvm
# with the same `disk` knob (virtio-blk-device on virtio-mmio): its samples
# must be there too, with kvm.unavailable "not hv".
# Needs the box built with --hvperf --tools (build-box.sh). Timings here are
# emulated (nested SVM under QEMU TCG): only correctness is checked.
set -euo pipefail
# shellcheck source=tests/virtbox/harness_lib.sh
. "$(dirname "$0")/harness_lib.sh"

s=$(run harness_tools /virtbox/scenarios/linux-tools-quick.json) || { echo "$s" | tail -n 1; exit 1; }
echo "samples (config workload metric value kvm.exits kvm.unavailable):"
echo "$s"
expect "$s" linux-hv-tools fio-randread iops exits
expect "$s" linux-hv-tools fio-randread latency_us exits
expect "$s" linux-hv-tools stress-ng-cpu bogo_ops_per_sec exits
expect "$s" linux-hv-tools syscall latency_ns exits
expect "$s" linux-hv-tools ctxswitch latency_ns exits
[ "$(wc -l <<<"$s")" -eq 5 ] || bad+=("want 5 samples, got $(wc -l <<<"$s")")
grep -q '"skipped": \[\]' /tmp/harness_tools/results.json || bad+=("something was skipped")

qemu="QEMU not in the box: its disk not checked"
if command -v qemu-system-x86_64 >/dev/null; then
  # The same disk knob under QEMU: a scenario of one pair, written here.
  sc=/tmp/tools-qemu-disk.json
  cat >"$sc" <<'EOF'
{"name": "tools-qemu-disk", "workloads": [{"name": "fio-randread", "args": ["qd=1", "seconds=2"]}],
 "configurations": [{"name": "linux-qemu-disk", "env": "linux", "backend": "qemu",
                     "knobs": {"mem": "512M", "cpus": 1, "disk": "scratch:64M"}}],
 "repetitions": {"min": 1, "warmup": 0, "max": 1}, "timeout_s": 300}
EOF
  q=$(run harness_tools_qemu "$sc") || { echo "$q" | tail -n 1; exit 1; }
  echo "$q"
  expect "$q" linux-qemu-disk fio-randread iops not-hv
  expect "$q" linux-qemu-disk fio-randread latency_us not-hv
  qemu="qemu disk: fio $(awk '$3 == "iops" { printf "%.0f", $4 }' <<<"$q") IO/s"
fi
if [ ${#bad[@]} -gt 0 ]; then
  echo "FAILED: ${bad[*]}"
  exit 1
fi
v() { awk -v w="$1" -v m="$2" '$2 == w && $3 == m { printf "%.4g", $4 }' <<<"$s"; }
echo "ok (emulated timings): hv fio $(v fio-randread iops) IO/s, stress-ng $(v stress-ng-cpu bogo_ops_per_sec) bogo-ops/s, syscall $(v syscall latency_ns) ns, ctxswitch $(v ctxswitch latency_ns) ns; $qemu"
