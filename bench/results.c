/* results.json: one document per run, rewritten whole and atomically after
 * every measured run, so an interrupted run keeps everything that finished. */
#include "bench/results.h"
#include "bench/stats.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RESULTS_SCHEMA "hvperf-results/1"
#ifndef HVPERF_VERSION
#define HVPERF_VERSION "unknown" /* set by bench/results.mk */
#endif

void results_run_id(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	unsigned short rnd = 0;

	gmtime_r(&now, &tm);
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (unsigned short)(getpid() ^ now);
	snprintf(buf, len, "%04d%02d%02d-%02d%02d%02d-%04x", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, rnd);
}

json_t *results_new(const char *run_id, json_t *host, json_t *scenario,
		    json_t *options)
{
	char iso[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_pack("{s:s, s:{s:s, s:s, s:s, s:o, s:o}, s:o, s:[], s:[], s:[]}",
			 "schema", RESULTS_SCHEMA,
			 "run", "id", run_id, "time", iso,
			 "hvperf_version", HVPERF_VERSION,
			 "host", host ? host : json_object(),
			 "options", options ? options : json_object(),
			 "scenario", scenario ? scenario : json_null(),
			 "samples", "skipped", "failures");
}

int results_write(json_t *res, const char *dir, char *err, size_t errlen)
{
	char tmp[4096], dst[4096];
	int fd, dfd;

	snprintf(dst, sizeof(dst), "%s/results.json", dir);
	snprintf(tmp, sizeof(tmp), "%s/.results.json.XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "mkstemp %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (json_dumpfd(res, fd, JSON_INDENT(1) | JSON_REAL_PRECISION(10)) ||
	    write(fd, "\n", 1) != 1 || fsync(fd)) {
		snprintf(err, errlen, "writing %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	fchmod(fd, 0644);
	close(fd);
	if (rename(tmp, dst)) {
		snprintf(err, errlen, "rename %s -> %s: %s", tmp, dst, strerror(errno));
		unlink(tmp);
		return -1;
	}
	/* the rename itself is durable only once the directory is synced */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

json_t *results_load(const char *dir, char *err, size_t errlen)
{
	char path[4096];
	json_error_t je;
	json_t *res;
	const char *schema;

	snprintf(path, sizeof(path), "%s/results.json", dir);
	res = json_load_file(path, 0, &je);
	if (!res) {
		snprintf(err, errlen, "%s: %s", path, je.text);
		return NULL;
	}
	schema = json_string_value(json_object_get(res, "schema"));
	if (!schema || strcmp(schema, RESULTS_SCHEMA) ||
	    !json_is_array(json_object_get(res, "samples")) ||
	    !json_is_object(json_object_get(res, "scenario"))) {
		snprintf(err, errlen, "%s: not an %s document", path, RESULTS_SCHEMA);
		json_decref(res);
		return NULL;
	}
	if (!json_is_array(json_object_get(res, "skipped")))
		json_object_set_new(res, "skipped", json_array());
	if (!json_is_array(json_object_get(res, "failures")))
		json_object_set_new(res, "failures", json_array());
	return res;
}

void results_add_sample(json_t *res, json_t *sample)
{
	json_array_append_new(json_object_get(res, "samples"), sample);
}

void results_add_skipped(json_t *res, const char *workload, const char *config,
			 const char *reason)
{
	json_array_append_new(json_object_get(res, "skipped"),
			      json_pack("{s:s, s:s, s:s}", "workload", workload,
					"config", config, "reason", reason));
}

void results_add_failure(json_t *res, const char *workload, const char *config,
			 int repetition, const char *reason)
{
	json_array_append_new(json_object_get(res, "failures"),
			      json_pack("{s:s, s:s, s:i, s:s}", "workload", workload,
					"config", config, "repetition", repetition,
					"reason", reason));
}

static int results__match(json_t *s, const char *workload, const char *config)
{
	const char *w = json_string_value(json_object_get(s, "workload"));
	const char *c = json_string_value(json_object_get(json_object_get(s, "config"), "name"));

	return w && c && !strcmp(w, workload) && !strcmp(c, config);
}

int results_reps_done(json_t *res, const char *workload, const char *config)
{
	json_t *s;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(res, "samples"), i, s)
		if (results__match(s, workload, config)) {
			int r = (int)json_integer_value(json_object_get(s, "repetition"));

			if (r + 1 > n)
				n = r + 1;
		}
	return n;
}

/* Metric key: metric name plus params, as reports group samples. */
static char *results__key(json_t *s)
{
	char *p = json_dumps(json_object_get(s, "params"), JSON_SORT_KEYS | JSON_COMPACT);
	const char *m = json_string_value(json_object_get(s, "metric"));
	char *k = NULL;

	if (asprintf(&k, "%s|%s", m ? m : "", p ? p : "") < 0)
		k = NULL;
	free(p);
	return k;
}

double results_spread(json_t *res, const char *workload, const char *config)
{
	json_t *samples = json_object_get(res, "samples"), *s, *t;
	size_t n = json_array_size(samples), i, j;
	double *vals = malloc((n + 1) * sizeof(double)), worst = NAN;
	char *done = calloc(n + 1, 1);

	/* for each distinct metric key, the spread of its values */
	json_array_foreach(samples, i, s) {
		char *key;
		size_t nv = 0;

		if (done[i] || !results__match(s, workload, config))
			continue;
		key = results__key(s);
		for (j = i; j < n; j++) {
			char *k2;

			t = json_array_get(samples, j);
			if (done[j] || !results__match(t, workload, config))
				continue;
			k2 = results__key(t);
			if (key && k2 && !strcmp(key, k2)) {
				done[j] = 1;
				if (json_is_number(json_object_get(t, "value")))
					vals[nv++] = json_number_value(json_object_get(t, "value"));
			}
			free(k2);
		}
		free(key);
		if (nv >= 2) {
			double sp = stats_rel_spread(vals, nv);

			if (!isnan(sp) && (isnan(worst) || sp > worst))
				worst = sp;
		}
	}
	free(vals);
	free(done);
	return worst;
}
