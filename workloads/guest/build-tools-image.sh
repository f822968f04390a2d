#!/usr/bin/env bash
# The tools variant of the guest image: OUTDIR/initrd-tools.img = the base
# initramfs (initrd.img) followed by a second zstd cpio archive (the kernel
# unpacks concatenated archives in order) holding Debian's benchmark tools
# with their libraries (fetch-tools.sh; the package set is GUEST_PACKAGES)
# and the wrappers workloads/guest/wl/*.sh as /wl/NAME.sh. Kept apart from
# initrd.img because the tools and their libraries are about 100 MB
# unpacked, which every other boot would pay for.
#   build-tools-image.sh [OUTDIR]       (default build/guest; run after build-image.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$(cd "${1:-$top/build/guest}" && pwd)
[ -f "$out/initrd.img" ] || { echo "build-tools-image: $out/initrd.img missing (make guest)" >&2; exit 1; }
pkgs=${GUEST_PACKAGES-stress-ng fio iperf3}

hash=$( { echo "$pkgs"; sha256sum "$out/initrd.img" "$here/fetch-tools.sh" "$0" "$here"/wl/*.sh; } |
        sha256sum | cut -d' ' -f1)
if [ -f "$out/initrd-tools.stamp" ] && [ "$(cat "$out/initrd-tools.stamp")" = "$hash" ] &&
   [ -f "$out/initrd-tools.img" ]; then
  echo "guest tools image up to date"
  exit 0
fi
# shellcheck disable=SC2086
GUEST_PACKAGES="$pkgs" bash "$here/fetch-tools.sh" "$out"
stage=$out/tools.stage
rm -rf "$stage"
mkdir -p "$stage/wl"
while read -r f; do
  install -D -m 0755 "$(readlink -f "$out/tools/root/$f")" "$stage/$f"
done <"$out/tools/files"
for w in "$here"/wl/*.sh; do install -m 0755 "$w" "$stage/wl/"; done
# zstd -9: 34 MB in about 4 s; -19 saves 4 MB for about 55 s, which every
# fresh CI machine would pay (make test builds this image).
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
  zstd -q -9 -T0 >"$out/tools.cpio.zst"
cat "$out/initrd.img" "$out/tools.cpio.zst" >"$out/initrd-tools.img.tmp"
mv "$out/initrd-tools.img.tmp" "$out/initrd-tools.img"
rm -rf "$stage" "$out/tools.cpio.zst"
echo "$hash" >"$out/initrd-tools.stamp"
echo "guest tools image: $out/initrd-tools.img ($pkgs; $(du -k "$out/initrd-tools.img" | cut -f1) KiB)"
