#!/usr/bin/env bash
# Two micro-guest VMs overcommitted on a memory pool (a memory cgroup with a
# limit below what they use together). hvperf govern sets up a swap file
# and zswap through the tuners, squeezes the low-priority VM down the
# ladder, and restores the host on exit. Pass: neither VM is OOM-killed,
# only the low-priority VM is squeezed and its usage really falls, and
# swap/zswap are back as they were. (Why throughput is not asserted: below.)
set -u
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "skip: needs root (cgroups, swap, zswap)"; exit 77; }
[ -e /dev/kvm ] || { echo "skip: /dev/kvm is missing on this host"; exit 77; }
[ -e build/workloads/micro/ovcload.elf ] || { echo "skip: build/workloads/micro/ovcload.elf not built"; exit 77; }
[ -e /sys/module/zswap/parameters/enabled ] || { echo "skip: this kernel has no zswap"; exit 77; }
. bench/overcommit_lib.sh
tmp=$(mktemp -d)
ovc_init "$tmp" || { echo "skip: no usable memory cgroup controller"; exit 77; }
trap 'ovc_cleanup; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

SECS=16 POOL=280
zswap_before=$(cat /sys/module/zswap/parameters/enabled)
swaps_before=$(tail -n +2 /proc/swaps | wc -l)

run_pair() {  # run_pair POOL_MIB GOVERN(0/1)
	ovc_pool_create "$1" || fail "cannot create the pool cgroup $OVC_POOL"
	ovc_vm_start lo 256M -- ovcload size=192M hot=128M seconds=$SECS fill_s=2 window_ms=1000
	ovc_vm_start hi 256M -- ovcload size=128M hot=96M seconds=$SECS fill_s=10 window_ms=1000
	if [ "$2" = 1 ]; then
		cat > "$tmp/gov.json" <<J
{"policy": {"low_free_pct": 10, "high_free_pct": 25, "dwell_ms": 1000},
 "pool": {"cgroup": "$OVC_POOL"},
 "host": {"swap_file": "1G", "zswap_compressor": "lzo", "zswap_max_pool_percent": 20},
 "vms": [{"name": "hi", "cgroup_path": "$(ovc_vm_cgroup hi)", "priority": 10, "min_mib": 160, "max_mib": 256},
         {"name": "lo", "cgroup_path": "$(ovc_vm_cgroup lo)", "priority": 1, "compress": true, "swap": true,
          "min_mib": 96, "max_mib": 256}]}
J
		build/bin/hvperf govern --config "$tmp/gov.json" --interval 200 \
			--duration $((SECS + 4)) --log "$tmp/gov.log" 2>"$tmp/gov.err" &
		gpid=$!
	fi
	ovc_vm_wait hi; hi_rc=$?
	ovc_vm_wait lo; lo_rc=$?
	[ "$2" = 1 ] && { wait "$gpid" || fail "hvperf govern failed: $(cat "$tmp/gov.err")"; }
	OVC_PIDS=()
	ovc_cleanup
}

run_pair 0 0
[ "$hi_rc" = 0 ] && [ "$lo_rc" = 0 ] || fail "baseline run failed: hi $hi_rc lo $lo_rc"
hi_base=$(ovc_run_ops hi); lo_base=$(ovc_run_ops lo)

run_pair $POOL 1
cat "$tmp/gov.err"
grep '"event":"action"' "$tmp/gov.log"
[ "$hi_rc" = 0 ] || fail "high-priority VM exited $hi_rc (137 = OOM-killed)"
[ "$lo_rc" = 0 ] || fail "low-priority VM exited $lo_rc (137 = OOM-killed)"
grep -q '"event":"oom-kill"' "$tmp/gov.log" && fail "the governor saw an OOM kill"
grep -q '"action":"cgroup-limit","vm":"lo","rung":"compress","direction":"escalate".*"ok":true' "$tmp/gov.log" ||
	fail "the governor never squeezed the low-priority VM"
grep -q '"action":"cgroup-limit","vm":"hi"' "$tmp/gov.log" && fail "the high-priority VM was squeezed"
hi_gov=$(ovc_run_ops hi); lo_gov=$(ovc_run_ops lo)
echo "ops/s without limit: hi $hi_base lo $lo_base; pool $POOL MiB + governor: hi $hi_gov lo $lo_gov (not asserted, see below)"
# The squeeze must really take memory from lo: its cgroup usage (the
# governor's own samples) falls by at least 16 MiB after the first
# compress step, while hi's never gets a limit (checked above).
# Throughput is printed, not asserted: on this host (kvm_pvm, cgroup v1) a
# limit write only reclaims lo's cold pages (the part of size beyond hot,
# touched once by the fill) and stops with EBUSY at the hot set, so lo
# never refaults; a limit below the hot set gives either a memcg OOM kill
# or a ~60x slowdown (measured: docs/overcommit.md), and two busy VMs on 2
# cores vary by +-30% between runs, so "hi loses less than lo" was noise.
python3 - "$tmp/gov.log" <<'PY' || fail "the squeeze reclaimed less than 16 MiB from lo"
import json, sys
t_act, peak, after = None, 0, None
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("event") == "action" and o.get("vm") == "lo" and o.get("action") == "cgroup-limit" \
            and o.get("direction") == "escalate" and o.get("ok") and t_act is None:
        t_act = o["t_ms"]
    if o.get("event") == "sample":
        u = [v["usage_mib"] for v in o["vms"] if v["vm"] == "lo" and v["usage_mib"] is not None]
        if u and t_act is None:
            peak = max(peak, u[0])
        elif u and o["t_ms"] > t_act + 500:
            after = u[0] if after is None else min(after, u[0])
print("lo usage: peak %.0f MiB before the squeeze, %s MiB at least after" % (peak, after))
sys.exit(0 if after is not None and peak - after >= 16 else 1)
PY

[ "$(cat /sys/module/zswap/parameters/enabled)" = "$zswap_before" ] || fail "zswap.enabled not restored"
[ "$(tail -n +2 /proc/swaps | wc -l)" = "$swaps_before" ] || fail "swap file not removed"
echo "PASS"
