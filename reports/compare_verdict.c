#include "reports/compare.h"
#include "reports/attribution.h"

#include <math.h>
#include <stdlib.h>

enum compare_verdict compare_verdict(size_t n_base, size_t n_new, double ratio,
				     double p, int higher_is_better,
				     double alpha, double threshold)
{
	double gain = attribution_gain(ratio, higher_is_better);

	if (n_base < COMPARE_MIN_REPS || n_new < COMPARE_MIN_REPS)
		return COMPARE_TOO_FEW;
	if (isnan(p) || isnan(gain) || !(p < alpha))
		return COMPARE_NO_CHANGE;
	if (gain < -threshold)
		return COMPARE_REGRESSION;
	if (gain > threshold)
		return COMPARE_IMPROVEMENT;
	return COMPARE_NO_CHANGE;
}

const char *compare_verdict_name(enum compare_verdict v)
{
	switch (v) {
	case COMPARE_REGRESSION:  return "regression";
	case COMPARE_IMPROVEMENT: return "improvement";
	case COMPARE_TOO_FEW:     return "too few repetitions";
	default:                  return "no significant change";
	}
}

int compare_parse_threshold(const char *s, double *frac)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || (*end && !(end[0] == '%' && !end[1])) || !(v >= 0 && v < 1000))
		return -1;
	*frac = v / 100;
	return 0;
}
