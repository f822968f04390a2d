#!/usr/bin/env bash
# Sourced by the in-box harness tests (harness_tools.sh, harness_vfio.sh),
# not a test itself: run a scenario with hvperf in the box and check its
# samples. Needs the box built with --hvperf --tools.
HVPERF=/virtbox/bin/hvperf
[ -x "$HVPERF" ] || { echo "hvperf is not in the box: build it with run.sh --hvperf"; exit 1; }
[ -f "$HVPERF_GUEST_DIR/initrd-tools.img" ] ||
  { echo "the tools image is not in the box: build it with run.sh --tools"; exit 1; }
khz=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^tsc_early_khz=//p')
# Nested under TCG: no TSC calibration, no PS/2 mouse probe (docs/testbox.md).
export HVPERF_GUEST_APPEND="i8042.noaux${khz:+ tsc_early_khz=$khz}" CI=1
usecs() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }

# samples FILE: one line per sample of a results.json as hvperf writes it
# (jansson, one space per level; no jq or python in the box):
#   config workload metric value kvm.exits kvm.unavailable
samples() {
  awk '
    function str(l) { sub(/^[^:]*: */, "", l); gsub(/[",]/, "", l); return l }
    /^ "samples": \[/ { in_s = 1; next }
    in_s && /^ \]/ { in_s = 0 }
    !in_s { next }
    /^  \{$/ { cfg = wl = met = val = ex = un = "-"; obj = ""; next }
    /^  \},?$/ { print cfg, wl, met, val, ex, un; next }
    /^   "[a-z_]+": \{$/ { obj = $1; gsub(/[":]/, "", obj); next }
    /^   \},?$/ { obj = ""; next }
    /^   "workload": / { wl = str($0) }
    /^   "metric": / { met = str($0) }
    /^   "value": / { val = str($0) }
    obj == "config" && /^    "name": / { cfg = str($0) }
    obj == "kvm" && /^    "exits": / { ex = str($0) }
    obj == "kvm" && /^    "unavailable": / { un = str($0); gsub(/ /, "-", un) }
  ' "$1"
}

# run NAME SCENARIO: hvperf run + validate into /tmp/NAME; prints the samples.
run() {
  local out=/tmp/$1 rc=0 t0 secs
  rm -rf "$out"
  t0=$(usecs)
  "$HVPERF" run "$2" --out "$out" >&2 || rc=$?
  secs=$(awk -v d=$(( $(usecs) - t0 )) 'BEGIN { printf "%.0f", d / 1e6 }')
  [ -f "$out/results.json" ] || { echo "FAILED: $1: no results.json (hvperf run exit $rc)"; return 1; }
  if [ "$rc" -ne 0 ]; then
    grep -A12 '"failures"' "$out/results.json" >&2 || true
    echo "FAILED: $1: hvperf run exit $rc after ${secs}s"
    return 1
  fi
  "$HVPERF" validate "$out/results.json" >&2
  echo "$1: hvperf run ${secs}s" >&2
  samples "$out/results.json"
}

# expect SAMPLES CONFIG WORKLOAD METRIC KVM: exactly one sample with a
# positive finite value; KVM is "exits" (hv's exit count > 0) or "not-hv".
bad=()
expect() {
  local n
  n=$(awk -v c="$2" -v w="$3" -v m="$4" -v k="$5" '
    $1 == c && $2 == w && $3 == m && $4 ~ /^[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$/ && $4 + 0 > 0 &&
    ((k == "exits" && $5 ~ /^[0-9]+$/ && $5 + 0 > 0) || (k == "not-hv" && $6 == "not-hv"))' <<<"$1" | wc -l)
  [ "$n" -eq 1 ] || bad+=("$2 $3 $4: want 1 sample with a positive finite value and kvm $5, got $n")
}

