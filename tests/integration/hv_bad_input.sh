#!/usr/bin/env bash
# Bad input to `hv run`: each case must give exactly one line on stderr
# starting with "hv: " (naming the problem), a non-zero exit that is not a
# signal, no core dump and no sanitizer report. Runs on any host with
# /dev/kvm (the failures happen before a guest instruction runs).
set -uo pipefail
cd "$(dirname "$0")/../.."

HV=${HV:-build/bin/hv}
[ -x "$HV" ] || { echo "$HV is not built (run make)"; exit 1; }
[ -c /dev/kvm ] || { echo "no /dev/kvm on this host: the bad-input cases would all stop there"; exit 77; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# poke FILE OFFSET BYTES...: write bytes (hex) at OFFSET
poke() {
  local f=$1 off=$2; shift 2
  local b s=
  for b in "$@"; do s+="\\x$b"; done
  printf "$s" | dd of="$f" bs=1 seek=$((off)) conv=notrunc status=none
}
le32() { printf '%02x %02x %02x %02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }

# A synthetic bzImage (boot.rst): 4 setup sectors + 64 KiB "kernel",
# protocol 2.15, relocatable, 64-bit entry, init_size 4 MiB.
mkimage() {
  local f=$1 kernel_len=$2 syssize=$3 init_size=${4:-$((4 << 20))}
  head -c $((5 * 512 + kernel_len)) /dev/zero >"$f"
  poke "$f" 0x1f1 04
  poke "$f" 0x1f4 $(le32 $((syssize / 16)))
  poke "$f" 0x1fe 55 aa
  poke "$f" 0x200 eb 66 48 64 72 53 0f 02      # jmp, "HdrS", version 2.15
  poke "$f" 0x211 01                           # LOADED_HIGH
  poke "$f" 0x22c ff ff ff 7f                  # initrd_addr_max
  poke "$f" 0x230 00 00 20 00 01 00 01 00      # kernel_alignment 2M, relocatable, XLF_KERNEL_64
  poke "$f" 0x238 ff 07 00 00                  # cmdline_size 2047
  poke "$f" 0x258 00 00 00 01                  # pref_address 16 MiB
  poke "$f" 0x260 $(le32 "$init_size")
}
mkimage "$tmp/good.bzImage" 65536 65536
mkimage "$tmp/truncated.bzImage" 65536 $((8 << 20))
mkimage "$tmp/huge.bzImage" 65536 65536 $((512 << 20))
head -c 3000 "$tmp/good.bzImage" >"$tmp/short.bzImage"
head -c 8192 /dev/urandom >"$tmp/random.initrd"
poke "$tmp/random.initrd" 0 a5                 # no archive starts with 0xa5
long=$(head -c 3000 /dev/zero | tr '\0' x)

# check NAME EXPECTED-SUBSTRING -- hv run ARGS...
check() {
  local name=$1 want=$2; shift 3
  local err=$tmp/err out=$tmp/out rc lines
  (cd "$tmp" && ulimit -c unlimited 2>/dev/null; exec "$@") </dev/null >"$out" 2>"$err"
  rc=$?
  lines=$(wc -l <"$err")
  local bad=()
  [ "$rc" -ne 0 ] || bad+=("exit status 0")
  [ "$rc" -lt 128 ] || bad+=("killed by signal $((rc - 128))")
  [ "$lines" -eq 1 ] || bad+=("$lines lines on stderr")
  head -n 1 "$err" | grep -q '^hv: ' || bad+=("stderr does not start with 'hv: '")
  grep -qF -- "$want" "$err" || bad+=("stderr does not mention '$want'")
  grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$err" && bad+=("sanitizer report")
  compgen -G "$tmp/core*" >/dev/null && bad+=("core dump") && rm -f "$tmp"/core*
  if [ ${#bad[@]} -eq 0 ]; then
    echo "ok   $name (exit $rc): $(head -n 1 "$err")"
  else
    fails=$((fails + 1))
    echo "FAIL $name (exit $rc): ${bad[*]}"
    sed 's/^/     | /' "$err"
  fi
}

hv=$(realpath "$HV")
check "missing kernel"      "No such file"         -- "$hv" run --kernel "$tmp/nonexistent"
check "not a bzImage"       "is not a bzImage: no HdrS signature" -- "$hv" run --kernel /bin/true
check "short bzImage"       "truncated"            -- "$hv" run --kernel "$tmp/short.bzImage"
check "truncated bzImage"   "truncated"            -- "$hv" run --kernel "$tmp/truncated.bzImage"
check "kernel > RAM"        "larger than guest RAM" -- "$hv" run --kernel "$tmp/huge.bzImage" --mem 64M
check "corrupt initrd"      "corrupt initrd"       -- "$hv" run --kernel "$tmp/good.bzImage" --initrd "$tmp/random.initrd"
check "missing initrd"      "No such file"         -- "$hv" run --kernel "$tmp/good.bzImage" --initrd "$tmp/nonexistent"
check "cmdline too long"    "--cmdline"            -- "$hv" run --kernel "$tmp/good.bzImage" --cmdline "$long"
check "mem 100T"            "--mem"                -- "$hv" run --kernel "$tmp/good.bzImage" --mem 100T
check "cpus 0"              "--cpus 0"             -- "$hv" run --kernel "$tmp/good.bzImage" --cpus 0
check "cpus 1000"           "--cpus 1000"          -- "$hv" run --kernel "$tmp/good.bzImage" --cpus 1000
check "unknown option"      "unknown option"       -- "$hv" run --kernel "$tmp/good.bzImage" --frobnicate
check "multiboot: non-multiboot ELF" "no multiboot v1 header" -- "$hv" run --multiboot /bin/true
check "multiboot: missing file" "No such file"     -- "$hv" run --multiboot "$tmp/nonexistent.elf"
# /dev/kvm hidden in a private mount namespace (root only)
if unshare -m true 2>/dev/null; then
  check "missing /dev/kvm"  "/dev/kvm does not exist" -- unshare -m sh -c \
    "mount -t tmpfs none /dev && exec '$hv' run --kernel '$tmp/good.bzImage'"
else
  echo "skip missing /dev/kvm: cannot create a mount namespace here (unshare -m needs root)"
fi

[ "$fails" -eq 0 ] || { echo "$fails bad-input case(s) failed"; exit 1; }
echo "all bad-input cases gave one clear line"
