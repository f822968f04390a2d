#!/usr/bin/env bash
# hv's per-VM knobs observed from the host while a guest runs:
#  --pin vcpu0=N       the vcpu0 thread's affinity is exactly CPU N
#  --mem-backing hugetlb-2m --prefault
#                      guest RAM shows up in the 2M pool (HugePages) and in
#                      the stats JSON; the pool is grown and restored through
#                      the journaled tuner
#  hugetlb-2m with an empty pool is refused with the pages it needs
#  --mem-backing thp   the guest mapping is THP-eligible (AnonHugePages or
#                      the madvise flag in smaps)
set -u
cd "$(dirname "$0")/../.."
hv=build/bin/hv
guest=build/tests/mbtest.elf
[ -e /dev/kvm ] || { echo "skip: /dev/kvm is missing on this host"; exit 77; }
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root for hugetlb pools"; exit 77; }
tmp=$(mktemp -d)
export HVPERF_STATE_DIR=$tmp/state
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# start_spinning ARGS...: a guest that runs until killed; sets $pid
start_spinning() {
	"$hv" run --multiboot "$guest" --cmdline w --quiet --stats-json "$tmp/stats.json" \
		"$@" >"$tmp/out" 2>"$tmp/err" </dev/null &
	pid=$!
	for _ in $(seq 50); do
		grep -q "cmdline=w" "$tmp/out" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "guest did not start: $(cat "$tmp/err")"
}
stop_guest() {
	kill -TERM "$pid"; wait "$pid"; rc=$?; pid=
	[ "$rc" -eq 143 ] || fail "SIGTERM should end hv with 143, got $rc ($(cat "$tmp/err"))"
}

# --- pinning
last_cpu=$(( $(nproc) - 1 ))
start_spinning --pin "vcpu0=$last_cpu"
tid=$(grep -l '^vcpu0$' /proc/"$pid"/task/*/comm | head -n1 | cut -d/ -f5)
[ -n "$tid" ] || fail "no vcpu0 thread"
allowed=$(awk '/Cpus_allowed_list/ {print $2}' /proc/"$pid"/task/"$tid"/status)
[ "$allowed" = "$last_cpu" ] || fail "vcpu0 affinity is '$allowed', expected $last_cpu"
stop_guest
grep -q "\"vcpu0\": $last_cpu" "$tmp/stats.json" || fail "placement missing from stats JSON"
echo "pin: vcpu0 thread $tid allowed on CPU $allowed"

# --- hugetlb-2m with too small a pool: refused with numbers
pool=/sys/kernel/mm/hugepages/hugepages-2048kB
if [ ! -d "$pool" ]; then
	echo "skip: no 2M hugepage pool on this host"; exit 77
fi
free_pages=$(cat "$pool/free_hugepages")
need=$(( free_pages + 8 ))
"$hv" run --multiboot "$guest" --cmdline x --mem $(( need * 2 ))M --mem-backing hugetlb-2m \
	>"$tmp/out" 2>"$tmp/err" </dev/null && fail "hugetlb-2m beyond the pool was accepted"
grep -q "needs $need pages of 2 MiB, the pool has $free_pages free" "$tmp/err" ||
	fail "unclear refusal: $(cat "$tmp/err")"

# --- hugetlb-2m backed guest: grow the pool through the tuner for the run
before_total=$(cat "$pool/nr_hugepages")
want=$(( before_total + 32 ))
build/bin/hvperf tune --set "hugepages.2m=$want" -- bash -c '
	pool='"$pool"'
	free0=$(cat "$pool/free_hugepages")
	'"$hv"' run --multiboot '"$guest"' --cmdline w --quiet --mem 64M \
		--mem-backing hugetlb-2m --prefault --stats-json '"$tmp"'/huge.json \
		>/dev/null 2>'"$tmp"'/huge.err </dev/null &
	p=$!
	sleep 1
	free1=$(cat "$pool/free_hugepages")
	kill -TERM $p; wait $p
	echo "free hugepages: $free0 before, $free1 while the guest ran"
	[ $((free0 - free1)) -eq 32 ]
' >"$tmp/tune.out" 2>&1 || fail "hugetlb guest did not take 32 pages: $(cat "$tmp/tune.out" "$tmp/huge.err")"
cat "$tmp/tune.out"
[ "$(cat "$pool/nr_hugepages")" -eq "$before_total" ] || fail "pool not restored"
grep -q '"mem_backing": "hugetlb-2m"' "$tmp/huge.json" || fail "backing missing from stats"
grep -q '"guest_resident_bytes": 67108864' "$tmp/huge.json" || fail "guest RAM not resident in hugepages"
echo "pages_2m (KVM stat, where reported): $(grep -o '"pages_2m": [0-9]*' "$tmp/huge.json")"

# --- THP backing: the mapping is marked for huge pages
start_spinning --mem-backing thp --mem 64M --prefault
smaps=$(in_m=0; while read -r first rest; do
	if [[ $first =~ ^([0-9a-f]+)-([0-9a-f]+)$ ]]; then
		in_m=$(( 16#${BASH_REMATCH[2]} - 16#${BASH_REMATCH[1]} == 67108864 ))
	elif [ "$in_m" -eq 1 ] && [[ $first == AnonHugePages: || $first == VmFlags: ]]; then
		echo "$first $rest"
	fi
done </proc/"$pid"/smaps)
stop_guest
grep -q 'VmFlags:.* hg' <<<"$smaps" || fail "guest mapping not madvised for THP: $smaps"
echo "thp: $(grep AnonHugePages <<<"$smaps")"
echo "knobs: all checks passed"
