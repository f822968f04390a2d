/* Split virtqueues (virtio 1.x §2.7): the device side. Pure parsing over
 * guest memory (struct guest_mem), testable without KVM. Every guest value
 * is checked: ring addresses through guest_ptr, chain length bounded by the
 * queue size (which also catches descriptor loops), avail idx no more than
 * the queue size ahead of us. A violation makes virtq_pop() return -1 with
 * the reason in vq->err; the transport then sets DEVICE_NEEDS_RESET. */
#ifndef HV_VIRTIO_QUEUE_H
#define HV_VIRTIO_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/memory.h"

#define VIRTQ_NUM_MAX   256     /* QueueNumMax offered by our devices */
#define VIRTQ_MAX_SEGS  512     /* descriptors in one chain, indirect included */

struct virtq {
	const struct guest_mem *mem;
	uint16_t num;           /* queue size (power of two, <= VIRTQ_NUM_MAX) */
	bool ready;
	bool event_idx;         /* VIRTIO_RING_F_EVENT_IDX negotiated */
	bool indirect;          /* VIRTIO_RING_F_INDIRECT_DESC negotiated */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	uint16_t last_avail;    /* next avail ring entry to consume */
	uint16_t used_idx;      /* our copy of used->idx */
	uint16_t signalled_used;/* used idx at the last notification check */
	char err[128];          /* why the queue is broken */
};

/* One buffer segment of a chain: host pointer into guest RAM. */
struct virtq_seg {
	uint8_t *ptr;
	uint32_t len;
	bool write;             /* device-writable */
};

struct virtq_chain {
	uint16_t head;          /* id to return in the used ring */
	int nr;                 /* segments (zero-length descriptors skipped) */
	int nr_out;             /* the first nr_out segments are device-readable */
	uint64_t out_len, in_len;
	struct virtq_seg seg[VIRTQ_MAX_SEGS];
};

/* Check the ring addresses, size and alignment (§2.7: desc 16, avail 2,
 * used 4) before QueueReady takes effect. Returns 0 or -1 (vq->err). */
int virtq_validate(struct virtq *vq);
/* Reset the ring state (not the addresses). */
void virtq_reset_state(struct virtq *vq);
/* Take the next available chain. Returns 1 with c filled, 0 when the ring
 * is empty, -1 when the ring is malformed (reason in vq->err). */
int virtq_pop(struct virtq *vq, struct virtq_chain *c);
/* Put a chain back on the used ring with `len` bytes written. */
int virtq_push(struct virtq *vq, uint16_t head, uint32_t len);
/* After pushing: does the driver want an interrupt (§2.7.10, event idx)? */
bool virtq_should_notify(struct virtq *vq);
/* Ask for kicks from the next avail entry on (avail_event with event idx)
 * and return true when more entries arrived meanwhile (re-poll). */
bool virtq_enable_notify(struct virtq *vq);
/* Bytes helpers over a chain: copy out of the readable part / into the
 * writable part at an offset. Return bytes copied. */
uint64_t virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *dst,
			  uint64_t len);
uint64_t virtq_chain_write(const struct virtq_chain *c, uint64_t off,
			   const void *src, uint64_t len);

#endif
