#!/usr/bin/env bash
# Install the Debian packages hvperf needs. Idempotent: packages already
# present are not fetched again, and apt-get update runs only when needed.
set -euo pipefail

pkgs=(
  build-essential pkg-config clang
  libjansson-dev libpfm4-dev libhwloc-dev libcmocka-dev liburing-dev
  gnuplot-nox qemu-system-x86 busybox-static kmod cpio xz-utils zstd
  iproute2 linux-perf procps util-linux e2fsprogs python3 chromium
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: missing packages (${missing[*]}); run as root or install them" >&2
  exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
