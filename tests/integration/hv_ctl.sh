#!/usr/bin/env bash
# `hv ctl SOCKET JSON`, the control-socket client built into hv: against a
# running hv (spinning multiboot guest, balloon, --api) it prints the reply
# line and exits 0 (stats, balloon, balloon-stats), 1 on an error reply
# (unknown command, malformed JSON, bad argument), 2 with one line when it
# cannot connect or is misused; shutdown through it ends hv with status 0.
set -u
cd "$(dirname "$0")/../.."
hv=build/asan/bin/hv
guest=build/tests/mbtest.elf
[ -e /dev/kvm ] || { echo "skip: /dev/kvm is missing on this host"; exit 77; }
for f in "$hv" "$guest"; do [ -e "$f" ] || { echo "$f missing: make $f"; exit 1; }; done
tmp=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; [ -e "$tmp/err" ] && sed 's/^/  hv: /' "$tmp/err"; exit 1; }

sock=$tmp/api.sock
# no server yet: status 2, one line naming the socket
"$hv" ctl "$sock" '{"cmd":"stats"}' >"$tmp/o" 2>"$tmp/e"; rc=$?
[ "$rc" -eq 2 ] || fail "ctl without a server: exit $rc (want 2)"
[ "$(wc -l <"$tmp/e")" -eq 1 ] && grep -q "cannot connect to $sock" "$tmp/e" ||
	fail "ctl without a server said: $(cat "$tmp/e")"
[ -s "$tmp/o" ] && fail "ctl without a server printed on stdout"
"$hv" ctl "$sock" >/dev/null 2>&1; [ $? -eq 2 ] || fail "ctl without a request: not exit 2"

"$hv" run --multiboot "$guest" --cmdline w --mem 64M --balloon stats=on \
	--api "$sock" >"$tmp/out" 2>"$tmp/err" </dev/null &
pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] || fail "control socket $sock not created"

out=$("$hv" ctl "$sock" '{"cmd":"stats"}') || fail "stats: exit $?"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "stats reply is not one line"
grep -q '"guest_resident_bytes"' <<<"$out" || fail "stats reply lacks memory.guest_resident_bytes: ${out:0:300}"
out=$("$hv" ctl "$sock" '{"cmd":"balloon","target_mib":4}') || fail "balloon: exit $?"
[ "$out" = '{"ok":true,"target_mib":4}' ] || fail "balloon reply: $out"
out=$("$hv" ctl "$sock" '{"cmd":"balloon-stats"}') || fail "balloon-stats: exit $?"
grep -q '"target_pages":1024' <<<"$out" || fail "balloon-stats reply: $out"

for bad in '{"cmd":"nope"}' '{"cmd":' '{"cmd":"balloon","target_mib":-1}'; do
	out=$("$hv" ctl "$sock" "$bad"); rc=$?
	[ "$rc" -eq 1 ] || fail "error reply to $bad: exit $rc (want 1)"
	grep -q '^{"error":' <<<"$out" || fail "reply to $bad: $out"
done

out=$("$hv" ctl "$sock" '{"cmd":"shutdown"}') || fail "shutdown: exit $?"
wait "$pid"; rc=$?; pid=
[ "$rc" -eq 0 ] || fail "hv exit $rc after shutdown"
[ -e "$sock" ] && fail "socket left behind"
if grep -q -E "AddressSanitizer|runtime error" "$tmp/err"; then fail "sanitizer report"; fi
echo "hv ctl: replies printed; exit 0 ok, 1 error reply (3 kinds), 2 no server/usage; shutdown works"
