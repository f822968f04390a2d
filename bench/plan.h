/* The run order: every (workload, configuration) cell gets its warm-up
 * runs, then its measured repetitions, interleaved round-robin across
 * cells (A B C A B C ..., never A A A B B B) so slow drift of the host
 * spreads evenly over configurations. A cell stops at min repetitions when
 * its relative spread is at most max_rel_spread, else at max. */
#ifndef BENCH_PLAN_H
#define BENCH_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/scenario.h"

struct plan_cell {
	size_t w, c;           /* workload and configuration index */
	int warm, done;        /* warm-up runs and measured repetitions */
	bool stop;             /* finished, skipped or failed */
};

struct plan {
	struct plan_cell *cell;
	size_t n, cursor;
	struct scenario_repeat rep;
};

/* Cells in workload-major order: (w0,c0) (w0,c1) ... (w1,c0) ... */
void plan_init(struct plan *p, size_t nr_workloads, size_t nr_configs,
	       struct scenario_repeat rep);
void plan_free(struct plan *p);
/* Seed a cell from an interrupted run: done repetitions and their spread. */
void plan_resume(struct plan *p, size_t idx, int done, double spread);
/* Next cell to run, or -1 when everything is done; *warmup says whether
 * the run is a discarded warm-up. */
long plan_next(struct plan *p, bool *warmup);
/* Record a finished run; spread is the cell's relative spread so far
 * (NAN if unknown). Returns true when the cell has just finished. */
bool plan_done(struct plan *p, size_t idx, bool warmup, double spread);
/* Runs left, as far as known now (extra repetitions not yet counted). */
size_t plan_remaining(const struct plan *p);

#endif
