#!/usr/bin/env bash
# In the test box (QEMU TCG, emulated SVM): hv boots the Debian cloud
# kernel with a virtio-blk disk; the Linux guest's virtio_blk driver reads a
# host pattern and writes its own with O_DIRECT; the box checks the file's
# bytes. In-box part: tests/virtbox/virtio_devices.sh (after kvm.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec bash ci/virtbox/run.sh --timeout 600 kvm virtio_devices
