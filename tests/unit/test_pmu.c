/* PMU: libpfm4 resolution, the unavailable path (null + reason, never 0),
 * and counting a real child. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bench/exec.h"
#include "bench/pmu.h"

static void test_resolve(void **state)
{
	struct perf_event_attr a;
	char why[160];

	(void)state;
	assert_int_equal(pmu_resolve("cycles", &a, why, sizeof(why)), 0);
	assert_int_equal(a.type, PERF_TYPE_HARDWARE);
	assert_int_equal(a.config, PERF_COUNT_HW_CPU_CYCLES);
	assert_int_equal(pmu_resolve("task-clock", &a, why, sizeof(why)), 0);
	assert_int_equal(a.type, PERF_TYPE_SOFTWARE);
	assert_int_equal(a.config, PERF_COUNT_SW_TASK_CLOCK);
	assert_int_equal(pmu_resolve("dTLB-load-misses", &a, why, sizeof(why)), 0);
	assert_int_equal(a.type, PERF_TYPE_HW_CACHE);
	assert_int_equal(pmu_resolve("instructions:u", &a, why, sizeof(why)), 0);
	assert_true(a.exclude_kernel);
	assert_int_equal(pmu_resolve("no-such-event-xyz", &a, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "no-such-event-xyz"));
}

static void test_errno_reasons(void **state)
{
	char b[160];

	(void)state;
	pmu_errno_reason(ENOENT, true, b, sizeof(b));
	assert_string_equal(b, "PMU not virtualized on this host (ENOENT)");
	pmu_errno_reason(EACCES, true, b, sizeof(b));
	assert_non_null(strstr(b, "perf_event_paranoid"));
}

/* Count a real child: every event is a positive number or null with a
 * non-empty reason; software task-clock always counts. */
static void test_count_child(void **state)
{
	const char *names[] = {"cycles", "instructions", "task-clock",
			       "page-faults", "bogus-event-name"};
	char *argv[] = {"/bin/sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done", NULL};
	json_t *ctr = json_object(), *un = json_object();
	struct exec_result r;
	struct pmu_set s;
	char err[256];

	(void)state;
	pmu_set_init(&s, names, 5, false);
	assert_int_equal(exec_run(argv, &s, 30, &r, err, sizeof(err)), 0);
	assert_int_equal(r.status, 0);
	pmu_set_read(&s, ctr, un);
	for (size_t i = 0; i < 5; i++) {
		json_t *v = json_object_get(ctr, names[i]);
		const char *why = json_string_value(json_object_get(un, names[i]));

		assert_non_null(v);
		if (json_is_null(v)) {
			assert_non_null(why);
			assert_true(strlen(why) > 0);
		} else {
			assert_true(json_integer_value(v) > 0);
			assert_null(why);
		}
		printf("  %-18s %s\n", names[i], json_is_null(v) ? why : "counted");
	}
	assert_true(json_is_null(json_object_get(ctr, "bogus-event-name")));
	assert_true(json_integer_value(json_object_get(ctr, "task-clock")) > 1000000);
	json_decref(ctr);
	json_decref(un);
	exec_result_free(&r);
}

static void test_availability(void **state)
{
	const char *names[] = {"cycles", "task-clock"};
	struct pmu_set s;
	json_t *a;

	(void)state;
	pmu_set_init(&s, names, 2, true);
	/* VM runs: cycles (guest + host), cycles:guest (guest only), task-clock */
	assert_int_equal(s.n, 3);
	assert_string_equal(s.ev[1].name, "cycles:guest");
	assert_false(s.ev[0].attr.exclude_guest);
	assert_true(s.ev[1].attr.exclude_host);
	a = pmu_set_availability(&s);
	assert_true(json_is_true(json_object_get(json_object_get(a, "events"), "task-clock")));
	if (json_is_false(json_object_get(a, "available")))
		assert_true(json_is_string(json_object_get(a, "reason")));
	json_decref(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_errno_reasons),
		cmocka_unit_test(test_count_child),
		cmocka_unit_test(test_availability),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
