/* results.json (docs/results-schema.md) loaded with jansson and grouped by
 * sample key (workload, params, config.name, metric): the one reader every
 * report command uses. */
#ifndef REPORTS_RESULTS_LOAD_H
#define REPORTS_RESULTS_LOAD_H

#include <jansson.h>
#include <stddef.h>

/* One sample key with its repetitions. Strings and json_t pointers are
 * borrowed from the document (valid until report_results_free). */
struct report_series {
	const char *workload, *config, *env, *layer, *metric, *unit;
	char *params;           /* canonical compact JSON, "{}" when none */
	char *label;            /* "ptrchase working_set=64M" */
	json_t *params_obj;     /* object (possibly empty) */
	json_t *knobs;          /* config.knobs object (possibly empty) */
	int higher_is_better;
	size_t n;
	double *v;              /* values, in file order */
	json_t **samples;       /* the sample objects, in file order */
};

struct report_results {
	char *path;             /* the file actually read */
	json_t *root;
	const char *id, *time;  /* run.id, run.time ("" when absent) */
	json_t *host;           /* run.host or NULL */
	json_t *scenario;       /* or NULL */
	json_t *skipped;        /* array or NULL */
	struct report_series *s;
	size_t ns;
	const char *default_config;   /* the VM default config, or NULL */
};

/* Read PATH (a results.json, or a directory holding one). Returns 0, or -1
 * with "PATH: problem" in err. */
int report_results_load(const char *path, struct report_results *r,
			char *err, size_t errlen);
void report_results_free(struct report_results *r);

struct report_series *report_results_find(const struct report_results *r,
					  const char *workload,
					  const char *params,
					  const char *config,
					  const char *metric);
/* The native series measuring the same thing as s, or NULL. */
struct report_series *report_results_native(const struct report_results *r,
					    const struct report_series *s);
/* Distinct config names in order of first appearance; returns the count,
 * writes at most max. */
size_t report_results_configs(const struct report_results *r,
			      const char **names, size_t max);
/* The knobs object and env of a config by name (NULL when unknown). */
json_t *report_results_knobs(const struct report_results *r, const char *config,
			     const char **env);

#endif
