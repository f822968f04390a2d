#!/bin/sh
# stress-ng-cpu: Debian's stress-ng CPU stressor in the Linux guest.
#   stress-ng-cpu [workers=N (0 = one per CPU)] [seconds=S] [method=NAME]
# Runs stress-ng --cpu N --cpu-method M --timeout S --metrics-brief --yaml
# and prints one result line (docs/results-schema.md §1): bogo_ops_per_sec
# (real time), from the YAML's metrics section.
workers=0 seconds=10 method=all
for a in "$@"; do
  case $a in
    workers=*) workers=${a#*=} ;;
    seconds=*) seconds=${a#*=} ;;
    method=*) method=${a#*=} ;;
    *) echo "stress-ng-cpu: unknown argument $a" >&2; exit 2 ;;
  esac
done
command -v stress-ng >/dev/null || { echo "stress-ng-cpu: stress-ng is not in this image (make guest-tools)"; exit 69; }
[ "$workers" = 0 ] && workers=$(nproc)
y=/tmp/stress-ng.yaml
stress-ng --cpu "$workers" --cpu-method "$method" --timeout "${seconds}s" \
  --metrics-brief --yaml "$y" >/tmp/stress-ng.log 2>&1 ||
  { tail -n 3 /tmp/stress-ng.log; echo "stress-ng-cpu: stress-ng failed"; exit 1; }
awk -v w="$workers" -v m="$method" -v s="$seconds" '
  /stressor: cpu/ { in_cpu = 1 }
  in_cpu && /bogo-ops:/ && !ops { ops = $2 }
  in_cpu && /bogo-ops-per-second-real-time:/ { rate = $2; exit }
  END {
    if (rate == "") { print "stress-ng-cpu: no cpu metrics in the YAML"; exit 1 }
    printf "{\"workload\":\"stress-ng-cpu\",\"metric\":\"bogo_ops_per_sec\",\"value\":%s,\"unit\":\"bogo-ops/s\",\"higher_is_better\":true,\"params\":{\"method\":\"%s\",\"workers\":%d},\"extra\":{\"bogo_ops\":%s,\"seconds\":%s}}\n", rate, m, w, ops, s
  }' "$y"
