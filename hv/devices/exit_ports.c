/* Small platform ports:
 *   0xf4  debug exit: outl(code) ends hv with status (code << 1) | 1, the
 *         isa-debug-exit convention kvm-unit-tests rely on
 *   0x8900 QEMU's "Shutdown" string port, the fallback exit
 *   0xf5 and MMIO 0xd0000000: boot-complete marker (first write recorded)
 *   0xf6 and MMIO 0xd0001000: null port/region for exit-cost benchmarks */
#include <stdio.h>
#include <string.h>

#include "hv/device.h"
#include "hv/layout.h"
#include "hv/log.h"
#include "hv/vm.h"

static struct {
	char shutdown_buf[16];
	size_t shutdown_len;
	uint64_t null_accesses;
} ports;

static void debug_exit_io(struct vcpu *vcpu, void *opaque, uint64_t off,
			  uint8_t *data, uint32_t len, bool is_write)
{
	struct vm *vm = opaque;
	uint32_t code = 0;

	(void)vcpu; (void)off;
	if (!is_write) {
		memset(data, 0xff, len);
		return;
	}
	memcpy(&code, data, len < 4 ? len : 4);
	vm_request_exit(vm, VM_EXIT_DEBUG_PORT, (int)(((code << 1) | 1) & 0xff),
			"guest wrote %u to the debug-exit port", code);
}

static void shutdown_io(struct vcpu *vcpu, void *opaque, uint64_t off,
			uint8_t *data, uint32_t len, bool is_write)
{
	static const char magic[] = "Shutdown";
	struct vm *vm = opaque;

	(void)vcpu; (void)off;
	if (!is_write) {
		memset(data, 0xff, len);
		return;
	}
	for (uint32_t i = 0; i < len; i++) {
		char c = (char)data[i];

		if (c != magic[ports.shutdown_len]) {
			ports.shutdown_len = c == magic[0];
			continue;
		}
		if (++ports.shutdown_len == sizeof(magic) - 1)
			vm_request_exit(vm, VM_EXIT_POWEROFF, 0,
					"guest wrote \"Shutdown\" to port 0x8900");
	}
}

static void boot_marker_io(struct vcpu *vcpu, void *opaque, uint64_t off,
			   uint8_t *data, uint32_t len, bool is_write)
{
	struct vm *vm = opaque;
	uint64_t expected = 0;

	(void)vcpu; (void)off;
	if (!is_write) {
		memset(data, 0, len);
		return;
	}
	atomic_compare_exchange_strong(&vm->t_boot_marker_ns, &expected, hv_now_ns());
}

static void null_io(struct vcpu *vcpu, void *opaque, uint64_t off, uint8_t *data,
		    uint32_t len, bool is_write)
{
	(void)vcpu; (void)opaque; (void)off;
	__atomic_add_fetch(&ports.null_accesses, 1, __ATOMIC_RELAXED);
	if (!is_write)
		memset(data, 0, len);
}

static json_t *ports_stats(void *opaque)
{
	(void)opaque;
	return json_pack("{s:I}", "null_accesses", (json_int_t)ports.null_accesses);
}

static int exit_ports__init(struct vm *vm)
{
	if (io_bus_register(&vm->pio, PORT_DEBUG_EXIT, 1, debug_exit_io, vm, "debug-exit") ||
	    io_bus_register(&vm->pio, PORT_BOOT_MARKER, 1, boot_marker_io, vm, "boot-marker") ||
	    io_bus_register(&vm->pio, PORT_NULL, 1, null_io, vm, "null-port") ||
	    io_bus_register(&vm->pio, PORT_QEMU_SHUTDOWN, 1, shutdown_io, vm, "shutdown") ||
	    io_bus_register(&vm->mmio, BOOT_MARKER_GPA, 0x1000, boot_marker_io, vm, "boot-marker") ||
	    io_bus_register(&vm->mmio, NULL_MMIO_GPA, NULL_MMIO_SIZE, null_io, vm, "null-mmio")) {
		fprintf(stderr, "hv: platform ports overlap another device\n");
		return -1;
	}
	vm_add_stats_source(vm, "ports", ports_stats, NULL);
	return 0;
}
hv_device_init(exit_ports__init, DEV_LEVEL_PLATFORM);
