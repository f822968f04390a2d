/* hvperf plan RESULTS --host-mem SIZE --host-cpus N --vm MEM[,cpus=N]
 *                     [--host-reserve SIZE] [--cpu-ratio R] [--format md|txt]
 * VMs per host without and with memory overcommit (1.0, 1.25, 1.5, 2.0),
 * from the per-VM overheads, KSM savings and overcommit costs measured in
 * RESULTS; says which inputs were measured. Exit 0 done, 2 bad input. */
#include "reports/attribution.h"
#include "reports/capacity.h"
#include "reports/doc.h"
#include "reports/fmt.h"
#include "reports/ratio.h"
#include "reports/results_load.h"
#include "bench/command.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double plan_ratios[] = {1.0, 1.25, 1.5, 2.0};

static int plan_usage(const char *why)
{
	fprintf(stderr, "hvperf plan: %s\nusage: hvperf plan RESULTS --host-mem SIZE "
		"--host-cpus N --vm MEMSIZE[,cpus=N] [--host-reserve SIZE] "
		"[--cpu-ratio R] [--format md|txt]\n", why);
	return 2;
}

/* Guest RAM of a sample: memory.guest_ram_bytes, else knobs.mem. */
static double plan__guest_ram(json_t *sample, json_t *knobs)
{
	json_t *g = json_object_get(json_object_get(sample, "memory"), "guest_ram_bytes");
	double b;

	if (json_is_number(g))
		return json_number_value(g);
	g = json_object_get(knobs, "mem");
	if (json_is_string(g) && !report_parse_size(json_string_value(g), &b))
		return b;
	if (json_is_number(g))
		return json_number_value(g);
	return NAN;
}

/* Per-VM hv overhead from the VM default's samples: memory outside guest
 * RAM. Only samples whose RSS covers the guest RAM count (otherwise the
 * guest simply has not touched all of it and the difference means nothing). */
static double plan__overhead(const struct report_results *r, size_t *n, double *ram)
{
	double v[4096];

	*n = 0;
	*ram = NAN;
	for (size_t i = 0; i < r->ns; i++) {
		const struct report_series *s = &r->s[i];

		if (!r->default_config || strcmp(s->config, r->default_config))
			continue;
		for (size_t j = 0; j < s->n && *n < 4096; j++) {
			json_t *m = json_object_get(s->samples[j], "memory");
			json_t *out = json_object_get(m, "hv_rss_outside_guest_bytes");
			json_t *rss = json_object_get(m, "rss_bytes");
			double g = plan__guest_ram(s->samples[j], s->knobs);

			if (!isnan(g))
				*ram = g;
			if (json_is_number(out))
				v[(*n)++] = json_number_value(out);
			else if (json_is_number(rss) && !isnan(g) && json_number_value(rss) >= g)
				v[(*n)++] = json_number_value(rss) - g;
		}
	}
	return *n ? stats_median(v, *n) : NAN;
}

/* KSM savings as a share of guest RAM: pages_sharing of configurations
 * with ksm on. */
static double plan__ksm(const struct report_results *r, size_t *n)
{
	double v[4096];

	*n = 0;
	for (size_t i = 0; i < r->ns; i++) {
		json_t *k = json_object_get(r->s[i].knobs, "ksm");

		if (!(json_is_true(k) || (json_is_string(k) && !strcmp(json_string_value(k), "on"))))
			continue;
		for (size_t j = 0; j < r->s[i].n && *n < 4096; j++) {
			json_t *p = json_object_get(json_object_get(r->s[i].samples[j], "memory"),
						    "ksm_pages_sharing");

			double g = plan__guest_ram(r->s[i].samples[j], r->s[i].knobs);

			/* KSM merges 4 KiB pages */
			if (json_is_number(p) && g > 0)
				v[(*n)++] = fmin(json_number_value(p) * 4096 / g, 0.99);
		}
	}
	return *n ? stats_median(v, *n) : NAN;
}

/* Performance cost measured at overcommit ratio ratio: median and worst
 * gain vs the VM default over every workload measured under both. */
static int plan__cost(const struct report_results *r, double ratio, double *med,
		      double *worst, const char **worst_label, size_t *nk)
{
	double g[1024];

	*nk = 0;
	*worst = INFINITY;
	for (size_t i = 0; i < r->ns && r->default_config; i++) {
		const struct report_series *s = &r->s[i], *d;
		json_t *o = json_object_get(s->knobs, "overcommit");
		struct report_ratio rr;

		if (!json_is_number(o) || fabs(json_number_value(o) - ratio) > 1e-9)
			continue;
		d = report_results_find(r, s->workload, s->params, r->default_config, s->metric);
		if (!d || *nk >= 1024)
			continue;
		report_ratio(d->v, d->n, s->v, s->n, &rr);
		g[*nk] = attribution_gain(rr.ratio, s->higher_is_better);
		if (g[*nk] < *worst) {
			*worst = g[*nk];
			*worst_label = s->label;
		}
		(*nk)++;
	}
	*med = *nk ? stats_median(g, *nk) : NAN;
	return *nk ? 0 : -1;
}

static int plan__vm_arg(const char *s, double *mem, double *cpus)
{
	char buf[128], *comma, *end;

	snprintf(buf, sizeof(buf), "%s", s);
	comma = strchr(buf, ',');
	*cpus = 1;
	if (comma) {
		*comma++ = 0;
		if (strncmp(comma, "cpus=", 5))
			return -1;
		*cpus = strtod(comma + 5, &end);
		if (end == comma + 5 || *end || !(*cpus > 0))
			return -1;
	}
	return report_parse_size(buf, mem) || !(*mem > 0) ? -1 : 0;
}

static void plan__doc(struct rdoc *d, const struct report_results *r,
		      struct capacity_in *in, size_t n_over, double ram,
		      size_t n_ksm)
{
	char a[32], b[32], c[32], e[32], cost[160], ratio[16];
	struct rdoc_block *t;

	rdoc_para(d, "Host: %s memory (%s kept for the host), %g CPUs, %g vCPUs per CPU "
		  "allowed. VM: %s guest RAM, %g vCPU(s). From %s (run %s).",
		  report_fmt_size(a, sizeof(a), in->host_mem),
		  report_fmt_size(b, sizeof(b), in->host_reserve), in->host_cpus,
		  in->cpu_ratio, report_fmt_size(c, sizeof(c), in->vm_mem), in->vm_cpus,
		  r->path, r->id);
	rdoc_heading(d, 1, "Inputs");
	t = rdoc_table(d, 3, "input", "value", "source");
	if (isnan(in->hv_overhead))
		rdoc_row(t, "hv overhead per VM", "0 (assumed)", "absent: no VM default "
			 "sample with RSS covering its guest RAM");
	else {
		snprintf(e, sizeof(e), "%zu samples", n_over);
		snprintf(cost, sizeof(cost), "measured: median RSS minus guest RAM (%s) of "
			 "%s, %s", report_fmt_size(c, sizeof(c), ram), r->default_config, e);
		rdoc_row(t, "hv overhead per VM", report_fmt_size(a, sizeof(a), in->hv_overhead),
			 cost);
	}
	if (isnan(in->ksm_fraction))
		rdoc_row(t, "KSM saving", "not used", "absent: no configuration "
			 "with ksm on was measured");
	else {
		snprintf(cost, sizeof(cost), "measured: median ksm_pages_sharing x 4 KiB "
			 "/ guest RAM (%zu samples, ksm on); depends on how alike the "
			 "guests are", n_ksm);
		snprintf(a, sizeof(a), "%.1f%% of guest RAM", in->ksm_fraction * 100);
		rdoc_row(t, "KSM saving", a, cost);
	}
	rdoc_row(t, "balloon reclaim", "not used", "absent: results.json has no "
		 "balloon figures; overcommit beyond KSM relies on swap/zswap");

	rdoc_heading(d, 1, "VMs per host");
	t = rdoc_table(d, 7, "overcommit", "host memory per VM", "VMs (memory)",
		       "VMs (memory, with KSM)", "VMs (CPU)", "VMs per host",
		       "performance cost (measured)");
	for (size_t i = 0; i < sizeof(plan_ratios) / sizeof(plan_ratios[0]); i++) {
		struct capacity_row row, rk;
		double med, worst;
		const char *wl = NULL;
		size_t nk;
		char vm[16], vk[32], vc[16], v[16];

		if (capacity_row(in, plan_ratios[i], 0, &row) ||
		    capacity_row(in, plan_ratios[i], 1, &rk))
			continue;
		snprintf(ratio, sizeof(ratio), "%.2f", plan_ratios[i]);
		snprintf(vm, sizeof(vm), "%zu", row.by_mem);
		if (isnan(in->ksm_fraction))
			snprintf(vk, sizeof(vk), "n/a (not measured)");
		else
			snprintf(vk, sizeof(vk), "%zu", rk.by_mem);
		snprintf(vc, sizeof(vc), "%zu", row.by_cpu);
		snprintf(v, sizeof(v), "%zu", row.vms);
		if (plan_ratios[i] == 1.0)
			snprintf(cost, sizeof(cost), "none (no overcommit)");
		else if (plan__cost(r, plan_ratios[i], &med, &worst, &wl, &nk))
			snprintf(cost, sizeof(cost), "not measured");
		else
			snprintf(cost, sizeof(cost), "median %.1f%% slower over %zu workloads; "
				 "worst %s %.1f%% slower", -med * 100, nk, wl, -worst * 100);
		rdoc_row(t, ratio, report_fmt_size(a, sizeof(a), row.per_vm), vm, vk, vc,
			 v, cost);
	}
	rdoc_para(d, "Host memory per VM = guest RAM / overcommit ratio + hv overhead "
		  "(never overcommitted); with KSM, guest RAM x (1 - KSM saving) / ratio. VMs (memory) = floor((host memory - reserve) / "
		  "that). VMs per host = min(VMs by memory without KSM, VMs by CPU).");
}

static int cmd_plan(int argc, char **argv)
{
	const char *in_path = NULL;
	enum report_format fmt = REPORT_MD;
	struct capacity_in in = {.cpu_ratio = 1, .host_mem = NAN, .host_cpus = NAN,
				 .vm_mem = NAN};
	struct capacity_row probe;
	struct report_results r;
	struct rdoc d;
	size_t n_over, n_ksm;
	double ram;
	char err[512], *end;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--host-mem") && v) {
			if (report_parse_size(v, &in.host_mem))
				return plan_usage("--host-mem needs a size such as 64G");
		} else if (!strcmp(a, "--host-reserve") && v) {
			if (report_parse_size(v, &in.host_reserve))
				return plan_usage("--host-reserve needs a size such as 2G");
		} else if (!strcmp(a, "--host-cpus") && v) {
			in.host_cpus = strtod(v, &end);
			if (end == v || *end || !(in.host_cpus > 0))
				return plan_usage("--host-cpus needs a positive number");
		} else if (!strcmp(a, "--cpu-ratio") && v) {
			in.cpu_ratio = strtod(v, &end);
			if (end == v || *end || !(in.cpu_ratio > 0))
				return plan_usage("--cpu-ratio needs a positive number");
		} else if (!strcmp(a, "--vm") && v) {
			if (plan__vm_arg(v, &in.vm_mem, &in.vm_cpus))
				return plan_usage("--vm needs MEMSIZE[,cpus=N], e.g. 4G,cpus=2");
		} else if (!strcmp(a, "--format") && v) {
			if (report_format_parse(v, &fmt) || fmt == REPORT_HTML)
				return plan_usage("--format must be md or txt");
		} else if (a[0] == '-' || in_path) {
			return plan_usage("unexpected argument");
		} else {
			in_path = a;
			continue;
		}
		i++;
	}
	if (!in_path || isnan(in.host_mem) || isnan(in.host_cpus) || isnan(in.vm_mem))
		return plan_usage("RESULTS, --host-mem, --host-cpus and --vm are required");
	if (report_results_load(in_path, &r, err, sizeof(err))) {
		fprintf(stderr, "hvperf plan: %s\n", err);
		return 2;
	}
	in.hv_overhead = plan__overhead(&r, &n_over, &ram);
	in.ksm_fraction = plan__ksm(&r, &n_ksm);
	if (capacity_row(&in, 1.0, 0, &probe)) {
		fprintf(stderr, "hvperf plan: impossible sizes (host memory %g, reserve %g)\n",
			in.host_mem, in.host_reserve);
		report_results_free(&r);
		return 2;
	}
	rdoc_init(&d, "hvperf plan: capacity");
	plan__doc(&d, &r, &in, n_over, ram, n_ksm);
	rdoc_render(&d, fmt, stdout, ".");
	rdoc_free(&d);
	report_results_free(&r);
	return 0;
}

HVPERF_COMMAND("plan", cmd_plan,
	       "RESULTS --host-mem SIZE --host-cpus N --vm MEMSIZE[,cpus=N] [--host-reserve SIZE]",
	       "capacity plan: VMs per host with and without memory overcommit");
