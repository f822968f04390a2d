#!/usr/bin/env bash
# A micro-guest that posts hostile virtio-blk chains (workloads/src/vbad.c:
# out-of-range addresses, oversized lengths, descriptor loops, a head past
# the queue, avail idx too far ahead, no status byte, a looping indirect
# table, a ring outside RAM). For each: the sanitizer build of hv keeps
# running, the device reports DEVICE_NEEDS_RESET to the guest, hv logs
# exactly one line about it, the device works again after the guest
# resets it, and there is no sanitizer report.
set -u
cd "$(dirname "$0")/../.."
hv=build/asan/bin/hv
elf=$PWD/build/workloads/micro/vbad.elf
[ -c /dev/kvm ] || { echo "skip: /dev/kvm is missing on this host"; exit 77; }
for f in "$hv" "$elf"; do [ -e "$f" ] || { echo "$f missing: make"; exit 1; }; done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; for f in "$tmp"/out "$tmp"/err; do [ -e "$f" ] && sed 's/^/  /' "$f"; done; exit 1; }
truncate -s 1M "$tmp/d.img"
for c in range oversize loop head avail nostatus indirect ring; do
	timeout 30 "$hv" run --mem 64M --guest "micro:$elf" --disk "$tmp/d.img" -- case=$c \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	[ $rc -eq 0 ] || fail "$c: hv exit $rc (guest saw no NEEDS_RESET or no recovery)"
	grep -q "\"case\":\"$c\"},\"extra\":{\"status\":[0-9]*,\"recovered\":true}" "$tmp/out" || fail "$c: result"
	n=$(grep -c "malformed request from the guest" "$tmp/err")
	[ "$n" -eq 1 ] || fail "$c: expected one log line, got $n"
	grep -q -E "AddressSanitizer|runtime error|LeakSanitizer" "$tmp/err" && fail "$c: sanitizer report"
	echo "  $c: $(grep -o 'device needs reset: .*' "$tmp/err")"
done
echo "hostile virtio-blk chains: NEEDS_RESET, one log line each, recovery after reset, no sanitizer report"
