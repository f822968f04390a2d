#!/usr/bin/env bash
# Sourced by the in-box device tests (virtio_devices.sh, vhost_net.sh), not a
# test itself. The caller sets HV and log (hv's console log). Provides
# cleanup on exit (hv in $pid, the nc receiver in $ncpid), fail, elapsed,
# wait_log, num, and the box's half of the guest's net test:
# start_nc before hv starts, net_host_side once the tap is up.
pid= ncpid=
cleanup() { exec 4>&-; for p in $pid $ncpid; do kill -9 "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
fail() {
  echo "FAILED: $*"; tail -n 30 "$log" | tr -d '\r'
  exit 1
}
t0=$(date +%s)
elapsed() { echo $(( $(date +%s) - t0 )); }
# wait_log PATTERN SECONDS: until the guest console has the line
wait_log() {
  local i
  for i in $(seq "$2"); do
    grep -a -q -e "$1" "$log" && return 0
    kill -0 "$pid" 2>/dev/null || fail "hv exited while waiting for '$1'"
    sleep 1
  done
  fail "no '$1' within $2 s"
}
num() { grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }

# the receiver's stdin must stay open: at its EOF busybox nc half-closes,
# and the sender's nc exits at that EOF before it has sent everything
start_nc() {
  exec 4>&-
  rm -f /tmp/nc.in /tmp/net.rx; mkfifo /tmp/nc.in
  nc -l -p 5202 </tmp/nc.in >/tmp/net.rx &
  ncpid=$!
  exec 4>/tmp/nc.in
}
# net_host_side: the box's half of workloads/guest/tests/net.sh
net_host_side() {
wait_log 'HVPERF-GUEST: net listening' 120
ping -c 3 -W 5 10.211.0.2 >/tmp/ping.box 2>&1 || fail "box cannot ping the guest: $(tail -n 2 /tmp/ping.box)"
sent=
for _ in $(seq 10); do
  if nc -w 10 10.211.0.2 5201 </tmp/net.tx; then sent=1; break; fi
  sleep 1
done
[ -n "$sent" ] || fail "cannot connect to the guest's nc on 5201"
wait_log 'HVPERF-GUEST: net \(OK\|FAIL\)' 120
grep -a -q 'HVPERF-GUEST: net OK' "$log" || fail "guest net side failed"
want=$(md5sum </tmp/net.tx | cut -d' ' -f1)
grep -a -q "HVPERF-GUEST: net rx bytes=1048576 md5=$want" "$log" ||
  fail "guest received something else than the box's 1 MiB (md5 $want)"
for _ in $(seq 30); do kill -0 "$ncpid" 2>/dev/null || break; sleep 1; done
gmd5=$(grep -a -o 'net tx bytes=1048576 md5=[0-9a-f]*' "$log" | sed 's/.*md5=//')
[ "$(wc -c </tmp/net.rx)" -eq 1048576 ] && [ "$(md5sum </tmp/net.rx | cut -d' ' -f1)" = "$gmd5" ] ||
  fail "box received $(wc -c </tmp/net.rx) bytes, md5 $(md5sum </tmp/net.rx | cut -d' ' -f1), guest sent md5 $gmd5"
}

