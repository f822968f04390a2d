/* The io_uring backend of virtio-blk keeps each in-flight request in a
 * heap copy trimmed to its iovecs (hv/virtio/blk_uring.c: offsetof(iov) +
 * niov entries). Completing it must not touch memory past that copy: the
 * status pointer and used length have to sit before iov. Before this was
 * fixed, the first io_uring completion from a micro-guest overflowed the
 * heap (ASan: heap-buffer-overflow in virtio_blk_complete). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "hv/virtio/blk.h"
#include "tests/unit/vq_harness.h"

#define HDR    (VQH_DATA)
#define BUF    (VQH_DATA + 0x1000)
#define STATUS (VQH_DATA + 0x3000)

static void test_layout(void **state)
{
	(void)state;
	assert_true(offsetof(struct virtio_blk_req, status) <
		    offsetof(struct virtio_blk_req, iov));
	assert_true(offsetof(struct virtio_blk_req, used_len) <
		    offsetof(struct virtio_blk_req, iov));
	assert_int_equal(offsetof(struct virtio_blk_req, iov) +
			 sizeof(((struct virtio_blk_req *)0)->iov),
			 sizeof(struct virtio_blk_req));
}

/* Complete a trimmed copy exactly as the backend allocates it. */
static void test_trimmed_copy_completes(void **state)
{
	struct { uint32_t type, reserved; uint64_t sector; } hdr = { VIRTIO_BLK_T_IN, 0, 0 };
	static struct virtq_chain chain;
	static struct virtio_blk b;
	static struct virtio_blk_req req;
	struct virtio_blk_req *u;
	struct vqh h;

	(void)state;
	vqh_init(&h, 8);
	memcpy(h.mem.host + HDR, &hdr, sizeof(hdr));
	vqh_set(&h, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
	vqh_set(&h, 1, BUF, 4096, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	vqh_set(&h, 2, STATUS, 1, VRING_DESC_F_WRITE, 0);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), 1);
	assert_int_equal(virtio_blk_req_parse(&chain, &req), 0);
	assert_int_equal(req.niov, 1);

	b.dev.q[0].vq = h.vq;
	u = malloc(offsetof(struct virtio_blk_req, iov) + req.niov * sizeof(struct iovec));
	assert_non_null(u);
	memcpy(u, &req, offsetof(struct virtio_blk_req, iov));
	memcpy(u->iov, req.iov, req.niov * sizeof(struct iovec));
	virtio_blk_complete(&b, u, VIRTIO_BLK_S_OK);
	assert_int_equal(h.mem.host[STATUS], VIRTIO_BLK_S_OK);
	assert_int_equal(vqh_used(&h)->idx, 1);
	assert_int_equal(vqh_used(&h)->ring[0].len, 4096 + 1);
	assert_int_equal(b.bytes_read, 4096);
	free(u);
	vqh_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_trimmed_copy_completes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
