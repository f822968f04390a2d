/* One layer of `hvperf report`: per workload the native baseline and each
 * configuration as a ratio to native with a CI, the attribution waterfall
 * native -> VM default -> each knob, ratio bars and sweep plots. */
#include "reports/report.h"
#include "reports/attribution.h"
#include "reports/fmt.h"
#include "reports/ratio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAYER_MAX 256
#define WATERFALL_LABEL_MAX 30  /* longer knob lists do not fit under a bar */

static const char *const layer_sweep_params[] = {"working_set", "queue_depth"};

/* Series of the layer that stand for distinct (workload, params, metric). */
static size_t layer__keys(const struct report_results *r, const char *layer,
			  const struct report_series **keys)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ns && n < LAYER_MAX; i++) {
		const struct report_series *s = &r->s[i];
		size_t j = 0;

		if (strcmp(s->layer, layer))
			continue;
		while (j < n && (strcmp(keys[j]->workload, s->workload) ||
				 strcmp(keys[j]->params, s->params) ||
				 strcmp(keys[j]->metric, s->metric)))
			j++;
		if (j == n)
			keys[n++] = s;
	}
	return n;
}

/* Non-native configurations measured in the layer, in order. */
static size_t layer__configs(const struct report_results *r, const char *layer,
			     const char **cfg)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ns && n < LAYER_MAX; i++) {
		size_t j = 0;

		if (strcmp(r->s[i].layer, layer) || !strcmp(r->s[i].env, "native"))
			continue;
		while (j < n && strcmp(cfg[j], r->s[i].config))
			j++;
		if (j == n)
			cfg[n++] = r->s[i].config;
	}
	return n;
}

static void layer__key_table(struct rdoc *d, const struct report_results *r,
			     const struct report_series *key,
			     const struct report_series *nat,
			     const char **cfg, size_t nc, double *perf,
			     double *plo, double *phi)
{
	json_t *dknobs = r->default_config ?
			 report_results_knobs(r, r->default_config, NULL) : NULL;
	struct rdoc_block *t;
	char med[32], rat[96], pf[32], n[16], knobs[256];

	t = rdoc_table(d, 6, "configuration", "knobs vs VM default", "n",
		       "median", "ratio to native (95% CI)", "performance vs native");
	if (nat) {
		snprintf(n, sizeof(n), "%zu", nat->n);
		report_fmt_si(med, sizeof(med), stats_median(nat->v, nat->n));
		rdoc_row(t, "native", "-", n, med, "1 (baseline)", "100%");
	}
	for (size_t c = 0; c < nc; c++) {
		const struct report_series *s = report_results_find(r, key->workload,
			key->params, cfg[c], key->metric);
		struct report_ratio rr;
		struct ci pci;

		perf[c] = plo[c] = phi[c] = NAN;
		if (!s)
			continue;
		snprintf(n, sizeof(n), "%zu", s->n);
		report_fmt_si(med, sizeof(med), stats_median(s->v, s->n));
		if (!strcmp(cfg[c], r->default_config ? r->default_config : ""))
			snprintf(knobs, sizeof(knobs), "(VM default)");
		else if (!attribution_knob_diff(dknobs, s->knobs, knobs, sizeof(knobs)))
			snprintf(knobs, sizeof(knobs), "(same knobs)");
		if (!nat) {
			rdoc_row(t, cfg[c], knobs, n, med, "no native baseline", "n/a");
			continue;
		}
		report_ratio(nat->v, nat->n, s->v, s->n, &rr);
		pci = attribution_perf_ci(rr.ci, s->higher_is_better);
		perf[c] = attribution_perf(rr.ratio, s->higher_is_better);
		plo[c] = pci.lo;
		phi[c] = pci.hi;
		if (isnan(rr.ci.lo))
			snprintf(rat, sizeof(rat), "%.3f (too few repetitions for a CI)", rr.ratio);
		else
			snprintf(rat, sizeof(rat), "%.3f (%.3f–%.3f)", rr.ratio, rr.ci.lo, rr.ci.hi);
		snprintf(pf, sizeof(pf), "%.1f%%", perf[c] * 100);
		rdoc_row(t, cfg[c], knobs, n, med, rat, pf);
	}
}

static void layer__waterfall(struct rdoc *d, const struct report_results *r,
			     const struct report_series *key, const char **cfg,
			     size_t nc, const double *perf,
			     struct report_plots *plots, size_t idx)
{
	struct attribution_step st[LAYER_MAX + 2];
	static char labels[LAYER_MAX][128];
	const char *lp[LAYER_MAX];
	double pk[LAYER_MAX], pd = NAN;
	const char *denv = NULL;
	json_t *dknobs;
	size_t nk = 0;
	char name[200], title[256], lab[160], svg[220];

	if (!r->default_config)
		return;
	dknobs = report_results_knobs(r, r->default_config, &denv);
	for (size_t c = 0; c < nc; c++)
		if (!strcmp(cfg[c], r->default_config))
			pd = perf[c];
	if (isnan(pd))
		return;
	for (size_t c = 0; c < nc; c++) {
		const char *env = NULL;
		json_t *k = report_results_knobs(r, cfg[c], &env);

		if (!strcmp(cfg[c], r->default_config) || isnan(perf[c]) ||
		    strcmp(env, denv))
			continue;
		/* the knobs that differ make the best tick label; when they would
		 * not fit under a bar, the configuration's name (the table above
		 * the plot lists its knobs) */
		if (!attribution_knob_diff(dknobs, k, labels[nk], sizeof(labels[nk])) ||
		    strlen(labels[nk]) > WATERFALL_LABEL_MAX)
			snprintf(labels[nk], sizeof(labels[nk]), "%s", cfg[c]);
		lp[nk] = labels[nk];
		pk[nk++] = perf[c];
	}
	attribution_waterfall(pd, pk, lp, nk, st);
	report_key_label(lab, sizeof(lab), r, key);
	snprintf(title, sizeof(title), "%s: native -> VM default (%s) -> each knob alone",
		 lab, r->default_config);
	report_safe_name(lab, sizeof(lab), lab);
	snprintf(name, sizeof(name), "waterfall-%02zu-%s", idx, lab);
	report_plots_waterfall(plots, name, title, st, nk + 2);
	snprintf(title, sizeof(title), "plots/%s.png", name);
	snprintf(svg, sizeof(svg), "plots/%s.svg", name);
	rdoc_image(d, title, svg, "Overhead attribution: bar height is performance "
		   "relative to native; red = loss, green = gain over the VM default");
}

static void layer__bars(struct rdoc *d, const struct report_results *r,
			const char *layer, const struct report_series **keys,
			size_t nk, const char **cfg, size_t nc, const double *perf,
			const double *plo, const double *phi,
			struct report_plots *plots)
{
	static char labels[LAYER_MAX][160];
	const char *lp[LAYER_MAX];
	char name[64], png[96], svg[96], title[128];

	for (size_t k = 0; k < nk; k++) {
		report_key_label(labels[k], sizeof(labels[k]), r, keys[k]);
		lp[k] = labels[k];
	}
	snprintf(name, sizeof(name), "bars-%s", layer);
	snprintf(title, sizeof(title), "%s layer: performance relative to native "
		 "(95%% bootstrap CI)", layer);
	report_plots_bars(plots, name, title, "performance / native (1.0 = native)",
			  nk, lp, nc, cfg, perf, plo, phi, 1.0);
	snprintf(png, sizeof(png), "plots/%s.png", name);
	snprintf(svg, sizeof(svg), "plots/%s.svg", name);
	rdoc_image(d, png, svg, title);
}

static int layer__cmp_x(const void *a, const void *b)
{
	double x = ((const double *)a)[0], y = ((const double *)b)[0];

	return (x > y) - (x < y);
}

/* Value vs a swept parameter (working set, queue depth), one line per
 * configuration, for each workload of the layer that has such a sweep. */
static void layer__sweeps(struct rdoc *d, const struct report_results *r,
			  const char *layer, struct report_plots *plots)
{
	const char *done[LAYER_MAX];
	size_t ndone = 0;

	for (size_t i = 0; i < r->ns; i++) {
		const struct report_series *s = &r->s[i];
		const char *param = NULL, *cfg[LAYER_MAX];
		size_t j, nc = 0, npts = 0, off[LAYER_MAX], pts[LAYER_MAX];
		double (*pt)[4];
		double *x, *y, *lo, *hi;
		char name[160], title[256], png[200], svg[200];

		if (strcmp(s->layer, layer))
			continue;
		for (j = 0; j < 2; j++)
			if (json_is_number(json_object_get(s->params_obj, layer_sweep_params[j])))
				param = layer_sweep_params[j];
		for (j = 0; j < ndone && strcmp(done[j], s->workload); j++)
			;
		if (!param || j < ndone || ndone == LAYER_MAX)
			continue;
		done[ndone++] = s->workload;
		pt = calloc(r->ns, sizeof(*pt));
		x = calloc(r->ns, sizeof(double) * 4);
		if (!pt || !x) {
			free(pt);
			free(x);
			return;
		}
		y = x + r->ns;
		lo = y + r->ns;
		hi = lo + r->ns;
		for (size_t k = 0; k < r->ns && nc < LAYER_MAX; k++) {
			const struct report_series *o = &r->s[k];
			size_t m;

			if (strcmp(o->workload, s->workload) || strcmp(o->metric, s->metric))
				continue;
			for (m = 0; m < nc && strcmp(cfg[m], o->config); m++)
				;
			if (m == nc)
				cfg[nc++] = o->config;
		}
		for (size_t c = 0; c < nc; c++) {
			size_t n = 0;

			for (size_t k = 0; k < r->ns; k++) {
				const struct report_series *o = &r->s[k];
				json_t *pv = json_object_get(o->params_obj, param);
				struct ci ci;

				if (strcmp(o->workload, s->workload) ||
				    strcmp(o->metric, s->metric) ||
				    strcmp(o->config, cfg[c]) || !json_is_number(pv))
					continue;
				ci = stats_bootstrap_median_ci(o->v, o->n, REPORT_CI_LEVEL,
							       REPORT_RESAMPLES, REPORT_SEED);
				pt[n][0] = json_number_value(pv);
				pt[n][1] = stats_median(o->v, o->n);
				pt[n][2] = ci.lo;
				pt[n][3] = ci.hi;
				n++;
			}
			qsort(pt, n, sizeof(*pt), layer__cmp_x);
			off[c] = npts;
			pts[c] = n;
			for (size_t k = 0; k < n; k++, npts++) {
				x[npts] = pt[k][0];
				y[npts] = pt[k][1];
				lo[npts] = pt[k][2];
				hi[npts] = pt[k][3];
			}
		}
		snprintf(title, sizeof(title), "%s: %s (%s) vs %s, median and 95%% CI",
			 s->workload, s->metric, s->unit, param);
		snprintf(name, sizeof(name), "sweep-%s-%s", layer, s->workload);
		report_safe_name(name, sizeof(name), name);
		report_plots_lines(plots, name, title, param, s->metric,
				   !strcmp(param, "working_set"), nc, cfg, off, pts,
				   x, y, lo, hi);
		snprintf(png, sizeof(png), "plots/%s.png", name);
		snprintf(svg, sizeof(svg), "plots/%s.svg", name);
		rdoc_image(d, png, svg, title);
		free(pt);
		free(x);
	}
}

void report_layer_section(struct rdoc *d, const struct report_results *r,
			  const char *layer, struct report_plots *plots)
{
	const struct report_series *keys[LAYER_MAX];
	const char *cfg[LAYER_MAX];
	size_t nk = layer__keys(r, layer, keys), nc = layer__configs(r, layer, cfg);
	double *perf = calloc(nk * (nc ? nc : 1) * 3 + 1, sizeof(double));
	double *plo = perf + nk * nc, *phi = plo + nk * nc;
	static size_t idx;
	char lab[200];

	if (!nk || !perf) {
		free(perf);
		return;
	}
	rdoc_heading(d, 1, "Layer: %s", layer);
	for (size_t k = 0; k < nk; k++) {
		const struct report_series *nat = report_results_native(r, keys[k]);

		report_key_label(lab, sizeof(lab), r, keys[k]);
		rdoc_heading(d, 2, "%s — %s (%s, %s is better)", lab, keys[k]->metric,
			     keys[k]->unit, keys[k]->higher_is_better ? "higher" : "lower");
		layer__key_table(d, r, keys[k], nat, cfg, nc, perf + k * nc,
				 plo + k * nc, phi + k * nc);
		if (plots && nat)
			layer__waterfall(d, r, keys[k], cfg, nc, perf + k * nc, plots, idx++);
	}
	if (plots && nc) {
		rdoc_heading(d, 2, "%s layer plots", layer);
		layer__bars(d, r, layer, keys, nk, cfg, nc, perf, plo, phi, plots);
		layer__sweeps(d, r, layer, plots);
	}
	report_counter_tables(d, r, layer);
	free(perf);
}
