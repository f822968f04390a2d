# make bench: every benchmark that can run on this host, each printing its
# side-by-side ratios. bench/boot needs hardware virtualization or the test
# box (minutes under emulation): make bench-boot.
.PHONY: bench bench-boot
bench: all
	bench/exits
	bench/cpu
	bench/memory
	bench/io
	bench/harness
	bench/overcommit --quick

bench-boot: all guest
	bench/boot
