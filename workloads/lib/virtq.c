/* Split virtqueue, driver side (virtio 1.2 §2.7), polled. The device runs
 * on another host CPU (hv's io thread), so ring memory is shared: the
 * avail idx is published with release semantics after the ring entry
 * (§2.7.13.3), a full fence separates that store from reading the
 * device's notification suppression (§2.7.13.4), and the used idx is read
 * with acquire semantics before the element it covers (§2.7.14). */
#include "wl.h"
#include "wl_virtio.h"

/* The used_event distance that keeps interrupts out of reach: the device
 * interrupts when used_event lies in [old, new) (§2.7.10), and at most
 * num (<= 256) buffers are outstanding. */
#define VQ_NO_IRQ_DISTANCE   0x7fff

static uint16_t *vq_used_event(struct vq *q)
{
	return (uint16_t *)&q->avail->ring[q->num];
}

static uint16_t vq_avail_event(struct vq *q)
{
	return __atomic_load_n((uint16_t *)&q->used->ring[q->num], __ATOMIC_RELAXED);
}

/* §2.7.10: notify if new_idx passed event since old_idx */
static int vq_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

void vq_init(struct vq *q, struct vio_dev *d, uint16_t index, uint16_t num,
	     void *desc, void *avail, void *used, bool event_idx)
{
	wl_memset(q, 0, sizeof(*q));
	q->dev = d;
	q->index = index;
	q->num = num;
	q->event_idx = event_idx;
	q->desc = desc;
	q->avail = avail;
	q->used = used;
	wl_memset(desc, 0, 16ULL * num);
	wl_memset(avail, 0, 6 + 2ULL * num);
	wl_memset(used, 0, 6 + 8ULL * num);
	for (uint16_t i = 0; i < num; i++)
		q->desc[i].next = (uint16_t)(i + 1);
	q->nr_free = num;
	/* polled driver: no used-buffer interrupts (§2.7.7, §2.7.10) */
	if (event_idx)
		*vq_used_event(q) = VQ_NO_IRQ_DISTANCE;
	else
		q->avail->flags = 1;   /* VIRTQ_AVAIL_F_NO_INTERRUPT */
}

void vq_publish(struct vq *q, uint16_t head)
{
	q->avail->ring[q->avail_idx % q->num] = head;
	q->avail_idx++;
	/* the ring entry (and the descriptors) before the idx that covers it */
	__atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
}

int vq_add(struct vq *q, const struct vq_buf *b, int n, void *cookie)
{
	uint16_t head = q->free_head, i = head;

	if (n <= 0 || n > q->nr_free)
		return -1;
	for (int k = 0; k < n; k++) {
		struct vq_desc *d = &q->desc[i];

		d->addr = b[k].addr;
		d->len = b[k].len;
		d->flags = (uint16_t)((b[k].write ? VQ_DESC_F_WRITE : 0) |
				      (k + 1 < n ? VQ_DESC_F_NEXT : 0));
		i = d->next;
	}
	q->free_head = i;
	q->nr_free = (uint16_t)(q->nr_free - n);
	q->chain_len[head] = (uint16_t)n;
	q->cookie[head] = cookie;
	vq_publish(q, head);
	return head;
}

void vq_kick(struct vq *q)
{
	uint16_t old = q->kicked_idx, new_idx = q->avail_idx;
	int need;

	if (old == new_idx)
		return;
	/* the avail idx store must be visible before we read the device's
	 * suppression state (pairs with the device's fence) */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (q->event_idx)
		need = vq_need_event(vq_avail_event(q), new_idx, old);
	else
		need = !(__atomic_load_n(&q->used->flags, __ATOMIC_RELAXED) &
			 VQ_USED_F_NO_NOTIFY);
	q->kicked_idx = new_idx;
	if (need) {
		vio_notify(q->dev, q->index);
		q->kicks++;
	} else {
		q->kicks_saved++;
	}
}

int vq_poll(struct vq *q, void **cookie, uint32_t *len)
{
	uint16_t idx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);
	struct vq_used_elem e;
	uint16_t head, tail;

	if (idx == q->last_used)
		return 0;
	e.id = q->used->ring[q->last_used % q->num].id;
	e.len = q->used->ring[q->last_used % q->num].len;
	q->last_used++;
	if (q->event_idx)
		__atomic_store_n(vq_used_event(q), (uint16_t)(q->last_used + VQ_NO_IRQ_DISTANCE),
				 __ATOMIC_RELAXED);
	if (e.id >= q->num || !q->chain_len[e.id]) {
		/* a device bug: never trust it with our free list */
		wl_printf("virtq %u: device returned bad id %u\n", q->index, e.id);
		wl_exit(70);
	}
	head = tail = (uint16_t)e.id;
	for (int k = 1; k < q->chain_len[head]; k++)
		tail = q->desc[tail].next;
	q->desc[tail].next = q->free_head;
	q->free_head = head;
	q->nr_free = (uint16_t)(q->nr_free + q->chain_len[head]);
	q->chain_len[head] = 0;
	if (cookie)
		*cookie = q->cookie[head];
	if (len)
		*len = e.len;
	return 1;
}
