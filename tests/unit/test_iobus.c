/* I/O bus registration and dispatch; guest memory bounds checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/iobus.h"
#include "hv/layout.h"
#include "hv/memory.h"

static uint64_t last_off;
static int calls;

static void handler(struct vcpu *v, void *opaque, uint64_t off, uint8_t *data,
		    uint32_t len, bool is_write)
{
	(void)v; (void)opaque;
	last_off = off;
	calls++;
	if (!is_write)
		memset(data, 0x5a, len);
}

static void test_register_and_find(void **state)
{
	struct io_bus bus = { 0 };
	uint8_t d[4];

	(void)state;
	assert_int_equal(io_bus_register(&bus, 0x3f8, 8, handler, NULL, "a"), 0);
	assert_int_equal(io_bus_register(&bus, 0x100, 4, handler, NULL, "b"), 0);
	assert_int_equal(io_bus_register(&bus, 0x3fc, 8, handler, NULL, "overlap"), -1);
	assert_int_equal(io_bus_register(&bus, 0x3f0, 9, handler, NULL, "overlap"), -1);
	assert_int_equal(io_bus_register(&bus, ~0ULL - 2, 8, handler, NULL, "wrap"), -1);
	assert_int_equal(io_bus_register(&bus, 0x400, 0, handler, NULL, "empty"), -1);
	assert_string_equal(io_bus_find(&bus, 0x3ff)->name, "a");
	assert_null(io_bus_find(&bus, 0x400));
	assert_null(io_bus_find(&bus, 0x3f7));
	assert_true(io_bus_access(&bus, NULL, 0x3fd, d, 1, false));
	assert_int_equal(last_off, 5);
	assert_int_equal(d[0], 0x5a);
	/* unclaimed reads float high, like an empty bus */
	assert_false(io_bus_access(&bus, NULL, 0x80, d, 4, false));
	assert_int_equal(d[3], 0xff);
	io_bus_free(&bus);
}

static void test_guest_ptr_bounds(void **state)
{
	struct guest_mem m = { 0 };
	static uint8_t ram[64];

	(void)state;
	/* pretend: 16 bytes low, 48 bytes above the hole */
	m.host = ram;
	m.size = 64;
	m.low_size = 16;
	m.high_size = 48;
	assert_ptr_equal(guest_ptr(&m, 0, 16), ram);
	assert_null(guest_ptr(&m, 8, 9));           /* runs into the hole */
	assert_null(guest_ptr(&m, 16, 1));          /* in the hole */
	assert_ptr_equal(guest_ptr(&m, GUEST_HIGH_RAM_START, 48), ram + 16);
	assert_null(guest_ptr(&m, GUEST_HIGH_RAM_START + 40, 9));
	assert_null(guest_ptr(&m, ~0ULL - 3, 8));   /* wraps */
	assert_null(guest_ptr(&m, 15, ~0ULL));
}

static void test_layout_split(void **state)
{
	uint64_t lo, hi;

	(void)state;
	guest_mem_layout(256ULL << 20, &lo, &hi);
	assert_int_equal(lo, 256ULL << 20);
	assert_int_equal(hi, 0);
	guest_mem_layout(4ULL << 30, &lo, &hi);
	assert_int_equal(lo, GUEST_LOW_RAM_END);
	assert_int_equal(hi, (4ULL << 30) - GUEST_LOW_RAM_END);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_and_find),
		cmocka_unit_test(test_guest_ptr_bounds),
		cmocka_unit_test(test_layout_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
