/* hv/virtio/queue.c against hostile drivers (virtio 1.x §2.7). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/vq_harness.h"

static struct virtq_chain chain;

static void test_simple_chain(void **state)
{
	struct vqh h;

	(void)state;
	vqh_init(&h, 8);
	assert_int_equal(virtq_validate(&h.vq), 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), 0);       /* empty */
	vqh_set(&h, 0, VQH_DATA, 16, VRING_DESC_F_NEXT, 5);
	vqh_set(&h, 5, VQH_DATA + 0x100, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	vqh_set(&h, 2, VQH_DATA + 0x400, 1, VRING_DESC_F_WRITE, 0);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), 1);
	assert_int_equal(chain.head, 0);
	assert_int_equal(chain.nr, 3);
	assert_int_equal(chain.nr_out, 1);
	assert_int_equal(chain.out_len, 16);
	assert_int_equal(chain.in_len, 513);
	assert_ptr_equal(chain.seg[1].ptr, h.mem.host + VQH_DATA + 0x100);
	assert_int_equal(virtq_pop(&h.vq, &chain), 0);
	assert_int_equal(virtq_push(&h.vq, 0, 513), 0);
	assert_int_equal(vqh_used(&h)->idx, 1);
	assert_int_equal(vqh_used(&h)->ring[0].id, 0);
	assert_int_equal(vqh_used(&h)->ring[0].len, 513);
	assert_true(virtq_should_notify(&h.vq));
	vqh_avail(&h)->flags = VRING_AVAIL_F_NO_INTERRUPT;
	virtq_push(&h.vq, 0, 1);
	assert_false(virtq_should_notify(&h.vq));
	vqh_free(&h);
}

static void test_bad_rings(void **state)
{
	struct vqh h;

	(void)state;
	vqh_init(&h, 8);
	h.vq.num = 6;                             /* not a power of two */
	assert_int_equal(virtq_validate(&h.vq), -1);
	h.vq.num = 512;                           /* above QueueNumMax */
	assert_int_equal(virtq_validate(&h.vq), -1);
	h.vq.num = 8;
	h.vq.desc_gpa = VQH_DESC + 8;             /* misaligned */
	assert_int_equal(virtq_validate(&h.vq), -1);
	h.vq.desc_gpa = VQH_RAM - 64;             /* runs off the end of RAM */
	assert_int_equal(virtq_validate(&h.vq), -1);
	h.vq.desc_gpa = UINT64_MAX - 15;          /* wraps */
	assert_int_equal(virtq_validate(&h.vq), -1);
	h.vq.desc_gpa = VQH_DESC;
	h.vq.used_gpa = 0xd0100000;               /* MMIO, not RAM */
	assert_int_equal(virtq_validate(&h.vq), -1);
	vqh_free(&h);
}

static void test_out_of_range_descriptor(void **state)
{
	uint64_t bad[] = { VQH_RAM - 8, VQH_RAM, UINT64_MAX - 4, 0xfee00000 };
	struct vqh h;

	(void)state;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vqh_init(&h, 8);
		vqh_set(&h, 0, bad[i], 16, 0, 0);
		vqh_publish(&h, 0);
		assert_int_equal(virtq_pop(&h.vq, &chain), -1);
		assert_non_null(strstr(h.vq.err, "outside guest RAM"));
		vqh_free(&h);
	}
	/* a huge length from a good address */
	vqh_init(&h, 8);
	vqh_set(&h, 0, VQH_DATA, UINT32_MAX, 0, 0);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	vqh_free(&h);
}

static void test_loops_and_long_chains(void **state)
{
	struct vqh h;

	(void)state;
	vqh_init(&h, 8);
	vqh_set(&h, 0, VQH_DATA, 4, VRING_DESC_F_NEXT, 1);
	vqh_set(&h, 1, VQH_DATA, 4, VRING_DESC_F_NEXT, 0);  /* 0 -> 1 -> 0 */
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	assert_non_null(strstr(h.vq.err, "loops"));
	vqh_free(&h);

	vqh_init(&h, 8);
	vqh_set(&h, 3, VQH_DATA, 4, VRING_DESC_F_NEXT, 3);  /* self loop */
	vqh_publish(&h, 3);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	vqh_free(&h);

	/* next index beyond the table, head beyond the table */
	vqh_init(&h, 8);
	vqh_set(&h, 0, VQH_DATA, 4, VRING_DESC_F_NEXT, 8);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	vqh_free(&h);
	vqh_init(&h, 8);
	vqh_publish(&h, 9);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	vqh_free(&h);

	/* a chain using all 8 descriptors is fine */
	vqh_init(&h, 8);
	for (int i = 0; i < 8; i++)
		vqh_set(&h, i, VQH_DATA + i * 16, 16, i < 7 ? VRING_DESC_F_NEXT : 0, i + 1);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), 1);
	assert_int_equal(chain.nr, 8);
	vqh_free(&h);
}

static void test_zero_length_and_order(void **state)
{
	struct vqh h;

	(void)state;
	/* zero-length descriptors carry nothing and are skipped */
	vqh_init(&h, 4);
	vqh_set(&h, 0, VQH_DATA, 0, VRING_DESC_F_NEXT, 1);
	vqh_set(&h, 1, 0xffffffff0000ULL, 0, 0, 0);   /* bogus address, len 0 */
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), 1);
	assert_int_equal(chain.nr, 0);
	assert_int_equal(chain.out_len + chain.in_len, 0);
	vqh_free(&h);

	/* readable after writable violates §2.7.4.2 */
	vqh_init(&h, 4);
	vqh_set(&h, 0, VQH_DATA, 8, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	vqh_set(&h, 1, VQH_DATA, 8, 0, 0);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	vqh_free(&h);
}

static void test_indirect(void **state)
{
	struct vqh h;
	struct vring_desc *t;

	(void)state;
	vqh_init(&h, 4);
	t = (struct vring_desc *)(h.mem.host + VQH_DATA);
	t[0] = (struct vring_desc){ VQH_DATA + 0x1000, 16, VRING_DESC_F_NEXT, 1 };
	t[1] = (struct vring_desc){ VQH_DATA + 0x2000, 100, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2 };
	t[2] = (struct vring_desc){ VQH_DATA + 0x3000, 1, VRING_DESC_F_WRITE, 0 };
	vqh_set(&h, 0, VQH_DATA, 3 * 16, VRING_DESC_F_INDIRECT, 0);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), 1);
	assert_int_equal(chain.nr, 3);
	assert_int_equal(chain.in_len, 101);

	/* length not a multiple of 16 */
	vqh_set(&h, 0, VQH_DATA, 40, VRING_DESC_F_INDIRECT, 0);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	h.vq.last_avail = h.avail_idx;
	/* zero length */
	vqh_set(&h, 0, VQH_DATA, 0, VRING_DESC_F_INDIRECT, 0);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	h.vq.last_avail = h.avail_idx;
	/* table outside RAM */
	vqh_set(&h, 0, VQH_RAM - 16, 32, VRING_DESC_F_INDIRECT, 0);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	h.vq.last_avail = h.avail_idx;
	/* INDIRECT together with NEXT */
	vqh_set(&h, 0, VQH_DATA, 48, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	h.vq.last_avail = h.avail_idx;
	/* nested indirect */
	t[1].flags = VRING_DESC_F_INDIRECT;
	vqh_set(&h, 0, VQH_DATA, 48, VRING_DESC_F_INDIRECT, 0);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	h.vq.last_avail = h.avail_idx;
	/* loop inside the table */
	t[1] = (struct vring_desc){ VQH_DATA + 0x2000, 8, VRING_DESC_F_NEXT, 0 };
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	assert_non_null(strstr(h.vq.err, "loops"));
	h.vq.last_avail = h.avail_idx;
	/* next beyond the table */
	t[1] = (struct vring_desc){ VQH_DATA + 0x2000, 8, VRING_DESC_F_NEXT, 3 };
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	h.vq.last_avail = h.avail_idx;
	/* without the feature negotiated */
	h.vq.indirect = false;
	t[1] = (struct vring_desc){ VQH_DATA + 0x2000, 8, 0, 0 };
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	vqh_free(&h);
}

static void test_wrapped_indices(void **state)
{
	struct vqh h;

	(void)state;
	vqh_init(&h, 4);
	/* start just below the 16-bit wrap */
	h.avail_idx = 65534;
	h.vq.last_avail = 65534;
	h.vq.used_idx = 65534;
	vqh_set(&h, 0, VQH_DATA, 4, 0, 0);
	for (int i = 0; i < 4; i++)
		vqh_publish(&h, 0);
	assert_int_equal(vqh_avail(&h)->idx, 2);     /* wrapped */
	for (int i = 0; i < 4; i++) {
		assert_int_equal(virtq_pop(&h.vq, &chain), 1);
		assert_int_equal(virtq_push(&h.vq, chain.head, 0), 0);
	}
	assert_int_equal(virtq_pop(&h.vq, &chain), 0);
	assert_int_equal(vqh_used(&h)->idx, 2);
	vqh_free(&h);
}

static void test_avail_too_far_ahead(void **state)
{
	struct vqh h;

	(void)state;
	vqh_init(&h, 4);
	vqh_avail(&h)->idx = 5;                      /* 5 > queue size 4 */
	assert_int_equal(virtq_pop(&h.vq, &chain), -1);
	assert_non_null(strstr(h.vq.err, "ahead"));
	vqh_avail(&h)->idx = 4;                      /* exactly full is fine */
	assert_int_equal(virtq_pop(&h.vq, &chain), 1);
	vqh_free(&h);
}

static void test_event_idx(void **state)
{
	struct vqh h;
	uint16_t *used_event, *avail_event;

	(void)state;
	vqh_init(&h, 4);
	h.vq.event_idx = true;
	used_event = &vqh_avail(&h)->ring[4];
	avail_event = (uint16_t *)&vqh_used(&h)->ring[4];
	vqh_set(&h, 0, VQH_DATA, 4, 0, 0);
	*used_event = 1;   /* interrupt me when used idx passes 1 */
	vqh_publish(&h, 0);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), 1);
	virtq_push(&h.vq, 0, 0);                   /* used 0 -> 1 */
	assert_false(virtq_should_notify(&h.vq));
	assert_int_equal(virtq_pop(&h.vq, &chain), 1);
	virtq_push(&h.vq, 0, 0);                   /* used 1 -> 2 crosses 1 */
	assert_true(virtq_should_notify(&h.vq));
	assert_false(virtq_enable_notify(&h.vq));
	assert_int_equal(*avail_event, 2);
	vqh_publish(&h, 0);
	assert_true(virtq_enable_notify(&h.vq));   /* raced: poll again */
	vqh_free(&h);
}

static void test_chain_copy(void **state)
{
	struct vqh h;
	uint8_t buf[20];

	(void)state;
	vqh_init(&h, 4);
	memcpy(h.mem.host + VQH_DATA, "0123456789", 10);
	memcpy(h.mem.host + VQH_DATA + 0x100, "abcdefghij", 10);
	vqh_set(&h, 0, VQH_DATA, 10, VRING_DESC_F_NEXT, 1);
	vqh_set(&h, 1, VQH_DATA + 0x100, 10, VRING_DESC_F_NEXT, 2);
	vqh_set(&h, 2, VQH_DATA + 0x200, 6, VRING_DESC_F_WRITE, 0);
	vqh_publish(&h, 0);
	assert_int_equal(virtq_pop(&h.vq, &chain), 1);
	assert_int_equal(virtq_chain_read(&chain, 8, buf, 5), 5);
	assert_memory_equal(buf, "89abc", 5);
	assert_int_equal(virtq_chain_read(&chain, 18, buf, 20), 2);
	assert_int_equal(virtq_chain_write(&chain, 2, "xyzw", 10), 4);
	assert_memory_equal(h.mem.host + VQH_DATA + 0x202, "xyzw", 4);
	vqh_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_chain),
		cmocka_unit_test(test_bad_rings),
		cmocka_unit_test(test_out_of_range_descriptor),
		cmocka_unit_test(test_loops_and_long_chains),
		cmocka_unit_test(test_zero_length_and_order),
		cmocka_unit_test(test_indirect),
		cmocka_unit_test(test_wrapped_indices),
		cmocka_unit_test(test_avail_too_far_ahead),
		cmocka_unit_test(test_event_idx),
		cmocka_unit_test(test_chain_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
