/* Scenarios: what to run (workloads), where (a matrix of configurations)
 * and how often (repetition policy). Parsed and fully validated before
 * anything runs; docs/harness.md describes the format. */
#ifndef BENCH_SCENARIO_H
#define BENCH_SCENARIO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "bench/manifest.h"

struct scenario_workload {
	const char *name;
	json_t *args;          /* array of strings, or NULL: manifest's */
};

/* One expanded configuration (after the matrix cross product). */
struct scenario_config {
	char *name;
	const char *env;       /* native | micro | linux | qemu */
	json_t *knobs;         /* object: knob -> value (owned) */
	json_t *host;          /* object: tuner key -> string (owned) */
	char *origin;          /* JSON path of its template, for messages */
	bool counters;         /* PMU counters on ("counters": false: off) */
};

struct scenario_repeat {
	int min;               /* measured repetitions, default 5 */
	int warmup;            /* discarded runs first, default 1 */
	int max;               /* cap with extra repetitions, default 15 */
	double max_rel_spread; /* extra runs while MAD/median above, 0.05 */
};

struct scenario {
	json_t *doc;           /* the document as given */
	struct scenario_workload *workloads;
	size_t nr_workloads;
	struct scenario_config *configs;
	size_t nr_configs;
	struct scenario_repeat rep;
	double timeout_s;      /* per run, default 600 */
};

/* Load and validate. On error: -1 and one line in err of the form
 * "FILE: $.json.path: problem". The manifest may be NULL (workload names
 * are then not checked). */
int scenario_load(const char *path, const struct manifest *m,
		  struct scenario *s, char *err, size_t errlen);
int scenario_parse(json_t *doc, const char *path, const struct manifest *m,
		   struct scenario *s, char *err, size_t errlen);
void scenario_free(struct scenario *s);

/* Checks on one expanded configuration: knob types, knobs allowed for its
 * env, impossible combinations. Returns 0 or -1 with the problem in err. */
int scenario_check_config(const struct scenario_config *c, char *err,
			  size_t errlen);

/* "256M" -> bytes; -1 when malformed. Suffixes K M G T (powers of 1024). */
long long scenario_parse_size(const char *s);

#endif
