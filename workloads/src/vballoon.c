/* vballoon: virtio-balloon (virtio 1.2 §5.5) driven from a micro-guest.
 *   mib=N   touch N MiB, inflate the balloon by it (PFNs of those pages on
 *           the inflateq), hold, deflate (deflateq), touch it again
 *   hold=S  seconds to hold after each phase, answering the statsq
 * Phases are announced on the console ("vballoon: phase NAME") so a test
 * can read hv's RSS in between. Results: time_ms per {op: inflate,
 * deflate} with the pages moved, latency_ns per page of the retouch (the
 * host faults released memory back in). */
#include "hv/boot/micro_abi.h"
#include "wl.h"
#include "wl_virtio.h"

#define VB_F_STATS_VQ       1    /* §5.5.3 */
#define VB_PFN_SHIFT        12   /* balloon PFNs are 4 KiB frames (§5.5.6) */
#define VB_PFNS_PER_BUF     256
#define VB_S_TOTAL          5    /* VIRTIO_BALLOON_S_MEMTOT (§5.5.6.3) */
#define VB_S_AVAIL          6    /* VIRTIO_BALLOON_S_AVAIL */

struct vb_stat {
	uint16_t tag;
	uint64_t val;
} __attribute__((packed));

struct vb {
	struct vio_dev dev;
	struct vq inflateq, deflateq, statsq;
	bool stats;
	struct vb_stat *st;       /* 2 entries */
	uint64_t mem_size, balloon_pages, stats_answered;
};

static void vb_stats_fill(struct vb *b)
{
	b->st[0] = (struct vb_stat){ VB_S_TOTAL, b->mem_size };
	b->st[1] = (struct vb_stat){ VB_S_AVAIL, b->mem_size - (b->balloon_pages << VB_PFN_SHIFT) };
}

/* §5.5.6.3: the device returns the stats buffer when it wants fresh
 * values; refill it and give it back. */
static void vb_stats_poll(struct vb *b)
{
	struct vq_buf v;

	if (!b->stats || !vq_poll(&b->statsq, 0, 0))
		return;
	vb_stats_fill(b);
	v = (struct vq_buf){ (uint64_t)b->st, 2 * sizeof(struct vb_stat), false };
	vq_add(&b->statsq, &v, 1, b->st);
	vq_kick(&b->statsq);
	b->stats_answered++;
}

static void vb_hold(struct vb *b, const char *phase, uint64_t seconds)
{
	uint64_t end = wl_rdtsc() + seconds * wl_tsc_khz() * 1000;

	wl_printf("vballoon: phase %s\n", phase);
	do
		vb_stats_poll(b);
	while (wl_rdtsc() < end);
}

/* Move `pages` frames from `base` through queue q (inflate or deflate),
 * 256 PFNs per buffer, as many buffers in flight as the queue holds.
 * Returns the cycles from the first buffer to the last used one. */
static uint64_t vb_move(struct vb *b, struct vq *q, uint8_t *base, uint64_t pages,
			uint32_t *pfns)
{
	uint64_t next = 0, done = 0, t0 = wl_rdtsc(), nbuf = (pages + VB_PFNS_PER_BUF - 1) / VB_PFNS_PER_BUF;
	uint64_t posted = 0;

	while (done < nbuf) {
		while (posted < nbuf && q->nr_free) {
			uint32_t *a = pfns + (posted % q->num) * VB_PFNS_PER_BUF;
			uint32_t n = 0;
			struct vq_buf v;

			for (; n < VB_PFNS_PER_BUF && next < pages; n++, next++)
				a[n] = (uint32_t)(((uint64_t)base >> VB_PFN_SHIFT) + next);
			v = (struct vq_buf){ (uint64_t)a, n * 4, false };
			vq_add(q, &v, 1, a);
			posted++;
		}
		vq_kick(q);
		while (vq_poll(q, 0, 0))
			done++;
		vb_stats_poll(b);
	}
	return wl_rdtsc() - t0;
}

static uint64_t vb_touch(uint8_t *p, uint64_t pages)
{
	uint64_t t0 = wl_rdtsc();

	for (uint64_t i = 0; i < pages; i++)
		((volatile uint8_t *)p)[i << VB_PFN_SHIFT] = (uint8_t)i;
	return wl_rdtsc() - t0;
}

static int vb_open(struct vb *b, char *err, size_t n)
{
	struct vq_buf v;

	if (vio_find(&b->dev, VIO_ID_BALLOON, 0)) {
		wl_snprintf(err, n, "no virtio-balloon device (start hv with --balloon)");
		return -1;
	}
	if (vio_negotiate(&b->dev, VIO_BIT(VIO_F_EVENT_IDX) | VIO_BIT(VB_F_STATS_VQ)) ||
	    vio_queue_setup(&b->dev, &b->inflateq, 0, 0) ||
	    vio_queue_setup(&b->dev, &b->deflateq, 1, 0)) {
		wl_snprintf(err, n, "virtio-balloon: negotiation or queue setup refused");
		return -1;
	}
	b->stats = b->dev.features & VIO_BIT(VB_F_STATS_VQ);
	if (b->stats && vio_queue_setup(&b->dev, &b->statsq, 2, 0)) {
		wl_snprintf(err, n, "virtio-balloon: statsq setup refused");
		return -1;
	}
	vio_driver_ok(&b->dev);
	if (b->stats) {
		/* §5.5.6.3: the first buffer goes to the device at once */
		vb_stats_fill(b);
		v = (struct vq_buf){ (uint64_t)b->st, 2 * sizeof(struct vb_stat), false };
		vq_add(&b->statsq, &v, 1, b->st);
		vq_kick(&b->statsq);
	}
	return 0;
}

static void vb_emit(struct vb *b, const char *op, uint64_t cycles, uint64_t pages, uint64_t kicks)
{
	char p[64], extra[256];

	wl_snprintf(p, sizeof(p), "{\"op\":\"%s\"}", op);
	wl_snprintf(extra, sizeof(extra), "{\"pages\":%llu,\"mib\":%llu,\"kicks\":%llu,"
		    "\"host_target_pages\":%u,\"stats_answered\":%llu}",
		    (unsigned long long)pages, (unsigned long long)(pages >> 8),
		    (unsigned long long)kicks, vio_config32(&b->dev, 0),
		    (unsigned long long)b->stats_answered);
	wl_emit("vballoon", "time_ms", wl_seconds(cycles) * 1000.0, "ms", 0, p, extra);
}

int wl_main(int argc, char **argv)
{
	uint64_t mib = wl_arg_u64(argc, argv, "mib", 64), hold = wl_arg_u64(argc, argv, "hold", 1);
	uint64_t pages = mib << (20 - VB_PFN_SHIFT), c, k;
	struct vb *b = wl_alloc(sizeof(*b), 64);
	uint32_t *pfns = wl_alloc(VQ_MAX * VB_PFNS_PER_BUF * 4, 4096);
	uint8_t *mem;
	char err[128], extra[128];

	if (wl_strcmp(wl_env(), "micro")) {
		wl_emit_unavailable("vballoon", "time_ms", "ms", 0,
				    "virtio-balloon exists only inside a guest");
		return 0;
	}
	wl_memset(b, 0, sizeof(*b));
	b->st = wl_alloc(2 * sizeof(struct vb_stat), 64);
	b->mem_size = ((volatile struct micro_info *)MICRO_SHARED_GPA)->mem_size;
	mem = wl_alloc(pages << VB_PFN_SHIFT, 4096);
	if (!pfns || !b->st || !mem || !pages) {
		wl_printf("vballoon: cannot allocate %llu MiB\n", (unsigned long long)mib);
		return 2;
	}
	if (vb_open(b, err, sizeof(err))) {
		wl_printf("vballoon: %s\n", err);
		wl_emit_unavailable("vballoon", "time_ms", "ms", 0, err);
		return 0;
	}
	vb_touch(mem, pages);
	vb_hold(b, "touched", hold);

	k = b->inflateq.kicks;
	c = vb_move(b, &b->inflateq, mem, pages, pfns);
	b->balloon_pages = pages;
	vio_config_write32(&b->dev, 4, (uint32_t)pages);   /* actual (§5.5.4) */
	vb_emit(b, "inflate", c, pages, b->inflateq.kicks - k);
	vb_hold(b, "inflated", hold);

	k = b->deflateq.kicks;
	c = vb_move(b, &b->deflateq, mem, pages, pfns);
	b->balloon_pages = 0;
	vio_config_write32(&b->dev, 4, 0);
	vb_emit(b, "deflate", c, pages, b->deflateq.kicks - k);
	vb_hold(b, "deflated", hold);

	c = vb_touch(mem, pages);
	wl_snprintf(extra, sizeof(extra), "{\"pages\":%llu,\"stats_answered\":%llu}",
		    (unsigned long long)pages, (unsigned long long)b->stats_answered);
	wl_emit("vballoon", "latency_ns", wl_cycles_to_ns((double)c) / (double)pages, "ns", 0,
		"{\"op\":\"retouch\"}", extra);
	vb_hold(b, "retouched", hold);
	return vio_status(&b->dev) & VIO_S_NEEDS_RESET ? 1 : 0;
}
