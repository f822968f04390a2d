/* virtio-mmio transport, driver side, version 2 (virtio 1.2 §4.2.2), for
 * ring-3 micro-guest workloads. The register window is identity-mapped,
 * user-accessible and uncached; every access is one aligned 32-bit load
 * or store (§4.2.2.2). Natively wl_mmio() returns NULL and every probe
 * fails cleanly. */
#include "wl.h"
#include "wl_virtio.h"

#define VIO_MAGIC            0x74726976   /* "virt" */

/* register offsets (§4.2.2, "MMIO Device Register Layout") */
enum {
	VIO_R_MAGIC = 0x000, VIO_R_VERSION = 0x004, VIO_R_DEVICE_ID = 0x008,
	VIO_R_DEV_FEAT = 0x010, VIO_R_DEV_FEAT_SEL = 0x014,
	VIO_R_DRV_FEAT = 0x020, VIO_R_DRV_FEAT_SEL = 0x024,
	VIO_R_QUEUE_SEL = 0x030, VIO_R_QUEUE_NUM_MAX = 0x034, VIO_R_QUEUE_NUM = 0x038,
	VIO_R_QUEUE_READY = 0x044, VIO_R_QUEUE_NOTIFY = 0x050,
	VIO_R_STATUS = 0x070,
	VIO_R_DESC_LO = 0x080, VIO_R_DESC_HI = 0x084,
	VIO_R_DRIVER_LO = 0x090, VIO_R_DRIVER_HI = 0x094,
	VIO_R_DEVICE_LO = 0x0a0, VIO_R_DEVICE_HI = 0x0a4,
	VIO_R_CONFIG_GEN = 0x0fc, VIO_R_CONFIG = 0x100,
};

uint32_t vio_read(const struct vio_dev *d, uint32_t off)
{
	return *(volatile uint32_t *)(d->base + off);
}

void vio_write(const struct vio_dev *d, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(d->base + off) = v;
}

int vio_probe(struct vio_dev *d, int slot)
{
	volatile void *p;

	wl_memset(d, 0, sizeof(*d));
	if (slot < 0 || slot >= VIO_MMIO_SLOTS)
		return -1;
	p = wl_mmio(VIO_MMIO_BASE + (uint64_t)slot * VIO_MMIO_STRIDE, VIO_MMIO_STRIDE);
	if (!p)
		return -1;
	d->base = p;
	d->slot = slot;
	/* §4.2.3.1.1: magic "virt", version 2; device id 0 = no device */
	if (vio_read(d, VIO_R_MAGIC) != VIO_MAGIC || vio_read(d, VIO_R_VERSION) != 2)
		return -1;
	d->device_id = vio_read(d, VIO_R_DEVICE_ID);
	return d->device_id ? 0 : -1;
}

int vio_find(struct vio_dev *d, uint32_t device_id, int nth)
{
	for (int s = 0; s < VIO_MMIO_SLOTS; s++) {
		if (vio_probe(d, s))
			continue;
		if (d->device_id == device_id && nth-- == 0)
			return 0;
	}
	return -1;
}

uint32_t vio_status(const struct vio_dev *d)
{
	return vio_read(d, VIO_R_STATUS);
}

void vio_reset(struct vio_dev *d)
{
	/* §4.2.3.1: writing 0 resets; wait until the device reads back 0 */
	vio_write(d, VIO_R_STATUS, 0);
	while (vio_read(d, VIO_R_STATUS))
		;
}

int vio_negotiate(struct vio_dev *d, uint64_t wanted)
{
	vio_reset(d);
	vio_write(d, VIO_R_STATUS, VIO_S_ACKNOWLEDGE);
	vio_write(d, VIO_R_STATUS, VIO_S_ACKNOWLEDGE | VIO_S_DRIVER);
	vio_write(d, VIO_R_DEV_FEAT_SEL, 0);
	d->offered = vio_read(d, VIO_R_DEV_FEAT);
	vio_write(d, VIO_R_DEV_FEAT_SEL, 1);
	d->offered |= (uint64_t)vio_read(d, VIO_R_DEV_FEAT) << 32;
	/* §6.1: a modern driver must accept VERSION_1 */
	if (!(d->offered & VIO_BIT(VIO_F_VERSION_1)))
		return -1;
	d->features = (wanted | VIO_BIT(VIO_F_VERSION_1)) & d->offered;
	vio_write(d, VIO_R_DRV_FEAT_SEL, 0);
	vio_write(d, VIO_R_DRV_FEAT, (uint32_t)d->features);
	vio_write(d, VIO_R_DRV_FEAT_SEL, 1);
	vio_write(d, VIO_R_DRV_FEAT, (uint32_t)(d->features >> 32));
	vio_write(d, VIO_R_STATUS, VIO_S_ACKNOWLEDGE | VIO_S_DRIVER | VIO_S_FEATURES_OK);
	/* §3.1.1 step 6: re-read; the device clears FEATURES_OK to refuse */
	if (!(vio_read(d, VIO_R_STATUS) & VIO_S_FEATURES_OK)) {
		vio_write(d, VIO_R_STATUS, VIO_S_FAILED);
		return -1;
	}
	return 0;
}

static void vio_write64(const struct vio_dev *d, uint32_t lo, uint64_t v)
{
	vio_write(d, lo, (uint32_t)v);
	vio_write(d, lo + 4, (uint32_t)(v >> 32));
}

int vio_queue_setup(struct vio_dev *d, struct vq *q, uint16_t index, uint16_t num)
{
	uint32_t max;
	void *desc, *avail, *used;

	vio_write(d, VIO_R_QUEUE_SEL, index);
	/* §4.2.3.2: the queue must not be in use; QueueNumMax 0 = no queue */
	if (vio_read(d, VIO_R_QUEUE_READY))
		return -1;
	max = vio_read(d, VIO_R_QUEUE_NUM_MAX);
	if (!max)
		return -1;
	if (!num || num > max)
		num = max > VQ_MAX ? VQ_MAX : (uint16_t)max;
	desc = wl_alloc(16ULL * num, 4096);
	avail = wl_alloc(6 + 2ULL * num, 4096);
	used = wl_alloc(6 + 8ULL * num, 4096);
	if (!desc || !avail || !used)
		return -1;
	vq_init(q, d, index, num, desc, avail, used,
		d->features & VIO_BIT(VIO_F_EVENT_IDX));
	vio_write(d, VIO_R_QUEUE_NUM, num);
	vio_write64(d, VIO_R_DESC_LO, (uint64_t)desc);
	vio_write64(d, VIO_R_DRIVER_LO, (uint64_t)avail);
	vio_write64(d, VIO_R_DEVICE_LO, (uint64_t)used);
	vio_write(d, VIO_R_QUEUE_READY, 1);
	return vio_read(d, VIO_R_QUEUE_READY) == 1 ? 0 : -1;
}

void vio_driver_ok(struct vio_dev *d)
{
	vio_write(d, VIO_R_STATUS, vio_read(d, VIO_R_STATUS) | VIO_S_DRIVER_OK);
}

void vio_notify(const struct vio_dev *d, uint16_t queue)
{
	vio_write(d, VIO_R_QUEUE_NOTIFY, queue);
}

uint32_t vio_config32(const struct vio_dev *d, uint32_t off)
{
	uint32_t gen, v;

	/* §2.5.1: retry while the configuration generation changes */
	do {
		gen = vio_read(d, VIO_R_CONFIG_GEN);
		v = vio_read(d, VIO_R_CONFIG + off);
	} while (vio_read(d, VIO_R_CONFIG_GEN) != gen);
	return v;
}

uint64_t vio_config64(const struct vio_dev *d, uint32_t off)
{
	uint32_t gen, lo, hi;

	do {
		gen = vio_read(d, VIO_R_CONFIG_GEN);
		lo = vio_read(d, VIO_R_CONFIG + off);
		hi = vio_read(d, VIO_R_CONFIG + off + 4);
	} while (vio_read(d, VIO_R_CONFIG_GEN) != gen);
	return (uint64_t)hi << 32 | lo;
}

void vio_config_write32(const struct vio_dev *d, uint32_t off, uint32_t v)
{
	vio_write(d, VIO_R_CONFIG + off, v);
}
