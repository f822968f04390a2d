/* virtio-blk (virtio 1.x §5.2) over a raw image file. blk.c is the device
 * and its --disk spec; blk_req.c parses and runs requests (pure parsing,
 * testable without KVM); blk_uring.c is the io_uring backend. */
#ifndef HV_VIRTIO_BLK_H
#define HV_VIRTIO_BLK_H

#include <liburing.h>
#include <linux/virtio_blk.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "hv/virtio/mmio.h"

#define VIRTIO_BLK_SECTOR      512
#define VIRTIO_BLK_SEG_MAX     (VIRTQ_MAX_SEGS - 2)   /* minus header, status */
#define VIRTIO_BLK_DIRECT_ALIGN 4096  /* O_DIRECT alignment we always honour */
#define VIRTIO_BLK_MAX_DISCARD_SEG 32

enum virtio_blk_backend { VIRTIO_BLK_SYNC, VIRTIO_BLK_IO_URING };

struct virtio_blk_opts {
	char path[1024];
	bool ro, direct;
	enum virtio_blk_backend backend;
	char serial[VIRTIO_BLK_ID_BYTES + 1];
};

/* counters (by request type) */
enum { BLK_CNT_IN, BLK_CNT_OUT, BLK_CNT_FLUSH, BLK_CNT_GET_ID, BLK_CNT_DISCARD,
       BLK_CNT_WRITE_ZEROES, BLK_CNT_UNSUPP, BLK_CNT_NR };

struct virtio_blk {
	struct virtio_mmio_dev dev;
	struct virtio_blk_opts opts;
	struct virtio_blk_config cfg;
	int fd;                 /* O_DIRECT when cache=direct */
	int fd_buffered;        /* same file without O_DIRECT (unaligned ranges) */
	uint64_t capacity;      /* 512-byte sectors */
	bool can_punch;         /* fallocate(PUNCH_HOLE) works on the file */
	struct virtq_chain *chain;
	uint32_t gen;           /* bumped at reset: stale completions are dropped */

	struct io_uring ring;
	bool ring_ok;
	int ring_efd;
	unsigned inflight;

	uint64_t count[BLK_CNT_NR];
	uint64_t errors, bytes_read, bytes_written;
};

/* A parsed request: header, data iovecs into guest RAM, status byte. */
struct virtio_blk_req {
	uint16_t head;
	uint32_t type;
	uint64_t sector;
	uint64_t len;           /* data bytes */
	uint8_t *status;        /* last device-writable byte */
	uint32_t used_len;      /* bytes written to the chain, status included */
	int niov;
	/* last: the io_uring backend copies only the first niov entries */
	struct iovec iov[VIRTQ_MAX_SEGS];
};

/* Parse --disk FILE[,ro][,backend=sync|io_uring][,cache=host|direct]
 * [,serial=S]. Returns 0 or -1 with a one-line message in err. */
int virtio_blk_parse_spec(const char *spec, struct virtio_blk_opts *o,
			  char *err, size_t errlen);
/* Split a chain into a request. Returns -1 when the chain has no
 * device-writable status byte (malformed: the device needs reset); else 0
 * with r->status pointing at the status byte. */
int virtio_blk_req_parse(const struct virtq_chain *c, struct virtio_blk_req *r);
/* VIRTIO_BLK_S_OK if the request may run on this disk (type known, data
 * direction and length, sector range, read-only), else the status. */
uint8_t virtio_blk_req_check(const struct virtio_blk *b, const struct virtio_blk_req *r,
			     const struct virtq_chain *c);
/* Run a checked request synchronously; returns the status. */
uint8_t virtio_blk_req_exec(struct virtio_blk *b, struct virtio_blk_req *r,
			    const struct virtq_chain *c);
/* True when an O_DIRECT transfer needs no bounce buffer or fallback. */
bool virtio_blk_req_aligned(const struct virtio_blk_req *r);
/* Complete: write the status, account, push to the used ring. */
void virtio_blk_complete(struct virtio_blk *b, struct virtio_blk_req *r, uint8_t status);

/* io_uring backend */
int virtio_blk_uring_init(struct virtio_blk *b, char *err, size_t errlen);
void virtio_blk_uring_exit(struct virtio_blk *b);
/* Queue r (copied) for IN/OUT/FLUSH; returns 0, or -1 to run it sync. */
int virtio_blk_uring_submit(struct virtio_blk *b, const struct virtio_blk_req *r);
void virtio_blk_uring_flush(struct virtio_blk *b);

#endif
