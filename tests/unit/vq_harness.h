/* A fake guest (64 KiB of RAM) with one split virtqueue, shared by the
 * virtio unit tests: the test plays the driver. */
#ifndef TESTS_UNIT_VQ_HARNESS_H
#define TESTS_UNIT_VQ_HARNESS_H

#include <linux/virtio_ring.h>
#include <stdlib.h>
#include <string.h>

#include "hv/memory.h"
#include "hv/virtio/queue.h"

#define VQH_RAM   0x10000
#define VQH_DESC  0x1000
#define VQH_AVAIL 0x2000
#define VQH_USED  0x3000
#define VQH_DATA  0x4000

struct vqh {
	struct guest_mem mem;
	struct virtq vq;
	uint16_t avail_idx;
};

static inline void vqh_init(struct vqh *h, uint16_t num)
{
	memset(h, 0, sizeof(*h));
	h->mem.host = calloc(1, VQH_RAM);
	h->mem.size = h->mem.low_size = VQH_RAM;
	h->mem.page_size = 4096;
	h->mem.fd = -1;
	h->vq.mem = &h->mem;
	h->vq.num = num;
	h->vq.desc_gpa = VQH_DESC;
	h->vq.avail_gpa = VQH_AVAIL;
	h->vq.used_gpa = VQH_USED;
	h->vq.indirect = true;
	h->vq.ready = true;
}

static inline void vqh_free(struct vqh *h)
{
	free(h->mem.host);
}

static inline struct vring_desc *vqh_desc(struct vqh *h, int i)
{
	return (struct vring_desc *)(h->mem.host + VQH_DESC) + i;
}

static inline struct vring_avail *vqh_avail(struct vqh *h)
{
	return (struct vring_avail *)(h->mem.host + VQH_AVAIL);
}

static inline struct vring_used *vqh_used(struct vqh *h)
{
	return (struct vring_used *)(h->mem.host + VQH_USED);
}

static inline void vqh_set(struct vqh *h, int i, uint64_t addr, uint32_t len,
			   uint16_t flags, uint16_t next)
{
	*vqh_desc(h, i) = (struct vring_desc){ addr, len, flags, next };
}

/* Make descriptor `head` available. */
static inline void vqh_publish(struct vqh *h, uint16_t head)
{
	struct vring_avail *a = vqh_avail(h);

	a->ring[h->avail_idx % h->vq.num] = head;
	a->idx = ++h->avail_idx;
}

#endif
