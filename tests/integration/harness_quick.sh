#!/usr/bin/env bash
# hvperf run --quick scenarios/quick.json with the real workloads and hv:
# results.json validates (samples for every configuration that is not
# skipped, KVM exit counts on VM samples only, null hardware counters with
# a reason when the host's PMU cannot count them).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CI=true
[ -f workloads/manifest.json ] || { echo "workloads/manifest.json not there yet (micro-guest workloads not built)"; exit 77; }
[ -d build/workloads/native ] || { echo "build/workloads/native missing: run make first"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
set +e
build/bin/hvperf run --quick scenarios/quick.json --out "$tmp/q"
rc=$?
set -e
[ "$rc" -eq 0 ] || { echo "hvperf run exit $rc"; cat "$tmp/q/results.json" 2>/dev/null | grep -A3 '"failures"'; exit 1; }
build/bin/hvperf validate "$tmp/q/results.json" | tee "$tmp/valid"
# at least one micro-guest sample where the host has KVM
if [ -w /dev/kvm ]; then
  grep -Eq 'valid: [0-9]+ samples \([1-9][0-9]* from VMs\)' "$tmp/valid" ||
    { echo "no micro-guest samples although /dev/kvm exists"; exit 1; }
fi
# the host's PMU: if perf cannot count cycles, cycles must be null + reason
if perf stat -e cycles true 2>&1 | grep -q 'not supported'; then
  grep -q '"cycles": null' "$tmp/q/results.json"
  grep -q '"cycles": "PMU not virtualized on this host' "$tmp/q/results.json"
fi
echo "harness_quick: ok"
