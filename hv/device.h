/* Devices register themselves (kvmtool-style init levels), so adding a
 * device never edits a central list:
 *
 *     static int serial__init(struct vm *vm) { ... }
 *     hv_device_init(serial__init, DEV_LEVEL_PLATFORM);
 *
 * Init functions run in level order after guest memory, the irqchip and the
 * vCPUs exist, and before the kernel or guest image is loaded (so firmware
 * tables such as ACPI can list the devices). They return 0, or -1 after
 * printing a one-line error. Exit functions run in reverse order. */
#ifndef HV_DEVICE_H
#define HV_DEVICE_H

struct vm;

enum dev_level {
	DEV_LEVEL_CORE = 0,     /* event loop, stats */
	DEV_LEVEL_PLATFORM = 1, /* serial, fw_cfg, exit ports, markers */
	DEV_LEVEL_VIRTIO = 2,   /* virtio devices */
	DEV_LEVEL_FIRMWARE = 3, /* ACPI tables: see every device above */
	DEV_LEVEL_LATE = 4,     /* control socket */
	DEV_LEVEL_COUNT
};

struct hv_device_init_entry {
	int (*init)(struct vm *vm);
	void (*exit)(struct vm *vm);
	enum dev_level level;
	const char *name;
	struct hv_device_init_entry *next;
};

void hv_device_register(struct hv_device_init_entry *e);
int hv_devices_init(struct vm *vm);
void hv_devices_exit(struct vm *vm);

#define hv_device_init_exit(fn_init, fn_exit, lvl)                             \
	static struct hv_device_init_entry fn_init##_entry = {                 \
		.init = fn_init, .exit = fn_exit, .level = lvl, .name = #fn_init}; \
	__attribute__((constructor)) static void fn_init##_register(void)      \
	{                                                                      \
		hv_device_register(&fn_init##_entry);                          \
	}
#define hv_device_init(fn_init, lvl) hv_device_init_exit(fn_init, NULL, lvl)

#endif
