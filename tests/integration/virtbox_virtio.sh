#!/usr/bin/env bash
# In the test box (QEMU TCG, emulated SVM): hv boots the Debian cloud
# kernel with a virtio-blk disk; the Linux guest's virtio_blk driver reads a
# host pattern and writes its own with O_DIRECT; the box checks the file's
# bytes. In-box part: tests/virtbox/virtio_devices.sh (after kvm.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v qemu-system-x86_64 >/dev/null || { echo "qemu-system-x86_64 not installed (ci/deps.sh installs it)"; exit 77; }
for f in build/bin/hv build/guest/vmlinuz build/guest/initrd.img; do
  [ -e "$f" ] || { echo "$f missing: run make && make guest (make test builds both)"; exit 1; }
done
exec bash ci/virtbox/run.sh --timeout 600 kvm virtio_devices
