/* hv/pci/vfio_host.c: vfio_parse_bdf, the --vfio address parser (the host
 * checks themselves need an IOMMU: hv_virtio_api and the test box). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "hv/pci/vfio_host.h"

static void test_parse_bdf(void **state)
{
	char out[32];
	static const char *const bad[] = {
		"zz", "", "01:20.0", "01:00.8", "0000:01:00.0x", "01:00.0 ", "01:00.0\n",
		"01:00", "01.00.0", "0000:01:00:0", "00000:01:00.0", "-1:00.0", " 01:00.0",
		"01: 0.0", "0000:+1:00.0", "0x01:00.0", "01:00.0.0",
	};

	(void)state;
	assert_int_equal(vfio_parse_bdf("0000:01:00.0", out, sizeof(out)), 0);
	assert_string_equal(out, "0000:01:00.0");
	assert_int_equal(vfio_parse_bdf("01:00.0", out, sizeof(out)), 0);
	assert_string_equal(out, "0000:01:00.0");
	assert_int_equal(vfio_parse_bdf("0000:3B:1f.7", out, sizeof(out)), 0);
	assert_string_equal(out, "0000:3b:1f.7");
	assert_int_equal(vfio_parse_bdf("abcd:ff:00.1", out, sizeof(out)), 0);
	assert_string_equal(out, "abcd:ff:00.1");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (vfio_parse_bdf(bad[i], out, sizeof(out)) != -1)
			fail_msg("vfio_parse_bdf accepted \"%s\" as %s", bad[i], out);
	assert_int_equal(vfio_parse_bdf(NULL, out, sizeof(out)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_bdf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
