# Shared by bench/overcommit and tests/integration/overcommit_governor.sh:
# a memory pool (a v1/v2 memory cgroup with a limit standing for a small
# host), micro-guest VMs started inside it, and result extraction.
# Source it; call ovc_init first. Needs root, /dev/kvm and build/.

ovc_init() {  # ovc_init WORKDIR
	OVC_DIR=$1
	OVC_HV=${OVC_HV:-build/bin/hv}
	OVC_HVPERF=${OVC_HVPERF:-build/bin/hvperf}
	OVC_PIDS=()
	local self mnt
	mnt=$(awk '$3 == "cgroup" && $4 ~ /memory/ {print $2; exit}' /proc/mounts)
	if [ -n "$mnt" ]; then
		self=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
		OVC_POOL="$mnt${self%/}/hvperf-ovc-pool-$$"
		OVC_CGV=1
	else
		mnt=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/mounts)
		grep -qw memory "$mnt/cgroup.controllers" 2>/dev/null || return 1
		OVC_POOL="$mnt/hvperf-ovc-pool-$$"
		OVC_CGV=2
	fi
}

ovc_pool_create() {  # ovc_pool_create LIMIT_MIB (0 = no limit)
	mkdir -p "$OVC_POOL" || return 1
	if [ "$OVC_CGV" = 2 ]; then
		echo +memory > "$(dirname "$OVC_POOL")/cgroup.subtree_control" 2>/dev/null
		echo +memory > "$OVC_POOL/cgroup.subtree_control" || return 1
		[ "$1" -gt 0 ] && echo $(($1 << 20)) > "$OVC_POOL/memory.max"
	else
		[ "$1" -gt 0 ] && echo $(($1 << 20)) > "$OVC_POOL/memory.limit_in_bytes"
	fi
	return 0
}

ovc_pool_usage_mib() {
	local f=memory.usage_in_bytes
	[ "$OVC_CGV" = 2 ] && f=memory.current
	echo $(( $(cat "$OVC_POOL/$f") >> 20 ))
}

ovc_vm_cgroup() {  # the directory hv --cgroup NAME makes inside the pool
	if [ "$OVC_CGV" = 2 ]; then echo "$(dirname "$OVC_POOL")/hvperf/$1"; else echo "$OVC_POOL/hvperf-$1"; fi
}

ovc_vm_start() {  # ovc_vm_start NAME MEM -- WORKLOAD ARGS...  (output in $OVC_DIR/NAME.out)
	local name=$1 mem=$2
	shift 3
	local wl=$1
	shift
	# v1: hv's cgroup is made below the cgroup it starts in, i.e. the pool
	bash -c 'echo $BASHPID > "$0/cgroup.procs" && exec "$@"' "$OVC_POOL" \
		"$OVC_HV" run --quiet --guest "micro:$wl" --mem "$mem" --cgroup "$name" \
		--stats-json "$OVC_DIR/$name.stats.json" -- "$@" \
		>"$OVC_DIR/$name.out" 2>"$OVC_DIR/$name.err" </dev/null &
	OVC_PIDS+=($!)
	eval "OVC_PID_$name=$!"
}

ovc_vm_wait() {  # ovc_vm_wait NAME -> exit status
	local pid
	eval "pid=\$OVC_PID_$1"
	wait "$pid"
}

ovc_cleanup() {
	local p
	for p in "${OVC_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${OVC_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	OVC_PIDS=()
	[ -n "${OVC_POOL:-}" ] && [ -d "$OVC_POOL" ] && {
		for d in "$OVC_POOL"/*/; do [ -d "$d" ] && rmdir "$d" 2>/dev/null; done
		rmdir "$OVC_POOL" 2>/dev/null
	}
	return 0
}

# whole-run ops/s of a VM's ovcload ("scope":"run"), or empty
ovc_run_ops() {
	grep '"scope":"run"' "$OVC_DIR/$1.out" | tail -n 1 |
		sed -n 's/.*"value":\([0-9.e+]*\).*/\1/p'
}

# p99 of the whole run, ns
ovc_run_p99() {
	grep '"scope":"run"' "$OVC_DIR/$1.out" | tail -n 1 |
		sed -n 's/.*"p99_ns":\([0-9.e+]*\).*/\1/p'
}
