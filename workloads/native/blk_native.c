/* wl_blk on the host: the same file the guest's virtio-blk disk uses,
 * opened with O_DIRECT so neither side reads the host page cache. Depth 1
 * is plain pread/pwrite (the request runs in wl_blk_submit and completes
 * at once); deeper queues go through io_uring with the same O_DIRECT fd. */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wl.h"
#include "wl_blk.h"

struct blk_native_req {
	enum wl_blk_op op;
	uint64_t off, tag;
	void *buf;
	uint32_t len;
	int status;
};

struct wl_blk {
	int fd;
	char path[512];
	uint64_t sectors;
	bool uring;               /* a ring exists (opened for depth > 1) */
	bool use_uring;           /* the current depth uses it */
	struct io_uring ring;
	/* depth-1 path: queued, then done */
	struct blk_native_req pend[WL_BLK_MAX_QD], done[WL_BLK_MAX_QD];
	unsigned npend, ndone;
	/* io_uring path: in-flight requests by slot (user_data = slot) */
	struct blk_native_req fly[WL_BLK_MAX_QD];
	bool fly_used[WL_BLK_MAX_QD];
	uint64_t submits;
};

struct wl_blk *wl_blk_open(int argc, char **argv, unsigned qd, char *err, size_t errlen)
{
	const char *path = wl_arg_str(argc, argv, "file", NULL);
	struct wl_blk *b = calloc(1, sizeof(*b));
	struct stat st;
	int rc;

	if (!b || qd > WL_BLK_MAX_QD) {
		snprintf(err, errlen, "queue depth %u over %d or out of memory", qd, WL_BLK_MAX_QD);
		return NULL;
	}
	if (!path) {
		snprintf(err, errlen, "native run needs file=PATH (the guest's disk image)");
		return NULL;
	}
	snprintf(b->path, sizeof(b->path), "%s", path);
	b->fd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (b->fd < 0 || fstat(b->fd, &st)) {
		snprintf(err, errlen, "open %s with O_DIRECT: %s", path, strerror(errno));
		return NULL;
	}
	b->sectors = (uint64_t)st.st_size / WL_BLK_SECTOR;
	if (qd > 1) {
		rc = io_uring_queue_init(WL_BLK_MAX_QD, &b->ring, 0);
		if (rc) {
			snprintf(err, errlen, "io_uring_queue_init: %s", strerror(-rc));
			return NULL;
		}
		b->uring = true;
	}
	return b;
}

void wl_blk_depth(struct wl_blk *b, unsigned qd)
{
	b->use_uring = b->uring && qd > 1;
}

uint64_t wl_blk_sectors(const struct wl_blk *b)
{
	return b->sectors;
}

const char *wl_blk_path(const struct wl_blk *b, unsigned qd)
{
	return b->uring && qd > 1 ? "odirect-io_uring" : "odirect-pread";
}

int wl_blk_queue(struct wl_blk *b, enum wl_blk_op op, uint64_t sector, void *buf,
		 uint32_t len, uint64_t tag)
{
	struct blk_native_req r = { op, sector * WL_BLK_SECTOR, tag, buf, len, 0 };
	struct io_uring_sqe *sqe;
	unsigned slot = 0;

	if (!b->use_uring) {
		if (b->npend == WL_BLK_MAX_QD)
			return -1;
		b->pend[b->npend++] = r;
		return 0;
	}
	while (slot < WL_BLK_MAX_QD && b->fly_used[slot])
		slot++;
	if (slot == WL_BLK_MAX_QD || !(sqe = io_uring_get_sqe(&b->ring)))
		return -1;
	b->fly[slot] = r;
	b->fly_used[slot] = true;
	if (op == WL_BLK_READ)
		io_uring_prep_read(sqe, b->fd, buf, len, r.off);
	else if (op == WL_BLK_WRITE)
		io_uring_prep_write(sqe, b->fd, buf, len, r.off);
	else
		io_uring_prep_fsync(sqe, b->fd, IORING_FSYNC_DATASYNC);
	sqe->user_data = slot;
	return 0;
}

static int blk_native_run(struct wl_blk *b, const struct blk_native_req *r)
{
	ssize_t n;

	if (r->op == WL_BLK_FLUSH)
		return fdatasync(b->fd) ? 1 : 0;
	n = r->op == WL_BLK_READ ? pread(b->fd, r->buf, r->len, (off_t)r->off)
				 : pwrite(b->fd, r->buf, r->len, (off_t)r->off);
	return n == (ssize_t)r->len ? 0 : 1;
}

void wl_blk_submit(struct wl_blk *b)
{
	b->submits++;
	if (b->use_uring) {
		io_uring_submit(&b->ring);
		return;
	}
	for (unsigned i = 0; i < b->npend; i++) {
		b->pend[i].status = blk_native_run(b, &b->pend[i]);
		b->done[b->ndone++] = b->pend[i];
	}
	b->npend = 0;
}

int wl_blk_reap(struct wl_blk *b, uint64_t *tag, int *status)
{
	struct io_uring_cqe *cqe;
	struct blk_native_req *r;

	if (!b->use_uring) {
		if (!b->ndone)
			return 0;
		*tag = b->done[0].tag;
		*status = b->done[0].status;
		memmove(&b->done[0], &b->done[1], --b->ndone * sizeof(b->done[0]));
		return 1;
	}
	if (io_uring_peek_cqe(&b->ring, &cqe))
		return 0;
	r = &b->fly[cqe->user_data % WL_BLK_MAX_QD];
	*tag = r->tag;
	/* a short transfer is a failure, as the guest's device would say */
	*status = r->op == WL_BLK_FLUSH ? cqe->res != 0
		: cqe->res < 0 || (uint32_t)cqe->res != r->len;
	b->fly_used[cqe->user_data % WL_BLK_MAX_QD] = false;
	io_uring_cqe_seen(&b->ring, cqe);
	return 1;
}

int wl_blk_id(struct wl_blk *b, char *buf, size_t len)
{
	snprintf(buf, len, "%s", b->path);
	return 0;
}

void wl_blk_counters(const struct wl_blk *b, uint64_t *kicks, uint64_t *saved)
{
	*kicks = b->submits;
	*saved = 0;
}
