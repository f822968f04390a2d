/* hvperf compare: the verdict rule as a pure function (unit-tested in
 * tests/unit/test_report_compare.c). */
#ifndef REPORTS_COMPARE_H
#define REPORTS_COMPARE_H

#include <stddef.h>

enum compare_verdict {
	COMPARE_REGRESSION,
	COMPARE_IMPROVEMENT,
	COMPARE_TOO_FEW,
	COMPARE_NO_CHANGE,
};

#define COMPARE_MIN_REPS 3

/* ratio = median(new) / median(base), p = Mann-Whitney two-sided.
 * Regression: p < alpha and worse than threshold (a fraction, 0.05 = 5%)
 * in the metric's direction; improvement: p < alpha and better than
 * threshold; fewer than COMPARE_MIN_REPS on a side: too few. */
enum compare_verdict compare_verdict(size_t n_base, size_t n_new, double ratio,
				     double p, int higher_is_better,
				     double alpha, double threshold);
const char *compare_verdict_name(enum compare_verdict v);
/* "5%", "5" (both 5%) or "0.5%"; returns 0, or -1 when not a percentage
 * in [0, 1000). */
int compare_parse_threshold(const char *s, double *frac);

#endif
