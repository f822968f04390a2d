/* Progress: on a terminal one self-rewriting line (run i/n, configuration,
 * workload, repetition, ETA); otherwise, or when CI is set, one line per
 * finished cell. --json adds machine-readable events on stdout. */
#ifndef BENCH_PROGRESS_H
#define BENCH_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

struct progress {
	bool tty, json;
	double start;
	size_t runs;           /* runs finished so far */
};

void progress_init(struct progress *p, bool json);
void progress_run(struct progress *p, const char *config, const char *workload,
		  int repetition, bool warmup, size_t remaining);
void progress_ran(struct progress *p);
void progress_cell(struct progress *p, const char *config, const char *workload,
		   const char *summary);
void progress_end(struct progress *p, const char *dir);

#endif
