/* Comparing two sets of repetitions: ratio of medians with a percentile
 * bootstrap CI and a Mann-Whitney U p-value (bench/stats.h). The seed is
 * fixed so a report is the same every time it is made from the same file. */
#ifndef REPORTS_RATIO_H
#define REPORTS_RATIO_H

#include <stddef.h>

#include "bench/stats.h"

#define REPORT_CI_LEVEL     0.95
#define REPORT_RESAMPLES    2000
#define REPORT_SEED         0x6876706572660001ULL   /* "hvperf" 1 */

struct report_ratio {
	double base_median, new_median;
	double ratio;      /* new_median / base_median */
	struct ci ci;      /* of the ratio, NAN when a side has < 2 values */
	double p;          /* Mann-Whitney two-sided, NAN when a side is empty */
};

void report_ratio(const double *base, size_t nb, const double *new,
		  size_t nn, struct report_ratio *out);

#endif
