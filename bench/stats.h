/* Statistics used by the harness and the reports. Pure functions on
 * arrays of doubles; no I/O. Randomised methods take an explicit seed so
 * results and tests are reproducible. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

struct ci {
	double lo, hi;   /* NAN, NAN when there is too little data */
};

double stats_median(const double *x, size_t n);          /* NAN if n == 0 */
double stats_mean(const double *x, size_t n);
double stats_stddev(const double *x, size_t n);          /* sample (n-1) */
double stats_mad(const double *x, size_t n);             /* median abs. deviation */
double stats_quantile(const double *x, size_t n, double q); /* linear interp. */
/* Relative spread used to decide on extra repetitions: MAD / median. */
double stats_rel_spread(const double *x, size_t n);

/* Percentile bootstrap CI of the median, level e.g. 0.95. */
struct ci stats_bootstrap_median_ci(const double *x, size_t n, double level,
				    int resamples, uint64_t seed);
/* Percentile bootstrap CI of median(b)/median(a) (independent samples). */
struct ci stats_bootstrap_ratio_ci(const double *a, size_t na, const double *b,
				   size_t nb, double level, int resamples,
				   uint64_t seed);

/* Mann-Whitney U test, two-sided. Exact p-value for small samples without
 * ties (na, nb <= 20), normal approximation with tie and continuity
 * correction otherwise. Returns p in [0, 1], NAN if a side is empty. */
double stats_mann_whitney_p(const double *a, size_t na, const double *b,
			    size_t nb, double *u_out);

/* Change points in a series (E-divisive means with a permutation test).
 * Writes up to max indexes (the first index of each new segment), sorted;
 * returns how many were found. */
size_t stats_change_points(const double *x, size_t n, double alpha,
			   int permutations, uint64_t seed, size_t *out,
			   size_t max);

#endif
