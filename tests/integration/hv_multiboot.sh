#!/usr/bin/env bash
# The kvm-unit-tests interface on this host's KVM: serial output with LSR
# polling, fw_cfg NB_CPUS/RAM_SIZE, the command line, the debug-exit port
# ((code << 1) | 1), the "Shutdown" fallback, the boot marker, and a triple
# fault reported with registers. Runs the sanitizer build of hv.
set -u
cd "$(dirname "$0")/../.."
hv=build/asan/bin/hv
guest=build/tests/mbtest.elf
[ -e /dev/kvm ] || { echo "skip: /dev/kvm is missing on this host"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

run() {  # run CMDLINE CPUS MEM -> sets rc, out, err
	"$hv" run --multiboot "$guest" --cpus "$2" --mem "$3" --cmdline "$1" \
		--stats-json "$tmp/stats.json" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	out=$(cat "$tmp/out"); err=$(cat "$tmp/err")
}

run "x hello world" 3 300M
[ "$rc" -eq 1 ] || fail "outl(0, 0xf4) should exit 1, got $rc ($err)"
[ "$out" = "mbtest cpus=3 ram=300 cmdline=x hello world" ] || fail "serial/fw_cfg output: '$out'"
grep -q '"exit": "debug-exit"' "$tmp/stats.json" || fail "stats JSON lacks the exit kind"
grep -q '"boot_marker_ns": null' "$tmp/stats.json" || fail "boot marker should be null"

run "e" 1 64M
[ "$rc" -eq 7 ] || fail "outl(3, 0xf4) should exit 7, got $rc"
[ "$out" = "mbtest cpus=1 ram=64 cmdline=e" ] || fail "output with 1 cpu: '$out'"

run "s" 2 128M
[ "$rc" -eq 0 ] || fail "\"Shutdown\" on 0x8900 should exit 0, got $rc ($err)"

run "m" 1 64M
[ "$rc" -eq 1 ] || fail "marker run exit $rc"
grep -Eq '"boot_marker_ns": [0-9]+' "$tmp/stats.json" || fail "boot marker not recorded"

run "f" 1 64M
[ "$rc" -ne 0 ] || fail "a triple fault must exit non-zero"
grep -q "triple fault" "$tmp/out" "$tmp/err" || fail "no triple-fault report: $err"
grep -q "rip " <<<"$err" || fail "no register dump: $err"
if grep -q -E "AddressSanitizer|runtime error" "$tmp/err"; then fail "sanitizer report: $err"; fi

# The guest's arguments after -- are appended to the command line.
"$hv" run --multiboot "$guest" --cmdline "x" --quiet -- a b >"$tmp/out" 2>&1 </dev/null
grep -q "cmdline=x a b" "$tmp/out" || fail "arguments after -- missing: $(cat "$tmp/out")"

# Bad images: one line on stderr, non-zero exit.
for bad in /bin/true "$tmp/missing.elf"; do
	"$hv" run --multiboot "$bad" >"$tmp/out" 2>"$tmp/err" </dev/null && fail "$bad accepted"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "$bad: expected one error line, got: $(cat "$tmp/err")"
	grep -q '^hv: ' "$tmp/err" || fail "$bad: error not prefixed: $(cat "$tmp/err")"
done
echo "multiboot interface: all checks passed"
