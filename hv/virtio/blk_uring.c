/* io_uring backend for virtio-blk: reads, writes and flushes are queued to
 * the ring as the queue is walked, submitted once per kick, and completed
 * from the io thread when the ring's eventfd fires. Requests that need a
 * bounce buffer (cache=direct with unaligned guest buffers) run sync. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hv/ioloop.h"
#include "hv/virtio/blk.h"

struct blk_uring_req {
	uint32_t gen;
	struct virtio_blk_req r;   /* iov trimmed to r.niov entries */
};

static void virtio_blk_uring_reap(struct virtio_blk *b, bool wait)
{
	struct io_uring_cqe *cqe;
	bool pushed = false;

	while (b->inflight) {
		int rc = wait ? io_uring_wait_cqe(&b->ring, &cqe)
			      : io_uring_peek_cqe(&b->ring, &cqe);
		struct blk_uring_req *u;

		if (rc)
			break;
		u = io_uring_cqe_get_data(cqe);
		b->inflight--;
		/* a reset since submission: the driver forgot this request */
		if (u->gen == b->gen && virtio_mmio_live(&b->dev)) {
			bool ok = u->r.type == VIRTIO_BLK_T_FLUSH ? cqe->res == 0
				: cqe->res >= 0 && (uint64_t)cqe->res == u->r.len;

			virtio_blk_complete(b, &u->r, ok ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR);
			pushed = true;
		}
		io_uring_cqe_seen(&b->ring, cqe);
		free(u);
	}
	if (pushed && virtio_mmio_live(&b->dev))
		virtio_mmio_signal_vq(&b->dev, &b->dev.q[0].vq);
}

static void virtio_blk_uring_event(void *opaque, uint32_t events)
{
	struct virtio_blk *b = opaque;
	uint64_t n;

	(void)events;
	while (read(b->ring_efd, &n, sizeof(n)) == sizeof(n))
		;
	pthread_mutex_lock(&b->dev.lock);
	virtio_blk_uring_reap(b, false);
	pthread_mutex_unlock(&b->dev.lock);
}

int virtio_blk_uring_init(struct virtio_blk *b, char *err, size_t errlen)
{
	int rc = io_uring_queue_init(VIRTQ_NUM_MAX, &b->ring, 0);

	if (rc) {
		snprintf(err, errlen, "--disk %s: backend=io_uring: io_uring_queue_init: %s",
			 b->opts.path, strerror(-rc));
		return -1;
	}
	b->ring_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->ring_efd < 0 || io_uring_register_eventfd(&b->ring, b->ring_efd) ||
	    ioloop_add(b->ring_efd, EPOLLIN, virtio_blk_uring_event, b)) {
		snprintf(err, errlen, "--disk %s: backend=io_uring: eventfd: %s",
			 b->opts.path, strerror(errno));
		io_uring_queue_exit(&b->ring);
		return -1;
	}
	b->ring_ok = true;
	return 0;
}

int virtio_blk_uring_submit(struct virtio_blk *b, const struct virtio_blk_req *r)
{
	bool flush = r->type == VIRTIO_BLK_T_FLUSH;
	struct blk_uring_req *u;
	struct io_uring_sqe *sqe;

	if (r->type != VIRTIO_BLK_T_IN && r->type != VIRTIO_BLK_T_OUT && !flush)
		return -1;
	if (!flush && b->opts.direct && !virtio_blk_req_aligned(r))
		return -1;
	sqe = io_uring_get_sqe(&b->ring);
	if (!sqe) {
		io_uring_submit(&b->ring);
		sqe = io_uring_get_sqe(&b->ring);
	}
	u = malloc(offsetof(struct blk_uring_req, r.iov) + r->niov * sizeof(struct iovec));
	if (!sqe || !u) {
		free(u);
		return -1;   /* caller runs it synchronously */
	}
	u->gen = b->gen;
	memcpy(&u->r, r, offsetof(struct virtio_blk_req, iov));
	memcpy(u->r.iov, r->iov, r->niov * sizeof(struct iovec));
	if (flush)
		io_uring_prep_fsync(sqe, b->fd, IORING_FSYNC_DATASYNC);
	else if (r->type == VIRTIO_BLK_T_IN)
		io_uring_prep_readv(sqe, b->fd, u->r.iov, r->niov,
				    r->sector * VIRTIO_BLK_SECTOR);
	else
		io_uring_prep_writev(sqe, b->fd, u->r.iov, r->niov,
				     r->sector * VIRTIO_BLK_SECTOR);
	io_uring_sqe_set_data(sqe, u);
	b->inflight++;
	return 0;
}

void virtio_blk_uring_flush(struct virtio_blk *b)
{
	io_uring_submit(&b->ring);
}

void virtio_blk_uring_exit(struct virtio_blk *b)
{
	if (!b->ring_ok)
		return;
	ioloop_del(b->ring_efd);
	b->gen++;
	virtio_blk_uring_reap(b, true);   /* the kernel may still touch guest RAM */
	io_uring_queue_exit(&b->ring);
	close(b->ring_efd);
	b->ring_ok = false;
}
