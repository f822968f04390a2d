#!/usr/bin/env bash
# Each host tuner: hvperf tune --set changes the host value, hvperf tune
# --restore puts the original back. Keys the host lacks are reported and
# skipped; the test skips as a whole only when nothing can be tested.
set -u
cd "$(dirname "$0")/../.."
HVPERF=build/bin/hvperf
[ "$(id -u)" -eq 0 ] || { echo "needs root to change host knobs"; exit 77; }
[ -x "$HVPERF" ] || { echo "build/bin/hvperf not built"; exit 1; }
export HVPERF_STATE_DIR=$(mktemp -d /tmp/hvperf-tuners-XXXXXX)
trap '"$HVPERF" tune --restore >/dev/null 2>&1; rm -rf "$HVPERF_STATE_DIR"' EXIT

get() { "$HVPERF" tune --show --json | python3 -c "import json,sys; v=json.load(sys.stdin)['keys']['$1']['value']; print('' if v is None else v)"; }
other() {  # a valid value different from the current one
  case $1 in
    thp.enabled) [ "$2" = never ] && echo madvise || echo never ;;
    thp.defrag) [ "$2" = defer ] && echo madvise || echo defer ;;
    ksm.run) [ "$2" = 1 ] && echo 0 || echo 1 ;;
    ksm.use_zero_pages|zswap.enabled) case $2 in 0) echo 1;; 1) echo 0;; Y) echo N;; N) echo Y;; esac ;;
    zswap.compressor) for c in lz4 zstd deflate lzo-rle lzo; do
        [ "$c" != "$2" ] && grep -qx "name *: $c" /proc/crypto && { echo $c; return; }; done ;;
    hugepages.2m) echo $(( $2 + 8 )) ;;
    hugepages.1g) echo $(( $2 + 1 )) ;;
    *) echo $(( $2 + 7 )) ;;
  esac
}

tested=0 fail=0
for key in thp.enabled thp.defrag ksm.run ksm.pages_to_scan ksm.sleep_millisecs \
           ksm.use_zero_pages zswap.enabled zswap.compressor zswap.max_pool_percent \
           zswap.zpool vm.swappiness hugepages.2m hugepages.1g cpufreq.governor; do
  before=$(get $key)
  if [ -z "$before" ]; then echo "skip  $key: not present on this host"; continue; fi
  new=$(other $key "$before")
  if [ -z "$new" ]; then echo "skip  $key: no second valid value here"; continue; fi
  if ! "$HVPERF" tune --set "$key=$new" >/dev/null 2>"$HVPERF_STATE_DIR/err"; then
    echo "FAIL  $key=$new refused: $(cat "$HVPERF_STATE_DIR/err")"; fail=1; continue
  fi
  during=$(get $key)
  # a hugepage pool may get fewer pages than asked (fragmentation)
  case $key in hugepages.*) ok=$([ "$during" -le "$new" ] && echo y) ;; *) ok=$([ "$during" = "$new" ] && echo y) ;; esac
  "$HVPERF" tune --restore >/dev/null 2>&1
  after=$(get $key)
  if [ "$ok" != y ] || [ "$after" != "$before" ]; then
    echo "FAIL  $key: before=$before set=$new during=$during after=$after"; fail=1
  else
    echo "ok    $key: $before -> $during -> $after"
  fi
  tested=$((tested + 1))
done

# swap file: created, active, then swapoff'ed and deleted
sw="$HVPERF_STATE_DIR/swapfile"
if "$HVPERF" tune --set swap.file=64M >/dev/null 2>"$HVPERF_STATE_DIR/err"; then
  grep -q "^$sw " /proc/swaps || { echo "FAIL  swap.file: $sw not in /proc/swaps"; fail=1; }
  "$HVPERF" tune --restore >/dev/null 2>&1
  if grep -q "^$sw " /proc/swaps || [ -e "$sw" ]; then
    echo "FAIL  swap.file: still active or present after restore"; fail=1
  else echo "ok    swap.file: 64M created, enabled, removed"; fi
  tested=$((tested + 1))
else
  echo "skip  swap.file: $(cat "$HVPERF_STATE_DIR/err")"
fi

# refusals: one line on stderr, non-zero exit, nothing changed
for bad in hugepages.2m=999999999 thp.enabled=bogus no.such=1 vm.swappiness=abc; do
  if "$HVPERF" tune --set "$bad" >/dev/null 2>"$HVPERF_STATE_DIR/err" || [ "$(wc -l <"$HVPERF_STATE_DIR/err")" -ne 1 ]; then
    echo "FAIL  $bad was not refused with one line"; fail=1
  else echo "ok    refused $bad: $(cat "$HVPERF_STATE_DIR/err")"; fi
done
[ -e "$HVPERF_STATE_DIR/journal" ] && { echo "FAIL  journal left behind"; fail=1; }
[ $fail -ne 0 ] && exit 1
[ $tested -eq 0 ] && { echo "no tuner key is present on this host"; exit 77; }
echo "$tested tuners set and restored"
