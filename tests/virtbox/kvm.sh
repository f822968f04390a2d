#!/usr/bin/env bash
# In-box: the box offers what the Linux-guest tests need: the svm CPU flag,
# kvm_amd loaded with nested paging, and a /dev/kvm that answers
# KVM_GET_API_VERSION (checked by opening it; hv does the ioctls).
set -euo pipefail
grep -qw svm /proc/cpuinfo || { echo "no svm flag in the box's /proc/cpuinfo"; exit 1; }
[ -d /sys/module/kvm_amd ] || { echo "kvm_amd not loaded"; exit 1; }
npt=$(cat /sys/module/kvm_amd/parameters/npt)
[ "$npt" = Y ] || { echo "kvm_amd npt=$npt (want Y)"; exit 1; }
[ -c /dev/kvm ] || { echo "/dev/kvm missing"; exit 1; }
exec 3<>/dev/kvm || { echo "cannot open /dev/kvm"; exit 1; }
exec 3>&-
echo "svm present, kvm_amd npt=$npt, /dev/kvm opens"
