/* reports/attribution.c: perf orientation, CIs, waterfall, knob diff. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "reports/attribution.h"

static void test_perf(void **state)
{
	struct ci r = {1.40, 1.50}, p;

	(void)state;
	/* throughput 0.9x native: perf 0.9 */
	assert_float_equal(attribution_perf(0.9, 1), 0.9, 1e-12);
	/* latency 121 ns vs 84 ns: perf 84/121 */
	assert_float_equal(attribution_perf(121.0 / 84, 0), 84.0 / 121, 1e-12);
	assert_true(isnan(attribution_perf(0, 0)));
	assert_true(isnan(attribution_perf(NAN, 1)));
	/* lower is better: bounds invert and swap */
	p = attribution_perf_ci(r, 0);
	assert_float_equal(p.lo, 1 / 1.50, 1e-12);
	assert_float_equal(p.hi, 1 / 1.40, 1e-12);
	p = attribution_perf_ci(r, 1);
	assert_float_equal(p.lo, 1.40, 1e-12);
}

static void test_gain(void **state)
{
	struct ci r = {0.79, 0.85}, g;

	(void)state;
	/* latency ratio 0.82: 18% faster */
	assert_float_equal(attribution_gain(0.82, 0), 0.18, 1e-12);
	assert_float_equal(attribution_gain(1.10, 1), 0.10, 1e-12);
	assert_float_equal(attribution_gain(0.90, 1), -0.10, 1e-12);
	g = attribution_gain_ci(r, 0);
	assert_float_equal(g.lo, 0.15, 1e-12);
	assert_float_equal(g.hi, 0.21, 1e-12);
	g = attribution_gain_ci(r, 1);
	assert_float_equal(g.lo, -0.21, 1e-12);
	assert_float_equal(g.hi, -0.15, 1e-12);
}

static void test_waterfall(void **state)
{
	struct attribution_step st[4];
	const char *labels[] = {"mem_backing=hugetlb-2m", "ksm=on"};
	double pk[] = {0.84, 0.67};

	(void)state;
	assert_int_equal(attribution_waterfall(0.70, pk, labels, 2, st), 4);
	assert_string_equal(st[0].label, "native");
	assert_float_equal(st[0].from, 0, 0);
	assert_float_equal(st[0].to, 1, 0);
	assert_float_equal(st[1].from, 1, 0);
	assert_float_equal(st[1].to, 0.70, 0);
	assert_string_equal(st[2].label, "mem_backing=hugetlb-2m");
	assert_float_equal(st[2].from, 0.70, 0);
	assert_float_equal(st[2].to, 0.84, 0);
	assert_float_equal(st[3].to, 0.67, 0);
	/* hugetlb wins back 0.14 of the 0.30 lost: 46.7% */
	assert_float_equal(attribution_recovered(0.70, 0.84), 0.14 / 0.30, 1e-12);
	assert_float_equal(attribution_recovered(0.70, 0.67), -0.1, 1e-12);
	assert_true(isnan(attribution_recovered(1.0, 1.1)));
}

static void test_knob_diff(void **state)
{
	json_t *base = json_pack("{s:s, s:s, s:b, s:i}", "mem_backing", "anon",
				 "ksm", "off", "prefault", 1, "cpus", 1);
	json_t *cfg = json_pack("{s:s, s:s, s:b, s:f}", "mem_backing", "hugetlb-2m",
				"ksm", "off", "prefault", 0, "overcommit", 1.5);
	char buf[256];

	(void)state;
	assert_int_equal(attribution_knob_diff(base, cfg, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "mem_backing=hugetlb-2m, prefault=false, "
			    "overcommit=1.5, cpus=(unset)");
	assert_int_equal(attribution_knob_diff(base, base, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	/* a tiny buffer is cut, never overrun */
	assert_int_equal(attribution_knob_diff(base, cfg, buf, 8), 4);
	assert_int_equal(strlen(buf), 7);
	json_decref(base);
	json_decref(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_perf),
		cmocka_unit_test(test_gain),
		cmocka_unit_test(test_waterfall),
		cmocka_unit_test(test_knob_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
