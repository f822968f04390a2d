/* Split virtqueue, device side (virtio 1.x §2.7). All ring memory is guest
 * memory written concurrently by other CPUs: indices are read with acquire
 * and published with release semantics, descriptors are copied once before
 * they are checked (no double fetch). */
#include "hv/virtio/queue.h"

#include <linux/virtio_ring.h>
#include <stdio.h>
#include <string.h>

#define VQ_FAIL(vq, ...)                                                       \
	do {                                                                   \
		snprintf((vq)->err, sizeof((vq)->err), __VA_ARGS__);           \
		return -1;                                                     \
	} while (0)

/* Ring sizes (§2.7.6, §2.7.8): flags + idx + ring[num] + event field. */
static uint64_t avail_size(uint16_t num) { return 4 + 2ULL * num + 2; }
static uint64_t used_size(uint16_t num) { return 4 + 8ULL * num + 2; }

int virtq_validate(struct virtq *vq)
{
	uint16_t n = vq->num;

	if (!n || n > VIRTQ_NUM_MAX || (n & (n - 1)))
		VQ_FAIL(vq, "queue size %u is not a power of two <= %u", n, VIRTQ_NUM_MAX);
	if (vq->desc_gpa % 16 || vq->avail_gpa % 2 || vq->used_gpa % 4)
		VQ_FAIL(vq, "misaligned ring (desc %#llx avail %#llx used %#llx)",
			(unsigned long long)vq->desc_gpa, (unsigned long long)vq->avail_gpa,
			(unsigned long long)vq->used_gpa);
	if (!guest_ptr(vq->mem, vq->desc_gpa, 16ULL * n) ||
	    !guest_ptr(vq->mem, vq->avail_gpa, avail_size(n)) ||
	    !guest_ptr(vq->mem, vq->used_gpa, used_size(n)))
		VQ_FAIL(vq, "ring outside guest RAM (desc %#llx avail %#llx used %#llx)",
			(unsigned long long)vq->desc_gpa, (unsigned long long)vq->avail_gpa,
			(unsigned long long)vq->used_gpa);
	return 0;
}

void virtq_reset_state(struct virtq *vq)
{
	vq->last_avail = vq->used_idx = vq->signalled_used = 0;
	vq->err[0] = 0;
}

static struct vring_avail *vq_avail(const struct virtq *vq)
{
	return guest_ptr(vq->mem, vq->avail_gpa, avail_size(vq->num));
}

static struct vring_used *vq_used(const struct virtq *vq)
{
	return guest_ptr(vq->mem, vq->used_gpa, used_size(vq->num));
}

static int chain_add(struct virtq *vq, struct virtq_chain *c,
		     const struct vring_desc *d)
{
	bool write = d->flags & VRING_DESC_F_WRITE;
	uint8_t *p;

	if (!d->len)
		return 0;   /* nothing to transfer; not an error (§2.7.5) */
	p = guest_ptr(vq->mem, d->addr, d->len);
	if (!p)
		VQ_FAIL(vq, "descriptor %#llx+%u outside guest RAM",
			(unsigned long long)d->addr, d->len);
	/* §2.7.4.2: device-writable descriptors come after readable ones */
	if (!write && c->nr > c->nr_out)
		VQ_FAIL(vq, "device-readable descriptor after a writable one");
	if (c->nr == VIRTQ_MAX_SEGS)
		VQ_FAIL(vq, "chain longer than %d segments", VIRTQ_MAX_SEGS);
	c->seg[c->nr++] = (struct virtq_seg){ p, d->len, write };
	if (write)
		c->in_len += d->len;
	else {
		c->nr_out++;
		c->out_len += d->len;
	}
	return 0;
}

/* Walk an indirect table (§2.7.5.3): no nesting, no NEXT on the pointing
 * descriptor, a length that is a whole number of descriptors. */
static int walk_indirect(struct virtq *vq, struct virtq_chain *c,
			 const struct vring_desc *ind)
{
	uint32_t n = ind->len / sizeof(struct vring_desc), i = 0, steps = 0;
	const uint8_t *table;

	if (!vq->indirect)
		VQ_FAIL(vq, "indirect descriptor without VIRTIO_RING_F_INDIRECT_DESC");
	if (ind->flags & VRING_DESC_F_NEXT)
		VQ_FAIL(vq, "indirect descriptor with NEXT set");
	if (!n || ind->len % sizeof(struct vring_desc))
		VQ_FAIL(vq, "indirect table length %u is not a multiple of 16", ind->len);
	if (n > VIRTQ_MAX_SEGS)
		VQ_FAIL(vq, "indirect table of %u descriptors (max %d)", n, VIRTQ_MAX_SEGS);
	table = guest_ptr(vq->mem, ind->addr, ind->len);
	if (!table)
		VQ_FAIL(vq, "indirect table %#llx+%u outside guest RAM",
			(unsigned long long)ind->addr, ind->len);
	for (;;) {
		struct vring_desc d;

		/* more steps than entries means the chain loops */
		if (++steps > n)
			VQ_FAIL(vq, "indirect descriptor chain loops");
		memcpy(&d, table + (uint64_t)i * sizeof(d), sizeof(d));
		if (d.flags & VRING_DESC_F_INDIRECT)
			VQ_FAIL(vq, "nested indirect descriptor");
		if (chain_add(vq, c, &d))
			return -1;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		i = d.next;
		if (i >= n)
			VQ_FAIL(vq, "indirect next %u beyond table of %u", i, n);
	}
}

int virtq_pop(struct virtq *vq, struct virtq_chain *c)
{
	const struct vring_avail *avail = vq_avail(vq);
	const uint8_t *desc = guest_ptr(vq->mem, vq->desc_gpa, 16ULL * vq->num);
	uint16_t avail_idx, pending, i, head;
	uint32_t steps = 0;

	if (!vq->ready || !avail || !desc)
		VQ_FAIL(vq, "queue not ready or ring outside guest RAM");
	avail_idx = __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE);
	pending = (uint16_t)(avail_idx - vq->last_avail);
	if (!pending)
		return 0;
	if (pending > vq->num)
		VQ_FAIL(vq, "avail idx %u is %u entries ahead of %u (queue size %u)",
			avail_idx, pending, vq->last_avail, vq->num);
	head = __atomic_load_n(&avail->ring[vq->last_avail % vq->num], __ATOMIC_RELAXED);
	if (head >= vq->num)
		VQ_FAIL(vq, "avail ring head %u beyond queue size %u", head, vq->num);
	c->head = head;
	c->nr = c->nr_out = 0;
	c->out_len = c->in_len = 0;
	i = head;
	for (;;) {
		struct vring_desc d;

		/* §2.7.5.3.1: no chain is longer than the queue size */
		if (++steps > vq->num)
			VQ_FAIL(vq, "descriptor chain from %u loops or exceeds queue size %u",
				head, vq->num);
		memcpy(&d, desc + (uint64_t)i * sizeof(d), sizeof(d));
		if (d.flags & VRING_DESC_F_INDIRECT) {
			if (walk_indirect(vq, c, &d))
				return -1;
			break;
		}
		if (chain_add(vq, c, &d))
			return -1;
		if (!(d.flags & VRING_DESC_F_NEXT))
			break;
		i = d.next;
		if (i >= vq->num)
			VQ_FAIL(vq, "descriptor next %u beyond queue size %u", i, vq->num);
	}
	vq->last_avail++;
	return 1;
}

int virtq_push(struct virtq *vq, uint16_t head, uint32_t len)
{
	struct vring_used *used = vq_used(vq);
	struct vring_used_elem *e;

	if (!used)
		VQ_FAIL(vq, "used ring outside guest RAM");
	e = &used->ring[vq->used_idx % vq->num];
	__atomic_store_n(&e->id, head, __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, len, __ATOMIC_RELAXED);
	vq->used_idx++;
	/* §2.7.8.2: the element is visible before the index that covers it */
	__atomic_store_n(&used->idx, vq->used_idx, __ATOMIC_RELEASE);
	return 0;
}

bool virtq_should_notify(struct virtq *vq)
{
	const struct vring_avail *avail = vq_avail(vq);
	uint16_t old = vq->signalled_used, new = vq->used_idx, event;

	if (!avail)
		return false;
	/* the used idx store must be visible before we read the driver's
	 * suppression state (pairs with the driver's barrier) */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vq->signalled_used = new;
	if (!vq->event_idx)
		return !(__atomic_load_n(&avail->flags, __ATOMIC_RELAXED) &
			 VRING_AVAIL_F_NO_INTERRUPT);
	/* used_event lives after avail->ring[num] (§2.7.10) */
	event = __atomic_load_n(&avail->ring[vq->num], __ATOMIC_RELAXED);
	return vring_need_event(event, new, old);
}

bool virtq_enable_notify(struct virtq *vq)
{
	const struct vring_avail *avail = vq_avail(vq);
	struct vring_used *used = vq_used(vq);

	if (!avail || !used)
		return false;
	if (vq->event_idx) {
		/* avail_event lives after used->ring[num] */
		__atomic_store_n((uint16_t *)&used->ring[vq->num], vq->last_avail,
				 __ATOMIC_RELAXED);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&avail->idx, __ATOMIC_ACQUIRE) != vq->last_avail;
}

uint64_t virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *dst,
			  uint64_t len)
{
	uint64_t done = 0;

	for (int i = 0; i < c->nr_out && done < len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint64_t n;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off < len - done ? s->len - off : len - done;
		memcpy((uint8_t *)dst + done, s->ptr + off, n);
		done += n;
		off = 0;
	}
	return done;
}

uint64_t virtq_chain_write(const struct virtq_chain *c, uint64_t off,
			   const void *src, uint64_t len)
{
	uint64_t done = 0;

	for (int i = c->nr_out; i < c->nr && done < len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint64_t n;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off < len - done ? s->len - off : len - done;
		memcpy(s->ptr + off, (const uint8_t *)src + done, n);
		done += n;
		off = 0;
	}
	return done;
}
