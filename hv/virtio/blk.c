/* virtio-blk device (virtio 1.x §5.2): one virtio-mmio device per --disk,
 * one request queue, sync or io_uring backend, page cache or O_DIRECT. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/virtio_ids.h>

#include "hv/device.h"
#include "hv/log.h"
#include "hv/virtio/blk.h"
#include "hv/vm.h"

static struct virtio_blk *virtio_blk_disks[HV_MAX_DISKS];
static int virtio_blk_nr;

int virtio_blk_parse_spec(const char *spec, struct virtio_blk_opts *o,
			  char *err, size_t errlen)
{
	char buf[1200], *save = NULL, *item;

	memset(o, 0, sizeof(*o));
	if (!spec || !*spec || strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "--disk: expected FILE[,ro][,backend=sync|io_uring]"
			 "[,cache=host|direct][,serial=S]");
		return -1;
	}
	strcpy(buf, spec);
	item = strtok_r(buf, ",", &save);
	if (!item || strlen(item) >= sizeof(o->path)) {
		snprintf(err, errlen, "--disk %s: missing file name", spec);
		return -1;
	}
	strcpy(o->path, item);
	while ((item = strtok_r(NULL, ",", &save))) {
		if (!strcmp(item, "ro"))
			o->ro = true;
		else if (!strcmp(item, "backend=sync"))
			o->backend = VIRTIO_BLK_SYNC;
		else if (!strcmp(item, "backend=io_uring"))
			o->backend = VIRTIO_BLK_IO_URING;
		else if (!strcmp(item, "cache=host"))
			o->direct = false;
		else if (!strcmp(item, "cache=direct"))
			o->direct = true;
		else if (!strncmp(item, "serial=", 7) && strlen(item + 7) <= VIRTIO_BLK_ID_BYTES)
			strcpy(o->serial, item + 7);
		else {
			snprintf(err, errlen, "--disk %s: unknown or bad option '%s' (serial is at "
				 "most %d characters)", spec, item, VIRTIO_BLK_ID_BYTES);
			return -1;
		}
	}
	return 0;
}

static void virtio_blk_notify(struct virtio_mmio_dev *d, int q)
{
	struct virtio_blk *b = d->priv;
	struct virtq *vq = &d->q[0].vq;
	struct virtio_blk_req *r = malloc(sizeof(*r));
	bool pushed = false;
	int rc;

	(void)q;
	if (!r) {
		guest_warn_once("%s: out of memory for a request", d->name);
		return;
	}
	do {
		while ((rc = virtq_pop(vq, b->chain)) == 1) {
			uint8_t st;

			if (virtio_blk_req_parse(b->chain, r)) {
				virtio_mmio_fail(d, "request %u has no status byte", b->chain->head);
				goto out;
			}
			st = virtio_blk_req_check(b, r, b->chain);
			if (st == VIRTIO_BLK_S_OK && b->ring_ok &&
			    !virtio_blk_uring_submit(b, r))
				continue;
			if (st == VIRTIO_BLK_S_OK)
				st = virtio_blk_req_exec(b, r, b->chain);
			virtio_blk_complete(b, r, st);
			pushed = true;
		}
		if (rc < 0) {
			virtio_mmio_fail(d, "%s", vq->err);
			goto out;
		}
	} while (virtq_enable_notify(vq));
out:
	if (b->ring_ok)
		virtio_blk_uring_flush(b);
	if (pushed && virtio_mmio_live(d))
		virtio_mmio_signal_vq(d, vq);
	free(r);
}

static void virtio_blk_reset(struct virtio_mmio_dev *d)
{
	struct virtio_blk *b = d->priv;

	b->gen++;   /* completions still in flight are dropped */
}

static const struct virtio_dev_ops virtio_blk_ops = {
	.notify = virtio_blk_notify,
	.reset = virtio_blk_reset,
};

static json_t *virtio_blk_stats(void *opaque)
{
	struct virtio_blk *b = opaque;
	const uint64_t *c = b->count;
	uint64_t total = 0;

	for (int i = 0; i < BLK_CNT_NR; i++)
		total += c[i];
	return json_pack("{s:s, s:s, s:s, s:b, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I},"
			 " s:I, s:I, s:I, s:I, s:I}",
			 "file", b->opts.path,
			 "backend", b->opts.backend == VIRTIO_BLK_IO_URING ? "io_uring" : "sync",
			 "cache", b->opts.direct ? "direct" : "host", "ro", b->opts.ro,
			 "requests", (json_int_t)total, "by_type",
			 "in", (json_int_t)c[BLK_CNT_IN], "out", (json_int_t)c[BLK_CNT_OUT],
			 "flush", (json_int_t)c[BLK_CNT_FLUSH], "get_id", (json_int_t)c[BLK_CNT_GET_ID],
			 "discard", (json_int_t)c[BLK_CNT_DISCARD],
			 "write_zeroes", (json_int_t)c[BLK_CNT_WRITE_ZEROES],
			 "unsupported", (json_int_t)c[BLK_CNT_UNSUPP],
			 "errors", (json_int_t)b->errors,
			 "bytes_read", (json_int_t)b->bytes_read,
			 "bytes_written", (json_int_t)b->bytes_written,
			 "notifications", (json_int_t)atomic_load(&b->dev.notifications),
			 "interrupts", (json_int_t)atomic_load(&b->dev.interrupts));
}

/* Probe whether holes can be punched (discard, write-zeroes): a punch past
 * the end of the file changes nothing. */
static bool virtio_blk_probe_punch(int fd, uint64_t size)
{
	return !fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)size, 4096);
}

static int virtio_blk_open(struct virtio_blk *b, char *err, size_t errlen)
{
	int mode = b->opts.ro ? O_RDONLY : O_RDWR;
	struct stat st;

	b->fd_buffered = open(b->opts.path, mode | O_CLOEXEC);
	if (b->fd_buffered < 0 || fstat(b->fd_buffered, &st)) {
		snprintf(err, errlen, "--disk %s: cannot open: %s", b->opts.path, strerror(errno));
		return -1;
	}
	if (S_ISBLK(st.st_mode)) {
		/* a whole host disk or partition: the virtio-blk side of a
		 * virtio-blk against passthrough comparison on one device */
		uint64_t bytes;

		if (ioctl(b->fd_buffered, BLKGETSIZE64, &bytes)) {
			snprintf(err, errlen, "--disk %s: BLKGETSIZE64: %s", b->opts.path,
				 strerror(errno));
			return -1;
		}
		st.st_size = (off_t)bytes;
	} else if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "--disk %s: not a regular file or block device", b->opts.path);
		return -1;
	}
	b->fd = b->fd_buffered;
	if (b->opts.direct) {
		b->fd = open(b->opts.path, mode | O_CLOEXEC | O_DIRECT);
		if (b->fd < 0) {
			snprintf(err, errlen, "--disk %s: cache=direct: O_DIRECT open: %s "
				 "(the file system may not support O_DIRECT)", b->opts.path,
				 strerror(errno));
			return -1;
		}
	}
	b->capacity = (uint64_t)st.st_size / VIRTIO_BLK_SECTOR;
	/* hole punching is a file system's; a block device gets no discard */
	b->can_punch = !b->opts.ro && S_ISREG(st.st_mode) &&
		       virtio_blk_probe_punch(b->fd_buffered, st.st_size);
	return 0;
}

static void virtio_blk_fill_config(struct virtio_blk *b, uint64_t *features)
{
	struct virtio_blk_config *c = &b->cfg;

	*features = VIRTIO_FEAT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_FEAT(VIRTIO_BLK_F_BLK_SIZE) |
		    VIRTIO_FEAT(VIRTIO_BLK_F_FLUSH);
	c->capacity = b->capacity;
	c->seg_max = VIRTIO_BLK_SEG_MAX;
	/* with O_DIRECT, tell the driver to send whole aligned blocks */
	c->blk_size = b->opts.direct ? VIRTIO_BLK_DIRECT_ALIGN : VIRTIO_BLK_SECTOR;
	if (b->opts.ro)
		*features |= VIRTIO_FEAT(VIRTIO_BLK_F_RO);
	if (b->can_punch) {
		*features |= VIRTIO_FEAT(VIRTIO_BLK_F_DISCARD) |
			     VIRTIO_FEAT(VIRTIO_BLK_F_WRITE_ZEROES);
		c->max_discard_sectors = c->max_write_zeroes_sectors = UINT32_MAX;
		c->max_discard_seg = c->max_write_zeroes_seg = VIRTIO_BLK_MAX_DISCARD_SEG;
		c->discard_sector_alignment = c->blk_size / VIRTIO_BLK_SECTOR;
		c->write_zeroes_may_unmap = 1;
	}
}

static int virtio_blk_add(struct vm *vm, const char *spec, int n)
{
	struct virtio_blk *b = calloc(1, sizeof(*b));
	char err[1400], name[24];
	uint64_t features;

	if (!b || !(b->chain = malloc(sizeof(*b->chain))))
		die("out of memory");
	b->fd = b->fd_buffered = b->ring_efd = -1;
	if (virtio_blk_parse_spec(spec, &b->opts, err, sizeof(err)) ||
	    virtio_blk_open(b, err, sizeof(err)) ||
	    (b->opts.backend == VIRTIO_BLK_IO_URING &&
	     virtio_blk_uring_init(b, err, sizeof(err)))) {
		fprintf(stderr, "hv: %s\n", err);
		return -1;
	}
	if (!b->opts.serial[0])
		snprintf(b->opts.serial, sizeof(b->opts.serial), "hvperf-disk%u", (unsigned)n % 100);
	virtio_blk_fill_config(b, &features);
	snprintf(name, sizeof(name), "virtio-blk%d", n);
	virtio_mmio_init(&b->dev, vm, name, VIRTIO_ID_BLOCK, features, 1,
			 (uint8_t *)&b->cfg, sizeof(b->cfg), &virtio_blk_ops, b);
	if (virtio_mmio_register(&b->dev))
		return -1;
	vm_add_stats_source(vm, b->dev.name, virtio_blk_stats, b);
	virtio_blk_disks[virtio_blk_nr++] = b;
	info_hv("%s: %s, %llu sectors%s, backend %s, cache %s", name, b->opts.path,
		(unsigned long long)b->capacity, b->opts.ro ? ", read-only" : "",
		b->opts.backend == VIRTIO_BLK_IO_URING ? "io_uring" : "sync",
		b->opts.direct ? "direct" : "host");
	return 0;
}

static int virtio_blk__init(struct vm *vm)
{
	for (int i = 0; i < vm->cfg->nr_disks; i++)
		if (virtio_blk_add(vm, vm->cfg->disks[i], i))
			return -1;
	return 0;
}

static void virtio_blk__exit(struct vm *vm)
{
	(void)vm;
	for (int i = 0; i < virtio_blk_nr; i++) {
		struct virtio_blk *b = virtio_blk_disks[i];

		virtio_mmio_unregister(&b->dev);
		virtio_blk_uring_exit(b);
		if (b->fd != b->fd_buffered)
			close(b->fd);
		close(b->fd_buffered);
		/* the stats source still points here: keep b allocated */
	}
}
hv_device_init_exit(virtio_blk__init, virtio_blk__exit, DEV_LEVEL_VIRTIO);
