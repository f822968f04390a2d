/* hvperf recommend RESULTS [--alpha A] [--format md|txt]
 * For each configuration that changes knobs of the VM default, its effect
 * on every workload measured under both (ratio of medians, bootstrap CI,
 * Mann-Whitney), ranked; with the settings to apply and the trade-offs.
 * Only what was measured is recommended. Exit 0 done, 2 bad input. */
#include "reports/recommend.h"
#include "reports/doc.h"
#include "reports/fmt.h"
#include "reports/ratio.h"
#include "reports/results_load.h"
#include "bench/command.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REC_MAX 128

struct rec_cfg {
	const char *name;
	json_t *knobs;
	char diff[256];
	size_t wins, losses, same;
	double best, worst;      /* largest significant gain / loss */
	const char *best_label;
};

static int rec_usage(const char *why)
{
	fprintf(stderr, "hvperf recommend: %s\nusage: hvperf recommend RESULTS "
		"[--alpha 0.05] [--format md|txt]\n", why);
	return 2;
}

/* Rank: helps without hurting, helps and hurts, no difference, only hurts. */
static int rec__class(const struct rec_cfg *c)
{
	if (c->wins && !c->losses)
		return 0;
	if (c->wins)
		return 1;
	return c->losses ? 3 : 2;
}

static int rec__cmp(const void *a, const void *b)
{
	const struct rec_cfg *x = a, *y = b;
	int cx = rec__class(x), cy = rec__class(y);

	if (cx != cy)
		return cx - cy;
	return (y->best > x->best) - (y->best < x->best);
}

/* Effects of c against the default d; fills the counters of c and, when t
 * is given, one row per workload. */
static void rec__effects(const struct report_results *r, struct rec_cfg *c,
			 double alpha, struct rdoc_block *t)
{
	c->wins = c->losses = c->same = 0;
	c->best = c->worst = 0;
	for (size_t i = 0; i < r->ns; i++) {
		const struct report_series *d = &r->s[i], *s;
		struct report_ratio rr;
		struct ci g;
		double gain;
		char eff[128], p[32], verdict[32];
		int sig;

		if (strcmp(d->config, r->default_config))
			continue;
		s = report_results_find(r, d->workload, d->params, c->name, d->metric);
		if (!s)
			continue;
		report_ratio(d->v, d->n, s->v, s->n, &rr);
		gain = attribution_gain(rr.ratio, d->higher_is_better);
		g = attribution_gain_ci(rr.ci, d->higher_is_better);
		/* significant: the test rejects and the CI excludes "no change" */
		sig = rr.p < alpha && !isnan(g.lo) && (g.lo > 0 || g.hi < 0);
		if (sig && gain > 0) {
			c->wins++;
			if (gain > c->best) {
				c->best = gain;
				c->best_label = d->label;
			}
		} else if (sig) {
			c->losses++;
			c->worst = fmin(c->worst, gain);
		} else {
			c->same++;
		}
		if (!t)
			continue;
		if (isnan(g.lo))
			snprintf(eff, sizeof(eff), "%.1f%% %s (too few repetitions for a CI)",
				 fabs(gain) * 100, gain >= 0 ? "faster" : "slower");
		else
			snprintf(eff, sizeof(eff), "%.1f%% %s (95%% CI %.1f%% to %.1f%%)",
				 fabs(gain) * 100, gain >= 0 ? "faster" : "slower",
				 g.lo * 100, g.hi * 100);
		snprintf(p, sizeof(p), isnan(rr.p) ? "n/a" : "%.3g", rr.p);
		snprintf(verdict, sizeof(verdict), "%s", !sig ? "no significant difference" :
			 gain > 0 ? "better" : "worse");
		rdoc_row(t, d->label, d->metric, eff, p, verdict);
	}
}

static void rec__config(struct rdoc *d, const struct report_results *r,
			struct rec_cfg *c, size_t rank, double alpha)
{
	json_t *dk = report_results_knobs(r, r->default_config, NULL);
	struct rdoc_block *t;
	const char *k;
	json_t *v;
	char set[256], trade[512];

	rdoc_heading(d, 2, "%zu. %s (configuration %s)", rank, c->diff, c->name);
	switch (rec__class(c)) {
	case 0:
		rdoc_para(d, "Recommended: %s %.1f%% faster than the VM default; "
			  "better on %zu workload(s), no significant difference on %zu, "
			  "worse on none.", c->best_label, c->best * 100, c->wins, c->same);
		break;
	case 1:
		rdoc_para(d, "Mixed: better on %zu workload(s) (best: %s %.1f%% faster), "
			  "worse on %zu (worst: %.1f%% slower); apply only where the "
			  "better workloads matter.", c->wins, c->best_label,
			  c->best * 100, c->losses, -c->worst * 100);
		break;
	case 2:
		rdoc_para(d, "No significant difference from the VM default on any of "
			  "the %zu workload(s) measured.", c->same);
		break;
	default:
		rdoc_para(d, "Not recommended: worse on %zu workload(s) (worst: %.1f%% "
			  "slower), better on none.", c->losses, -c->worst * 100);
	}
	t = rdoc_table(d, 5, "workload", "metric", "effect vs VM default",
		       "p (Mann-Whitney)", "verdict");
	rec__effects(r, c, alpha, t);
	t = rdoc_table(d, 3, "knob", "setting to apply", "trade-off");
	json_object_foreach(c->knobs, k, v) {
		char kv[160], val[128];

		if (json_equal(v, json_object_get(dk, k)))
			continue;
		attribution_value_str(v, val, sizeof(val));
		snprintf(kv, sizeof(kv), "%s=%s", k, val);
		recommend_setting(k, v, set, sizeof(set));
		recommend_tradeoff(k, v, c->knobs, trade, sizeof(trade));
		rdoc_row(t, kv, set, trade);
	}
}

static int cmd_recommend(int argc, char **argv)
{
	const char *in = NULL, *cfgs[REC_MAX], *denv = NULL;
	enum report_format fmt = REPORT_MD;
	double alpha = 0.05;
	struct report_results r;
	struct rec_cfg c[REC_MAX];
	size_t nc = 0, n;
	struct rdoc d;
	char err[512], *end;
	json_t *dk;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			if (report_format_parse(argv[++i], &fmt) || fmt == REPORT_HTML)
				return rec_usage("--format must be md or txt");
		} else if (!strcmp(argv[i], "--alpha") && i + 1 < argc) {
			alpha = strtod(argv[++i], &end);
			if (end == argv[i] || *end || !(alpha > 0 && alpha < 1))
				return rec_usage("--alpha must be a number in (0, 1)");
		} else if (argv[i][0] == '-' || in) {
			return rec_usage("unexpected argument");
		} else {
			in = argv[i];
		}
	}
	if (!in)
		return rec_usage("missing RESULTS");
	if (report_results_load(in, &r, err, sizeof(err))) {
		fprintf(stderr, "hvperf recommend: %s\n", err);
		return 2;
	}
	if (!r.default_config) {
		fprintf(stderr, "hvperf recommend: %s: no VM configuration measured, "
			"nothing to recommend\n", r.path);
		report_results_free(&r);
		return 2;
	}
	dk = report_results_knobs(&r, r.default_config, &denv);
	n = report_results_configs(&r, cfgs, REC_MAX);
	for (size_t i = 0; i < n; i++) {
		const char *env = NULL;
		json_t *k = report_results_knobs(&r, cfgs[i], &env);

		if (!strcmp(cfgs[i], r.default_config) || strcmp(env, denv))
			continue;
		c[nc] = (struct rec_cfg){.name = cfgs[i], .knobs = k};
		if (!attribution_knob_diff(dk, k, c[nc].diff, sizeof(c[nc].diff)))
			continue;
		rec__effects(&r, &c[nc], alpha, NULL);
		nc++;
	}
	qsort(c, nc, sizeof(*c), rec__cmp);
	rdoc_init(&d, "hvperf recommend");
	rdoc_para(&d, "From %s (run %s). Each configuration below changes knobs of "
		  "the VM default (%s) and was measured in the same run; effects are "
		  "median ratios with 95%% bootstrap CIs, significant when the "
		  "Mann-Whitney p < %g and the CI excludes no change. \"Faster\" means "
		  "better in the metric's direction (more throughput or less latency). "
		  "Knobs not measured here are not recommended.", r.path, r.id,
		  r.default_config, alpha);
	if (!nc)
		rdoc_para(&d, "No configuration in this run changes a knob of the VM "
			  "default: nothing measured, so nothing to recommend.");
	for (size_t i = 0; i < nc; i++)
		rec__config(&d, &r, &c[i], i + 1, alpha);
	rdoc_render(&d, fmt, stdout, ".");
	rdoc_free(&d);
	report_results_free(&r);
	return 0;
}

HVPERF_COMMAND("recommend", cmd_recommend, "RESULTS [--alpha 0.05] [--format md|txt]",
	       "ranked knob recommendations from measured effects, with trade-offs");
