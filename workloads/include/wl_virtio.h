/* A tiny polled virtio driver for micro-guest workloads (virtio 1.2):
 * the virtio-mmio transport, version 2 (§4.2.2), and split virtqueues
 * (§2.7) in identity-mapped guest memory (VA == GPA), SPDK-style: the
 * driver never takes an interrupt, it polls the used ring. Transport in
 * workloads/lib/virtio_mmio.c, rings in workloads/lib/virtq.c.
 *
 * A micro-guest runs in ring 3 with interrupts disabled: the device still
 * raises its IRQ line (irqfd), which simply stays pending. The driver asks
 * for no used-buffer notifications anyway (used_event kept out of reach).
 */
#ifndef WL_VIRTIO_H
#define WL_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#define VIO_MMIO_BASE        0xd0100000ULL  /* slot n at base + n * 0x1000 */
#define VIO_MMIO_STRIDE      0x1000
#define VIO_MMIO_SLOTS       16

/* device ids (§5) */
#define VIO_ID_NET           1
#define VIO_ID_BLOCK         2
#define VIO_ID_BALLOON       5

/* transport feature bits (§6) */
#define VIO_F_INDIRECT_DESC  28
#define VIO_F_EVENT_IDX      29
#define VIO_F_VERSION_1      32
#define VIO_BIT(b)           (1ULL << (b))

/* device status (§2.1) */
#define VIO_S_ACKNOWLEDGE    1
#define VIO_S_DRIVER         2
#define VIO_S_DRIVER_OK      4
#define VIO_S_FEATURES_OK    8
#define VIO_S_NEEDS_RESET    0x40
#define VIO_S_FAILED         0x80

#define VQ_MAX               256

struct vio_dev {
	volatile uint8_t *base;
	int slot;
	uint32_t device_id;
	uint64_t offered;         /* device features */
	uint64_t features;        /* negotiated */
};

/* split virtqueue ring layout (§2.7.5, §2.7.6, §2.7.8) */
struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
#define VQ_DESC_F_NEXT       1
#define VQ_DESC_F_WRITE      2
#define VQ_DESC_F_INDIRECT   4

struct vq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];          /* [num], then used_event */
};

struct vq_used_elem {
	uint32_t id;
	uint32_t len;
};

struct vq_used {
	uint16_t flags;
	uint16_t idx;
	struct vq_used_elem ring[];   /* [num], then avail_event */
};
#define VQ_USED_F_NO_NOTIFY  1

struct vq {
	struct vio_dev *dev;
	uint16_t index, num;
	bool event_idx;
	struct vq_desc *desc;
	volatile struct vq_avail *avail;
	volatile struct vq_used *used;
	uint16_t free_head, nr_free;
	uint16_t avail_idx;       /* our shadow of avail->idx */
	uint16_t kicked_idx;      /* avail idx at the last kick decision */
	uint16_t last_used;
	uint16_t chain_len[VQ_MAX];
	void *cookie[VQ_MAX];
	uint64_t kicks, kicks_saved;
};

/* One buffer of a chain: guest-physical address (== pointer), length,
 * device-writable or not. */
struct vq_buf {
	uint64_t addr;
	uint32_t len;
	bool write;
};

/* --- transport (virtio_mmio.c) --- */
/* 0 when slot holds a virtio-mmio v2 device with a non-zero id, else -1. */
int vio_probe(struct vio_dev *d, int slot);
/* The nth (0-based) device with this id; -1 when there is none. */
int vio_find(struct vio_dev *d, uint32_t device_id, int nth);
/* §3.1.1 steps 1-6: reset, ACKNOWLEDGE, DRIVER, features (wanted &
 * offered, VERSION_1 required), FEATURES_OK read back. 0 or -1. */
int vio_negotiate(struct vio_dev *d, uint64_t wanted);
/* §4.2.3.2: size, ring addresses, QueueReady. Rings come from wl_alloc.
 * num 0 = the device's maximum. 0 or -1. */
int vio_queue_setup(struct vio_dev *d, struct vq *q, uint16_t index, uint16_t num);
void vio_driver_ok(struct vio_dev *d);
void vio_reset(struct vio_dev *d);
uint32_t vio_status(const struct vio_dev *d);
/* Device config space (§4.2.2 offset 0x100 on), read under the
 * generation counter (§2.5.1). */
uint32_t vio_config32(const struct vio_dev *d, uint32_t off);
uint64_t vio_config64(const struct vio_dev *d, uint32_t off);
void vio_config_write32(const struct vio_dev *d, uint32_t off, uint32_t v);
void vio_notify(const struct vio_dev *d, uint16_t queue);
/* raw register access (vbad) */
uint32_t vio_read(const struct vio_dev *d, uint32_t off);
void vio_write(const struct vio_dev *d, uint32_t off, uint32_t v);

/* --- split virtqueue (virtq.c) --- */
/* Lay the rings out in the given memory (desc 16 * num, avail, used). */
void vq_init(struct vq *q, struct vio_dev *d, uint16_t index, uint16_t num,
	     void *desc, void *avail, void *used, bool event_idx);
/* Put a chain of n buffers on the avail ring (not yet kicked). Returns the
 * head, or -1 when fewer than n descriptors are free. */
int vq_add(struct vq *q, const struct vq_buf *b, int n, void *cookie);
/* Publish a head the caller built by hand in q->desc (vbad). */
void vq_publish(struct vq *q, uint16_t head);
/* Notify the device if it asked to be (§2.7.13.4, event idx §2.7.10). */
void vq_kick(struct vq *q);
/* One used buffer: returns 1 with its cookie and written length, 0 when
 * the used ring holds nothing new (§2.7.14). */
int vq_poll(struct vq *q, void **cookie, uint32_t *len);

#endif
