/* fw_cfg, the legacy port interface (QEMU docs/specs/fw_cfg.rst): write a
 * 16-bit key to 0x510, read the item byte by byte from 0x511. kvm-unit-tests
 * read NB_CPUS (every test; 0 makes AP bring-up spin forever), RAM_SIZE and
 * MAX_RAM. Items are little-endian. */
#include <pthread.h>
#include <string.h>

#include "hv/device.h"
#include "hv/layout.h"
#include "hv/vm.h"

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID        0x01
#define FW_CFG_RAM_SIZE  0x03
#define FW_CFG_NB_CPUS   0x05
#define FW_CFG_MAX_CPUS  0x0f
#define FW_CFG_MAX_RAM   0x11

struct fw_cfg {
	pthread_mutex_t lock;
	uint16_t key;
	uint32_t offset;
	uint8_t item[8];
	uint32_t item_len;
	struct vm *vm;
};

static struct fw_cfg fwc = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Select an item: fill item/item_len for the key (unknown keys read 0). */
static void fw_cfg_select(struct fw_cfg *f, uint16_t key)
{
	const struct vm *vm = f->vm;

	f->key = key;
	f->offset = 0;
	f->item_len = 0;
	memset(f->item, 0, sizeof(f->item));
	switch (key) {
	case FW_CFG_SIGNATURE:
		memcpy(f->item, "QEMU", 4);
		f->item_len = 4;
		break;
	case FW_CFG_ID:
		put_le(f->item, 1, 4);   /* traditional interface only, no DMA */
		f->item_len = 4;
		break;
	case FW_CFG_RAM_SIZE:
	case FW_CFG_MAX_RAM:
		put_le(f->item, vm->mem.size, 8);
		f->item_len = 8;
		break;
	case FW_CFG_NB_CPUS:
	case FW_CFG_MAX_CPUS:
		put_le(f->item, (uint64_t)vm->nr_vcpus, 2);
		f->item_len = 2;
		break;
	}
}

static void fw_cfg_io(struct vcpu *vcpu, void *opaque, uint64_t off, uint8_t *data,
		      uint32_t len, bool is_write)
{
	struct fw_cfg *f = opaque;

	(void)vcpu;
	pthread_mutex_lock(&f->lock);
	if (off == 0 && is_write) {
		uint16_t key = data[0] | (len > 1 ? data[1] << 8 : 0);

		fw_cfg_select(f, key);
	} else if (off == 1 && !is_write) {
		for (uint32_t i = 0; i < len; i++)
			data[i] = f->offset < f->item_len ? f->item[f->offset++] : 0;
	} else if (!is_write) {
		memset(data, 0, len);
	}
	pthread_mutex_unlock(&f->lock);
}

static int fw_cfg__init(struct vm *vm)
{
	fwc.vm = vm;
	return io_bus_register(&vm->pio, PORT_FW_CFG_SEL, 2, fw_cfg_io, &fwc, "fw_cfg");
}
hv_device_init(fw_cfg__init, DEV_LEVEL_PLATFORM);
