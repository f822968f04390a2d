/* hv/virtio/blk_req.c and the --disk spec: request parsing, sector
 * bounds, read-only disks, discard segments (virtio 1.x §5.2.6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>
#include <unistd.h>

#include "hv/virtio/blk.h"
#include "tests/unit/vq_harness.h"

#define HDR    (VQH_DATA)
#define BUF    (VQH_DATA + 0x1000)
#define STATUS (VQH_DATA + 0x3000)

static struct virtq_chain chain;
static struct virtio_blk_req req;

static void disk_open(struct virtio_blk *b, bool ro, uint64_t sectors)
{
	FILE *f = tmpfile();
	uint8_t pat[512];

	memset(b, 0, sizeof(*b));
	assert_non_null(f);
	b->fd = b->fd_buffered = dup(fileno(f));
	fclose(f);
	for (uint64_t s = 0; s < sectors; s++) {
		memset(pat, (int)(s + 1), sizeof(pat));
		assert_int_equal(pwrite(b->fd, pat, sizeof(pat), s * 512), 512);
	}
	b->capacity = sectors;
	b->opts.ro = ro;
	b->can_punch = !ro;
	strcpy(b->opts.serial, "serial-123");
}

/* header + data (len bytes, writable for reads) + status */
static void build(struct vqh *h, uint32_t type, uint64_t sector, uint32_t len, bool data_in)
{
	struct { uint32_t type, reserved; uint64_t sector; } hdr = { type, 0, sector };
	int n = 0;

	vqh_init(h, 8);
	memcpy(h->mem.host + HDR, &hdr, sizeof(hdr));
	vqh_set(h, n, HDR, 16, VRING_DESC_F_NEXT, n + 1);
	n++;
	if (len) {
		vqh_set(h, n, BUF, len, VRING_DESC_F_NEXT | (data_in ? VRING_DESC_F_WRITE : 0), n + 1);
		n++;
	}
	vqh_set(h, n, STATUS, 1, VRING_DESC_F_WRITE, 0);
	h->mem.host[STATUS] = 0xee;
	vqh_publish(h, 0);
	assert_int_equal(virtq_pop(&h->vq, &chain), 1);
	assert_int_equal(virtio_blk_req_parse(&chain, &req), 0);
}

static uint8_t run(struct virtio_blk *b)
{
	uint8_t st = virtio_blk_req_check(b, &req, &chain);

	return st == VIRTIO_BLK_S_OK ? virtio_blk_req_exec(b, &req, &chain) : st;
}

static void test_read_write(void **state)
{
	struct virtio_blk b;
	struct vqh h;
	uint8_t buf[1024];

	(void)state;
	disk_open(&b, false, 8);
	build(&h, VIRTIO_BLK_T_IN, 2, 1024, true);
	assert_int_equal(req.len, 1024);
	assert_ptr_equal(req.status, h.mem.host + STATUS);
	assert_int_equal(run(&b), VIRTIO_BLK_S_OK);
	assert_int_equal(h.mem.host[BUF], 3);
	assert_int_equal(h.mem.host[BUF + 1023], 4);
	vqh_free(&h);

	build(&h, VIRTIO_BLK_T_OUT, 7, 512, false);
	memset(h.mem.host + BUF, 0xab, 512);
	assert_int_equal(run(&b), VIRTIO_BLK_S_OK);
	assert_int_equal(pread(b.fd, buf, 512, 7 * 512), 512);
	assert_int_equal(buf[0], 0xab);
	assert_int_equal(buf[511], 0xab);
	vqh_free(&h);

	build(&h, VIRTIO_BLK_T_FLUSH, 0, 0, false);
	assert_int_equal(run(&b), VIRTIO_BLK_S_OK);
	vqh_free(&h);
	close(b.fd);
}

static void test_sector_bounds(void **state)
{
	struct virtio_blk b;
	struct vqh h;

	(void)state;
	disk_open(&b, false, 8);
	build(&h, VIRTIO_BLK_T_IN, 7, 1024, true);        /* ends past sector 8 */
	assert_int_equal(run(&b), VIRTIO_BLK_S_IOERR);
	vqh_free(&h);
	build(&h, VIRTIO_BLK_T_IN, UINT64_MAX, 512, true); /* sector + n wraps */
	assert_int_equal(run(&b), VIRTIO_BLK_S_IOERR);
	vqh_free(&h);
	build(&h, VIRTIO_BLK_T_OUT, 8, 512, false);
	assert_int_equal(run(&b), VIRTIO_BLK_S_IOERR);
	vqh_free(&h);
	build(&h, VIRTIO_BLK_T_IN, 0, 100, true);          /* not whole sectors */
	assert_int_equal(run(&b), VIRTIO_BLK_S_IOERR);
	vqh_free(&h);
	build(&h, VIRTIO_BLK_T_IN, 7, 512, true);          /* the last sector is fine */
	assert_int_equal(run(&b), VIRTIO_BLK_S_OK);
	vqh_free(&h);
	close(b.fd);
}

static void test_read_only(void **state)
{
	struct virtio_blk b;
	struct vqh h;

	(void)state;
	disk_open(&b, true, 4);
	build(&h, VIRTIO_BLK_T_OUT, 0, 512, false);
	assert_int_equal(run(&b), VIRTIO_BLK_S_IOERR);
	vqh_free(&h);
	build(&h, VIRTIO_BLK_T_DISCARD, 0, 16, false);
	assert_int_equal(run(&b), VIRTIO_BLK_S_IOERR);
	vqh_free(&h);
	build(&h, VIRTIO_BLK_T_IN, 0, 512, true);
	assert_int_equal(run(&b), VIRTIO_BLK_S_OK);
	vqh_free(&h);
	close(b.fd);
}

static void test_malformed(void **state)
{
	struct virtio_blk b;
	struct vqh h;

	(void)state;
	disk_open(&b, false, 4);
	/* no writable status byte: the device needs a reset */
	vqh_init(&h, 4);
	vqh_set(&h, 0, HDR, 16, 0, 0);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), 1);
	assert_int_equal(virtio_blk_req_parse(&chain, &req), -1);
	vqh_free(&h);
	/* header cut short */
	vqh_init(&h, 4);
	vqh_set(&h, 0, HDR, 8, VRING_DESC_F_NEXT, 1);
	vqh_set(&h, 1, STATUS, 1, VRING_DESC_F_WRITE, 0);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), 1);
	assert_int_equal(virtio_blk_req_parse(&chain, &req), 0);
	assert_int_equal(run(&b), VIRTIO_BLK_S_IOERR);
	vqh_free(&h);
	/* unknown type, and a read whose data is device-readable */
	build(&h, 99, 0, 0, false);
	assert_int_equal(run(&b), VIRTIO_BLK_S_UNSUPP);
	vqh_free(&h);
	build(&h, VIRTIO_BLK_T_IN, 0, 512, false);
	assert_int_equal(run(&b), VIRTIO_BLK_S_IOERR);
	vqh_free(&h);
	build(&h, VIRTIO_BLK_T_OUT, 0, 512, true);
	assert_int_equal(run(&b), VIRTIO_BLK_S_IOERR);
	vqh_free(&h);
	close(b.fd);
}

static void test_get_id_and_discard(void **state)
{
	struct virtio_blk b;
	struct vqh h;
	struct virtio_blk_discard_write_zeroes seg = { .sector = 1, .num_sectors = 2 };
	uint8_t buf[512];

	(void)state;
	disk_open(&b, false, 4);
	build(&h, VIRTIO_BLK_T_GET_ID, 0, 20, true);
	assert_int_equal(run(&b), VIRTIO_BLK_S_OK);
	assert_string_equal((char *)h.mem.host + BUF, "serial-123");
	vqh_free(&h);

	build(&h, VIRTIO_BLK_T_DISCARD, 0, 16, false);
	memcpy(h.mem.host + BUF, &seg, sizeof(seg));
	if (run(&b) == VIRTIO_BLK_S_OK) {                 /* tmpfs and ext4 punch */
		assert_int_equal(pread(b.fd, buf, 512, 512), 512);
		assert_int_equal(buf[0], 0);
		assert_int_equal(pread(b.fd, buf, 512, 3 * 512), 512);
		assert_int_equal(buf[0], 4);
	}
	vqh_free(&h);
	seg.sector = 3;                                    /* 3 + 2 > 4 sectors */
	build(&h, VIRTIO_BLK_T_WRITE_ZEROES, 0, 16, false);
	memcpy(h.mem.host + BUF, &seg, sizeof(seg));
	assert_int_equal(run(&b), VIRTIO_BLK_S_IOERR);
	vqh_free(&h);
	build(&h, VIRTIO_BLK_T_DISCARD, 0, 12, false);     /* not whole segments */
	assert_int_equal(run(&b), VIRTIO_BLK_S_IOERR);
	vqh_free(&h);
	close(b.fd);
}

static void test_spec(void **state)
{
	struct virtio_blk_opts o;
	char err[256];

	(void)state;
	assert_int_equal(virtio_blk_parse_spec("/tmp/d.img", &o, err, sizeof(err)), 0);
	assert_string_equal(o.path, "/tmp/d.img");
	assert_false(o.ro);
	assert_int_equal(o.backend, VIRTIO_BLK_SYNC);
	assert_int_equal(virtio_blk_parse_spec("d.img,ro,backend=io_uring,cache=direct,serial=abc",
					       &o, err, sizeof(err)), 0);
	assert_true(o.ro && o.direct);
	assert_int_equal(o.backend, VIRTIO_BLK_IO_URING);
	assert_string_equal(o.serial, "abc");
	assert_int_equal(virtio_blk_parse_spec("d.img,backend=aio", &o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "backend=aio"));
	assert_int_equal(virtio_blk_parse_spec("d.img,serial=123456789012345678901", &o,
					       err, sizeof(err)), -1);
	assert_int_equal(virtio_blk_parse_spec("", &o, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_sector_bounds),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_get_id_and_discard),
		cmocka_unit_test(test_spec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
