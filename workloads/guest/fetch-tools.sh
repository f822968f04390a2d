#!/usr/bin/env bash
# Debian's benchmark tools for the Linux guest image, with exactly the
# shared libraries they load, never installed on the host.
#   fetch-tools.sh OUTDIR [PACKAGE...]   (default: $GUEST_PACKAGES or
#                                          "stress-ng fio iperf3")
# apt-get downloads each package and unpacks it (dpkg-deb -x) under
# OUTDIR/tools/root; for every program in usr/bin of the named packages it
# resolves DT_NEEDED recursively in the unpacked tree, along the search path
# the host's dynamic linker prints (ld.so --help); a soname not found yet
# makes it download the direct Depends of the packages it has, and try
# again. Writes OUTDIR/tools/files: one path (relative to the root) per line,
# programs, libraries and the dynamic linker, for build-image.sh.
set -euo pipefail

out=${1:?usage: fetch-tools.sh OUTDIR [PACKAGE...]}
shift
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || read -r -a pkgs <<<"${GUEST_PACKAGES-stress-ng fio iperf3}"
tools=$out/tools
debs=$tools/debs root=$tools/root
mkdir -p "$debs"
[ ${#pkgs[@]} -gt 0 ] || { : >"$tools/files"; echo "fetch-tools: no packages"; exit 0; }

ldso=/lib64/ld-linux-x86-64.so.2
mapfile -t libdirs < <("$ldso" --help | sed -n 's/^ *\(\/[^ ]*\) (system search path)$/\1/p')
[ ${#libdirs[@]} -gt 0 ] || libdirs=(/lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu /lib /usr/lib)

[ -n "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v -e lock -e partial)" ] || apt-get update -qq

fetch() {   # download and unpack the packages not in $debs yet
  local p f new=()
  for p in "$@"; do
    ls "$debs/${p}_"*.deb >/dev/null 2>&1 || new+=("$p")
  done
  [ ${#new[@]} -gt 0 ] || return 0
  # One apt-get for all of them: each start reads the package lists (about
  # 0.8 s), which one call per package paid about 95 times.
  if ! (cd "$debs" && apt-get download -q "${new[@]}" >/dev/null 2>&1); then
    for p in "${new[@]}"; do
      ls "$debs/${p}_"*.deb >/dev/null 2>&1 && continue
      (cd "$debs" && apt-get download -q "$p" >/dev/null 2>&1) ||
        { echo "fetch-tools: apt-get download $p failed" >&2; return 1; }
    done
  fi
  for p in "${new[@]}"; do
    for f in "$debs/${p}_"*.deb; do dpkg-deb -x "$f" "$root"; done
  done
}

find_lib() {   # soname [runpath dirs] -> path relative to root, or nothing
  local d so=$1
  shift
  for d in "$@" "${libdirs[@]}"; do
    [ -e "$root$d/$so" ] && { echo "${d#/}/$so"; return 0; }
  done
  return 0
}

needed() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
runpath() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(R[UN]*PATH).*\[\(.*\)\]/\1/p' | tr ':' ' '; }

fetch "${pkgs[@]}" libc6
progs=()
for p in "${pkgs[@]}"; do
  while read -r f; do
    f=${f#./}
    case $f in usr/bin/?*|usr/sbin/?*) ;; *) continue ;; esac
    [ -f "$root/$f" ] && [ ! -L "$root/$f" ] || continue
    head -c 4 "$root/$f" | grep -q 'ELF' && progs+=("$f")
  done < <(dpkg-deb -c "$debs/${p}_"*.deb | awk '{print $6}')
done

for round in 1 2 3 4 5 6 7 8; do
  files=("${progs[@]}") missing=() queue=("${progs[@]}")
  declare -A seen=()
  while [ ${#queue[@]} -gt 0 ]; do
    f=${queue[0]}; queue=("${queue[@]:1}")
    rp=$(runpath "$root/$f")
    for so in $(needed "$root/$f"); do
      [ -n "${seen[$so]:-}" ] && continue
      seen[$so]=1
      # shellcheck disable=SC2086
      lib=$(find_lib "$so" $rp)
      if [ -z "$lib" ]; then missing+=("$so"); continue; fi
      files+=("$lib"); queue+=("$lib")
    done
  done
  unset seen
  [ ${#missing[@]} -eq 0 ] && break
  # The Depends of what we have hold the missing libraries.
  deps=$(for d in "$debs"/*.deb; do dpkg-deb -f "$d" Depends Pre-Depends; done |
         sed 's/^[A-Za-z-]*: //' | tr ',|' '\n\n' | sed 's/(.*//; s/:any//; s/ //g' |
         grep -E '^(lib|zlib)' | sort -u)
  before=$(ls "$debs" | wc -l)
  fetch $deps
  [ "$(ls "$debs" | wc -l)" -gt "$before" ] ||
    { echo "fetch-tools: cannot resolve ${missing[*]}" >&2; exit 1; }
done
[ ${#missing[@]} -eq 0 ] || { echo "fetch-tools: still missing ${missing[*]}" >&2; exit 1; }
files+=("${ldso#/}")
printf '%s\n' "${files[@]}" | sort -u >"$tools/files"
echo "fetch-tools: ${#progs[@]} programs, $(wc -l <"$tools/files") files," \
     "$(cd "$root" && cat "$tools/files" | xargs -d '\n' readlink -f | xargs du -cb | tail -n 1 | cut -f1) bytes"
