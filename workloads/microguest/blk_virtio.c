/* wl_blk over virtio-blk (virtio 1.2 §5.2), driven from guest ring 3 with
 * the polled driver of workloads/lib/virtio_mmio.c and virtq.c. Each
 * request is a three-descriptor chain (§5.2.6): the 16-byte header
 * (device-readable), the data, and the status byte (device-writable). */
#include "wl.h"
#include "wl_blk.h"
#include "wl_virtio.h"

#define BLK_T_IN      0
#define BLK_T_OUT     1
#define BLK_T_FLUSH   4
#define BLK_T_GET_ID  8
#define BLK_ID_BYTES  20

struct blk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct blk_slot {
	struct blk_hdr hdr;       /* 16 bytes, first in the slot */
	uint8_t status;
	uint8_t in_use;
	uint64_t tag;
};

struct wl_blk {
	struct vio_dev dev;
	struct vq q;
	uint64_t sectors;
	struct blk_slot *slots;   /* WL_BLK_MAX_QD + 1 (GET_ID) */
};

struct wl_blk *wl_blk_open(int argc, char **argv, unsigned qd, char *err, size_t errlen)
{
	unsigned nth = (unsigned)wl_arg_u64(argc, argv, "disk", 0);
	int event_idx = (int)wl_arg_u64(argc, argv, "event_idx", 1);
	struct wl_blk *b = wl_alloc(sizeof(*b), 64);

	if (!b || qd > WL_BLK_MAX_QD) {
		wl_snprintf(err, errlen, "queue depth %u over %d or out of memory", qd,
			    WL_BLK_MAX_QD);
		return 0;
	}
	wl_memset(b, 0, sizeof(*b));
	b->slots = wl_alloc(sizeof(struct blk_slot) * (WL_BLK_MAX_QD + 1), 64);
	if (!b->slots)
		return 0;
	wl_memset(b->slots, 0, sizeof(struct blk_slot) * (WL_BLK_MAX_QD + 1));
	if (vio_find(&b->dev, VIO_ID_BLOCK, (int)nth)) {
		wl_snprintf(err, errlen, "no virtio-blk device #%u (start hv with --disk)", nth);
		return 0;
	}
	if (vio_negotiate(&b->dev, event_idx ? VIO_BIT(VIO_F_EVENT_IDX) : 0) ||
	    vio_queue_setup(&b->dev, &b->q, 0, 0)) {
		wl_snprintf(err, errlen, "virtio-blk slot %d: feature negotiation or queue "
			    "setup refused (status %#x)", b->dev.slot, vio_status(&b->dev));
		return 0;
	}
	vio_driver_ok(&b->dev);
	b->sectors = vio_config64(&b->dev, 0);   /* capacity (§5.2.4) */
	return b;
}

uint64_t wl_blk_sectors(const struct wl_blk *b)
{
	return b->sectors;
}

void wl_blk_depth(struct wl_blk *b, unsigned qd)
{
	(void)b; (void)qd;
}

const char *wl_blk_path(const struct wl_blk *b, unsigned qd)
{
	(void)b; (void)qd;
	return "virtio-blk";
}

static struct blk_slot *blk_slot_get(struct wl_blk *b, int last)
{
	int lo = last ? WL_BLK_MAX_QD : 0, hi = last ? WL_BLK_MAX_QD + 1 : WL_BLK_MAX_QD;

	for (int i = lo; i < hi; i++)
		if (!b->slots[i].in_use) {
			b->slots[i].in_use = 1;
			return &b->slots[i];
		}
	return 0;
}

static int blk_post(struct wl_blk *b, struct blk_slot *s, uint32_t type,
		    uint64_t sector, void *buf, uint32_t len, int data_write)
{
	struct vq_buf v[3];
	int n = 0;

	s->hdr.type = type;
	s->hdr.reserved = 0;
	s->hdr.sector = sector;
	s->status = 0xff;
	v[n++] = (struct vq_buf){ (uint64_t)&s->hdr, sizeof(s->hdr), false };
	if (len)
		v[n++] = (struct vq_buf){ (uint64_t)buf, len, data_write };
	v[n++] = (struct vq_buf){ (uint64_t)&s->status, 1, true };
	if (vq_add(&b->q, v, n, s) < 0) {
		s->in_use = 0;
		return -1;
	}
	return 0;
}

int wl_blk_queue(struct wl_blk *b, enum wl_blk_op op, uint64_t sector, void *buf,
		 uint32_t len, uint64_t tag)
{
	struct blk_slot *s = blk_slot_get(b, 0);

	if (!s)
		return -1;
	s->tag = tag;
	if (op == WL_BLK_FLUSH)
		return blk_post(b, s, BLK_T_FLUSH, 0, 0, 0, 0);
	return blk_post(b, s, op == WL_BLK_READ ? BLK_T_IN : BLK_T_OUT, sector, buf, len,
			op == WL_BLK_READ);
}

void wl_blk_submit(struct wl_blk *b)
{
	vq_kick(&b->q);
}

int wl_blk_reap(struct wl_blk *b, uint64_t *tag, int *status)
{
	struct blk_slot *s;

	if (!vq_poll(&b->q, (void **)&s, 0))
		return 0;
	*tag = s->tag;
	*status = s->status;   /* VIRTIO_BLK_S_OK 0, IOERR 1, UNSUPP 2 */
	s->in_use = 0;
	return 1;
}

int wl_blk_id(struct wl_blk *b, char *buf, size_t len)
{
	struct blk_slot *s = blk_slot_get(b, 1);
	char *id = wl_alloc(BLK_ID_BYTES + 1, 64);
	uint64_t tag;
	int st = -1;

	if (!s || !id || len < BLK_ID_BYTES + 1)
		return -1;
	wl_memset(id, 0, BLK_ID_BYTES + 1);
	s->tag = ~0ULL;
	if (blk_post(b, s, BLK_T_GET_ID, 0, id, BLK_ID_BYTES, 1))
		return -1;
	vq_kick(&b->q);
	while (!wl_blk_reap(b, &tag, &st))
		;
	for (int i = 0; i <= BLK_ID_BYTES; i++)
		buf[i] = id[i];
	return st ? -1 : 0;
}

void wl_blk_counters(const struct wl_blk *b, uint64_t *kicks, uint64_t *saved)
{
	*kicks = b->q.kicks;
	*saved = b->q.kicks_saved;
}
