#!/usr/bin/env bash
# In the test box (QEMU TCG, emulated SVM + NPT): kvm-amd works, and hv boots
# the stock Debian cloud kernel (build/guest) to /init with 1 and 2 vCPUs,
# the guest powers off and hv exits 0 with a boot marker in its stats JSON.
# The in-box part is tests/virtbox/kvm.sh and tests/virtbox/linux_boot.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec bash ci/virtbox/run.sh --timeout 720 kvm linux_boot
