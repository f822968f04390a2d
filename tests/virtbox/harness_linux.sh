#!/usr/bin/env bash
# In-box: the harness's Linux-guest path end to end. `hvperf run` of
# scenarios/linux-quick.json (intops with small arguments in the stock
# Debian cloud kernel, 2 repetitions under hv and, when the box has QEMU
# (run.sh --qemu), 2 under QEMU microvm), then `hvperf validate`. Wants:
# run exit 0, a valid document, 2 linux-hv samples whose value is a
# positive ops/s figure from the guest's intops and whose kvm.exits is a
# positive count from hv; QEMU samples with kvm.unavailable "not hv", or the
# QEMU configuration skipped with the reason when QEMU is not in the box;
# every sample's extra.env (the workload's own label) equal to config.env.
# Needs the box built with --hvperf (build-box.sh).
set -euo pipefail
HVPERF=/virtbox/bin/hvperf
[ -x "$HVPERF" ] || { echo "hvperf is not in the box: build it with run.sh --hvperf"; exit 1; }
khz=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^tsc_early_khz=//p')
# Nested under TCG: no TSC calibration, no PS/2 mouse probe (docs/testbox.md).
export HVPERF_GUEST_APPEND="i8042.noaux${khz:+ tsc_early_khz=$khz}" CI=1
out=/tmp/harness_linux
rm -rf "$out"
usecs() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
t0=$(usecs)
rc=0
"$HVPERF" run /virtbox/scenarios/linux-quick.json --out "$out" || rc=$?
secs=$(awk -v d=$(( $(usecs) - t0 )) 'BEGIN { printf "%.0f", d / 1e6 }')
res=$out/results.json
[ -f "$res" ] || { echo "FAILED: no results.json (hvperf run exit $rc)"; exit 1; }
if [ "$rc" -ne 0 ]; then
  grep -A12 '"failures"' "$res" || true
  echo "FAILED: hvperf run exit $rc after ${secs}s"
  exit 1
fi
"$HVPERF" validate "$res" | tee /tmp/harness_linux.valid
echo

# One sample object per "workload" key; pull the fields we check per sample
# out of the pretty-printed document (no jq or python in the box).
samples=$(awk '
  /"samples": \[/ { in_s = 1 }
  in_s && /"skipped": \[/ { in_s = 0 }
  !in_s { next }
  /"workload":/ { if (cfg != "") print cfg, val, exits, unavail; cfg = ""; val = ""; exits = "-"; unavail = "-" }
  /"name":/ && cfg == "" { gsub(/[",]/, "", $2); cfg = $2 }
  /"value":/ && val == "" { gsub(/,/, "", $2); val = $2 }
  /^ *"exits": / { gsub(/,/, "", $2); exits = $2 }
  /"unavailable": "not hv"/ { unavail = "not-hv" }
  END { if (cfg != "") print cfg, val, exits, unavail }' "$res")
echo "samples (config value kvm.exits kvm.unavailable):"
echo "$samples"
bad=()
n_hv=$(awk '$1 == "linux-hv" && $2 + 0 > 0 && $3 ~ /^[0-9]+$/ && $3 > 0' <<<"$samples" | wc -l)
[ "$n_hv" -eq 2 ] || bad+=("want 2 linux-hv samples with ops/s > 0 and kvm.exits > 0, got $n_hv")
n_q=$(awk '$1 == "linux-qemu" && $2 + 0 > 0 && $4 == "not-hv"' <<<"$samples" | wc -l)
qemu_skip=$(grep -A1 '"config": "linux-qemu"' "$res" | sed -n 's/.*"reason": "\(.*\)".*/\1/p' | head -n 1 || true) 
if command -v qemu-system-x86_64 >/dev/null; then
  [ "$n_q" -eq 2 ] || bad+=("want 2 linux-qemu samples with kvm.unavailable 'not hv', got $n_q")
  qemu="qemu 2 samples"
else
  [ -n "$qemu_skip" ] || bad+=("QEMU is not in the box but linux-qemu was not skipped with a reason")
  qemu="qemu skipped: $qemu_skip"
fi
grep -q 'env linux' "$res" && bad+=("a 'not built for env linux' skip")
# The workload's own env label (extra.env, from HVPERF_ENV that the guest's
# /init sets from hvperf.env=) must name the configuration's env, not
# "native" (the image carries the native build).
envs=$(awk '
  /^   "config": \{$/ { obj = "config" } /^   "extra": \{$/ { obj = "extra" } /^   \},?$/ { obj = "" }
  obj == "config" && /^    "env": / { c = $2 }
  obj == "extra" && /^    "env": / { gsub(/[",]/, "", c); gsub(/[",]/, "", $2); print c "=" $2 }' "$res" | sort | uniq -c)
n_env=$(awk '$2 == "linux=linux" || $2 == "qemu=qemu" { n += $1 } END { print n + 0 }' <<<"$envs")
[ "$n_env" -eq $((2 + n_q)) ] || bad+=("want extra.env = config.env on every intops sample, got: $(echo $envs)")
if [ ${#bad[@]} -gt 0 ]; then
  echo "FAILED: ${bad[*]}"
  exit 1
fi
vals=$(awk '$1 == "linux-hv" { printf "%s%.3g", n++ ? " " : "", $2 }' <<<"$samples")
exits=$(awk '$1 == "linux-hv" { printf "%s%s", n++ ? " " : "", $3 }' <<<"$samples")
echo "ok: hvperf run linux-quick in ${secs}s, validated: hv 2 samples (intops ${vals} ops/s, kvm exits ${exits}), $qemu; extra.env = config.env"
