/* virtio-blk requests (virtio 1.x §5.2.6): header, data, status byte. The
 * device makes no assumption about how the driver split the request into
 * descriptors (§2.6.4 message framing): the header may span segments, the
 * status is the last device-writable byte. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/virtio/blk.h"

struct blk_hdr {        /* struct virtio_blk_outhdr, little-endian */
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* Append [off, off+len) of segments [from, to) to r->iov. */
static void iov_take(struct virtio_blk_req *r, const struct virtq_chain *c, int from,
		     int to, uint64_t off, uint64_t len)
{
	for (int i = from; i < to && len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint64_t n;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = s->len - off < len ? s->len - off : len;
		r->iov[r->niov++] = (struct iovec){ s->ptr + off, n };
		r->len += n;
		len -= n;
		off = 0;
	}
}

int virtio_blk_req_parse(const struct virtq_chain *c, struct virtio_blk_req *r)
{
	struct blk_hdr h = { .type = UINT32_MAX };
	const struct virtq_seg *last = c->nr ? &c->seg[c->nr - 1] : NULL;

	r->head = c->head;
	r->niov = 0;
	r->len = 0;
	r->used_len = 1;
	if (!last || !last->write)
		return -1;   /* nowhere to put the status */
	r->status = last->ptr + last->len - 1;
	if (virtq_chain_read(c, 0, &h, sizeof(h)) == sizeof(h)) {
		r->type = h.type;
		r->sector = h.sector;
	} else {
		r->type = UINT32_MAX;   /* short header: rejected by check */
		r->sector = 0;
	}
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_GET_ID:
		iov_take(r, c, c->nr_out, c->nr, 0, c->in_len - 1);
		break;
	case VIRTIO_BLK_T_OUT:
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (c->out_len > sizeof(h))
			iov_take(r, c, 0, c->nr_out, sizeof(h), c->out_len - sizeof(h));
		break;
	default:
		break;
	}
	return 0;
}

static bool range_ok(const struct virtio_blk *b, uint64_t sector, uint64_t nsect)
{
	return sector <= b->capacity && nsect <= b->capacity - sector;
}

static uint8_t check_segments(const struct virtio_blk *b, const struct virtio_blk_req *r,
			      const struct virtq_chain *c)
{
	struct virtio_blk_discard_write_zeroes seg;
	uint64_t n = r->len / sizeof(seg);

	if (!r->len || r->len % sizeof(seg) || n > VIRTIO_BLK_MAX_DISCARD_SEG)
		return VIRTIO_BLK_S_IOERR;
	for (uint64_t i = 0; i < n; i++) {
		virtq_chain_read(c, 16 + i * sizeof(seg), &seg, sizeof(seg));
		if (!range_ok(b, seg.sector, seg.num_sectors))
			return VIRTIO_BLK_S_IOERR;
		/* §5.2.6.2: flags other than unmap are reserved */
		if (seg.flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP)
			return VIRTIO_BLK_S_UNSUPP;
	}
	return VIRTIO_BLK_S_OK;
}

uint8_t virtio_blk_req_check(const struct virtio_blk *b, const struct virtio_blk_req *r,
			     const struct virtq_chain *c)
{
	switch (r->type) {
	case VIRTIO_BLK_T_IN:
		if (c->out_len != 16 || r->len % VIRTIO_BLK_SECTOR)
			return VIRTIO_BLK_S_IOERR;
		return range_ok(b, r->sector, r->len / VIRTIO_BLK_SECTOR) ?
			VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	case VIRTIO_BLK_T_OUT:
		if (b->opts.ro || c->in_len != 1 || r->len % VIRTIO_BLK_SECTOR)
			return VIRTIO_BLK_S_IOERR;
		return range_ok(b, r->sector, r->len / VIRTIO_BLK_SECTOR) ?
			VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	case VIRTIO_BLK_T_FLUSH:
		return c->out_len == 16 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	case VIRTIO_BLK_T_GET_ID:
		return c->out_len == 16 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (b->opts.ro || !b->can_punch)
			return b->opts.ro ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_UNSUPP;
		return check_segments(b, r, c);
	case UINT32_MAX:
		return VIRTIO_BLK_S_IOERR;   /* header shorter than 16 bytes */
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

bool virtio_blk_req_aligned(const struct virtio_blk_req *r)
{
	if ((r->sector * VIRTIO_BLK_SECTOR) % VIRTIO_BLK_DIRECT_ALIGN ||
	    r->len % VIRTIO_BLK_DIRECT_ALIGN)
		return false;
	for (int i = 0; i < r->niov; i++)
		if ((uintptr_t)r->iov[i].iov_base % VIRTIO_BLK_DIRECT_ALIGN ||
		    r->iov[i].iov_len % VIRTIO_BLK_DIRECT_ALIGN)
			return false;
	return true;
}

/* Full transfer of r->iov at r's offset, retrying short transfers. */
static int blk_rw(int fd, struct virtio_blk_req *r, bool write)
{
	struct iovec *iov = r->iov;
	int n = r->niov;
	off_t off = (off_t)(r->sector * VIRTIO_BLK_SECTOR);
	struct iovec cur;

	while (n) {
		ssize_t got = write ? pwritev(fd, iov, n, off) : preadv(fd, iov, n, off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;   /* error, or EOF inside the capacity */
		off += got;
		while (n && (size_t)got >= iov->iov_len) {
			got -= iov->iov_len;
			iov++;
			n--;
		}
		if (n && got) {
			/* partial segment: continue from a private copy */
			cur = (struct iovec){ (uint8_t *)iov->iov_base + got, iov->iov_len - got };
			iov[0] = cur;
		}
	}
	return 0;
}

/* cache=direct with guest buffers that O_DIRECT cannot take: through an
 * aligned bounce buffer when the file range is aligned, else through the
 * buffered descriptor of the same file. */
static int blk_rw_direct(struct virtio_blk *b, struct virtio_blk_req *r, bool write)
{
	off_t off = (off_t)(r->sector * VIRTIO_BLK_SECTOR);
	uint8_t *bounce;
	uint64_t pos = 0;
	int rc = 0;

	if (virtio_blk_req_aligned(r))
		return blk_rw(b->fd, r, write);
	if (off % VIRTIO_BLK_DIRECT_ALIGN || r->len % VIRTIO_BLK_DIRECT_ALIGN)
		return blk_rw(b->fd_buffered, r, write);
	if (posix_memalign((void **)&bounce, VIRTIO_BLK_DIRECT_ALIGN, r->len))
		return -1;
	if (write)
		for (int i = 0; i < r->niov; pos += r->iov[i].iov_len, i++)
			memcpy(bounce + pos, r->iov[i].iov_base, r->iov[i].iov_len);
	{
		struct virtio_blk_req one = { .sector = r->sector, .len = r->len, .niov = 1 };

		one.iov[0] = (struct iovec){ bounce, r->len };
		rc = blk_rw(b->fd, &one, write);
	}
	if (!rc && !write)
		for (int i = 0; i < r->niov; pos += r->iov[i].iov_len, i++)
			memcpy(r->iov[i].iov_base, bounce + pos, r->iov[i].iov_len);
	free(bounce);
	return rc;
}

static uint8_t blk_segments(struct virtio_blk *b, struct virtio_blk_req *r,
			    const struct virtq_chain *c)
{
	struct virtio_blk_discard_write_zeroes seg;

	for (uint64_t i = 0; i < r->len / sizeof(seg); i++) {
		int mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
		off_t off, len;

		virtq_chain_read(c, 16 + i * sizeof(seg), &seg, sizeof(seg));
		off = (off_t)(seg.sector * VIRTIO_BLK_SECTOR);
		len = (off_t)seg.num_sectors * VIRTIO_BLK_SECTOR;
		if (!len)
			continue;
		/* write-zeroes keeps the blocks allocated unless unmap is allowed */
		if (r->type == VIRTIO_BLK_T_WRITE_ZEROES &&
		    !(seg.flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP) &&
		    !fallocate(b->fd_buffered, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, off, len))
			continue;
		if (fallocate(b->fd_buffered, mode, off, len))
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

uint8_t virtio_blk_req_exec(struct virtio_blk *b, struct virtio_blk_req *r,
			    const struct virtq_chain *c)
{
	int rc;

	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		rc = b->opts.direct ? blk_rw_direct(b, r, r->type == VIRTIO_BLK_T_OUT)
				    : blk_rw(b->fd, r, r->type == VIRTIO_BLK_T_OUT);
		return rc ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		return fdatasync(b->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID: {
		/* §5.2.6: up to 20 bytes, NUL-padded, not necessarily terminated */
		char id[VIRTIO_BLK_ID_BYTES] = { 0 };
		uint64_t n = r->len < sizeof(id) ? r->len : sizeof(id);

		memcpy(id, b->opts.serial, strnlen(b->opts.serial, sizeof(id)));
		virtq_chain_write(c, 0, id, n);
		r->len = n;
		return VIRTIO_BLK_S_OK;
	}
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return blk_segments(b, r, c);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

static int counter_of(uint32_t type)
{
	switch (type) {
	case VIRTIO_BLK_T_IN:           return BLK_CNT_IN;
	case VIRTIO_BLK_T_OUT:          return BLK_CNT_OUT;
	case VIRTIO_BLK_T_FLUSH:        return BLK_CNT_FLUSH;
	case VIRTIO_BLK_T_GET_ID:       return BLK_CNT_GET_ID;
	case VIRTIO_BLK_T_DISCARD:      return BLK_CNT_DISCARD;
	case VIRTIO_BLK_T_WRITE_ZEROES: return BLK_CNT_WRITE_ZEROES;
	default:                        return BLK_CNT_UNSUPP;
	}
}

void virtio_blk_complete(struct virtio_blk *b, struct virtio_blk_req *r, uint8_t status)
{
	struct virtq *vq = &b->dev.q[0].vq;

	b->count[counter_of(r->type)]++;
	if (status != VIRTIO_BLK_S_OK)
		b->errors++;
	else if (r->type == VIRTIO_BLK_T_IN)
		b->bytes_read += r->len;
	else if (r->type == VIRTIO_BLK_T_OUT)
		b->bytes_written += r->len;
	/* used length: bytes the device wrote, status byte included */
	r->used_len = 1;
	if (status == VIRTIO_BLK_S_OK &&
	    (r->type == VIRTIO_BLK_T_IN || r->type == VIRTIO_BLK_T_GET_ID))
		r->used_len += (uint32_t)r->len;
	*r->status = status;
	if (virtq_push(vq, r->head, r->used_len))
		virtio_mmio_fail(&b->dev, "%s", vq->err);
}
