/* Run order: warm-ups first, repetitions interleaved across configurations
 * (A B C A B C), extra repetitions only for noisy cells, up to the cap. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "bench/plan.h"

static void test_interleaved(void **state)
{
	struct scenario_repeat rep = {.min = 3, .warmup = 1, .max = 3, .max_rel_spread = 0.05};
	struct plan p;
	char order[64] = "";
	bool warm;
	long i;
	int nwarm = 0;

	(void)state;
	plan_init(&p, 1, 3, rep);
	assert_int_equal(plan_remaining(&p), 12);
	while ((i = plan_next(&p, &warm)) >= 0) {
		size_t n = strlen(order);

		order[n] = (char)('A' + p.cell[i].c);
		order[n + 1] = 0;
		nwarm += warm;
		plan_done(&p, i, warm, 0.0);
	}
	/* one warm-up round then three measured rounds, never AAA */
	assert_string_equal(order, "ABCABCABCABC");
	assert_int_equal(nwarm, 3);
	plan_free(&p);
}

static void test_two_workloads(void **state)
{
	struct scenario_repeat rep = {.min = 2, .warmup = 0, .max = 2};
	struct plan p;
	char order[64] = "";
	bool warm;
	long i;

	(void)state;
	plan_init(&p, 2, 2, rep);
	while ((i = plan_next(&p, &warm)) >= 0) {
		size_t n = strlen(order);

		order[n] = (char)('a' + p.cell[i].w);
		order[n + 1] = (char)('A' + p.cell[i].c);
		order[n + 2] = 0;
		plan_done(&p, i, warm, 0.0);
	}
	assert_string_equal(order, "aAaBbAbBaAaBbAbB");
	plan_free(&p);
}

static void test_extra_repetitions(void **state)
{
	struct scenario_repeat rep = {.min = 2, .warmup = 0, .max = 5, .max_rel_spread = 0.05};
	struct plan p;
	int runs[2] = {0, 0};
	bool warm;
	long i;

	(void)state;
	plan_init(&p, 1, 2, rep);
	/* config 0 is steady (spread 1%), config 1 noisy (20%) */
	while ((i = plan_next(&p, &warm)) >= 0) {
		runs[p.cell[i].c]++;
		plan_done(&p, i, warm, p.cell[i].c ? 0.20 : 0.01);
	}
	assert_int_equal(runs[0], 2);
	assert_int_equal(runs[1], 5);
	plan_free(&p);
}

static void test_resume_and_skip(void **state)
{
	struct scenario_repeat rep = {.min = 3, .warmup = 1, .max = 3};
	struct plan p;
	int runs[3] = {0}, warms = 0;
	bool warm;
	long i;

	(void)state;
	plan_init(&p, 1, 3, rep);
	plan_resume(&p, 0, 3, 0.0);    /* finished before the crash */
	plan_resume(&p, 1, 1, NAN);    /* one repetition kept */
	p.cell[2].stop = true;          /* skipped */
	while ((i = plan_next(&p, &warm)) >= 0) {
		runs[p.cell[i].c] += !warm;
		warms += warm;
		plan_done(&p, i, warm, 0.0);
	}
	assert_int_equal(runs[0], 0);
	assert_int_equal(runs[1], 2);
	assert_int_equal(runs[2], 0);
	assert_int_equal(warms, 1);     /* a resumed cell warms up again */
	plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interleaved),
		cmocka_unit_test(test_two_workloads),
		cmocka_unit_test(test_extra_repetitions),
		cmocka_unit_test(test_resume_and_skip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
