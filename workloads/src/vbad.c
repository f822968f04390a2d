/* vbad: a hostile virtio-blk driver, for tests. It posts one malformed
 * chain (case=NAME below), kicks, and waits for the device to enter
 * DEVICE_NEEDS_RESET (§2.1.2); then it resets the device, sets it up
 * again and reads sector 0 to show the device recovered. Exit 0 when both
 * happened. Not in the manifest (like selftest).
 *   range     a data descriptor outside guest RAM
 *   oversize  a 4 GiB - 4 KiB data descriptor inside RAM's start
 *   loop      two descriptors whose NEXT fields point at each other
 *   head      an avail ring entry naming descriptor num + 5
 *   avail     avail idx moved num + 1 entries ahead
 *   nostatus  a chain with no device-writable status byte
 *   indirect  an indirect table whose entries loop
 *   ring      a queue whose descriptor table lies outside guest RAM */
#include "wl.h"
#include "wl_blk.h"
#include "wl_virtio.h"

#define VBAD_OUTSIDE   0x7fff00000000ULL

struct vbad_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

static void vbad_desc(struct vq *q, uint16_t i, uint64_t addr, uint32_t len,
		      uint16_t flags, uint16_t next)
{
	q->desc[i] = (struct vq_desc){ addr, len, flags, next };
}

static int vbad_post(struct vq *q, const char *c)
{
	struct vbad_hdr *h = wl_alloc(4096, 4096);
	uint8_t *data = wl_alloc(4096, 4096), *st = data + 4095;
	struct vq_desc *ind = wl_alloc(64, 64);

	if (!h || !data || !ind)
		return -1;
	*h = (struct vbad_hdr){ 0, 0, 0 };   /* VIRTIO_BLK_T_IN, sector 0 */
	vbad_desc(q, 0, (uint64_t)h, 16, VQ_DESC_F_NEXT, 1);
	vbad_desc(q, 1, (uint64_t)data, 512, VQ_DESC_F_NEXT | VQ_DESC_F_WRITE, 2);
	vbad_desc(q, 2, (uint64_t)st, 1, VQ_DESC_F_WRITE, 0);
	if (!wl_strcmp(c, "range")) {
		q->desc[1].addr = VBAD_OUTSIDE;
	} else if (!wl_strcmp(c, "oversize")) {
		q->desc[1].addr = 0x1000000;
		q->desc[1].len = 0xfffff000;
	} else if (!wl_strcmp(c, "loop")) {
		q->desc[2].flags |= VQ_DESC_F_NEXT;   /* 1 -> 2 -> 1 -> ... */
		q->desc[2].next = 1;
	} else if (!wl_strcmp(c, "head")) {
		vq_publish(q, (uint16_t)(q->num + 5));
		return 0;
	} else if (!wl_strcmp(c, "avail")) {
		q->avail_idx = (uint16_t)(q->avail_idx + q->num);
		vq_publish(q, 0);
		return 0;
	} else if (!wl_strcmp(c, "nostatus")) {
		q->desc[0].flags = 0;
	} else if (!wl_strcmp(c, "indirect")) {
		ind[0] = (struct vq_desc){ (uint64_t)h, 16, VQ_DESC_F_NEXT, 1 };
		ind[1] = (struct vq_desc){ (uint64_t)data, 512,
					   VQ_DESC_F_NEXT | VQ_DESC_F_WRITE, 2 };
		ind[2] = (struct vq_desc){ (uint64_t)st, 1, VQ_DESC_F_NEXT | VQ_DESC_F_WRITE, 1 };
		vbad_desc(q, 0, (uint64_t)ind, 3 * 16, VQ_DESC_F_INDIRECT, 0);
	} else {
		return -1;
	}
	vq_publish(q, 0);
	return 0;
}

/* QueueReady with a descriptor table outside RAM (§4.2.3.2) */
static void vbad_ring(struct vio_dev *d)
{
	vio_write(d, 0x030, 0);                 /* QueueSel */
	vio_write(d, 0x038, 8);                 /* QueueNum */
	vio_write(d, 0x080, (uint32_t)VBAD_OUTSIDE);
	vio_write(d, 0x084, (uint32_t)(VBAD_OUTSIDE >> 32));
	vio_write(d, 0x090, 0x20000);
	vio_write(d, 0x0a0, 0x21000);
	vio_write(d, 0x044, 1);                 /* QueueReady */
}

int wl_main(int argc, char **argv)
{
	const char *c = wl_arg_str(argc, argv, "case", "range");
	struct vio_dev d;
	struct vq *q = wl_alloc(sizeof(*q), 64);
	uint64_t end, tag;
	uint32_t status = 0;
	struct wl_blk *b;
	uint8_t *buf = wl_alloc(4096, 4096);
	char err[128], p[64], extra[128];
	int st = -1, recovered = 0;

	if (vio_find(&d, VIO_ID_BLOCK, 0) || vio_negotiate(&d, VIO_BIT(VIO_F_INDIRECT_DESC))) {
		wl_printf("vbad: no usable virtio-blk device (start hv with --disk)\n");
		return 2;
	}
	if (!wl_strcmp(c, "ring")) {
		vbad_ring(&d);
	} else {
		if (vio_queue_setup(&d, q, 0, 8))
			return 2;
		vio_driver_ok(&d);
		if (vbad_post(q, c)) {
			wl_printf("vbad: unknown case '%s'\n", c);
			return 2;
		}
		vio_notify(&d, 0);
	}
	end = wl_rdtsc() + 2 * wl_tsc_khz() * 1000;
	while (wl_rdtsc() < end && !((status = vio_status(&d)) & VIO_S_NEEDS_RESET))
		;
	/* the device is reset by wl_blk_open (§2.4: writing 0 to status) */
	b = wl_blk_open(argc, argv, 1, err, sizeof(err));
	if (b && buf && !wl_blk_queue(b, WL_BLK_READ, 0, buf, 4096, 1)) {
		wl_blk_submit(b);
		end = wl_rdtsc() + 2 * wl_tsc_khz() * 1000;
		while (wl_rdtsc() < end && !wl_blk_reap(b, &tag, &st))
			;
		recovered = st == 0;
	}
	wl_snprintf(p, sizeof(p), "{\"case\":\"%s\"}", c);
	wl_snprintf(extra, sizeof(extra), "{\"status\":%u,\"recovered\":%s}", status,
		    recovered ? "true" : "false");
	wl_emit("vbad", "needs_reset", (status & VIO_S_NEEDS_RESET) ? 1 : 0, "bool", 0, p, extra);
	return (status & VIO_S_NEEDS_RESET) && recovered ? 0 : 1;
}
