/* Change points by E-divisive means: Matteson & James, "A Nonparametric
 * Approach for Multiple Change Point Analysis of Multivariate Data", JASA
 * 109(505), 2014 (the method behind MongoDB's and Hunter's regression
 * detectors). Distance exponent alpha = 1 (the paper's default); the
 * function's alpha argument is the permutation test's significance level.
 *
 * For a segment, the statistic of splitting it into X = first tau points
 * and Y = the next kappa - tau points is
 *   Q = tau (kappa - tau) / kappa *
 *       ( 2/(m n) sum|X_i - Y_j| - C(m,2)^-1 sum|X_i - X_k|
 *         - C(n,2)^-1 sum|Y_j - Y_k| ),   m = tau, n = kappa - tau,
 * maximised over tau and kappa. Splits are found one at a time (bisection
 * of the segment with the largest Q); each is kept only if a permutation
 * test (values shuffled within the current segments) gives p <= alpha. */
#include "bench/stats.h"
#include "bench/stats_rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Shortest segment on either side of a split: the within-sample mean
 * distance needs at least two points, three keeps single outliers from
 * forming a segment. */
#define STATS_CP_MIN_SEGMENT 3

struct stats_cp_split {
	size_t tau;   /* index of the split inside the segment */
	double q;     /* -INFINITY when the segment is too short */
};

/* Best split of x[0..len); p is scratch for len * (len + 1) doubles:
 * p[k][i] = sum over j < i of |x_k - x_j|, so every sum is O(1). */
static struct stats_cp_split stats__cp_best(const double *x, size_t len,
					    double *p)
{
	struct stats_cp_split best = {0, -INFINITY};
	const size_t min = STATS_CP_MIN_SEGMENT;
	double wx = 0;

	if (len < 2 * min)
		return best;
	for (size_t k = 0; k < len; k++) {
		double *row = p + k * (len + 1);

		row[0] = 0;
		for (size_t i = 0; i < len; i++)
			row[i + 1] = row[i] + fabs(x[k] - x[i]);
	}
	for (size_t tau = 1; tau + min <= len; tau++) {
		double cross = 0, wy = 0, m = (double)tau;

		/* within-X distances of x[0..tau) */
		wx += p[(tau - 1) * (len + 1) + tau - 1];
		if (tau < min)
			continue;
		for (size_t k = tau; k < len; k++) {
			const double *row = p + k * (len + 1);
			double ny = (double)(k + 1 - tau), e, q;

			cross += row[tau];
			wy += row[k] - row[tau];
			if (k + 1 - tau < min)
				continue;
			e = 2 * cross / (m * ny) - 2 * wx / (m * (m - 1)) -
			    2 * wy / (ny * (ny - 1));
			q = m * ny / (m + ny) * e;
			if (q > best.q) {
				best.q = q;
				best.tau = tau;
			}
		}
	}
	return best;
}

/* Best split over all segments given by the sorted boundaries b[0..nb). */
static struct stats_cp_split stats__cp_best_all(const double *x, const size_t *b,
						size_t nb, double *p)
{
	struct stats_cp_split best = {0, -INFINITY};

	for (size_t s = 0; s + 1 < nb; s++) {
		struct stats_cp_split c = stats__cp_best(x + b[s], b[s + 1] - b[s], p);

		if (c.q > best.q) {
			best.q = c.q;
			best.tau = b[s] + c.tau;
		}
	}
	return best;
}

static void stats__cp_shuffle(double *y, const size_t *b, size_t nb,
			      uint64_t *rng)
{
	for (size_t s = 0; s + 1 < nb; s++)
		for (size_t i = b[s + 1] - 1; i > b[s]; i--) {
			size_t j = b[s] + stats_rng_below(rng, i - b[s] + 1);
			double t = y[i];

			y[i] = y[j];
			y[j] = t;
		}
}

size_t stats_change_points(const double *x, size_t n, double alpha,
			   int permutations, uint64_t seed, size_t *out,
			   size_t max)
{
	size_t *b, nb = 2, found = 0;
	double *p, *y;
	uint64_t rng = seed;

	if (n < 2 * STATS_CP_MIN_SEGMENT || max == 0 || permutations < 1)
		return 0;
	b = malloc((max + 2) * sizeof(*b));
	p = malloc(n * (n + 1) * sizeof(*p));
	y = malloc(n * sizeof(*y));
	if (!b || !p || !y)
		goto out;
	b[0] = 0;
	b[1] = n;
	while (found < max) {
		struct stats_cp_split obs = stats__cp_best_all(x, b, nb, p);
		int exceed = 0;
		size_t at;

		if (!isfinite(obs.q))
			break;
		/* permutation test: how often does shuffled data (within the
		 * segments found so far) split at least as well? */
		memcpy(y, x, n * sizeof(*y));
		for (int r = 0; r < permutations; r++) {
			stats__cp_shuffle(y, b, nb, &rng);
			if (stats__cp_best_all(y, b, nb, p).q >= obs.q)
				exceed++;
		}
		if ((double)(exceed + 1) / (permutations + 1) > alpha)
			break;
		for (at = nb; at > 0 && b[at - 1] > obs.tau; at--)
			b[at] = b[at - 1];
		b[at] = obs.tau;
		nb++;
		found++;
	}
	for (size_t i = 0; i < found; i++)
		out[i] = b[i + 1];
out:
	free(b);
	free(p);
	free(y);
	return found;
}
