#!/usr/bin/env bash
# In the test box (QEMU TCG, emulated SVM): hv boots the Debian cloud
# kernel with --net tap=hvtap1,vhost=on; the box's vhost_net.ko moves the
# packets; ping both ways and 1 MiB TCP each way, md5 checked; hv's stats
# show vhost was used. In-box part: tests/virtbox/vhost_net.sh (after kvm.sh).
# Its own box: a second hv Linux boot appended to the virtio_devices box
# reset that box (see the in-box script).
set -euo pipefail
cd "$(dirname "$0")/../.."
exec bash ci/virtbox/run.sh --timeout 300 kvm vhost_net
