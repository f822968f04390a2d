/* results.json (docs/results-schema.md §3): building the document, writing
 * it atomically, loading it back for --resume. */
#ifndef BENCH_RESULTS_H
#define BENCH_RESULTS_H

#include <jansson.h>
#include <stddef.h>

/* "YYYYMMDD-HHMMSS-xxxx" (UTC, 4 random hex digits) into buf. */
void results_run_id(char *buf, size_t len);

/* New document; takes references to host, scenario and options. */
json_t *results_new(const char *run_id, json_t *host, json_t *scenario,
		    json_t *options);

/* Write DIR/results.json atomically: temp file in DIR, fsync, rename,
 * fsync DIR. 0, or -1 with the failing call in err. */
int results_write(json_t *res, const char *dir, char *err, size_t errlen);
/* Load DIR/results.json (schema checked). NULL with err on failure. */
json_t *results_load(const char *dir, char *err, size_t errlen);

void results_add_sample(json_t *res, json_t *sample);   /* steals sample */
void results_add_skipped(json_t *res, const char *workload,
			 const char *config, const char *reason);
void results_add_failure(json_t *res, const char *workload, const char *config,
			 int repetition, const char *reason);

/* Measured repetitions of (workload, config) already in res: one more than
 * the highest repetition number, 0 when none. */
int results_reps_done(json_t *res, const char *workload, const char *config);
/* Largest relative spread (MAD/median) over the metrics of (workload,
 * config); NAN with fewer than 2 values. */
double results_spread(json_t *res, const char *workload, const char *config);

#endif
