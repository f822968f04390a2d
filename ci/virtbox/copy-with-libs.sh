#!/usr/bin/env bash
# Copy a dynamically linked program into ROOT at the same path, together with
# the shared libraries ldd resolves for it (also at their own paths), so it
# runs in an initramfs that has no libc of its own.
#   copy-with-libs.sh ROOT PROGRAM[:DEST]...
# DEST (a path inside ROOT) defaults to PROGRAM's own path.
set -euo pipefail

root=${1:?usage: copy-with-libs.sh ROOT PROGRAM[:DEST]...}
shift
for arg in "$@"; do
  prog=${arg%%:*}
  dest=${arg#*:}
  install -D -m 0755 "$(readlink -f "$prog")" "$root$dest"
  # ldd lines: "libx.so => /lib/.../libx.so (0x...)" or "/lib64/ld-linux... (0x...)".
  ldd "$prog" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' |
  while read -r lib; do
    [ -e "$root$lib" ] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
  done
done
