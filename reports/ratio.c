#include "reports/ratio.h"

#include <math.h>

void report_ratio(const double *base, size_t nb, const double *new,
		  size_t nn, struct report_ratio *out)
{
	out->base_median = stats_median(base, nb);
	out->new_median = stats_median(new, nn);
	out->ratio = out->base_median != 0 ? out->new_median / out->base_median : NAN;
	out->ci = stats_bootstrap_ratio_ci(base, nb, new, nn, REPORT_CI_LEVEL,
					   REPORT_RESAMPLES, REPORT_SEED);
	out->p = stats_mann_whitney_p(base, nb, new, nn, NULL);
}
