/* Round-robin run order with warm-up and adaptive repetitions. */
#include "bench/plan.h"

#include <math.h>
#include <stdlib.h>

void plan_init(struct plan *p, size_t nr_workloads, size_t nr_configs,
	       struct scenario_repeat rep)
{
	p->n = nr_workloads * nr_configs;
	p->cell = calloc(p->n ? p->n : 1, sizeof(*p->cell));
	p->cursor = 0;
	p->rep = rep;
	for (size_t i = 0; i < p->n; i++) {
		p->cell[i].w = i / nr_configs;
		p->cell[i].c = i % nr_configs;
	}
}

void plan_free(struct plan *p)
{
	free(p->cell);
	p->cell = NULL;
	p->n = 0;
}

static bool plan__settled(const struct plan *p, const struct plan_cell *c,
			  double spread)
{
	if (c->done >= p->rep.max)
		return true;
	if (c->done < p->rep.min)
		return false;
	/* an unknown spread (one value, non-numeric) cannot improve */
	return isnan(spread) || spread <= p->rep.max_rel_spread;
}

void plan_resume(struct plan *p, size_t idx, int done, double spread)
{
	struct plan_cell *c = &p->cell[idx];

	c->done = done;
	c->stop = plan__settled(p, c, spread);
}

long plan_next(struct plan *p, bool *warmup)
{
	for (size_t k = 0; k < p->n; k++) {
		size_t i = (p->cursor + k) % p->n;
		struct plan_cell *c = &p->cell[i];

		if (c->stop)
			continue;
		p->cursor = i + 1;
		*warmup = c->warm < p->rep.warmup;
		return (long)i;
	}
	return -1;
}

bool plan_done(struct plan *p, size_t idx, bool warmup, double spread)
{
	struct plan_cell *c = &p->cell[idx];

	if (warmup) {
		c->warm++;
		return false;
	}
	c->done++;
	if (plan__settled(p, c, spread))
		c->stop = true;
	return c->stop;
}

size_t plan_remaining(const struct plan *p)
{
	size_t left = 0;

	for (size_t i = 0; i < p->n; i++) {
		const struct plan_cell *c = &p->cell[i];

		if (c->stop)
			continue;
		if (c->warm < p->rep.warmup)
			left += p->rep.warmup - c->warm;
		left += c->done < p->rep.min ? (size_t)(p->rep.min - c->done) : 1;
	}
	return left;
}
