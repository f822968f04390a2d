/* --cgroup spec parsing (the host side is covered by the knobs_cgroup
 * integration test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "hv/cgroup.h"

static void test_parse_name_only(void **state)
{
	struct vm_cgroup_spec s;
	char err[256];

	(void)state;
	assert_int_equal(vm_cgroup_parse("vm1", &s, err, sizeof(err)), 0);
	assert_string_equal(s.name, "vm1");
	assert_false(s.has_mem);
	assert_false(s.has_swap);
	assert_false(s.has_zswap);
}

static void test_parse_limits(void **state)
{
	struct vm_cgroup_spec s;
	char err[256];

	(void)state;
	assert_int_equal(vm_cgroup_parse("a-b_c.1,mem=512M,swap=1G,zswap=64k", &s, err, sizeof(err)), 0);
	assert_string_equal(s.name, "a-b_c.1");
	assert_true(s.has_mem && s.has_swap && s.has_zswap);
	assert_int_equal(s.mem, 512ull << 20);
	assert_int_equal(s.swap, 1ull << 30);
	assert_int_equal(s.zswap, 64ull << 10);
	assert_int_equal(vm_cgroup_parse("x,swap=0", &s, err, sizeof(err)), 0);
	assert_true(s.has_swap);
	assert_int_equal(s.swap, 0);
	assert_int_equal(vm_cgroup_parse("x,mem=4294967296", &s, err, sizeof(err)), 0);
	assert_int_equal(s.mem, 4ull << 30);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", ",mem=1G", "a/b", "../x", ".hidden", "x y", "x,mem", "x,mem=",
		"x,mem=1X", "x,mem=1GB", "x,mem=-1", "x,mem=1G,mem=2G", "x,cpu=1",
		"x,mem=1M", "x,swap=99999999999T",
		"0123456789012345678901234567890123456789012345678901234567890123456789",
	};
	struct vm_cgroup_spec s;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		assert_int_equal(vm_cgroup_parse(bad[i], &s, err, sizeof(err)), -1);
		assert_true(strlen(err) > 0 && !strchr(err, '\n'));
	}
	assert_int_equal(vm_cgroup_parse(NULL, &s, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_name_only),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_parse_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
