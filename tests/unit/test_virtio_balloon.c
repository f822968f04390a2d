/* hv/virtio/balloon_pages.c and the --balloon spec: 4 KiB balloon frames
 * are given back to the host only as whole host pages (4K, 2M), with the
 * right call for anonymous and hugetlbfs memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv/layout.h"
#include "hv/virtio/balloon.h"

#define MiB (1ULL << 20)

static uint64_t rel_off[64], rel_len[64];
static int nrel;

static int fake_release(void *opaque, uint64_t off, uint64_t len)
{
	(void)opaque;
	if (nrel < 64) {
		rel_off[nrel] = off;
		rel_len[nrel] = len;
	}
	nrel++;
	return 0;
}

static void mem_init(struct guest_mem *m, uint64_t size, uint64_t page)
{
	*m = (struct guest_mem){ .host = (uint8_t *)0x1000, .size = size, .low_size = size,
				 .page_size = page, .fd = -1 };
	nrel = 0;
}

static void test_4k_pages(void **state)
{
	struct guest_mem m;
	struct balloon_pages bp;

	(void)state;
	mem_init(&m, 16 * MiB, 4096);
	assert_int_equal(balloon_pages_init(&bp, &m, fake_release, NULL), 0);
	assert_int_equal(balloon_pages_inflate(&bp, &m, 5), 0);
	assert_int_equal(nrel, 1);
	assert_int_equal(rel_off[0], 5 * 4096);
	assert_int_equal(rel_len[0], 4096);
	/* inflating twice releases once */
	assert_int_equal(balloon_pages_inflate(&bp, &m, 5), 0);
	assert_int_equal(nrel, 1);
	assert_int_equal(bp.nr_inflated, 1);
	assert_int_equal(balloon_pages_deflate(&bp, &m, 5), 0);
	assert_int_equal(balloon_pages_deflate(&bp, &m, 5), 0);
	assert_int_equal(bp.nr_inflated, 0);
	assert_int_equal(bp.nr_released, 0);
	/* frames outside RAM (and in the MMIO hole) are refused */
	assert_int_equal(balloon_pages_inflate(&bp, &m, 16 * MiB / 4096), -1);
	assert_int_equal(balloon_pages_inflate(&bp, &m, VIRTIO_MMIO_BASE >> 12), -1);
	assert_int_equal(balloon_pages_inflate(&bp, &m, UINT32_MAX), -1);
	assert_int_equal(balloon_pages_deflate(&bp, &m, UINT32_MAX), -1);
	balloon_pages_free(&bp);
}

static void test_2m_pages(void **state)
{
	struct guest_mem m;
	struct balloon_pages bp;
	uint32_t first = (2 * MiB) >> 12;   /* frames of the second 2M page */

	(void)state;
	mem_init(&m, 16 * MiB, 2 * MiB);
	assert_int_equal(balloon_pages_init(&bp, &m, fake_release, NULL), 0);
	assert_int_equal(bp.pfns_per_hpage, 512);
	for (uint32_t i = 0; i < 511; i++)
		assert_int_equal(balloon_pages_inflate(&bp, &m, first + i), 0);
	assert_int_equal(nrel, 0);         /* 511 of 512: nothing yet */
	/* one deflate and re-inflate keeps the count honest */
	balloon_pages_deflate(&bp, &m, first + 3);
	balloon_pages_inflate(&bp, &m, first + 511);
	assert_int_equal(nrel, 0);
	balloon_pages_inflate(&bp, &m, first + 3);
	assert_int_equal(nrel, 1);
	assert_int_equal(rel_off[0], 2 * MiB);
	assert_int_equal(rel_len[0], 2 * MiB);
	assert_int_equal(bp.nr_released, 1);
	/* deflating one frame brings the host page back (accounting) */
	balloon_pages_deflate(&bp, &m, first);
	assert_int_equal(bp.nr_released, 0);
	balloon_pages_inflate(&bp, &m, first);
	assert_int_equal(nrel, 2);
	balloon_pages_clear(&bp);
	assert_int_equal(bp.nr_inflated, 0);
	assert_int_equal(bp.nr_released, 0);
	balloon_pages_free(&bp);
}

static void test_high_ram(void **state)
{
	struct guest_mem m;
	struct balloon_pages bp;
	uint32_t hi = GUEST_HIGH_RAM_START >> 12;

	(void)state;
	/* 3 GiB low + 1 GiB high: frames above 4 GiB map after the low part */
	m = (struct guest_mem){ .host = (uint8_t *)0x1000, .size = 4ULL << 30,
				.low_size = GUEST_LOW_RAM_END, .high_size = 1ULL << 30,
				.page_size = 4096, .fd = -1 };
	nrel = 0;
	assert_int_equal(balloon_pages_init(&bp, &m, fake_release, NULL), 0);
	assert_int_equal(balloon_pages_inflate(&bp, &m, hi + 1), 0);
	assert_int_equal(rel_off[0], GUEST_LOW_RAM_END + 4096);
	assert_int_equal(balloon_pages_inflate(&bp, &m, GUEST_LOW_RAM_END >> 12), -1);
	assert_int_equal(balloon_pages_inflate(&bp, &m, hi + (1 << 18)), -1);
	balloon_pages_free(&bp);
}

static void test_reporting(void **state)
{
	struct guest_mem m;
	struct balloon_pages bp;

	(void)state;
	mem_init(&m, 16 * MiB, 2 * MiB);
	balloon_pages_init(&bp, &m, fake_release, NULL);
	/* 1M..7M: only the whole 2M pages 2M..6M go back */
	assert_int_equal(balloon_pages_report(&bp, 1 * MiB, 6 * MiB), 4 * MiB);
	assert_int_equal(nrel, 2);
	assert_int_equal(rel_off[0], 2 * MiB);
	assert_int_equal(rel_off[1], 4 * MiB);
	assert_int_equal(balloon_pages_report(&bp, 3 * MiB, 1 * MiB), 0);
	assert_int_equal(balloon_pages_report(&bp, 14 * MiB, 4 * MiB), 0);   /* past RAM */
	assert_int_equal(balloon_pages_report(&bp, UINT64_MAX - MiB, 2 * MiB), 0);
	balloon_pages_free(&bp);
}

static void test_release_real_memory(void **state)
{
	struct guest_mem m;
	uint8_t *p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)state;
	assert_true(p != MAP_FAILED);
	m = (struct guest_mem){ .host = p, .size = 8192, .low_size = 8192,
				.page_size = 4096, .fd = -1 };
	p[4096] = 0x5a;
	assert_int_equal(balloon_release_guest_mem(&m, 4096, 4096), 0);
	assert_int_equal(p[4096], 0);      /* MADV_DONTNEED: zero on next touch */
	munmap(p, 8192);
}

static void test_spec(void **state)
{
	struct balloon_opts o;
	char err[256];

	(void)state;
	assert_int_equal(balloon_parse_spec("", &o, err, sizeof(err)), 0);
	assert_int_equal(o.target_bytes, 0);
	assert_int_equal(balloon_parse_spec("target=64M,stats=on,free-page-reporting=on,"
					    "deflate-on-oom=on", &o, err, sizeof(err)), 0);
	assert_int_equal(o.target_bytes, 64 * MiB);
	assert_true(o.stats && o.reporting && o.deflate_on_oom);
	assert_int_equal(balloon_parse_spec("target=1G", &o, err, sizeof(err)), 0);
	assert_int_equal(o.target_bytes, 1ULL << 30);
	assert_int_equal(balloon_parse_spec("target=12MiB", &o, err, sizeof(err)), 0);
	assert_int_equal(o.target_bytes, 12 * MiB);
	assert_int_equal(balloon_parse_spec("target=-1", &o, err, sizeof(err)), -1);
	assert_int_equal(balloon_parse_spec("target=99999999999G", &o, err, sizeof(err)), -1);
	assert_int_equal(balloon_parse_spec("stats=yes", &o, err, sizeof(err)), -1);
	assert_int_equal(balloon_parse_spec("turbo", &o, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_4k_pages),
		cmocka_unit_test(test_2m_pages),
		cmocka_unit_test(test_high_ram),
		cmocka_unit_test(test_reporting),
		cmocka_unit_test(test_release_real_memory),
		cmocka_unit_test(test_spec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
