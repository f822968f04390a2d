# The Linux guest image: build/guest/vmlinuz and build/guest/initrd.img.
# build-image.sh always runs (cheap) and decides itself whether anything
# changed: the kernel package version behind linux-image-cloud-amd64 is an
# input make cannot see.
# The static workload binaries go into the image (WL_NATIVE comes from
# workloads/workloads.mk, included before this file).
.PHONY: guest
guest: $(WL_NATIVE)
	@bash workloads/guest/build-image.sh $(BUILD)/guest

INTEGRATION_PREREQS += guest
RUN_PREREQS += guest

# The tools variant (Debian's stress-ng, fio, iperf3 with their libraries;
# the package set is GUEST_PACKAGES): build/guest/initrd-tools.img. Not part
# of `make guest` (about 47 MB more to download, 34 MB more to boot). The
# test box's harness test boots it, so `make test` builds it: about 20 s
# on a fresh machine, then cached.
GUEST_PACKAGES ?= stress-ng fio iperf3
.PHONY: guest-tools
guest-tools: guest
	@GUEST_PACKAGES="$(GUEST_PACKAGES)" bash workloads/guest/build-tools-image.sh $(BUILD)/guest

INTEGRATION_PREREQS += guest-tools
