/* Scenario parsing and validation: a good scenario expands as documented;
 * every file of the bad corpus (tests/fixtures/scenarios/bad/NAME.json)
 * fails with exactly the line in NAME.err, prefixed by its path. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bench/scenario.h"

#define FIXTURES "tests/fixtures/scenarios"

static struct manifest man;

static int setup(void **state)
{
	char err[512];

	(void)state;
	if (manifest_load(FIXTURES "/manifest.json", &man, err, sizeof(err))) {
		fprintf(stderr, "%s (run from the repository root)\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	manifest_free(&man);
	return 0;
}

static void test_good_scenario(void **state)
{
	const char *doc =
		"{\"name\": \"t\", \"workloads\": [\"intops\", {\"name\": \"memstream\", \"args\": [\"-s\", \"1M\"]}],"
		" \"configurations\": ["
		"  {\"name\": \"native\", \"env\": \"native\"},"
		"  {\"name\": \"micro-{guest_page_size}-{mem_backing}\", \"env\": \"micro\","
		"   \"knobs\": {\"mem\": \"2G\"},"
		"   \"axes\": {\"guest_page_size\": [\"4k\", \"2m\"], \"mem_backing\": [\"anon\", \"thp\", \"hugetlb-1g\"]},"
		"   \"exclude\": [{\"guest_page_size\": \"4k\", \"mem_backing\": \"hugetlb-1g\"}]},"
		"  {\"name\": \"qemu\", \"env\": \"linux\", \"backend\": \"qemu\", \"knobs\": {\"cpus\": 2}}],"
		" \"repetitions\": {\"min\": 4, \"warmup\": 2, \"max\": 9, \"max_rel_spread\": 0.02}}";
	json_t *j = json_loads(doc, 0, NULL);
	struct scenario s;
	char err[512] = "";

	(void)state;
	assert_non_null(j);
	assert_int_equal(scenario_parse(j, "t.json", &man, &s, err, sizeof(err)), 0);
	json_decref(j);
	assert_int_equal(s.nr_workloads, 2);
	assert_non_null(s.workloads[1].args);
	/* native + (2x3 - 1 excluded) + qemu */
	assert_int_equal(s.nr_configs, 7);
	assert_string_equal(s.configs[1].name, "micro-4k-anon");
	assert_string_equal(s.configs[3].name, "micro-2m-anon");
	assert_string_equal(s.configs[5].name, "micro-2m-hugetlb-1g");
	assert_string_equal(s.configs[5].env, "micro");
	assert_string_equal(json_string_value(json_object_get(s.configs[5].knobs, "mem")), "2G");
	assert_string_equal(s.configs[6].env, "qemu");
	assert_int_equal(s.rep.min, 4);
	assert_int_equal(s.rep.warmup, 2);
	assert_int_equal(s.rep.max, 9);
	scenario_free(&s);
}

static void test_defaults(void **state)
{
	json_t *j = json_loads("{\"workloads\": [\"intops\"], \"configurations\": [{\"env\": \"native\"}]}", 0, NULL);
	struct scenario s;
	char err[512];

	(void)state;
	assert_int_equal(scenario_parse(j, "d.json", &man, &s, err, sizeof(err)), 0);
	json_decref(j);
	assert_int_equal(s.rep.min, 5);
	assert_int_equal(s.rep.warmup, 1);
	assert_true(s.rep.max >= 5);
	assert_string_equal(s.configs[0].name, "native");
	scenario_free(&s);
}

static void test_sizes(void **state)
{
	(void)state;
	assert_true(scenario_parse_size("256M") == 256LL << 20);
	assert_true(scenario_parse_size("1G") == 1LL << 30);
	assert_true(scenario_parse_size("4k") == 4096);
	assert_true(scenario_parse_size("12") == 12);
	assert_true(scenario_parse_size("1GB") == 1LL << 30);
	assert_true(scenario_parse_size("") < 0);
	assert_true(scenario_parse_size("G") < 0);
	assert_true(scenario_parse_size("1X") < 0);
	assert_true(scenario_parse_size("0") < 0);
	assert_true(scenario_parse_size("99999999999T") < 0);
}

static void test_bad_corpus(void **state)
{
	DIR *d = opendir(FIXTURES "/bad");
	struct dirent *e;
	int n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[512], errpath[512], want[1024], expect[1024], err[1024] = "";
		size_t len = strlen(e->d_name);
		struct scenario s;
		FILE *f;

		if (len < 6 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), FIXTURES "/bad/%s", e->d_name);
		snprintf(errpath, sizeof(errpath), FIXTURES "/bad/%.*s.err", (int)len - 5, e->d_name);
		f = fopen(errpath, "r");
		if (!f)
			fail_msg("%s has no .err file", path);
		if (!fgets(want, sizeof(want), f))
			want[0] = 0;
		fclose(f);
		want[strcspn(want, "\n")] = 0;
		snprintf(expect, sizeof(expect), "%s: %s", path, want);
		if (scenario_load(path, &man, &s, err, sizeof(err)) == 0)
			fail_msg("%s: accepted, expected: %s", path, want);
		if (strcmp(err, expect))
			fail_msg("%s:\n  got:      %s\n  expected: %s", path, err, expect);
		n++;
	}
	closedir(d);
	assert_true(n >= 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_scenario),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_bad_corpus),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
