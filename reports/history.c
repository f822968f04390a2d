/* hvperf history DIR... [--out DIR] [--format md|txt|html] [--alpha A]
 * A series of results (one results.json per DIR, ordered by run.time):
 * per sample key, the median of each run, change points by E-divisive
 * means (bench/stats_cp.c), one plot per key with the change points
 * marked, and a summary. Exit 0 done, 1 written without plots, 2 bad input. */
#include "reports/attribution.h"
#include "reports/doc.h"
#include "reports/fmt.h"
#include "reports/plot.h"
#include "reports/ratio.h"
#include "reports/report.h"
#include "reports/results_load.h"
#include "bench/command.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HISTORY_PERMUTATIONS 199
#define HISTORY_MAX_CP       8

static int history_usage(const char *why)
{
	fprintf(stderr, "hvperf history: %s\nusage: hvperf history DIR... [--out DIR] "
		"[--format md|txt|html] [--alpha 0.05]\n", why);
	return 2;
}

static int history__by_time(const void *a, const void *b)
{
	const struct report_results *x = a, *y = b;

	return strcmp(x->time, y->time);
}

struct history_fill {
	const struct rdoc *d;
	enum report_format f;
	const char *dir;
};

static int history__fill(FILE *f, const void *arg)
{
	const struct history_fill *a = arg;

	return rdoc_render(a->d, a->f, f, a->dir);
}

/* One key across the runs: medians, CIs, change points, summary row. */
static void history__key(struct rdoc_block *t,
			 const struct report_results *runs, size_t nr,
			 const struct report_series *key, double alpha,
			 struct report_plots *plots, size_t idx)
{
	double y[nr], lo[nr], hi[nr];
	const char *xl[nr];
	size_t at[nr], m = 0, cp[HISTORY_MAX_CP], ncp;
	char cps[1024] = "", name[240], title[300], lab[200];
	char first[32], last[32];

	for (size_t i = 0; i < nr; i++) {
		const struct report_series *s = report_results_find(&runs[i], key->workload,
			key->params, key->config, key->metric);
		struct ci ci;

		if (!s)
			continue;
		ci = stats_bootstrap_median_ci(s->v, s->n, REPORT_CI_LEVEL,
					       REPORT_RESAMPLES, REPORT_SEED);
		y[m] = stats_median(s->v, s->n);
		lo[m] = ci.lo;
		hi[m] = ci.hi;
		xl[m] = runs[i].time;
		at[m++] = i;
	}
	ncp = stats_change_points(y, m, alpha, HISTORY_PERMUTATIONS, REPORT_SEED,
				  cp, HISTORY_MAX_CP);
	for (size_t c = 0; c < ncp; c++) {
		size_t from = c ? cp[c - 1] : 0, to = c + 1 < ncp ? cp[c + 1] : m;
		double before = stats_median(y + from, cp[c] - from);
		double after = stats_median(y + cp[c], to - cp[c]);
		double gain = attribution_gain(after / before, key->higher_is_better);
		size_t l = strlen(cps);
		char pct[32];

		snprintf(cps + l, sizeof(cps) - l, "%sfrom run %s (%s): %s (%s)",
			 c ? "; " : "", runs[at[cp[c]]].id, runs[at[cp[c]]].time,
			 report_fmt_pct(pct, sizeof(pct), after / before - 1),
			 gain < 0 ? "worse" : "better");
	}
	if (m < 6)
		snprintf(cps, sizeof(cps), "none possible (%zu runs; 6 needed)", m);
	else if (!ncp)
		snprintf(cps, sizeof(cps), "none");
	snprintf(lab, sizeof(lab), "%zu", m);
	report_fmt_si(first, sizeof(first), m ? y[0] : NAN);
	report_fmt_si(last, sizeof(last), m ? y[m - 1] : NAN);
	{
		char fl[80];

		snprintf(fl, sizeof(fl), "%s → %s %s", first, last, key->unit);
		rdoc_row(t, key->label, key->config, key->metric, lab, fl, cps);
	}
	if (!plots || !m)
		return;
	snprintf(title, sizeof(title), "%s / %s: %s (median, 95%% CI)%s", key->label,
		 key->config, key->metric, ncp ? ", change points dashed" : "");
	snprintf(lab, sizeof(lab), "%s-%s-%s", key->label, key->config, key->metric);
	report_safe_name(lab, sizeof(lab), lab);
	snprintf(name, sizeof(name), "history-%02zu-%s", idx, lab);
	report_plots_series(plots, name, title, key->unit, m, xl, y, lo, hi, cp, ncp);
}

static int cmd_history(int argc, char **argv)
{
	const char *out = "history-report";
	enum report_format fmt = REPORT_MD;
	double alpha = 0.05;
	struct report_results *runs = calloc((size_t)argc, sizeof(*runs));
	struct report_plots plots, *pp = NULL;
	struct rdoc d;
	struct rdoc_block *t;
	size_t nr = 0, idx = 0;
	char err[512], path[4096], *end;
	int rc = 0;

	if (!runs)
		return 2;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			if (report_format_parse(argv[++i], &fmt)) {
				rc = history_usage("--format must be md, txt or html");
				goto out;
			}
		} else if (!strcmp(argv[i], "--alpha") && i + 1 < argc) {
			alpha = strtod(argv[++i], &end);
			if (end == argv[i] || *end || !(alpha > 0 && alpha < 1)) {
				rc = history_usage("--alpha must be a number in (0, 1)");
				goto out;
			}
		} else if (argv[i][0] == '-') {
			rc = history_usage("unexpected argument");
			goto out;
		} else if (report_results_load(argv[i], &runs[nr], err, sizeof(err))) {
			fprintf(stderr, "hvperf history: %s\n", err);
			rc = 2;
			goto out;
		} else {
			nr++;
		}
	}
	if (nr < 2) {
		rc = history_usage("need at least two results directories");
		goto out;
	}
	qsort(runs, nr, sizeof(*runs), history__by_time);
	if (mkdir(out, 0755) && errno != EEXIST) {
		fprintf(stderr, "hvperf history: %s: %s\n", out, strerror(errno));
		rc = 2;
		goto out;
	}
	if (fmt != REPORT_TXT) {
		if (report_plots_begin(&plots, out, err, sizeof(err))) {
			fprintf(stderr, "hvperf history: %s\n", err);
			rc = 2;
			goto out;
		}
		pp = &plots;
	}
	rdoc_init(&d, "hvperf history");
	rdoc_para(&d, "%zu runs from %s to %s. Per sample key: the median of each run; "
		  "change points by E-divisive means (Matteson & James 2014) with a "
		  "permutation test (%d permutations, significance %g), at least 3 runs "
		  "per segment.", nr, runs[0].time, runs[nr - 1].time,
		  HISTORY_PERMUTATIONS, alpha);
	t = rdoc_table(&d, 6, "workload", "configuration", "metric", "runs",
		       "first → latest median", "change points");
	/* every key of every run, once, in order of first appearance */
	for (size_t i = 0; i < nr; i++)
		for (size_t k = 0; k < runs[i].ns; k++) {
			const struct report_series *s = &runs[i].s[k];
			int seen = 0;

			for (size_t j = 0; j < i && !seen; j++)
				seen = !!report_results_find(&runs[j], s->workload, s->params,
							     s->config, s->metric);
			if (!seen)
				history__key(t, runs, nr, s, alpha, pp, idx++);
		}
	if (pp) {
		rdoc_heading(&d, 1, "Series");
		if (report_plots_run(pp, err, sizeof(err))) {
			fprintf(stderr, "hvperf history: plots unavailable: %s\n", err);
			rdoc_para(&d, "Plots unavailable: %s", err);
			rc = 1;
		} else {
			for (size_t i = 0; i < pp->n; i++) {
				char png[300], svg[300];

				snprintf(png, sizeof(png), "%s.png", pp->names[i]);
				snprintf(svg, sizeof(svg), "%s.svg", pp->names[i]);
				rdoc_image(&d, png, svg, pp->names[i] + strlen("plots/"));
			}
		}
	}
	snprintf(path, sizeof(path), "%s/history.%s", out, report_format_ext(fmt));
	if (report_write_atomic(path, history__fill,
				&(struct history_fill){&d, fmt, out})) {
		fprintf(stderr, "hvperf history: %s: %s\n", path, strerror(errno));
		rc = 2;
	} else {
		printf("wrote %s\n", path);
	}
	rdoc_free(&d);
out:
	if (pp)
		report_plots_free(pp);
	for (size_t i = 0; i < nr; i++)
		report_results_free(&runs[i]);
	free(runs);
	return rc;
}

HVPERF_COMMAND("history", cmd_history,
	       "DIR... [--out DIR] [--format md|txt|html] [--alpha 0.05]",
	       "change points (E-divisive) over a series of nightly results, with plots");
