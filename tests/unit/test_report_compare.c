/* reports/compare_verdict.c and reports/results_load.c on the fixtures. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "reports/compare.h"
#include "reports/results_load.h"

static void test_verdict(void **state)
{
	(void)state;
	/* latency +20%, p = 0.008 < 0.01: regression */
	assert_int_equal(compare_verdict(5, 5, 1.20, 0.0079, 0, 0.01, 0.05),
			 COMPARE_REGRESSION);
	/* throughput -20%: regression too */
	assert_int_equal(compare_verdict(5, 5, 0.80, 0.0079, 1, 0.01, 0.05),
			 COMPARE_REGRESSION);
	assert_int_equal(compare_verdict(5, 5, 1.20, 0.0079, 1, 0.01, 0.05),
			 COMPARE_IMPROVEMENT);
	/* significant but within the threshold */
	assert_int_equal(compare_verdict(5, 5, 1.03, 0.0079, 0, 0.01, 0.05),
			 COMPARE_NO_CHANGE);
	/* large but not significant */
	assert_int_equal(compare_verdict(5, 5, 1.30, 0.05, 0, 0.01, 0.05),
			 COMPARE_NO_CHANGE);
	assert_int_equal(compare_verdict(2, 5, 1.30, 0.001, 0, 0.01, 0.05),
			 COMPARE_TOO_FEW);
	assert_int_equal(compare_verdict(5, 5, NAN, NAN, 0, 0.01, 0.05),
			 COMPARE_NO_CHANGE);
	assert_string_equal(compare_verdict_name(COMPARE_TOO_FEW), "too few repetitions");
}

static void test_threshold(void **state)
{
	double t;

	(void)state;
	assert_int_equal(compare_parse_threshold("5%", &t), 0);
	assert_float_equal(t, 0.05, 1e-12);
	assert_int_equal(compare_parse_threshold("2.5", &t), 0);
	assert_float_equal(t, 0.025, 1e-12);
	assert_int_equal(compare_parse_threshold("5%%", &t), -1);
	assert_int_equal(compare_parse_threshold("-1%", &t), -1);
	assert_int_equal(compare_parse_threshold("five", &t), -1);
}

static void test_load_fixture(void **state)
{
	struct report_results r;
	struct report_series *s;
	char err[512];

	(void)state;
	assert_int_equal(report_results_load("results/fixtures/run-a.json", &r, err,
					     sizeof(err)), 0);
	assert_string_equal(r.default_config, "micro-default");
	s = report_results_find(&r, "ptrchase", "{\"working_set\":67108864}",
				"micro-hugetlb-2m", "latency_ns");
	assert_non_null(s);
	assert_int_equal(s->n, 5);
	assert_string_equal(s->label, "ptrchase working_set=64M");
	assert_false(s->higher_is_better);
	assert_non_null(report_results_native(&r, s));
	assert_string_equal(report_results_native(&r, s)->config, "native");
	report_results_free(&r);
}

static void test_load_bad(void **state)
{
	struct report_results r;
	char err[512], path[] = "/tmp/test_report_compare.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	assert_int_equal(report_results_load("/nonexistent/results.json", &r, err,
					     sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/results.json: "));
	fputs("{\"schema\":\"hvperf-results/1\",\"run\":{},\"samples\":[{\"workload\":\"x\"}]}", f);
	fclose(f);
	assert_int_equal(report_results_load(path, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "samples[0]: \"metric\" missing"));
	f = fopen(path, "w");
	fputs("{\"schema\":\"other\"}", f);
	fclose(f);
	assert_int_equal(report_results_load(path, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a results file"));
	remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_load_fixture),
		cmocka_unit_test(test_load_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
