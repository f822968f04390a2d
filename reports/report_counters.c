/* Counter tables of a layer: PMU events (or why they are unavailable),
 * KVM exits per unit of work, host memory. Medians over repetitions. */
#include "reports/report.h"
#include "reports/fmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CNT_MAXCOLS 8

/* Median of a numeric field over the samples of s (NAN when none). */
static double cnt__median(const struct report_series *s, const char *obj,
			  const char *key, double (*per)(json_t *, char *, size_t))
{
	double *v = calloc(s->n ? s->n : 1, sizeof(*v)), m;
	size_t n = 0;
	char unit[32];

	for (size_t i = 0; v && i < s->n; i++) {
		json_t *x = json_object_get(json_object_get(s->samples[i], obj), key);

		if (json_is_number(x))
			v[n++] = json_number_value(x) / (per ? per(s->samples[i], unit, sizeof(unit)) : 1);
	}
	m = n ? stats_median(v, n) : NAN;
	free(v);
	return m;
}

/* Units of work done by one sample; its name goes to unit. Throughput
 * metrics (".../s") did value * wall_seconds units; else extra.iterations;
 * else we can only say per second of wall time. */
static double cnt__work(json_t *sample, char *unit, size_t len)
{
	const char *u = json_string_value(json_object_get(sample, "unit"));
	double v = json_number_value(json_object_get(sample, "value"));
	double wall = json_number_value(json_object_get(sample, "wall_seconds"));
	json_t *it = json_object_get(json_object_get(sample, "extra"), "iterations");
	size_t ul = u ? strlen(u) : 0;

	if (ul > 2 && !strcmp(u + ul - 2, "/s") && wall > 0 && v > 0) {
		snprintf(unit, len, "%.*s", (int)(ul - 2), u);
		return v * wall;
	}
	if (json_is_number(it) && json_number_value(it) > 0) {
		snprintf(unit, len, "iteration");
		return json_number_value(it);
	}
	snprintf(unit, len, "s of wall time");
	return wall > 0 ? wall : NAN;
}

/* Union of keys of the per-sample object obj over the layer's series. */
static size_t cnt__names(const struct report_results *r, const char *layer,
			 const char *obj, const char **names, int exits_only)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ns; i++) {
		const char *k;
		json_t *v;

		if (strcmp(r->s[i].layer, layer))
			continue;
		for (size_t j = 0; j < r->s[i].n; j++)
			json_object_foreach(json_object_get(r->s[i].samples[j], obj), k, v) {
				size_t m = 0, kl = strlen(k);

				if (exits_only && (kl < 6 || strcmp(k + kl - 6, "_exits")))
					continue;
				while (m < n && strcmp(names[m], k))
					m++;
				if (m == n && n < CNT_MAXCOLS)
					names[n++] = k;
			}
	}
	return n;
}

/* The reason a counter is unavailable for a series, or NULL if counted. */
static const char *cnt__unavailable(const struct report_series *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++) {
		json_t *c = json_object_get(json_object_get(s->samples[i], "counters"), name);

		if (json_is_number(c))
			return NULL;
	}
	for (size_t i = 0; i < s->n; i++) {
		const char *why = json_string_value(json_object_get(
			json_object_get(s->samples[i], "counters_unavailable"), name));

		if (why)
			return why;
	}
	return "not recorded";
}

static void cnt__pmu(struct rdoc *d, const struct report_results *r,
		     const char *layer, char *key)
{
	const char *names[CNT_MAXCOLS], *cols[CNT_MAXCOLS], *same_why[CNT_MAXCOLS];
	size_t n = cnt__names(r, layer, "counters", names, 0), nc = 0;
	char buf[CNT_MAXCOLS][160], uline[1024] = "";
	struct rdoc_block *t;

	if (!n) {
		rdoc_para(d, "PMU counters: none recorded for this layer.");
		return;
	}
	/* a counter unavailable everywhere for one reason is said once */
	for (size_t c = 0; c < n; c++) {
		same_why[c] = NULL;
		for (size_t i = 0; i < r->ns; i++) {
			const char *why;

			if (strcmp(r->s[i].layer, layer))
				continue;
			why = cnt__unavailable(&r->s[i], names[c]);
			if (!why || (same_why[c] && strcmp(why, same_why[c]))) {
				same_why[c] = NULL;
				break;
			}
			same_why[c] = why;
		}
		if (same_why[c]) {
			size_t l = strlen(uline);

			snprintf(uline + l, sizeof(uline) - l, "%s%s: unavailable: %s",
				 l ? "; " : "", names[c], same_why[c]);
		} else {
			cols[nc++] = names[c];
		}
	}
	if (uline[0])
		rdoc_para(d, "PMU counters — %s.", uline);
	if (!nc)
		return;
	t = rdoc_table(d, 2 + nc, "workload", "configuration", nc > 0 ? cols[0] : "",
		       nc > 1 ? cols[1] : "", nc > 2 ? cols[2] : "", nc > 3 ? cols[3] : "",
		       nc > 4 ? cols[4] : "", nc > 5 ? cols[5] : "", nc > 6 ? cols[6] : "",
		       nc > 7 ? cols[7] : "");
	for (size_t i = 0; i < r->ns; i++) {
		const struct report_series *s = &r->s[i];

		if (strcmp(s->layer, layer))
			continue;
		for (size_t c = 0; c < nc; c++) {
			const char *why = cnt__unavailable(s, cols[c]);

			if (why)
				snprintf(buf[c], sizeof(buf[c]), "unavailable: %s", why);
			else
				report_fmt_si(buf[c], sizeof(buf[c]),
					      cnt__median(s, "counters", cols[c], NULL));
		}
		report_key_label(key, 200, r, s);
		rdoc_row(t, key, s->config, buf[0], buf[1], buf[2], buf[3], buf[4],
			 buf[5], buf[6], buf[7]);
	}
}

static void cnt__kvm(struct rdoc *d, const struct report_results *r,
		     const char *layer, char *key)
{
	const char *names[CNT_MAXCOLS];
	size_t n = cnt__names(r, layer, "kvm", names, 1);
	char buf[CNT_MAXCOLS][48], unit[32], total[48];
	struct rdoc_block *t = NULL;

	if (n > 6)
		n = 6;
	for (size_t i = 0; i < r->ns; i++) {
		const struct report_series *s = &r->s[i];

		if (strcmp(s->layer, layer) || !json_is_object(json_object_get(s->samples[0], "kvm")))
			continue;
		if (!t)
			t = rdoc_table(d, 4 + n, "workload", "configuration",
				       "unit of work", "KVM exits / unit",
				       n > 0 ? names[0] : "", n > 1 ? names[1] : "",
				       n > 2 ? names[2] : "", n > 3 ? names[3] : "",
				       n > 4 ? names[4] : "", n > 5 ? names[5] : "");
		cnt__work(s->samples[0], unit, sizeof(unit));
		report_fmt_si(total, sizeof(total), cnt__median(s, "kvm", "exits", cnt__work));
		for (size_t c = 0; c < n; c++)
			report_fmt_si(buf[c], sizeof(buf[c]),
				      cnt__median(s, "kvm", names[c], cnt__work));
		report_key_label(key, 200, r, s);
		rdoc_row(t, key, s->config, unit, total, buf[0], buf[1], buf[2],
			 buf[3], buf[4], buf[5]);
	}
	if (t)
		rdoc_para(d, "KVM exits above are per unit of work (per operation for "
			  "throughput metrics); native samples have no KVM exits.");
	else
		rdoc_para(d, "KVM exits: no VM samples with KVM statistics in this layer.");
}

static void cnt__memory(struct rdoc *d, const struct report_results *r,
			const char *layer, char *key)
{
	struct rdoc_block *t = NULL;
	char rss[32], ksm[48], swap[32], zs[32], tmp[32];

	for (size_t i = 0; i < r->ns; i++) {
		const struct report_series *s = &r->s[i];
		double kp;

		if (strcmp(s->layer, layer) || !json_is_object(json_object_get(s->samples[0], "memory")))
			continue;
		if (!t)
			t = rdoc_table(d, 6, "workload", "configuration", "RSS",
				       "KSM pages sharing", "swap used", "zswap stored");
		report_fmt_size(rss, sizeof(rss), cnt__median(s, "memory", "rss_bytes", NULL));
		kp = cnt__median(s, "memory", "ksm_pages_sharing", NULL);
		if (isnan(kp))
			snprintf(ksm, sizeof(ksm), "n/a");
		else
			snprintf(ksm, sizeof(ksm), "%.0f (%s)", kp,
				 report_fmt_size(tmp, sizeof(tmp), kp * 4096));
		report_fmt_size(swap, sizeof(swap), cnt__median(s, "memory", "swap_used_bytes", NULL));
		report_fmt_size(zs, sizeof(zs), cnt__median(s, "memory", "zswap_stored_bytes", NULL));
		report_key_label(key, 200, r, s);
		rdoc_row(t, key, s->config, rss, ksm, swap, zs);
	}
}

void report_counter_tables(struct rdoc *d, const struct report_results *r,
			   const char *layer)
{
	char key[200];

	rdoc_heading(d, 2, "%s layer counters", layer);
	cnt__pmu(d, r, layer, key);
	cnt__kvm(d, r, layer, key);
	cnt__memory(d, r, layer, key);
}
