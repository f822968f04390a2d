/* Tuner value validation (nothing is applied here) and the value parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tuners/knob.h"
#include "tuners/tuner.h"

static void refused(const char *key, const char *value, const char *why)
{
	char err[512] = "";

	assert_int_equal(tuner_validate(key, value, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0 && !strchr(err, '\n'));
	if (why && !strstr(err, why))
		fail_msg("%s=%s: '%s' does not mention '%s'", key, value, err, why);
}

static void test_unknown_and_empty(void **state)
{
	(void)state;
	refused("nope", "1", "unknown key");
	refused("thp", "always", "unknown key");
	refused("vm.swappiness", "", "empty");
	refused("vm.swappiness", NULL, "empty");
}

static void test_malformed_numbers(void **state)
{
	(void)state;
	if (access("/proc/sys/vm/swappiness", F_OK) == 0) {
		refused("vm.swappiness", "abc", "not a non-negative integer");
		refused("vm.swappiness", "-1", "not a non-negative integer");
		refused("vm.swappiness", "60x", "not a non-negative integer");
		refused("vm.swappiness", "201", "out of range");
	}
	if (access("/sys/kernel/mm/ksm/run", F_OK) == 0) {
		refused("ksm.run", "3", "out of range");
		refused("ksm.merge_across_nodes", "2", "out of range");
		refused("ksm.pages_to_scan", "0", "out of range");
	}
	if (access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) == 0)
		refused("hugepages.2m", "1.5", "not a non-negative integer");
}

static void test_choices(void **state)
{
	char err[256];

	(void)state;
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0) {
		refused("thp.enabled", "sometimes", "is not one of");
		refused("thp.enabled", "[madvise]", "is not one of");
		assert_int_equal(tuner_validate("thp.enabled", "never", err, sizeof(err)), 0);
	} else {
		refused("thp.enabled", "never", "not present on this host");
	}
	if (access("/sys/module/zswap/parameters/enabled", F_OK) == 0) {
		refused("zswap.enabled", "maybe", "Y or N");
		refused("zswap.compressor", "no/such", "not an algorithm");
		refused("zswap.max_pool_percent", "101", "out of range");
	}
	if (access("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", F_OK) != 0)
		refused("cpufreq.governor", "performance", "not present on this host");
}

static void test_starving_the_host_is_refused(void **state)
{
	(void)state;
	/* more 2M pages than any host has memory */
	if (access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) == 0)
		refused("hugepages.2m", "4000000000", "refused");
	if (access("/sys/kernel/mm/hugepages/hugepages-1048576kB", F_OK) == 0)
		refused("hugepages.1g", "100000", "refused");
	/* a swap file larger than the disk */
	refused("swap.file", "1000000T@/tmp/hvperf-unit-swap", "refused");
	refused("swap.file", "4K", "too small");
	refused("swap.file", "1G@relative/path", "SIZE[@/ABS/PATH]");
	refused("swap.file", "lots", "SIZE[@/ABS/PATH]");
	refused("swap.file", "1G@/etc/passwd", "already exists");
}

static void test_parsers(void **state)
{
	uint64_t v;
	char *s;

	(void)state;
	assert_int_equal(parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(parse_size("2G", &v), 0);
	assert_int_equal(v, 2ull << 30);
	assert_int_equal(parse_size("512MiB", &v), 0);
	assert_int_equal(v, 512ull << 20);
	assert_int_equal(parse_size("1X", &v), -1);
	assert_int_equal(parse_size("", &v), -1);
	assert_int_equal(parse_size("99999999999999T", &v), -1);
	assert_int_equal(parse_u64("12", &v), 0);
	assert_int_equal(parse_u64("+12", &v), -1);
	s = sysfs_choice_selected("always [madvise] never");
	assert_string_equal(s, "madvise");
	free(s);
	s = sysfs_choice_selected("60");
	assert_string_equal(s, "60");
	free(s);
	assert_true(sysfs_choice_valid("always [madvise] never", "madvise"));
	assert_true(sysfs_choice_valid("always [madvise] never", "never"));
	assert_false(sysfs_choice_valid("always [madvise] never", "mad"));
	assert_false(sysfs_choice_valid("always [madvise] never", ""));
}

static void test_every_key_is_gettable_or_absent(void **state)
{
	const struct tuner_knob *k;
	int n = 0;

	(void)state;
	for (int i = 0; (k = tuner_knob_at(i)); i++, n++) {
		char *v = tuner_get(k->key);

		assert_non_null(k->help);
		/* absent knobs have a path that does not exist */
		if (!v && k->path)
			assert_int_not_equal(access(k->path, R_OK), 0);
		free(v);
	}
	assert_int_equal(n, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_and_empty),
		cmocka_unit_test(test_malformed_numbers),
		cmocka_unit_test(test_choices),
		cmocka_unit_test(test_starving_the_host_is_refused),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_every_key_is_gettable_or_absent),
	};

	setenv("HVPERF_STATE_DIR", "/tmp/hvperf-unit-tuner-state", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
