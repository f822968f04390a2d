#!/bin/sh
# Guest-side smoke test (hvperf.run=smoke): checks that the guest sees the
# CPUs, memory and virtio drivers it should. Prints one line per check,
# exits non-zero if a check fails.
rc=0
check() { # NAME CONDITION-EXIT-STATUS DETAIL
  if [ "$2" -eq 0 ]; then echo "smoke: ok   $1 ($3)"; else echo "smoke: FAIL $1 ($3)"; rc=1; fi
}

online=$(grep -c '^processor' /proc/cpuinfo)
[ "$online" -eq "$(nproc)" ]; check cpus $? "cpuinfo=$online nproc=$(nproc)"

memkb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
[ "$memkb" -gt 65536 ]; check memory $? "MemTotal=${memkb} kB"

for m in virtio virtio_ring virtio_mmio; do
  # Loaded as a module, or built in (then it has /sys/module/NAME too).
  [ -d "/sys/module/$m" ]; check "driver-$m" $? "/sys/module/$m"
done

devs=$(ls /sys/bus/virtio/devices 2>/dev/null | wc -l)
echo "smoke: info virtio devices=$devs"
exit $rc
