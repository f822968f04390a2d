#!/usr/bin/env bash
# Build the Linux guest image: OUTDIR/vmlinuz and OUTDIR/initrd.img.
#   build-image.sh [OUTDIR]          (default build/guest)
# The kernel is Debian's current linux-image-cloud-amd64 (fetch-kernel.sh);
# the initramfs holds busybox, the virtio modules with their dependencies,
# our /init, the guest-side tests (workloads/guest/tests/*.sh -> /tests/) and
# the static workload binaries of build/workloads/native/ (-> /workloads/).
# Nothing is rebuilt when the hash of all these inputs is unchanged.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:-$top/build/guest}
native=$top/build/workloads/native
mkdir -p "$out"
out=$(cd "$out" && pwd)

bash "$here/fetch-kernel.sh" "$out"
release=$(cat "$out/kernel.release")
kroot=$out/kernel

# Modules the guest loads; what is built in is skipped by mod-closure.sh.
required=(virtio virtio_ring virtio_mmio virtio_blk virtio_net virtio_balloon)
optional=(virtio_console)

inputs_hash() {
  {
    cat "$out/kernel.pkg"
    echo "${required[*]} ${optional[*]}"
    sha256sum /bin/busybox "$here"/*.sh "$here/init"
    local d
    for d in "$here/tests" "$native"; do
      [ -d "$d" ] && find "$d" -type f | LC_ALL=C sort | xargs -r sha256sum
    done
    true
  } | sha256sum | cut -d' ' -f1
}
hash=$(inputs_hash)
if [ -f "$out/initrd.stamp" ] && [ "$(cat "$out/initrd.stamp")" = "$hash" ] &&
   [ -f "$out/initrd.img" ] && [ -f "$out/vmlinuz" ]; then
  echo "guest image up to date ($release)"
  exit 0
fi

stage=$out/initrd.root
rm -rf "$stage"
bash "$here/busybox-root.sh" "$stage"
install -m 0755 "$here/init" "$stage/init"

mods=$(bash "$here/mod-closure.sh" "$kroot" "$release" "${required[@]}")
for m in "${optional[@]}"; do
  if extra=$(bash "$here/mod-closure.sh" "$kroot" "$release" "$m" 2>/dev/null); then
    mods=$(printf '%s\n%s\n' "$mods" "$extra" | awk 'NF && !seen[$0]++')
  else
    echo "build-image: optional module $m not available, left out"
  fi
done
for ko in $mods; do
  install -D -m 0644 "$kroot/lib/modules/$release/$ko" "$stage/lib/modules/$release/$ko"
done
printf '%s\n' "$mods" >"$stage/etc/modules.load"

mkdir -p "$stage/tests"
for t in "$here"/tests/*.sh; do
  [ -e "$t" ] && install -m 0755 "$t" "$stage/tests/"
done

if [ -d "$native" ]; then
  mkdir -p "$stage/workloads"
  for w in "$native"/*; do
    [ -f "$w" ] || continue
    # A dynamically linked binary would not run in the guest (no libc there).
    if readelf -l "$w" 2>/dev/null | grep -q INTERP; then
      echo "build-image: $w is dynamically linked, left out" >&2
      continue
    fi
    install -m 0755 "$w" "$stage/workloads/"
  done
fi

# cpio newc, owned by root; zstd is supported by the kernel (CONFIG_RD_ZSTD).
grep -q '^CONFIG_RD_ZSTD=y' "$kroot/boot/config-$release" ||
  { echo "build-image: kernel $release lacks CONFIG_RD_ZSTD" >&2; exit 1; }
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
  zstd -q -19 -T0 >"$out/initrd.img.tmp"
mv "$out/initrd.img.tmp" "$out/initrd.img"
cp "$kroot/boot/vmlinuz-$release" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
echo "$hash" >"$out/initrd.stamp"
rm -rf "$stage"
echo "guest image: $out/vmlinuz $out/initrd.img ($release, $(du -k "$out/initrd.img" | cut -f1) KiB," \
     "$(echo "$mods" | wc -l) modules)"
