/* bench/stats.c and bench/stats_cp.c against known values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bench/stats.h"
#include "bench/stats_rng.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_descriptive(void **state)
{
	double x[] = {4, 1, 3, 2, 100};
	double e[] = {2, 4, 4, 4, 5, 5, 7, 9};

	(void)state;
	assert_float_equal(stats_median(x, N(x)), 3, 1e-12);
	assert_float_equal(stats_median(x, 4), 2.5, 1e-12);
	assert_true(isnan(stats_median(x, 0)));
	assert_float_equal(stats_mean(e, N(e)), 5, 1e-12);
	/* sample sd of e: sqrt(32 / 7) */
	assert_float_equal(stats_stddev(e, N(e)), sqrt(32.0 / 7), 1e-12);
	/* |x - 3| = 1 2 0 1 97 -> median 1 */
	assert_float_equal(stats_mad(x, N(x)), 1, 1e-12);
	assert_float_equal(stats_rel_spread(x, N(x)), 1.0 / 3, 1e-12);
	/* type-7 quantiles of 1..5 */
	assert_float_equal(stats_quantile(x, 4, 0.25), 1.75, 1e-12);
	assert_float_equal(stats_quantile(x, N(x), 0), 1, 1e-12);
	assert_float_equal(stats_quantile(x, N(x), 1), 100, 1e-12);
}

static void test_mwu_exact(void **state)
{
	double a[] = {1, 2, 3}, b[] = {4, 5, 6}, u;
	double c[] = {1, 3, 5, 7, 9}, d[] = {2, 4, 6, 8, 10};

	(void)state;
	assert_float_equal(stats_mann_whitney_p(a, 3, b, 3, &u), 0.1, 1e-12);
	assert_float_equal(u, 0, 0);
	assert_float_equal(stats_mann_whitney_p(b, 3, a, 3, &u), 0.1, 1e-12);
	assert_float_equal(u, 9, 0);
	assert_true(isnan(stats_mann_whitney_p(c, 5, d, 0, &u)));
	/* interleaved: U = 10 of 25;
	 * enumerating all C(10,5) splits gives p = 2 * 87/252 */
	assert_float_equal(stats_mann_whitney_p(c, 5, d, 5, &u), 0.6904761904761905, 1e-12);
	assert_float_equal(u, 10, 0);
	{
		double lo[] = {1, 2, 3, 4, 5}, hi[] = {6, 7, 8, 9, 10};

		/* fully separated 5 vs 5: 2 / C(10,5) */
		assert_float_equal(stats_mann_whitney_p(lo, 5, hi, 5, &u), 2.0 / 252, 1e-12);
	}
}

static void test_mwu_ties(void **state)
{
	/* combined sample 1 2 2 2 3 4 5: one tie group of three.
	 * U = 0.5 + 0.5 = 1 (each a = 2 ties one b = 2), mean 6,
	 * var = 3*4/12 * (8 - (27 - 3)/(7*6)), continuity-corrected z;
	 * by hand p = erfc(1.6511 / sqrt 2) = 0.0987 */
	double a[] = {1, 2, 2}, b[] = {2, 3, 4, 5}, u;
	double var = 3.0 * 4 / 12 * (8 - 24.0 / 42);
	double z = (fabs(1.0 - 6) - 0.5) / sqrt(var);
	double all[] = {7, 7, 7};
	double p;

	(void)state;
	p = stats_mann_whitney_p(a, 3, b, 4, &u);
	assert_float_equal(u, 1, 1e-12);
	assert_float_equal(p, erfc(z / M_SQRT2), 1e-12);
	assert_float_equal(p, 0.0987, 5e-4);
	/* all equal: no evidence at all */
	assert_float_equal(stats_mann_whitney_p(all, 3, all, 3, NULL), 1, 0);
}

static void test_mwu_large_normal(void **state)
{
	double a[25], b[25], u;

	(void)state;
	for (int i = 0; i < 25; i++) {
		a[i] = i;
		b[i] = i + 100;
	}
	/* fully separated, n = 25 each: z = (312.5 - 0.5) / sqrt(25*25*51/12) */
	assert_float_equal(stats_mann_whitney_p(a, 25, b, 25, &u),
			   erfc(312.0 / sqrt(25.0 * 25 * 51 / 12) / M_SQRT2), 1e-12);
	assert_float_equal(u, 0, 0);
}

static double normal(uint64_t *rng)
{
	double u1 = stats_rng_unit(rng), u2 = stats_rng_unit(rng);

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

static void test_bootstrap_coverage(void **state)
{
	uint64_t rng = 42;
	int covered = 0;

	(void)state;
	/* true median 10; 100 seeded samples of 40 normal draws */
	for (int s = 0; s < 100; s++) {
		double x[40];
		struct ci ci;

		for (int i = 0; i < 40; i++)
			x[i] = 10 + 2 * normal(&rng);
		ci = stats_bootstrap_median_ci(x, 40, 0.95, 1000, (uint64_t)s + 1);
		assert_true(ci.lo <= ci.hi);
		covered += ci.lo <= 10 && 10 <= ci.hi;
	}
	print_message("bootstrap median CI coverage: %d/100\n", covered);
	assert_true(covered >= 90);
}

static void test_bootstrap_ratio(void **state)
{
	uint64_t rng = 7;
	double a[30], b[30];
	int covered = 0;
	struct ci ci, again;
	double one[] = {1};

	(void)state;
	for (int s = 0; s < 100; s++) {
		for (int i = 0; i < 30; i++) {
			a[i] = 100 + 5 * normal(&rng);
			b[i] = 120 + 6 * normal(&rng);
		}
		ci = stats_bootstrap_ratio_ci(a, 30, b, 30, 0.95, 1000, (uint64_t)s);
		covered += ci.lo <= 1.2 && 1.2 <= ci.hi;
	}
	print_message("bootstrap ratio CI coverage: %d/100\n", covered);
	assert_true(covered >= 90);
	/* same seed, same interval */
	ci = stats_bootstrap_ratio_ci(a, 30, b, 30, 0.95, 500, 99);
	again = stats_bootstrap_ratio_ci(a, 30, b, 30, 0.95, 500, 99);
	assert_float_equal(ci.lo, again.lo, 0);
	assert_float_equal(ci.hi, again.hi, 0);
	/* too little data */
	ci = stats_bootstrap_ratio_ci(one, 1, b, 30, 0.95, 500, 1);
	assert_true(isnan(ci.lo) && isnan(ci.hi));
}

static void test_change_point_step(void **state)
{
	double x[60];
	size_t cp[4], n;
	uint64_t rng = 3;

	(void)state;
	for (int i = 0; i < 60; i++)
		x[i] = (i < 35 ? 100 : 110) + 2 * normal(&rng);
	n = stats_change_points(x, 60, 0.05, 199, 1, cp, 4);
	assert_int_equal(n, 1);
	print_message("step at 35 found at %zu\n", cp[0]);
	assert_true(cp[0] >= 33 && cp[0] <= 37);
}

static void test_change_point_two_steps(void **state)
{
	double x[90];
	size_t cp[4], n;
	uint64_t rng = 11;

	(void)state;
	for (int i = 0; i < 90; i++)
		x[i] = (i < 30 ? 50 : i < 60 ? 40 : 55) + normal(&rng);
	n = stats_change_points(x, 90, 0.05, 199, 5, cp, 4);
	assert_int_equal(n, 2);
	assert_true(cp[0] >= 28 && cp[0] <= 32);
	assert_true(cp[1] >= 58 && cp[1] <= 62);
}

static void test_change_point_flat(void **state)
{
	double x[60];
	size_t cp[4];
	uint64_t rng = 17;

	(void)state;
	for (int i = 0; i < 60; i++)
		x[i] = 100 + 2 * normal(&rng);
	assert_int_equal(stats_change_points(x, 60, 0.05, 199, 1, cp, 4), 0);
	/* too short to split */
	assert_int_equal(stats_change_points(x, 5, 0.05, 199, 1, cp, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptive),
		cmocka_unit_test(test_mwu_exact),
		cmocka_unit_test(test_mwu_ties),
		cmocka_unit_test(test_mwu_large_normal),
		cmocka_unit_test(test_bootstrap_coverage),
		cmocka_unit_test(test_bootstrap_ratio),
		cmocka_unit_test(test_change_point_step),
		cmocka_unit_test(test_change_point_two_steps),
		cmocka_unit_test(test_change_point_flat),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
