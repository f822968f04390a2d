/* virtio-balloon device (virtio 1.x §5.5): inflate/deflate queues, the
 * statistics queue, free page reporting and deflate-on-OOM. The target
 * (num_pages, in 4 KiB pages) is the balloon size: memory taken from the
 * guest. Set with --balloon target=SIZE and at run time over --api. */
#include <linux/virtio_balloon.h>
#include <linux/virtio_ids.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/device.h"
#include "hv/log.h"
#include "hv/virtio/balloon.h"
#include "hv/virtio/mmio.h"
#include "hv/vm.h"

#define BALLOON_NR_STATS 16

enum balloon_role { ROLE_INFLATE, ROLE_DEFLATE, ROLE_STATS, ROLE_REPORTING, ROLE_NONE };

struct virtio_balloon {
	struct virtio_mmio_dev dev;
	struct balloon_opts opts;
	struct virtio_balloon_config cfg;
	struct balloon_pages pages;
	struct virtq_chain *chain;
	enum balloon_role role[VIRTIO_MMIO_MAX_QUEUES];
	/* the statistics buffer the guest gave us (§5.5.6.3) */
	bool stats_held;
	uint16_t stats_head;
	bool stats_valid[BALLOON_NR_STATS];
	uint64_t stats[BALLOON_NR_STATS];
	uint64_t stats_ns, stats_updates;
	uint64_t inflates, deflates, reported_bytes, bad_pfns;
};

static struct virtio_balloon *virtio_balloon_dev;

static const char *const balloon_stat_names[BALLOON_NR_STATS] = {
	"swap_in", "swap_out", "major_faults", "minor_faults", "free_memory",
	"total_memory", "available_memory", "disk_caches", "hugetlb_allocations",
	"hugetlb_failures", "oom_kills", "alloc_stalls", "async_scans",
	"direct_scans", "async_reclaims", "direct_reclaims",
};

/* One readable buffer of little-endian u32 PFNs per chain (§5.5.6.1). */
static int balloon_pfns(struct virtio_balloon *b, bool inflate)
{
	const struct virtq_chain *c = b->chain;
	struct vm *vm = b->dev.vm;

	for (int s = 0; s < c->nr_out; s++) {
		for (uint32_t off = 0; off + 4 <= c->seg[s].len; off += 4) {
			uint32_t pfn;
			int rc;

			memcpy(&pfn, c->seg[s].ptr + off, 4);
			rc = inflate ? balloon_pages_inflate(&b->pages, &vm->mem, pfn)
				     : balloon_pages_deflate(&b->pages, &vm->mem, pfn);
			if (rc) {
				b->bad_pfns++;
				virtio_mmio_fail(&b->dev, "%s PFN %#x outside guest RAM",
						 inflate ? "inflate" : "deflate", pfn);
				return -1;
			}
			if (inflate)
				b->inflates++;
			else
				b->deflates++;
		}
	}
	return 0;
}

/* struct virtio_balloon_stat is packed: u16 tag, u64 value (§5.5.6.3) */
static void balloon_take_stats(struct virtio_balloon *b)
{
	const struct virtq_chain *c = b->chain;

	for (uint64_t off = 0; off + 10 <= c->out_len; off += 10) {
		uint8_t raw[10];
		uint16_t tag;

		virtq_chain_read(c, off, raw, sizeof(raw));
		memcpy(&tag, raw, 2);
		if (tag < BALLOON_NR_STATS) {
			memcpy(&b->stats[tag], raw + 2, 8);
			b->stats_valid[tag] = true;
		}
	}
	b->stats_ns = hv_now_ns();
	b->stats_updates++;
	b->stats_held = true;
	b->stats_head = c->head;
}

/* Free page reporting (§5.5.6.4): device-writable buffers naming free
 * guest memory; give back the whole host pages and return the buffers. */
static void balloon_report(struct virtio_balloon *b)
{
	const struct virtq_chain *c = b->chain;
	const struct guest_mem *m = &b->dev.vm->mem;

	for (int s = 0; s < c->nr; s++)
		b->reported_bytes += balloon_pages_report(&b->pages,
			(uint64_t)(c->seg[s].ptr - m->host), c->seg[s].len);
}

static void virtio_balloon_notify(struct virtio_mmio_dev *d, int q)
{
	struct virtio_balloon *b = d->priv;
	struct virtq *vq = &d->q[q].vq;
	enum balloon_role role = b->role[q];
	bool pushed = false;
	int rc;

	do {
		while ((rc = virtq_pop(vq, b->chain)) == 1) {
			if (role == ROLE_INFLATE || role == ROLE_DEFLATE) {
				if (balloon_pfns(b, role == ROLE_INFLATE))
					return;
			} else if (role == ROLE_STATS) {
				balloon_take_stats(b);
				continue;     /* held until we want new stats */
			} else if (role == ROLE_REPORTING) {
				balloon_report(b);
			}
			if (virtq_push(vq, b->chain->head, 0)) {
				virtio_mmio_fail(d, "%s", vq->err);
				return;
			}
			pushed = true;
		}
		if (rc < 0) {
			virtio_mmio_fail(d, "queue %d: %s", q, vq->err);
			return;
		}
	} while (virtq_enable_notify(vq));
	if (pushed)
		virtio_mmio_signal_vq(d, vq);
}

/* Queue numbering follows the features the device offers, as QEMU and
 * Linux do: inflate, deflate, then stats and reporting when present. */
static void balloon_assign_roles(struct virtio_balloon *b)
{
	int n = 0;

	for (int i = 0; i < VIRTIO_MMIO_MAX_QUEUES; i++)
		b->role[i] = ROLE_NONE;
	b->role[n++] = ROLE_INFLATE;
	b->role[n++] = ROLE_DEFLATE;
	if (b->opts.stats)
		b->role[n++] = ROLE_STATS;
	if (b->opts.reporting)
		b->role[n++] = ROLE_REPORTING;
	b->dev.nr_queues = n;
}

static void virtio_balloon_reset(struct virtio_mmio_dev *d)
{
	struct virtio_balloon *b = d->priv;

	b->stats_held = false;
	b->cfg.actual = 0;
	/* a reset driver forgets its balloon: the pages are the guest's again
	 * (released ones fault back in when touched) */
	balloon_pages_clear(&b->pages);
}

static void virtio_balloon_config_write(struct virtio_mmio_dev *d, uint32_t off,
					const uint8_t *data, uint32_t len)
{
	struct virtio_balloon *b = d->priv;

	/* only `actual` (offset 4) is driver-writable (§5.5.4) */
	if (off >= 4 && off + len <= 8)
		memcpy((uint8_t *)&b->cfg.actual + (off - 4), data, len);
}

/* Linux primes the statistics queue with its first buffer and kicks it
 * during probe, before it sets DRIVER_OK (virtio_balloon.c init_vqs); that
 * kick was ignored (the device was not live), and the driver refreshes its
 * statistics only when the device returns that buffer. So at DRIVER_OK,
 * take whatever the driver already made available (§3.1.1, §2.7.13). */
static void virtio_balloon_driver_ok(struct virtio_mmio_dev *d)
{
	for (int q = 0; q < d->nr_queues; q++)
		if (d->q[q].vq.ready)
			virtio_balloon_notify(d, q);
}

static const struct virtio_dev_ops virtio_balloon_ops = {
	.notify = virtio_balloon_notify,
	.driver_ok = virtio_balloon_driver_ok,
	.reset = virtio_balloon_reset,
	.config_write = virtio_balloon_config_write,
};

static json_t *virtio_balloon_state(void *opaque)
{
	struct virtio_balloon *b = opaque;

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"target_pages", (json_int_t)b->cfg.num_pages,
		"actual_pages", (json_int_t)b->cfg.actual,
		"inflated_pages", (json_int_t)b->pages.nr_inflated,
		"released_bytes", (json_int_t)(b->pages.nr_released * b->pages.host_page),
		"host_page_bytes", (json_int_t)b->pages.host_page,
		"inflates", (json_int_t)b->inflates, "deflates", (json_int_t)b->deflates,
		"reported_bytes", (json_int_t)b->reported_bytes,
		"notifications", (json_int_t)atomic_load(&b->dev.notifications),
		"interrupts", (json_int_t)atomic_load(&b->dev.interrupts));
}

static uint32_t balloon_pages_for(const struct vm *vm, uint64_t bytes)
{
	uint64_t p = (bytes < vm->mem.size ? bytes : vm->mem.size) >> BALLOON_PFN_SHIFT;

	return p > UINT32_MAX ? UINT32_MAX : (uint32_t)p;
}

int virtio_balloon_set_target(struct vm *vm, uint64_t bytes, char *err, size_t errlen)
{
	struct virtio_balloon *b = virtio_balloon_dev;

	if (!b) {
		snprintf(err, errlen, "no balloon device (start hv with --balloon)");
		return -1;
	}
	pthread_mutex_lock(&b->dev.lock);
	b->cfg.num_pages = balloon_pages_for(vm, bytes);
	/* §5.5.6: a config change notification tells the driver */
	if (b->dev.status & VIRTIO_STAT_DRIVER_OK)
		virtio_mmio_config_changed(&b->dev);
	else
		b->dev.config_generation++;
	pthread_mutex_unlock(&b->dev.lock);
	return 0;
}

json_t *virtio_balloon_stats_json(struct vm *vm)
{
	struct virtio_balloon *b = virtio_balloon_dev;
	json_t *j, *s;

	(void)vm;
	if (!b)
		return NULL;
	pthread_mutex_lock(&b->dev.lock);
	j = virtio_balloon_state(b);
	s = json_object();
	for (int i = 0; i < BALLOON_NR_STATS; i++)
		if (b->stats_valid[i])
			json_object_set_new(s, balloon_stat_names[i], json_integer((json_int_t)b->stats[i]));
	json_object_set_new(j, "guest_stats", b->stats_updates ? s : (json_decref(s), json_null()));
	json_object_set_new(j, "guest_stats_age_ms", b->stats_updates ?
		json_integer((json_int_t)((hv_now_ns() - b->stats_ns) / 1000000)) : json_null());
	json_object_set_new(j, "stats_queue", json_boolean(b->opts.stats));
	/* give the buffer back: the guest refills it with fresh numbers */
	if (b->stats_held && virtio_mmio_live(&b->dev)) {
		for (int q = 0; q < b->dev.nr_queues; q++)
			if (b->role[q] == ROLE_STATS && !virtq_push(&b->dev.q[q].vq, b->stats_head, 0)) {
				b->stats_held = false;
				virtio_mmio_signal_vq(&b->dev, &b->dev.q[q].vq);
			}
	}
	pthread_mutex_unlock(&b->dev.lock);
	return j;
}

static int virtio_balloon__init(struct vm *vm)
{
	struct virtio_balloon *b;
	char err[256];
	uint64_t features = 0;

	if (!vm->cfg->balloon)
		return 0;
	b = calloc(1, sizeof(*b));
	if (!b || !(b->chain = malloc(sizeof(*b->chain))))
		die("out of memory");
	if (balloon_parse_spec(vm->cfg->balloon, &b->opts, err, sizeof(err))) {
		fprintf(stderr, "hv: %s\n", err);
		return -1;
	}
	if (balloon_pages_init(&b->pages, &vm->mem, balloon_release_guest_mem, &vm->mem))
		die("out of memory");
	if (b->opts.stats)
		features |= VIRTIO_FEAT(VIRTIO_BALLOON_F_STATS_VQ);
	if (b->opts.deflate_on_oom)
		features |= VIRTIO_FEAT(VIRTIO_BALLOON_F_DEFLATE_ON_OOM);
	if (b->opts.reporting)
		features |= VIRTIO_FEAT(VIRTIO_BALLOON_F_REPORTING);
	b->cfg.num_pages = balloon_pages_for(vm, b->opts.target_bytes);
	virtio_mmio_init(&b->dev, vm, "virtio-balloon", VIRTIO_ID_BALLOON, features, 4,
			 (uint8_t *)&b->cfg, 8, &virtio_balloon_ops, b);
	balloon_assign_roles(b);
	if (virtio_mmio_register(&b->dev))
		return -1;
	vm_add_stats_source(vm, "virtio-balloon", virtio_balloon_state, b);
	virtio_balloon_dev = b;
	return 0;
}

static void virtio_balloon__exit(struct vm *vm)
{
	(void)vm;
	if (virtio_balloon_dev)
		virtio_mmio_unregister(&virtio_balloon_dev->dev);
}
hv_device_init_exit(virtio_balloon__init, virtio_balloon__exit, DEV_LEVEL_VIRTIO);
