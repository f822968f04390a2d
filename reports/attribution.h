/* Overhead attribution arithmetic (pure functions, unit-tested in
 * tests/unit/test_report_attribution.c).
 *
 * "perf" is performance relative to a baseline, oriented so that 1.0 is
 * the baseline and smaller is worse whatever the metric's direction:
 * ratio = median(config) / median(baseline), perf = ratio when higher is
 * better, 1 / ratio when lower is better (latency: 121 ns vs 84 ns native
 * is perf 0.69, i.e. the VM does 69% of native's work per unit time). */
#ifndef REPORTS_ATTRIBUTION_H
#define REPORTS_ATTRIBUTION_H

#include <jansson.h>
#include <stddef.h>

#include "bench/stats.h"

double attribution_perf(double ratio, int higher_is_better);
struct ci attribution_perf_ci(struct ci ratio, int higher_is_better);
/* Change in the metric's good direction: +0.18 = 18% better (18% more
 * throughput, or 18% less latency); negative = worse. */
double attribution_gain(double ratio, int higher_is_better);
struct ci attribution_gain_ci(struct ci ratio, int higher_is_better);

struct attribution_step {
	const char *label;
	double from, to;       /* perf before and after this step */
};

/* The waterfall native -> VM default -> each knob applied alone to the
 * default: out[0] = native (0 -> 1), out[1] = VM default (1 -> perf_default),
 * out[2 + i] = knob i (perf_default -> perf_knob[i]). out holds nk + 2.
 * Returns the number of steps written. */
size_t attribution_waterfall(double perf_default, const double *perf_knob,
			     const char *const *labels, size_t nk,
			     struct attribution_step *out);
/* Share of the VM default's overhead that a knob wins back:
 * (perf_knob - perf_default) / (1 - perf_default); NAN when the default
 * has no overhead to win back. */
double attribution_recovered(double perf_default, double perf_knob);

/* The knobs in cfg that differ from base, as "k=v, k2=v2" (a knob the
 * default sets and cfg does not is "k=(unset)"). Returns how many differ. */
size_t attribution_knob_diff(json_t *base, json_t *cfg, char *buf, size_t len);
/* A knob value as text: strings as is, numbers %g, booleans true/false. */
void attribution_value_str(json_t *v, char *buf, size_t len);

#endif
