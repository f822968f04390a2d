#!/usr/bin/env bash
# A tuning run killed with SIGKILL leaves its journal; the next hvperf
# command (any) restores it. SIGINT and SIGTERM restore at once.
set -u
cd "$(dirname "$0")/../.."
HVPERF=build/bin/hvperf
KNOB=/sys/kernel/mm/ksm/pages_to_scan
[ "$(id -u)" -eq 0 ] || { echo "needs root to change host knobs"; exit 77; }
[ -w "$KNOB" ] || { echo "no KSM on this host ($KNOB)"; exit 77; }
export HVPERF_STATE_DIR=$(mktemp -d /tmp/hvperf-crash-XXXXXX)
orig=$(cat $KNOB)
trap '"$HVPERF" tune --restore >/dev/null 2>&1; echo "$orig" > $KNOB; rm -rf "$HVPERF_STATE_DIR"' EXIT
fail=0
val=$((orig + 13))

start_tuned() {  # hvperf tune --set ... -- sleep: holds the change while it runs
  "$HVPERF" tune --set ksm.pages_to_scan=$val -- sleep 60 >/dev/null 2>"$HVPERF_STATE_DIR/tune.err" &
  pid=$!
  for _ in $(seq 50); do [ "$(cat $KNOB)" = "$val" ] && return 0; sleep 0.1; done
  echo "FAIL  the tuned value never appeared"; exit 1
}

kill_hard() {  # SIGKILL hvperf, then its orphaned sleep (by its own pid)
  local child
  child=$(cat /proc/$pid/task/$pid/children 2>/dev/null)
  kill -KILL $pid; wait $pid 2>/dev/null
  [ -n "$child" ] && kill -KILL $child 2>/dev/null
}

# SIGKILL: nothing runs at death; the journal must carry the old value
start_tuned
kill_hard
[ "$(cat $KNOB)" = "$val" ] || { echo "FAIL  value changed without a restore"; fail=1; }
grep -q '"ksm.pages_to_scan"' "$HVPERF_STATE_DIR/journal" || { echo "FAIL  no journal record"; fail=1; }
"$HVPERF" tune --show >/dev/null 2>"$HVPERF_STATE_DIR/next.err"   # any command
if [ "$(cat $KNOB)" = "$orig" ] && grep -q "restored ksm.pages_to_scan=$orig" "$HVPERF_STATE_DIR/next.err"; then
  echo "ok    SIGKILL: next command restored: $(grep restored "$HVPERF_STATE_DIR/next.err")"
else
  echo "FAIL  SIGKILL: after the next command $KNOB=$(cat $KNOB), expected $orig"; cat "$HVPERF_STATE_DIR/next.err"; fail=1
fi
[ -e "$HVPERF_STATE_DIR/journal" ] && { echo "FAIL  journal not cleared"; fail=1; }

for sig in TERM INT; do
  start_tuned
  kill -$sig $pid; wait $pid 2>/dev/null
  if [ "$(cat $KNOB)" = "$orig" ]; then echo "ok    SIG$sig: restored at once"
  else echo "FAIL  SIG$sig: $KNOB=$(cat $KNOB), expected $orig"; cat "$HVPERF_STATE_DIR/tune.err"; fail=1; fi
  "$HVPERF" tune --show | grep -q "nothing to restore" || { echo "FAIL  SIG$sig: journal still pending"; fail=1; }
done

# a torn record at the end of a crashed journal is ignored, the rest restored
start_tuned
kill_hard
printf '0badc0de {"op":"set","owner":"1:1","key":"ksm.run","pa' >> "$HVPERF_STATE_DIR/journal"
"$HVPERF" tune --show >/dev/null 2>"$HVPERF_STATE_DIR/next.err"
if [ "$(cat $KNOB)" = "$orig" ] && grep -q "ignored 1 torn" "$HVPERF_STATE_DIR/next.err"; then
  echo "ok    torn tail ignored, value restored"
else echo "FAIL  torn journal: $KNOB=$(cat $KNOB)"; cat "$HVPERF_STATE_DIR/next.err"; fail=1; fi
exit $fail
