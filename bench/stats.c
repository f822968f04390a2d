/* Descriptive statistics, percentile bootstrap and the Mann-Whitney U test.
 * Change-point detection lives in bench/stats_cp.c. */
#include "bench/stats.h"
#include "bench/stats_rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int stats__cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

/* Quantile of an already sorted array (Hyndman & Fan type 7, as R's and
 * numpy's default). */
static double stats__sorted_quantile(const double *s, size_t n, double q)
{
	double h, frac;
	size_t lo;

	if (n == 0 || isnan(q))
		return NAN;
	if (q <= 0)
		return s[0];
	if (q >= 1)
		return s[n - 1];
	h = (double)(n - 1) * q;
	lo = (size_t)floor(h);
	frac = h - (double)lo;
	if (lo + 1 >= n)
		return s[n - 1];
	return s[lo] + frac * (s[lo + 1] - s[lo]);
}

double stats_quantile(const double *x, size_t n, double q)
{
	double *s, r;

	if (n == 0)
		return NAN;
	s = malloc(n * sizeof(*s));
	if (!s)
		return NAN;
	memcpy(s, x, n * sizeof(*s));
	qsort(s, n, sizeof(*s), stats__cmp_double);
	r = stats__sorted_quantile(s, n, q);
	free(s);
	return r;
}

double stats_median(const double *x, size_t n)
{
	return stats_quantile(x, n, 0.5);
}

double stats_mean(const double *x, size_t n)
{
	double sum = 0;

	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	return sum / (double)n;
}

double stats_stddev(const double *x, size_t n)
{
	double m, ss = 0;

	if (n < 2)
		return NAN;
	m = stats_mean(x, n);
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);
	return sqrt(ss / (double)(n - 1));
}

double stats_mad(const double *x, size_t n)
{
	double med, *d, r;

	if (n == 0)
		return NAN;
	med = stats_median(x, n);
	d = malloc(n * sizeof(*d));
	if (!d)
		return NAN;
	for (size_t i = 0; i < n; i++)
		d[i] = fabs(x[i] - med);
	r = stats_median(d, n);
	free(d);
	return r;
}

double stats_rel_spread(const double *x, size_t n)
{
	double med = stats_median(x, n);

	if (n == 0 || med == 0)
		return NAN;
	return stats_mad(x, n) / fabs(med);
}

/* Median of n values drawn with replacement from x; buf holds n doubles. */
static double stats__resample_median(const double *x, size_t n, double *buf,
				     uint64_t *rng)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = x[stats_rng_below(rng, n)];
	qsort(buf, n, sizeof(*buf), stats__cmp_double);
	return stats__sorted_quantile(buf, n, 0.5);
}

/* Percentile interval from the bootstrap replicates in r[0..m). */
static struct ci stats__percentile_ci(double *r, size_t m, double level)
{
	struct ci ci = {NAN, NAN};

	if (m == 0)
		return ci;
	qsort(r, m, sizeof(*r), stats__cmp_double);
	ci.lo = stats__sorted_quantile(r, m, (1 - level) / 2);
	ci.hi = stats__sorted_quantile(r, m, 1 - (1 - level) / 2);
	return ci;
}

struct ci stats_bootstrap_median_ci(const double *x, size_t n, double level,
				    int resamples, uint64_t seed)
{
	struct ci ci = {NAN, NAN};
	double *buf, *r;
	uint64_t rng = seed;

	if (n < 2 || resamples < 1 || !(level > 0 && level < 1))
		return ci;
	buf = malloc(n * sizeof(*buf));
	r = malloc((size_t)resamples * sizeof(*r));
	if (buf && r) {
		for (int i = 0; i < resamples; i++)
			r[i] = stats__resample_median(x, n, buf, &rng);
		ci = stats__percentile_ci(r, (size_t)resamples, level);
	}
	free(buf);
	free(r);
	return ci;
}

struct ci stats_bootstrap_ratio_ci(const double *a, size_t na, const double *b,
				   size_t nb, double level, int resamples,
				   uint64_t seed)
{
	struct ci ci = {NAN, NAN};
	double *ba, *bb, *r;
	size_t m = 0;
	uint64_t rng = seed;

	if (na < 2 || nb < 2 || resamples < 1 || !(level > 0 && level < 1))
		return ci;
	ba = malloc(na * sizeof(*ba));
	bb = malloc(nb * sizeof(*bb));
	r = malloc((size_t)resamples * sizeof(*r));
	if (ba && bb && r) {
		for (int i = 0; i < resamples; i++) {
			double ma = stats__resample_median(a, na, ba, &rng);
			double mb = stats__resample_median(b, nb, bb, &rng);

			/* a zero denominator has no ratio: drop the replicate */
			if (ma != 0)
				r[m++] = mb / ma;
		}
		/* if most replicates had no ratio, the interval means nothing */
		if (m * 2 > (size_t)resamples)
			ci = stats__percentile_ci(r, m, level);
	}
	free(ba);
	free(bb);
	free(r);
	return ci;
}

/* Number of (a_i, b_j) pairs with a_i > b_j, ties counting one half. */
static double stats__mwu_u(const double *a, size_t na, const double *b,
			   size_t nb)
{
	double u = 0;

	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			u += a[i] > b[j] ? 1 : a[i] == b[j] ? 0.5 : 0;
	return u;
}

/* Exact two-sided p of U for sizes m, n without ties (Mann & Whitney 1947):
 * the count of arrangements with statistic u obeys
 * f(m, n, u) = f(m - 1, n, u - n) + f(m, n - 1, u). */
static double stats__mwu_exact_p(size_t m, size_t n, double u)
{
	size_t umax = m * n, k = (size_t)llround(u);
	double *f, total = 0, below = 0, above = 0, p;

	/* f[i][j][v] folded into one table over (j, v) per i, iterating i */
	double *prev = calloc((n + 1) * (umax + 1), sizeof(double));
	double *cur = calloc((n + 1) * (umax + 1), sizeof(double));

	if (!prev || !cur) {
		free(prev);
		free(cur);
		return NAN;
	}
#define F(t, j, v) (t)[(j) * (umax + 1) + (v)]
	/* i = 0: one arrangement with U = 0 for every j */
	for (size_t j = 0; j <= n; j++)
		F(prev, j, 0) = 1;
	for (size_t i = 1; i <= m; i++) {
		memset(cur, 0, (n + 1) * (umax + 1) * sizeof(double));
		F(cur, 0, 0) = 1;
		for (size_t j = 1; j <= n; j++)
			for (size_t v = 0; v <= i * j; v++)
				F(cur, j, v) = (v >= j ? F(prev, j, v - j) : 0) +
					       F(cur, j - 1, v);
		f = prev;
		prev = cur;
		cur = f;
	}
	for (size_t v = 0; v <= umax; v++) {
		total += F(prev, n, v);
		if (v <= k)
			below += F(prev, n, v);
		if (v >= k)
			above += F(prev, n, v);
	}
#undef F
	free(prev);
	free(cur);
	p = 2 * fmin(below, above) / total;
	return p > 1 ? 1 : p;
}

/* Normal approximation with tie correction of the variance and continuity
 * correction (e.g. Hollander & Wolfe, Nonparametric Statistical Methods). */
static double stats__mwu_normal_p(const double *a, size_t na, const double *b,
				  size_t nb, double u)
{
	size_t n = na + nb;
	double *all = malloc(n * sizeof(*all));
	double ties = 0, mu, var, z;

	if (!all)
		return NAN;
	memcpy(all, a, na * sizeof(*all));
	memcpy(all + na, b, nb * sizeof(*all));
	qsort(all, n, sizeof(*all), stats__cmp_double);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && all[j] == all[i])
			j++;
		ties += pow((double)(j - i), 3) - (double)(j - i);
		i = j;
	}
	free(all);
	mu = (double)na * (double)nb / 2;
	var = (double)na * (double)nb / 12 *
	      ((double)(n + 1) - ties / ((double)n * (double)(n - 1)));
	if (var <= 0)
		return 1;   /* every value tied: no evidence of a difference */
	z = (fabs(u - mu) - 0.5) / sqrt(var);
	if (z < 0)
		z = 0;
	return fmin(1, erfc(z / M_SQRT2));
}

static int stats__has_ties(const double *a, size_t na, const double *b,
			   size_t nb)
{
	size_t n = na + nb;
	double *all = malloc(n * sizeof(*all));
	int ties = 0;

	if (!all)
		return 1;
	memcpy(all, a, na * sizeof(*all));
	memcpy(all + na, b, nb * sizeof(*all));
	qsort(all, n, sizeof(*all), stats__cmp_double);
	for (size_t i = 1; i < n; i++)
		ties |= all[i] == all[i - 1];
	free(all);
	return ties;
}

double stats_mann_whitney_p(const double *a, size_t na, const double *b,
			    size_t nb, double *u_out)
{
	double u;

	if (u_out)
		*u_out = NAN;
	if (na == 0 || nb == 0)
		return NAN;
	u = stats__mwu_u(a, na, b, nb);
	if (u_out)
		*u_out = u;
	if (na <= 20 && nb <= 20 && !stats__has_ties(a, na, b, nb))
		return stats__mwu_exact_p(na, nb, u);
	return stats__mwu_normal_p(a, na, b, nb, u);
}
