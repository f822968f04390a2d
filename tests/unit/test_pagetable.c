/* hv/boot/pagetable.c: tables built with pt_map for 4K, 2M and 1G pages are
 * walked back with pt_walk, page by page; misaligned input is refused; the
 * U and W flags come out as they went in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "hv/boot/pagetable.h"

#define MEM_SIZE   (8ULL << 20)
#define AREA       (1ULL << 20)
#define AREA_LEN   (4ULL << 20)

static struct guest_mem mem;

static int setup(void **state)
{
	(void)state;
	mem.host = calloc(1, MEM_SIZE);
	mem.size = mem.low_size = MEM_SIZE;
	return mem.host ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(mem.host);
	return 0;
}

/* Map `n` pages of `size` at a base aligned to it, then walk every page (at
 * its first, middle and last byte). */
static void map_and_walk(uint64_t size, uint64_t base, uint64_t n, uint64_t flags)
{
	struct pt_builder pt;

	assert_int_equal(pt_init(&pt, &mem, AREA, AREA_LEN), 0);
	assert_int_equal(pt_map(&pt, base, base + size, n * size, size, flags), 0);
	for (uint64_t i = 0; i < n; i++) {
		uint64_t offs[3] = { 0, size / 2 + 8, size - 1 };

		for (int k = 0; k < 3; k++) {
			uint64_t va = base + i * size + offs[k], pa, ps, fl;

			assert_int_equal(pt_walk(&mem, pt.pml4, va, &pa, &ps, &fl), 0);
			assert_int_equal(pa, va + size);
			assert_int_equal(ps, size);
			assert_int_equal(fl & (PTE_U | PTE_W), flags & (PTE_U | PTE_W));
		}
	}
	{
		uint64_t pa, ps, fl;

		assert_int_equal(pt_walk(&mem, pt.pml4, base + n * size, &pa, &ps, &fl), -1);
		if (base >= size)
			assert_int_equal(pt_walk(&mem, pt.pml4, base - 1, &pa, &ps, &fl), -1);
	}
}

static void test_4k(void **state)
{
	(void)state;
	map_and_walk(4096, 0x400000, 1024, PTE_W | PTE_U);   /* crosses a PT */
	map_and_walk(4096, 0x7ffff000, 3, PTE_W);             /* crosses a PDPT */
}

static void test_2m(void **state)
{
	(void)state;
	map_and_walk(2ULL << 20, 2ULL << 20, 600, PTE_W | PTE_U);  /* > 1 PD */
	map_and_walk(2ULL << 20, 0xd0000000, 8, PTE_U);
}

static void test_1g(void **state)
{
	(void)state;
	map_and_walk(1ULL << 30, 1ULL << 30, 600, PTE_W | PTE_U);  /* > 1 PDPT */
	map_and_walk(1ULL << 30, 0, 4, 0);
}

static void test_misaligned(void **state)
{
	struct pt_builder pt;
	uint64_t sizes[3] = { 4096, 2ULL << 20, 1ULL << 30 };

	(void)state;
	assert_int_equal(pt_init(&pt, &mem, AREA, AREA_LEN), 0);
	for (int i = 0; i < 3; i++) {
		uint64_t s = sizes[i];

		assert_int_equal(pt_map(&pt, s + 4096 * (s > 4096) + 1, s, s, s, 0), -1);
		assert_int_equal(pt_map(&pt, s, s + s / 2, s, s, 0), -1);
		assert_int_equal(pt_map(&pt, s, s, s + 512, s, 0), -1);
	}
	assert_int_equal(pt_map(&pt, 0, 0, 8192, 8192, 0), -1);       /* bad size */
	assert_int_equal(pt_map(&pt, ~0xfffULL, 0, 8192, 4096, 0), -1); /* wraps */
	assert_int_equal(pt_init(&pt, &mem, AREA + 1, AREA_LEN), -1);
	assert_int_equal(pt_init(&pt, &mem, MEM_SIZE - 4096, 8192), -1); /* not RAM */
}

static void test_large_over_small_refused(void **state)
{
	struct pt_builder pt;

	(void)state;
	assert_int_equal(pt_init(&pt, &mem, AREA, AREA_LEN), 0);
	assert_int_equal(pt_map(&pt, 2ULL << 20, 0, 2ULL << 20, 2ULL << 20, PTE_W), 0);
	/* a 4K page inside the 2M page: its PDE is a leaf */
	assert_int_equal(pt_map(&pt, (2ULL << 20) + 4096, 0, 4096, 4096, PTE_W), -1);
}

static void test_out_of_table_space(void **state)
{
	struct pt_builder pt;

	(void)state;
	assert_int_equal(pt_init(&pt, &mem, AREA, 3 * 4096), 0);
	/* 4K pages need PML4 + PDPT + PD + PT: 4 pages, the area has 3 */
	assert_int_equal(pt_map(&pt, 0, 0, 4096, 4096, 0), -1);
	assert_true(pt_space_needed(1ULL << 30, 4096) >= (512 + 2) * 4096ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_4k, setup, teardown),
		cmocka_unit_test_setup_teardown(test_2m, setup, teardown),
		cmocka_unit_test_setup_teardown(test_1g, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misaligned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_large_over_small_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_table_space, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
