/* hvperf run: the loop that takes a validated scenario through the plan,
 * one measured run at a time, and keeps results.json current. */
#ifndef BENCH_RUNNER_H
#define BENCH_RUNNER_H

#include <jansson.h>
#include <stdbool.h>

#include "bench/launch.h"
#include "bench/manifest.h"
#include "bench/scenario.h"

struct runner_opts {
	const char *dir;       /* run directory (results.json lives here) */
	const char *filter;    /* fnmatch glob on workload names, or NULL */
	bool quick;            /* quick_args */
	bool json_progress;
	bool no_counters;      /* measure without PMU counters (bench/harness) */
};

/* Run everything not yet in res (a new or resumed document). Returns 0
 * when every runnable run succeeded, 3 when some failed (recorded in
 * "failures"), 1 when results could not be written. */
int runner_run(const struct scenario *s, const struct manifest *m,
	       const struct launch_paths *paths, const struct launch_host *host,
	       json_t *res, const struct runner_opts *o);

#endif
