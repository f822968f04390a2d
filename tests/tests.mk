# Test guests built from assembly (multiboot v1, ELF32).
build/tests/mbtest.elf: tests/guests/mbtest.S
	@mkdir -p $(dir $@)
	$(CC) -m32 -nostdlib -static -no-pie -Wl,-Ttext=0x400000 -Wl,--build-id=none -o $@ $<

INTEGRATION_PREREQS += build/tests/mbtest.elf

# hv built with ASan+UBSan, for integration tests that drive it with
# hostile or odd guests.
build/asan/bin/hv: $(call obj,$(BUILD)/asan,$(HV_SRCS))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(LIBS)

INTEGRATION_PREREQS += build/asan/bin/hv
