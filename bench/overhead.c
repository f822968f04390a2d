/* hvperf overhead RESULTS BASE OTHER: per workload and metric, the ratio
 * median(OTHER) / median(BASE) with a 95% bootstrap CI and the
 * Mann-Whitney p-value, from one run's results.json. bench/harness.sh
 * uses it for the cost of measurement (counters on vs off). */
#include "bench/command.h"
#include "bench/stats.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t overhead__values(json_t *samples, const char *w, const char *m,
			       const char *cfg, double *out, size_t max)
{
	json_t *s;
	size_t i, n = 0;

	json_array_foreach(samples, i, s)
		if (n < max && !strcmp(json_string_value(json_object_get(s, "workload")), w) &&
		    !strcmp(json_string_value(json_object_get(s, "metric")), m) &&
		    !strcmp(json_string_value(json_object_get(json_object_get(s, "config"), "name")), cfg))
			out[n++] = json_number_value(json_object_get(s, "value"));
	return n;
}

static int cmd_overhead(int argc, char **argv)
{
	json_t *res, *samples, *s;
	json_error_t je;
	size_t i;
	int shown = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: hvperf overhead RESULTS.json BASE_CONFIG OTHER_CONFIG\n");
		return 2;
	}
	res = json_load_file(argv[1], 0, &je);
	if (!res) {
		fprintf(stderr, "hvperf overhead: %s: %s\n", argv[1], je.text);
		return 2;
	}
	samples = json_object_get(res, "samples");
	json_array_foreach(samples, i, s) {
		const char *w = json_string_value(json_object_get(s, "workload"));
		const char *m = json_string_value(json_object_get(s, "metric"));
		double a[256], b[256], u;
		size_t na, nb;
		struct ci ci;

		/* one line per (workload, metric): at its first BASE sample */
		if (strcmp(json_string_value(json_object_get(json_object_get(s, "config"), "name")), argv[2]) ||
		    json_integer_value(json_object_get(s, "repetition")) != 0)
			continue;
		na = overhead__values(samples, w, m, argv[2], a, 256);
		nb = overhead__values(samples, w, m, argv[3], b, 256);
		if (!nb)
			continue;
		ci = stats_bootstrap_ratio_ci(a, na, b, nb, 0.95, 2000, 1);
		printf("%-12s %-16s %s/%s = %.4f  95%% CI [%.4f, %.4f]  p=%.3f  (n=%zu/%zu, %s)\n",
		       w, m, argv[3], argv[2], stats_median(b, nb) / stats_median(a, na),
		       ci.lo, ci.hi, stats_mann_whitney_p(a, na, b, nb, &u), nb, na,
		       json_is_true(json_object_get(s, "higher_is_better")) ? "higher is better"
									    : "lower is better");
		shown++;
	}
	json_decref(res);
	if (!shown) {
		fprintf(stderr, "hvperf overhead: no samples of both %s and %s\n", argv[2], argv[3]);
		return 1;
	}
	return 0;
}

HVPERF_COMMAND("overhead", cmd_overhead, "RESULTS.json BASE_CONFIG OTHER_CONFIG",
	       "ratio of medians of two configurations of one run, with bootstrap CI");
