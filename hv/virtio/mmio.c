/* virtio-mmio register file, version 2 (virtio 1.x §4.2.2). Pure state
 * machine over struct virtio_mmio_dev; the KVM wiring (ioeventfd, irqfd,
 * slots) is in mmio_kvm.c. */
#include "hv/virtio/mmio.h"

#include <stdio.h>
#include <string.h>

#define VIRTIO_MMIO_MAGIC      0x74726976 /* "virt" */
#define VIRTIO_MMIO_VERSION    2
#define VIRTIO_MMIO_VENDOR     0x554d4551 /* "QEMU": what drivers expect */

/* Register offsets (§4.2.2, table "MMIO Device Register Layout") */
enum {
	REG_MAGIC = 0x000, REG_VERSION = 0x004, REG_DEVICE_ID = 0x008,
	REG_VENDOR_ID = 0x00c, REG_DEV_FEATURES = 0x010, REG_DEV_FEATURES_SEL = 0x014,
	REG_DRV_FEATURES = 0x020, REG_DRV_FEATURES_SEL = 0x024,
	REG_QUEUE_SEL = 0x030, REG_QUEUE_NUM_MAX = 0x034, REG_QUEUE_NUM = 0x038,
	REG_QUEUE_READY = 0x044, REG_QUEUE_NOTIFY = 0x050,
	REG_INTERRUPT_STATUS = 0x060, REG_INTERRUPT_ACK = 0x064, REG_STATUS = 0x070,
	REG_QUEUE_DESC_LO = 0x080, REG_QUEUE_DESC_HI = 0x084,
	REG_QUEUE_DRIVER_LO = 0x090, REG_QUEUE_DRIVER_HI = 0x094,
	REG_QUEUE_DEVICE_LO = 0x0a0, REG_QUEUE_DEVICE_HI = 0x0a4,
	REG_CONFIG_GENERATION = 0x0fc, REG_CONFIG = 0x100,
};

/* transport hooks implemented in mmio_kvm.c */
void virtio_mmio_raise(struct virtio_mmio_dev *d, uint32_t isr_bits);
void virtio_mmio_ack(struct virtio_mmio_dev *d);

void virtio_mmio_init(struct virtio_mmio_dev *d, struct vm *vm, const char *name,
		      uint32_t device_id, uint64_t features, int nr_queues,
		      uint8_t *config, uint32_t config_len,
		      const struct virtio_dev_ops *ops, void *priv)
{
	memset(d, 0, sizeof(*d));
	d->vm = vm;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->device_id = device_id;
	/* every device here is modern-only and supports event idx and
	 * indirect descriptors */
	d->host_features = features | VIRTIO_FEAT(VIRTIO_F_VERSION_1_BIT) |
		VIRTIO_FEAT(VIRTIO_F_EVENT_IDX) | VIRTIO_FEAT(VIRTIO_F_INDIRECT_DESC);
	d->nr_queues = nr_queues > VIRTIO_MMIO_MAX_QUEUES ? VIRTIO_MMIO_MAX_QUEUES : nr_queues;
	d->config = config;
	d->config_len = config_len;
	d->ops = ops;
	d->priv = priv;
	d->slot = -1;
	d->irqfd = d->resamplefd = -1;
	pthread_mutex_init(&d->lock, NULL);
	for (int i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		d->q[i] = (struct virtio_mmio_queue){ .kick_fd = -1, .dev = d, .index = i };
}

bool virtio_mmio_live(const struct virtio_mmio_dev *d)
{
	return (d->status & VIRTIO_STAT_DRIVER_OK) &&
	       !(d->status & (VIRTIO_STAT_NEEDS_RESET | VIRTIO_STAT_FAILED));
}

bool virtio_mmio_has_feature(const struct virtio_mmio_dev *d, int bit)
{
	return d->driver_features & VIRTIO_FEAT(bit);
}

static void virtio_mmio_reset(struct virtio_mmio_dev *d)
{
	if (d->ops && d->ops->reset)
		d->ops->reset(d);
	for (int i = 0; i < d->nr_queues; i++) {
		struct virtq *vq = &d->q[i].vq;

		vq->ready = false;
		vq->num = 0;
		vq->desc_gpa = vq->avail_gpa = vq->used_gpa = 0;
		virtq_reset_state(vq);
	}
	d->driver_features = 0;
	d->drv_features_extra = false;
	d->dev_features_sel = d->drv_features_sel = d->queue_sel = 0;
	d->status = 0;
	atomic_store(&d->isr, 0);
	virtio_mmio_ack(d);
}

void virtio_mmio_fail(struct virtio_mmio_dev *d, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	guest_warn_once("%s: malformed request from the guest, device needs reset: %s",
			d->name, msg);
	if (d->status & VIRTIO_STAT_NEEDS_RESET)
		return;
	d->status |= VIRTIO_STAT_NEEDS_RESET;
	/* §2.1.2: after DRIVER_OK, the device sends a config change notification */
	if (d->status & VIRTIO_STAT_DRIVER_OK)
		virtio_mmio_config_changed(d);
}

void virtio_mmio_config_changed(struct virtio_mmio_dev *d)
{
	d->config_generation++;
	virtio_mmio_raise(d, VIRTIO_ISR_CONFIG);
}

void virtio_mmio_signal_vq(struct virtio_mmio_dev *d, struct virtq *vq)
{
	if (virtq_should_notify(vq))
		virtio_mmio_raise(d, VIRTIO_ISR_VRING);
}

/* §2.2.1 / §3.1.1: FEATURES_OK only for a subset of what we offered that
 * includes VIRTIO_F_VERSION_1 (no legacy interface here). */
static bool features_acceptable(const struct virtio_mmio_dev *d)
{
	return !(d->driver_features & ~d->host_features) && !d->drv_features_extra &&
	       (d->driver_features & VIRTIO_FEAT(VIRTIO_F_VERSION_1_BIT));
}

static void status_write(struct virtio_mmio_dev *d, uint32_t v)
{
	uint32_t old = d->status;

	if (!v) {
		virtio_mmio_reset(d);
		return;
	}
	v &= 0xff & ~VIRTIO_STAT_NEEDS_RESET;    /* NEEDS_RESET is the device's */
	v |= old & VIRTIO_STAT_NEEDS_RESET;
	if ((v & old) != old) {
		guest_warn_once("%s: driver cleared status bits %#x without a reset",
				d->name, old & ~v);
		return;
	}
	/* §3.1.1: ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK, in that order */
	if ((v & VIRTIO_STAT_DRIVER) && !(v & VIRTIO_STAT_ACKNOWLEDGE))
		v &= ~VIRTIO_STAT_DRIVER;
	if ((v & VIRTIO_STAT_FEATURES_OK) && !(old & VIRTIO_STAT_FEATURES_OK)) {
		if (!(v & VIRTIO_STAT_DRIVER) || !features_acceptable(d))
			v &= ~VIRTIO_STAT_FEATURES_OK;   /* driver reads it back */
	}
	if ((v & VIRTIO_STAT_DRIVER_OK) && !(v & VIRTIO_STAT_FEATURES_OK))
		v &= ~VIRTIO_STAT_DRIVER_OK;
	d->status = v;
	if ((v & VIRTIO_STAT_FEATURES_OK) && !(old & VIRTIO_STAT_FEATURES_OK)) {
		for (int i = 0; i < d->nr_queues; i++) {
			d->q[i].vq.event_idx = virtio_mmio_has_feature(d, VIRTIO_F_EVENT_IDX);
			d->q[i].vq.indirect = virtio_mmio_has_feature(d, VIRTIO_F_INDIRECT_DESC);
		}
	}
	if ((v & VIRTIO_STAT_DRIVER_OK) && !(old & VIRTIO_STAT_DRIVER_OK) &&
	    d->ops && d->ops->driver_ok)
		d->ops->driver_ok(d);
}

static struct virtq *cur_queue(struct virtio_mmio_dev *d)
{
	return d->queue_sel < (uint32_t)d->nr_queues ? &d->q[d->queue_sel].vq : NULL;
}

static void set_half(uint64_t *v, uint32_t val, bool high)
{
	*v = high ? (*v & 0xffffffffULL) | (uint64_t)val << 32
		  : (*v & ~0xffffffffULL) | val;
}

static void queue_ready_write(struct virtio_mmio_dev *d, struct virtq *vq, uint32_t v)
{
	if (!v) {
		vq->ready = false;
		return;
	}
	if (vq->ready)
		return;
	virtq_reset_state(vq);
	if (virtq_validate(vq)) {
		virtio_mmio_fail(d, "queue %u: %s", d->queue_sel, vq->err);
		return;
	}
	vq->ready = true;
}

static uint32_t reg_read(struct virtio_mmio_dev *d, uint64_t off)
{
	struct virtq *vq = cur_queue(d);

	switch (off) {
	case REG_MAGIC:            return VIRTIO_MMIO_MAGIC;
	case REG_VERSION:          return VIRTIO_MMIO_VERSION;
	case REG_DEVICE_ID:        return d->device_id;
	case REG_VENDOR_ID:        return VIRTIO_MMIO_VENDOR;
	case REG_DEV_FEATURES:     /* 32 feature bits per DeviceFeaturesSel */
		return d->dev_features_sel < 2 ?
			(uint32_t)(d->host_features >> (32 * d->dev_features_sel)) : 0;
	case REG_QUEUE_NUM_MAX:    return vq ? VIRTQ_NUM_MAX : 0;
	case REG_QUEUE_READY:      return vq ? vq->ready : 0;
	case REG_INTERRUPT_STATUS: return atomic_load(&d->isr);
	case REG_STATUS:           return d->status;
	case REG_CONFIG_GENERATION: return d->config_generation;
	default:                   return 0;   /* write-only or reserved */
	}
}

static void reg_write(struct virtio_mmio_dev *d, uint64_t off, uint32_t v)
{
	struct virtq *vq = cur_queue(d);
	bool setup = vq && !vq->ready;      /* queue regs only while not ready */
	bool feat = (d->status & VIRTIO_STAT_DRIVER) &&
		    !(d->status & VIRTIO_STAT_FEATURES_OK);

	switch (off) {
	case REG_DEV_FEATURES_SEL: d->dev_features_sel = v; break;
	case REG_DRV_FEATURES_SEL: d->drv_features_sel = v; break;
	case REG_DRV_FEATURES:
		if (!feat)
			break;
		if (d->drv_features_sel < 2) {
			set_half(&d->driver_features, v, d->drv_features_sel);
		} else if (v) {
			/* bits beyond 63 we never offer: refuse FEATURES_OK */
			d->drv_features_extra = true;
		}
		break;
	case REG_QUEUE_SEL:        d->queue_sel = v; break;
	case REG_QUEUE_NUM:        if (setup) vq->num = v > 0xffff ? 0 : v; break;
	case REG_QUEUE_READY:      if (vq) queue_ready_write(d, vq, v); break;
	case REG_QUEUE_NOTIFY:     virtio_mmio_kick(d, (int)(v & 0xffff)); break;
	case REG_INTERRUPT_ACK:
		atomic_fetch_and(&d->isr, ~v);
		virtio_mmio_ack(d);
		break;
	case REG_STATUS:           status_write(d, v); break;
	case REG_QUEUE_DESC_LO:
	case REG_QUEUE_DESC_HI:
		if (setup) set_half(&vq->desc_gpa, v, off == REG_QUEUE_DESC_HI);
		break;
	case REG_QUEUE_DRIVER_LO:
	case REG_QUEUE_DRIVER_HI:
		if (setup) set_half(&vq->avail_gpa, v, off == REG_QUEUE_DRIVER_HI);
		break;
	case REG_QUEUE_DEVICE_LO:
	case REG_QUEUE_DEVICE_HI:
		if (setup) set_half(&vq->used_gpa, v, off == REG_QUEUE_DEVICE_HI);
		break;
	default:
		break;   /* read-only or reserved: ignored */
	}
}

static void config_access(struct virtio_mmio_dev *d, uint64_t off, uint8_t *data,
			  uint32_t len, bool is_write)
{
	bool inside = off < d->config_len && len <= d->config_len - off;

	if (!is_write) {
		memset(data, 0, len);
		if (inside)
			memcpy(data, d->config + off, len);
	} else if (inside && d->ops && d->ops->config_write) {
		d->ops->config_write(d, (uint32_t)off, data, len);
	}
}

void virtio_mmio_access(struct virtio_mmio_dev *d, uint64_t off, uint8_t *data,
			uint32_t len, bool is_write)
{
	uint32_t v = 0;

	pthread_mutex_lock(&d->lock);
	if (off >= REG_CONFIG) {
		if (len == 1 || len == 2 || len == 4 || len == 8)
			config_access(d, off - REG_CONFIG, data, len, is_write);
		else if (!is_write)
			memset(data, 0, len);
	} else if (len != 4 || off % 4) {
		/* §4.2.2.2: control registers are 32-bit, aligned accesses only */
		guest_warn_once("%s: %u-byte access to register %#llx ignored", d->name,
				len, (unsigned long long)off);
		if (!is_write)
			memset(data, 0, len);
	} else if (is_write) {
		memcpy(&v, data, 4);
		reg_write(d, off, v);
	} else {
		v = reg_read(d, off);
		memcpy(data, &v, 4);
	}
	pthread_mutex_unlock(&d->lock);
}
