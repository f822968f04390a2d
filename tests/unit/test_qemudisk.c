/* hv --disk specifications as QEMU -drive/-device options. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bench/qemudisk.h"

static void test_defaults_match_hv(void **state)
{
	char drive[256], dev[128], err[256];

	(void)state;
	/* hv's defaults: sync backend, host page cache, serial hvperf-diskN */
	assert_int_equal(qemudisk_args("/r/.scratch-64M.img", 2, drive, sizeof(drive), dev,
				       sizeof(dev), err, sizeof(err)), 0);
	assert_string_equal(drive, "file=/r/.scratch-64M.img,format=raw,if=none,id=hvperf-disk2,"
			    "cache=writeback,aio=threads");
	assert_string_equal(dev, "virtio-blk-device,drive=hvperf-disk2,serial=hvperf-disk2");
}

static void test_options(void **state)
{
	char drive[256], dev[128], err[256];

	(void)state;
	assert_int_equal(qemudisk_args("/i,cache=direct,backend=io_uring,ro,serial=abc", 0, drive,
				       sizeof(drive), dev, sizeof(dev), err, sizeof(err)), 0);
	assert_string_equal(drive, "file=/i,format=raw,if=none,id=hvperf-disk0,cache=none,"
			    "aio=io_uring,readonly=on");
	assert_string_equal(dev, "virtio-blk-device,drive=hvperf-disk0,serial=abc");
	/* the last of repeated options wins, as in hv */
	assert_int_equal(qemudisk_args("/i,cache=direct,cache=host,backend=io_uring,backend=sync",
				       0, drive, sizeof(drive), dev, sizeof(dev), err, sizeof(err)), 0);
	assert_non_null(strstr(drive, "cache=writeback,aio=threads"));
}

static void test_refusals(void **state)
{
	char drive[256], dev[128], err[256];

	(void)state;
	assert_int_equal(qemudisk_args(",ro", 0, drive, sizeof(drive), dev, sizeof(dev),
				       err, sizeof(err)), -1);
	assert_non_null(strstr(err, "missing file name"));
	assert_int_equal(qemudisk_args("/i,cache=unsafe", 0, drive, sizeof(drive), dev,
				       sizeof(dev), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "option 'cache=unsafe' has no QEMU equivalent"));
	/* hv's serial limit: 20 characters (virtio-blk GET_ID) */
	assert_int_equal(qemudisk_args("/i,serial=123456789012345678901", 0, drive, sizeof(drive),
				       dev, sizeof(dev), err, sizeof(err)), -1);
	assert_int_equal(qemudisk_args("/i,serial=", 0, drive, sizeof(drive), dev, sizeof(dev),
				       err, sizeof(err)), -1);
	assert_int_equal(qemudisk_args("/i", 0, drive, 20, dev, sizeof(dev), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_match_hv),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
