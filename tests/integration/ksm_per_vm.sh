#!/usr/bin/env bash
# KSM is per VM: two micro-guests fill 64 MiB each with the same identical
# pages (dupages); only VM "a" is started with --ksm on. With ksm.run=1 and
# a fast scan rate (through the tuners: journaled, restored on exit),
# the host's KSM counters (pages_sharing + pages_shared, less what other
# mergeable processes account for) rise by about a's duplicate pages only,
# and /proc/PID/ksm_merging_pages is about 16384 for a and 0 for b. Then the
# control socket: {"cmd":"ksm","mergeable":true} on b makes b's pages merge
# too, {"cmd":"ksm","mergeable":false} on a unmerges a's. ksm.* restored.
set -u
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "skip: needs root (ksm sysfs)"; exit 77; }
[ -e /dev/kvm ] || { echo "skip: /dev/kvm is missing on this host"; exit 77; }
[ -e /sys/kernel/mm/ksm/run ] || { echo "skip: this kernel has no KSM"; exit 77; }
[ -e build/workloads/micro/dupages.elf ] || { echo "skip: build/workloads/micro/dupages.elf not built"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 (control socket client) missing"; exit 77; }
[ "${1:-}" = inner ] || {
	run_before=$(cat /sys/kernel/mm/ksm/run); scan_before=$(cat /sys/kernel/mm/ksm/pages_to_scan)
	build/bin/hvperf tune --set ksm.run=1 ksm.pages_to_scan=4000 ksm.sleep_millisecs=10 \
		-- bash "$0" inner; rc=$?
	[ "$(cat /sys/kernel/mm/ksm/run)" = "$run_before" ] || { echo "FAIL: ksm.run not restored"; exit 1; }
	[ "$(cat /sys/kernel/mm/ksm/pages_to_scan)" = "$scan_before" ] ||
		{ echo "FAIL: ksm.pages_to_scan not restored"; exit 1; }
	exit $rc
}

DUP_MIB=64
N=$((DUP_MIB * 256))
tmp=$(mktemp -d); pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; tail -n 3 "$tmp"/*.err 2>/dev/null; exit 1; }
ksm() { cat "/sys/kernel/mm/ksm/$1"; }
merging() { local v; v=$(cat "/proc/$1/ksm_merging_pages" 2>/dev/null) && echo "$v" || echo na; }
q() { python3 tests/lib/hvapi.py "$@"; }
# wait_for SECONDS CONDITION...: poll until the shell condition holds
wait_for() { local s=$1; shift; for _ in $(seq $((s * 5))); do eval "$*" && return 0; sleep 0.2; done; return 1; }

# pages_shared + pages_sharing = the sum of every process's ksm_merging_pages,
# and other mergeable processes (QEMU marks its RAM mergeable) come and go:
# ours = that sum minus the other processes' share. Kernels without the
# per-process file: the rise of pages_sharing since the start.
others() {
	local f v n=0
	for f in /proc/[0-9]*/ksm_merging_pages; do
		case $f in "/proc/$pid_a/"* | "/proc/$pid_b/"*) continue ;; esac
		v=$(cat "$f" 2>/dev/null) && n=$((n + v))
	done
	echo $n
}
per_process=0; [ -e /proc/self/ksm_merging_pages ] && per_process=1
base=$(ksm pages_sharing)
ours() {
	if [ $per_process = 1 ]; then
		echo $(($(ksm pages_sharing) + $(ksm pages_shared) - $(others)))
	else
		echo $(ours)
	fi
}
start() {  # start NAME KSM
	build/bin/hv run --quiet --guest micro:dupages --mem 256M --ksm "$2" --api "$tmp/$1.sock" \
		-- size=${DUP_MIB}M hold=120 >"$tmp/$1.out" 2>"$tmp/$1.err" </dev/null &
	pids+=($!)
	eval "pid_$1=$!"
}
start a on
start b off
wait_for 10 'grep -q bandwidth_mbs "$tmp/a.out" && grep -q bandwidth_mbs "$tmp/b.out"' ||
	fail "dupages did not fill its pages"
t0=$(date +%s.%N)
# a's 16384 identical pages share one KSM page: pages_sharing counts N - 1
# of them (plus a few pages the runtime leaves identical, e.g. zeroed ones)
wait_for 30 '[ $(ours) -ge $((N * 9 / 10)) ]' ||
	fail "pages_sharing rose by $(ours), expected about $N within 30 s"
sleep 2   # another full scan: nothing of b's may join
d1=$(ours); ma=$(merging "$pid_a"); mb=$(merging "$pid_b")
printf 'a --ksm on, b off (others excluded: per-process counts %s): host-wide merged pages +%d (expected ~%d) after %.1f s; ksm_merging_pages a=%s b=%s; full_scans %s\n' \
	"$([ $per_process = 1 ] && echo yes || echo no)" "$d1" "$N" "$(echo "$(date +%s.%N) - $t0" | bc)" "$ma" "$mb" "$(ksm full_scans)"
[ "$d1" -le $((N * 11 / 10 + 512)) ] || fail "host-wide merged pages +$d1: more than a's duplicate pages merged"
if [ "$ma" != na ]; then
	[ "$ma" -ge $((N * 9 / 10)) ] || fail "a: ksm_merging_pages $ma, expected about $N"
	[ "$mb" = 0 ] || fail "b (--ksm off): ksm_merging_pages $mb, expected 0"
fi

# b becomes mergeable at run time: its identical pages join the same KSM page
out=$(q "$tmp/b.sock" '{"cmd":"ksm","mergeable":true}')
grep -q '"ok":true' <<<"$out" || fail "ksm on over the API: $out"
wait_for 30 '[ $(ours) -ge $((2 * N * 9 / 10)) ]' ||
	fail "after b's ksm on: pages_sharing +$(ours), expected about $((2 * N))"
d2=$(ours); mb=$(merging "$pid_b")
echo "b mergeable over the API: merged pages +$d2 (expected ~$((2 * N))); ksm_merging_pages b=$mb"
[ "$mb" = na ] || [ "$mb" -ge $((N * 9 / 10)) ] || fail "b: ksm_merging_pages $mb after ksm on"

# a unmerges: its pages are copied back (MADV_UNMERGEABLE breaks COW at once)
out=$(q "$tmp/a.sock" '{"cmd":"ksm","mergeable":false}')
grep -q '"ok":true' <<<"$out" || fail "ksm off over the API: $out"
wait_for 10 '[ $(ours) -le $((N * 11 / 10 + 512)) ]' ||
	fail "after a's unmerge: pages_sharing +$(ours), expected about $N"
# the per-process count drops when ksmd next walks a's (now unmergeable)
# mappings and frees their rmap items, not at the madvise itself
wait_for 10 '[ "$(merging "$pid_a")" = na ] || [ "$(merging "$pid_a")" = 0 ]'
ma=$(merging "$pid_a")
d3=$(ours)
echo "a unmerged over the API: merged pages +$d3 (expected ~$N); ksm_merging_pages a=$ma"
[ "$ma" = na ] || [ "$ma" = 0 ] || fail "a: ksm_merging_pages $ma after unmerge"
echo "PASS"
