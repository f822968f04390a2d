# netraw: raw Ethernet test frames over AF_PACKET, the host side of the vnet
# micro-guest's throughput phases (tests/integration/virtio_guest_net.sh).
build/tests/netraw: tests/tools/netraw.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

INTEGRATION_PREREQS += build/tests/netraw
