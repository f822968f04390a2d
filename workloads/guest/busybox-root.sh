#!/usr/bin/env bash
# Populate DIR with the skeleton of an initramfs: the static busybox from
# busybox-static with a link for each of its applets, and the empty mount
# points /init expects.
#   busybox-root.sh DIR
set -euo pipefail

dir=${1:?usage: busybox-root.sh DIR}
bb=/bin/busybox
# A static binary has no program interpreter.
[ -x "$bb" ] && ! readelf -l "$bb" | grep -q 'INTERP' ||
  { echo "busybox-root: $bb is not the static busybox (install busybox-static)" >&2; exit 1; }

mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,mnt,etc,root}
cp "$bb" "$dir/bin/busybox"
# --list-full prints paths such as usr/bin/nproc.
while read -r applet; do
  [ "$applet" = bin/busybox ] && continue
  ln -sf /bin/busybox "$dir/$applet"
done < <("$bb" --list-full)
