#include "reports/attribution.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double attribution_perf(double ratio, int higher_is_better)
{
	if (isnan(ratio) || ratio <= 0)
		return NAN;
	return higher_is_better ? ratio : 1 / ratio;
}

struct ci attribution_perf_ci(struct ci ratio, int higher_is_better)
{
	struct ci c = {attribution_perf(ratio.lo, higher_is_better),
		       attribution_perf(ratio.hi, higher_is_better)};

	/* 1/x reverses the order of the bounds */
	if (!higher_is_better) {
		double t = c.lo;

		c.lo = c.hi;
		c.hi = t;
	}
	return c;
}

double attribution_gain(double ratio, int higher_is_better)
{
	if (isnan(ratio))
		return NAN;
	return higher_is_better ? ratio - 1 : 1 - ratio;
}

struct ci attribution_gain_ci(struct ci ratio, int higher_is_better)
{
	struct ci c;

	if (higher_is_better) {
		c.lo = ratio.lo - 1;
		c.hi = ratio.hi - 1;
	} else {
		c.lo = 1 - ratio.hi;
		c.hi = 1 - ratio.lo;
	}
	return c;
}

size_t attribution_waterfall(double perf_default, const double *perf_knob,
			     const char *const *labels, size_t nk,
			     struct attribution_step *out)
{
	out[0] = (struct attribution_step){"native", 0, 1};
	out[1] = (struct attribution_step){"VM default", 1, perf_default};
	for (size_t i = 0; i < nk; i++)
		out[2 + i] = (struct attribution_step){labels[i], perf_default,
						       perf_knob[i]};
	return nk + 2;
}

double attribution_recovered(double perf_default, double perf_knob)
{
	if (isnan(perf_default) || isnan(perf_knob) || fabs(1 - perf_default) < 1e-12)
		return NAN;
	return (perf_knob - perf_default) / (1 - perf_default);
}

void attribution_value_str(json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_number(v))
		snprintf(buf, len, "%g", json_number_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	else if (!v || json_is_null(v))
		snprintf(buf, len, "(unset)");
	else
		snprintf(buf, len, "(complex)");
}

static void knob__append(char *buf, size_t len, size_t *off, const char *k,
			 json_t *v)
{
	char val[128];

	attribution_value_str(v, val, sizeof(val));
	if (*off < len)
		*off += (size_t)snprintf(buf + *off, len - *off, "%s%s=%s",
					 *off ? ", " : "", k, val);
}

size_t attribution_knob_diff(json_t *base, json_t *cfg, char *buf, size_t len)
{
	size_t n = 0, off = 0;
	const char *k;
	json_t *v;

	if (len)
		buf[0] = 0;
	json_object_foreach(cfg, k, v) {
		if (!json_equal(v, json_object_get(base, k))) {
			knob__append(buf, len, &off, k, v);
			n++;
		}
	}
	json_object_foreach(base, k, v) {
		if (!json_object_get(cfg, k)) {
			knob__append(buf, len, &off, k, NULL);
			n++;
		}
	}
	return n;
}
