/* hvperf overhead RESULTS BASE OTHER: per workload and metric, the ratio
 * median(OTHER) / median(BASE) with a 95% bootstrap CI and the
 * Mann-Whitney p-value, from one run's results.json. bench/harness
 * uses it for the cost of measurement (counters on vs off). */
#include "bench/command.h"
#include "bench/stats.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OVERHEAD_MAX_REPS 256

static const char *overhead__str(json_t *s, const char *key)
{
	const char *v = json_string_value(json_object_get(s, key));

	return v ? v : "";
}

static const char *overhead__config(json_t *s)
{
	return overhead__str(json_object_get(s, "config"), "name");
}

/* The sample key across configurations: workload, metric and params
 * (a sweep such as ptrchase has one key per working-set size). */
static char *overhead__key(json_t *s)
{
	char *params = json_dumps(json_object_get(s, "params") ? json_object_get(s, "params")
							       : json_object(),
				  JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	char *key = NULL;

	if (asprintf(&key, "%s|%s|%s", overhead__str(s, "workload"), overhead__str(s, "metric"),
		     params ? params : "{}") < 0)
		key = NULL;
	free(params);
	return key;
}

static size_t overhead__values(json_t *samples, const char *key, const char *cfg,
			       double *out, size_t max)
{
	json_t *s;
	size_t i, n = 0;

	json_array_foreach(samples, i, s) {
		char *k;

		if (n >= max || strcmp(overhead__config(s), cfg) ||
		    !json_is_number(json_object_get(s, "value")))
			continue;
		k = overhead__key(s);
		if (k && !strcmp(k, key))
			out[n++] = json_number_value(json_object_get(s, "value"));
		free(k);
	}
	return n;
}

/* True if the sample's key was already printed; records it otherwise. */
static bool seen_key(json_t **seen, json_t *s)
{
	char *key = overhead__key(s);
	bool was = !key || json_object_get(*seen, key);

	if (key && !was)
		json_object_set_new(*seen, key, json_true());
	free(key);
	return was;
}

static int cmd_overhead(int argc, char **argv)
{
	json_t *res, *samples, *s;
	json_error_t je;
	json_t *seen = json_object();
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
		double a[OVERHEAD_MAX_REPS], b[OVERHEAD_MAX_REPS], u;
		char *key, *params;
		size_t na, nb;
		struct ci ci;

		/* one line per key, at the first BASE sample that has it */
		if (strcmp(overhead__config(s), argv[2]) || seen_key(&seen, s))
			continue;
		key = overhead__key(s);
		na = key ? overhead__values(samples, key, argv[2], a, OVERHEAD_MAX_REPS) : 0;
		nb = key ? overhead__values(samples, key, argv[3], b, OVERHEAD_MAX_REPS) : 0;
		free(key);
		if (!na || !nb)
			continue;
		params = json_object_size(json_object_get(s, "params")) ?
			json_dumps(json_object_get(s, "params"), JSON_COMPACT | JSON_SORT_KEYS) :
			strdup("");
		ci = stats_bootstrap_ratio_ci(a, na, b, nb, 0.95, 2000, 1);
		printf("%-10s %-14s %-28s %s/%s = %.4f  95%% CI [%.4f, %.4f]  p=%.3f  (n=%zu/%zu, %s)\n",
		       overhead__str(s, "workload"), overhead__str(s, "metric"),
		       params ? params : "", argv[3], argv[2], stats_median(b, nb) / stats_median(a, na),
		       ci.lo, ci.hi, stats_mann_whitney_p(a, na, b, nb, &u), nb, na,
		       json_is_true(json_object_get(s, "higher_is_better")) ? "higher is better"
									    : "lower is better");
		free(params);
		shown++;
	}
	json_decref(seen);
	json_decref(res);
	if (!shown) {
		fprintf(stderr, "hvperf overhead: no samples of both %s and %s\n", argv[2], argv[3]);
		return 1;
	}
	return 0;
}

HVPERF_COMMAND("overhead", cmd_overhead, "RESULTS.json BASE_CONFIG OTHER_CONFIG",
	       "ratio of medians of two configurations of one run, with bootstrap CI");
