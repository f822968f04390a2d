#!/usr/bin/env bash
# Fetch and unpack the Debian cloud kernel behind linux-image-cloud-amd64.
#   fetch-kernel.sh OUTDIR
# Leaves the unpacked package in OUTDIR/kernel/ (with modules.dep made by
# depmod) and writes OUTDIR/kernel.release (e.g. 6.1.0-56-cloud-amd64) and
# OUTDIR/kernel.pkg ("<package> <version>"). The package is never installed
# on the host. Nothing is fetched when the unpacked tree matches the
# candidate version already.
set -euo pipefail

out=${1:?usage: fetch-kernel.sh OUTDIR}
meta=linux-image-cloud-amd64
mkdir -p "$out"

resolve() { apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}'; }
pkg=$(resolve)
# apt-cache needs the package lists; fetch them only when they are missing.
if [ -z "$pkg" ]; then
  echo "fetch-kernel: no package lists for $meta, running apt-get update" >&2
  apt-get update -qq
  pkg=$(resolve)
fi
[ -n "$pkg" ] || { echo "fetch-kernel: cannot resolve the package behind $meta" >&2; exit 1; }
ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || { echo "fetch-kernel: no candidate version of $pkg" >&2; exit 1; }
release=${pkg#linux-image-}

if [ -f "$out/kernel.pkg" ] && [ "$(cat "$out/kernel.pkg")" = "$pkg $ver" ] &&
   [ -f "$out/kernel/lib/modules/$release/modules.dep" ]; then
  exit 0
fi

echo "fetch-kernel: $pkg $ver"
debdir="$out/deb"
mkdir -p "$debdir"
deb=$(ls "$debdir"/"${pkg}"_*.deb 2>/dev/null | head -n 1 || true)
# The version in a .deb file name has its epoch's ':' escaped as %3a.
if [ -z "$deb" ] || [ "$(dpkg-deb -f "$deb" Version)" != "$ver" ]; then
  rm -f "$debdir"/*.deb
  # apt-get download writes into the current directory; as root it warns
  # that _apt cannot write there, which is harmless.
  (cd "$debdir" && apt-get download -q "$pkg=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  deb=$(ls "$debdir"/"${pkg}"_*.deb 2>/dev/null | head -n 1 || true)
  [ -n "$deb" ] || { echo "fetch-kernel: apt-get download $pkg=$ver failed" >&2; exit 1; }
fi

tmp="$out/kernel.tmp.$$"
rm -rf "$tmp"
dpkg-deb -x "$deb" "$tmp"
# The .deb ships no modules.dep; modprobe and our closure resolver need it.
depmod -b "$tmp" "$release"
rm -rf "$out/kernel"
mv "$tmp" "$out/kernel"
echo "$release" >"$out/kernel.release"
echo "$pkg $ver" >"$out/kernel.pkg"
