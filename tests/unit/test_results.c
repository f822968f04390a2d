/* results.json: atomic writes, loading back, and resuming after a crash
 * (a child writes part of a run and is killed; the parent resumes). */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "bench/plan.h"
#include "bench/results.h"

static json_t *sample(const char *w, const char *c, int rep, double v)
{
	return json_pack("{s:s, s:{}, s:{s:s, s:s}, s:i, s:s, s:f, s:s, s:b}",
			 "workload", w, "params", "config", "name", c, "env", "native",
			 "repetition", rep, "metric", "ops_per_sec", "value", v,
			 "unit", "ops/s", "higher_is_better", 1);
}

static json_t *new_doc(void)
{
	json_t *scen = json_loads("{\"workloads\": [\"a\"], \"configurations\": [{\"env\": \"native\"}]}", 0, NULL);

	return results_new("20260101-000000-abcd", json_object(), scen, json_object());
}

static int files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.' || strncmp(e->d_name, ".results", 8) == 0;
	if (d)
		closedir(d);
	return n;
}

static void test_run_id(void **state)
{
	char id[64];

	(void)state;
	results_run_id(id, sizeof(id));
	assert_int_equal(strlen(id), 20);
	assert_int_equal(id[8], '-');
	assert_int_equal(id[15], '-');
}

static void test_write_load(void **state)
{
	char dir[] = "/tmp/test_results.XXXXXX", err[256];
	json_t *res = new_doc(), *back;

	(void)state;
	assert_non_null(mkdtemp(dir));
	results_add_sample(res, sample("a", "native", 0, 100));
	results_add_sample(res, sample("a", "native", 1, 110));
	results_add_skipped(res, "a", "linux", "no hardware virtualization");
	assert_int_equal(results_write(res, dir, err, sizeof(err)), 0);
	assert_int_equal(files_in(dir), 1);   /* no temp file left behind */
	back = results_load(dir, err, sizeof(err));
	assert_non_null(back);
	assert_true(json_equal(json_object_get(back, "samples"), json_object_get(res, "samples")));
	assert_int_equal(results_reps_done(back, "a", "native"), 2);
	assert_int_equal(results_reps_done(back, "a", "other"), 0);
	/* values 100, 110: median 105, MAD 5 */
	assert_true(fabs(results_spread(back, "a", "native") - 5.0 / 105) < 1e-9);
	assert_true(isnan(results_spread(back, "a", "other")));
	json_decref(back);
	json_decref(res);
	assert_int_equal(system("rm -rf /tmp/test_results.*"), 0);
}

static void test_load_errors(void **state)
{
	char dir[] = "/tmp/test_results.XXXXXX", err[256], path[128];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_null(results_load(dir, err, sizeof(err)));
	snprintf(path, sizeof(path), "%s/results.json", dir);
	f = fopen(path, "w");
	fputs("{\"schema\": \"something-else\"}", f);
	fclose(f);
	assert_null(results_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "not an hvperf-results/1"));
	assert_int_equal(system("rm -rf /tmp/test_results.*"), 0);
}

/* The child measures cells (A, B) round-robin and is killed after its
 * third write; the parent resumes: plan_resume seeds what was kept. */
static void test_crash_resume(void **state)
{
	char dir[] = "/tmp/test_results.XXXXXX", err[256];
	struct scenario_repeat rep = {.min = 3, .warmup = 0, .max = 3};
	const char *cfg[] = {"A", "B"};
	struct plan p;
	json_t *res;
	pid_t pid;
	int st, runs = 0;
	bool warm;
	long i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	pid = fork();
	if (pid == 0) {
		res = new_doc();
		plan_init(&p, 1, 2, rep);
		for (int n = 0; (i = plan_next(&p, &warm)) >= 0; n++) {
			if (n == 3)
				raise(SIGKILL);   /* the crash */
			results_add_sample(res, sample("a", cfg[i], p.cell[i].done, 100 + n));
			results_write(res, dir, err, sizeof(err));
			plan_done(&p, i, warm, 0);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st));
	res = results_load(dir, err, sizeof(err));
	assert_non_null(res);
	assert_int_equal(json_array_size(json_object_get(res, "samples")), 3);
	plan_init(&p, 1, 2, rep);
	for (size_t c = 0; c < 2; c++)
		plan_resume(&p, c, results_reps_done(res, "a", cfg[c]),
			    results_spread(res, "a", cfg[c]));
	assert_int_equal(p.cell[0].done, 2);
	assert_int_equal(p.cell[1].done, 1);
	while ((i = plan_next(&p, &warm)) >= 0) {
		results_add_sample(res, sample("a", cfg[i], p.cell[i].done, 100));
		plan_done(&p, i, warm, 0);
		runs++;
	}
	assert_int_equal(runs, 3);       /* only what was missing */
	assert_int_equal(results_reps_done(res, "a", "A"), 3);
	assert_int_equal(results_reps_done(res, "a", "B"), 3);
	plan_free(&p);
	json_decref(res);
	assert_int_equal(system("rm -rf /tmp/test_results.*"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_id),
		cmocka_unit_test(test_write_load),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_crash_resume),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
