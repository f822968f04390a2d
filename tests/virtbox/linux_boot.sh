#!/usr/bin/env bash
# In-box: hv boots the stock Debian cloud kernel with our initramfs, with 1
# and then 2 vCPUs. Each boot must reach /init (the guest prints
# "HVPERF-GUEST: nproc=N" with N = --cpus, after writing the boot marker),
# power off, end hv with exit status 0 and a stats JSON whose
# hv.boot_marker_ns is a number and hv.exit is "poweroff". The 2-vCPU boot
# also runs the guest-side smoke test (hvperf.run=smoke) and wants it to pass.
set -euo pipefail

HV=${HV:-hv}
GUEST_DIR=${GUEST_DIR:?}
# Fast, quiet and diagnosable: no TSC calibration (slow nested in TCG), no
# PS/2 mouse probe, a triple fault or panic ends the guest at once.
cmdline="console=ttyS0 loglevel=4 tsc=reliable no_timer_check i8042.noaux reboot=t panic=-1"
khz=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^tsc_early_khz=//p')
[ -n "$khz" ] && cmdline+=" tsc_early_khz=$khz"

[ -x "$HV" ] || { echo "hv is not in the box ($HV): build/bin/hv was not built"; exit 1; }
usecs() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }

fails=0 summary=()
for cpus in 1 2; do
  log=/tmp/linux_boot.$cpus.log json=/tmp/linux_boot.$cpus.json
  echo "== hv run --cpus $cpus --mem 512M"
  extra=
  [ "$cpus" = 2 ] && extra=" hvperf.run=smoke"
  t0=$(usecs)
  rc=0
  timeout -s KILL 300 "$HV" run --kernel "$GUEST_DIR/vmlinuz" --initrd "$GUEST_DIR/initrd.img" \
    --cmdline "$cmdline$extra" --cpus "$cpus" --mem 512M --stats-json "$json" \
    </dev/null >"$log" 2>&1 || rc=$?
  secs=$(awk -v d=$(( $(usecs) - t0 )) 'BEGIN { printf "%.1f", d / 1e6 }')
  grep -a -e 'HVPERF-GUEST:' -e '^hv:' "$log" | tr -d '\r' || true
  marker=$(grep -o '"boot_marker_ns"[[:space:]]*:[[:space:]]*[0-9a-z]*' "$json" 2>/dev/null | sed 's/.*:[[:space:]]*//' || true)
  exitkind=$(grep -o '"exit"[[:space:]]*:[[:space:]]*"[a-z-]*"' "$json" 2>/dev/null | sed 's/.*"\([a-z-]*\)"$/\1/' || true)
  bad=()
  [ "$rc" -eq 0 ] || bad+=("hv exit status $rc")
  # Console lines end in \r\n and may follow kernel output on the same line.
  seen=$(grep -a -o 'HVPERF-GUEST: nproc=[0-9]*' "$log" | head -n 1 || true)
  [ "$seen" = "HVPERF-GUEST: nproc=$cpus" ] ||
    bad+=("want 'HVPERF-GUEST: nproc=$cpus', got '${seen:-no /init output}'")
  [[ "$marker" =~ ^[0-9]+$ ]] || bad+=("hv.boot_marker_ns=${marker:-missing}")
  [ "$exitkind" = poweroff ] || bad+=("hv.exit=${exitkind:-missing}")
  if [ -n "$extra" ]; then
    run=$(grep -a -o 'HVPERF-GUEST: run smoke exit=[0-9]*' "$log" | head -n 1 || true)
    [ "$run" = "HVPERF-GUEST: run smoke exit=0" ] || bad+=("smoke test: '${run:-did not run}'")
  fi
  if [ ${#bad[@]} -eq 0 ]; then
    ms=$(awk -v n="$marker" 'BEGIN { printf "%.0f", n / 1e6 }')
    echo "ok: $cpus vCPU(s), marker at ${ms} ms (hv clock), ${secs}s all told"
    summary+=("cpus=$cpus marker=${ms}ms total=${secs}s")
  else
    fails=$((fails + 1))
    echo "FAILED with $cpus vCPU(s) after ${secs}s: ${bad[*]}"
    echo "-- last lines of the guest/hv output:"
    tail -n 30 "$log"
    summary+=("cpus=$cpus FAILED: ${bad[*]}")
  fi
done
echo "${summary[*]}"
[ "$fails" -eq 0 ]
