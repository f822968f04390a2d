/* hvperf compare BASE NEW [--alpha A] [--threshold T%] [--format md|txt]
 *                         [--out FILE]
 * Per sample key, the change of the median with a bootstrap CI of the
 * ratio, a Mann-Whitney U test on the repetitions and a verdict.
 * Exit 0: nothing regressed, 1: something did, 2: bad input. */
#include "reports/compare.h"
#include "reports/attribution.h"
#include "reports/doc.h"
#include "reports/fmt.h"
#include "reports/ratio.h"
#include "reports/results_load.h"
#include "bench/command.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct compare_row {
	const struct report_series *b, *n;
	struct report_ratio rr;
	enum compare_verdict v;
};

static int compare_usage(const char *why)
{
	fprintf(stderr, "hvperf compare: %s\nusage: hvperf compare BASE NEW "
		"[--alpha 0.01] [--threshold 5%%] [--format md|txt] [--out FILE]\n", why);
	return 2;
}

static void compare__table(struct rdoc *d, const struct compare_row *rows,
			   size_t n, enum compare_verdict v)
{
	struct rdoc_block *t = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct compare_row *c = &rows[i];
		char bm[32], nm[32], ch[96], p[32], a[16], b[16], lo[16], hi[16];

		if (c->v != v)
			continue;
		if (!t)
			t = rdoc_table(d, 8, "verdict", "workload", "configuration",
				       "metric", "base median (n)", "new median (n)",
				       "change (95% CI)", "p (Mann-Whitney)");
		report_fmt_si(a, sizeof(a), c->rr.base_median);
		report_fmt_si(b, sizeof(b), c->rr.new_median);
		snprintf(bm, sizeof(bm), "%s (%zu)", a, c->b->n);
		snprintf(nm, sizeof(nm), "%s (%zu)", b, c->n->n);
		report_fmt_pct(a, sizeof(a), c->rr.ratio - 1);
		if (isnan(c->rr.ci.lo))
			snprintf(ch, sizeof(ch), "%s", a);
		else
			snprintf(ch, sizeof(ch), "%s (%s … %s)", a,
				 report_fmt_pct(lo, sizeof(lo), c->rr.ci.lo - 1),
				 report_fmt_pct(hi, sizeof(hi), c->rr.ci.hi - 1));
		snprintf(p, sizeof(p), isnan(c->rr.p) ? "n/a" : "%.3g", c->rr.p);
		rdoc_row(t, compare_verdict_name(v), c->b->label, c->b->config,
			 c->b->metric, bm, nm, ch, p);
	}
}

struct compare_fill {
	const struct rdoc *d;
	enum report_format f;
};

static int compare__fill(FILE *f, const void *arg)
{
	const struct compare_fill *a = arg;

	return rdoc_render(a->d, a->f, f, ".");
}

static int compare__run(struct report_results *base, struct report_results *new,
			double alpha, double thr, enum report_format fmt,
			const char *out)
{
	struct compare_row *rows = calloc(base->ns + 1, sizeof(*rows));
	size_t nr = 0, count[4] = {0}, only_base = 0, only_new = 0;
	struct rdoc d;
	struct rdoc_block *t = NULL;
	char title[256];
	int rc;

	if (!rows)
		return 2;
	for (size_t i = 0; i < base->ns; i++) {
		const struct report_series *b = &base->s[i];
		const struct report_series *n = report_results_find(new, b->workload,
			b->params, b->config, b->metric);

		if (!n) {
			only_base++;
			continue;
		}
		rows[nr].b = b;
		rows[nr].n = n;
		report_ratio(b->v, b->n, n->v, n->n, &rows[nr].rr);
		rows[nr].v = compare_verdict(b->n, n->n, rows[nr].rr.ratio, rows[nr].rr.p,
					     b->higher_is_better, alpha, thr);
		count[rows[nr].v]++;
		nr++;
	}
	if (!nr) {
		fprintf(stderr, "hvperf compare: %s and %s have no sample key "
			"(workload, params, config, metric) in common\n", base->path, new->path);
		free(rows);
		return 2;
	}
	snprintf(title, sizeof(title), "hvperf compare: %s → %s", base->id, new->id);
	rdoc_init(&d, title);
	rdoc_para(&d, "Base %s (%s), new %s (%s). %zu keys compared: %zu regression%s, "
		  "%zu improvement%s, %zu without significant change, %zu with too few "
		  "repetitions (< %d per side).", base->path, base->time, new->path,
		  new->time, nr, count[COMPARE_REGRESSION],
		  count[COMPARE_REGRESSION] == 1 ? "" : "s", count[COMPARE_IMPROVEMENT],
		  count[COMPARE_IMPROVEMENT] == 1 ? "" : "s", count[COMPARE_NO_CHANGE],
		  count[COMPARE_TOO_FEW], COMPARE_MIN_REPS);
	rdoc_para(&d, "Rule: a change is significant when the two-sided Mann-Whitney U "
		  "p < %g; it is a regression (or improvement) when also worse (better) "
		  "than %g%% in the metric's direction. Change = median(new)/median(base) "
		  "- 1 with a 95%% percentile bootstrap CI.", alpha, thr * 100);
	if (count[COMPARE_REGRESSION] + count[COMPARE_IMPROVEMENT] + count[COMPARE_TOO_FEW]) {
		rdoc_heading(&d, 1, "Findings");
		compare__table(&d, rows, nr, COMPARE_REGRESSION);
		compare__table(&d, rows, nr, COMPARE_IMPROVEMENT);
		compare__table(&d, rows, nr, COMPARE_TOO_FEW);
	}
	if (count[COMPARE_NO_CHANGE]) {
		rdoc_heading(&d, 1, "No significant change");
		compare__table(&d, rows, nr, COMPARE_NO_CHANGE);
	}
	for (size_t i = 0; i < new->ns; i++)
		only_new += !report_results_find(base, new->s[i].workload,
			new->s[i].params, new->s[i].config, new->s[i].metric);
	if (only_base + only_new) {
		rdoc_heading(&d, 1, "Not compared");
		t = rdoc_table(&d, 4, "only in", "workload", "configuration", "metric");
		for (size_t i = 0; i < base->ns; i++)
			if (!report_results_find(new, base->s[i].workload, base->s[i].params,
						 base->s[i].config, base->s[i].metric))
				rdoc_row(t, "base", base->s[i].label, base->s[i].config,
					 base->s[i].metric);
		for (size_t i = 0; i < new->ns; i++)
			if (!report_results_find(base, new->s[i].workload, new->s[i].params,
						 new->s[i].config, new->s[i].metric))
				rdoc_row(t, "new", new->s[i].label, new->s[i].config,
					 new->s[i].metric);
	}
	rc = count[COMPARE_REGRESSION] ? 1 : 0;
	if (out) {
		if (report_write_atomic(out, compare__fill, &(struct compare_fill){&d, fmt})) {
			fprintf(stderr, "hvperf compare: %s: %s\n", out, strerror(errno));
			rc = 2;
		}
	} else if (rdoc_render(&d, fmt, stdout, ".") || fflush(stdout)) {
		rc = 2;
	}
	rdoc_free(&d);
	free(rows);
	return rc;
}

static int cmd_compare(int argc, char **argv)
{
	const char *files[2] = {NULL, NULL}, *out = NULL;
	double alpha = 0.01, thr = 0.05;
	enum report_format fmt = REPORT_MD;
	struct report_results base, new;
	char err[512], *end;
	int nf = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--alpha") && i + 1 < argc) {
			alpha = strtod(argv[++i], &end);
			if (end == argv[i] || *end || !(alpha > 0 && alpha < 1))
				return compare_usage("--alpha must be a number in (0, 1)");
		} else if (!strcmp(argv[i], "--threshold") && i + 1 < argc) {
			if (compare_parse_threshold(argv[++i], &thr))
				return compare_usage("--threshold must be a percentage such as 5%");
		} else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			if (report_format_parse(argv[++i], &fmt) || fmt == REPORT_HTML)
				return compare_usage("--format must be md or txt");
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (argv[i][0] == '-' || nf == 2) {
			return compare_usage("unexpected argument");
		} else {
			files[nf++] = argv[i];
		}
	}
	if (nf != 2)
		return compare_usage("need BASE and NEW");
	if (report_results_load(files[0], &base, err, sizeof(err))) {
		fprintf(stderr, "hvperf compare: %s\n", err);
		return 2;
	}
	if (report_results_load(files[1], &new, err, sizeof(err))) {
		fprintf(stderr, "hvperf compare: %s\n", err);
		report_results_free(&base);
		return 2;
	}
	rc = compare__run(&base, &new, alpha, thr, fmt, out);
	report_results_free(&base);
	report_results_free(&new);
	return rc;
}

HVPERF_COMMAND("compare", cmd_compare,
	       "BASE NEW [--alpha 0.01] [--threshold 5%] [--format md|txt] [--out FILE]",
	       "regression verdict per metric (exit 0 none, 1 regression, 2 bad input)");
