/* The run loop: pick the next (workload, configuration) by the plan,
 * apply its host settings, launch it with counters, turn its result lines
 * into samples, write results.json. */
#include "bench/runner.h"
#include "bench/exec.h"
#include "bench/guestcmd.h"
#include "bench/hostmem.h"
#include "bench/kvmstats.h"
#include "bench/plan.h"
#include "bench/pmu.h"
#include "bench/progress.h"
#include "bench/resultline.h"
#include "bench/results.h"
#include "bench/stats.h"
#include "tuners/tuner.h"

#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wformat-truncation"

struct runner {
	const struct scenario *s;
	const struct manifest *m;
	const struct launch_paths *paths;
	const struct launch_host *host;
	const struct runner_opts *o;
	json_t *res;
	struct pmu_set pmu_native, pmu_vm;
	json_t *applied;       /* host settings now in force */
	struct progress prog;
	int failed;
};

/* Put the configuration's host settings in force (restoring the previous
 * configuration's first). NULL, or why they could not be applied. */
static const char *runner__host(struct runner *r, json_t *want, char *buf,
				size_t len)
{
	const char *k;
	json_t *v;

	if (json_equal(r->applied, want))
		return NULL;
	if (json_object_size(r->applied))
		tuner_restore_all();
	json_object_clear(r->applied);
	json_object_foreach(want, k, v) {
		char err[256];

		if (tuner_apply(k, json_string_value(v), err, sizeof(err))) {
			snprintf(buf, len, "host setting %s=%s: %s", k,
				 json_string_value(v), err);
			tuner_restore_all();
			json_object_clear(r->applied);
			return buf;
		}
		json_object_set(r->applied, k, v);
	}
	return NULL;
}

static json_t *runner__config_json(const struct scenario_config *c)
{
	json_t *o = json_pack("{s:s, s:s, s:O}", "name", c->name, "env", c->env,
			      "knobs", c->knobs);

	if (json_object_size(c->host))
		json_object_set(o, "host", c->host);
	return o;
}

static json_t *runner__args(const struct runner *r, size_t w,
			    const struct manifest_entry *e)
{
	json_t *a = r->s->workloads[w].args;

	if (!a)
		a = r->o->quick && e->quick_args ? e->quick_args : e->args;
	return a ? a : json_array();
}

/* One sample per result line, sharing the run's counters and memory. */
static void runner__samples(struct runner *r, json_t *lines, size_t w, size_t c,
			    int rep, const struct exec_result *x, json_t *stats,
			    struct pmu_set *pmu)
{
	const struct scenario_config *cfg = &r->s->configs[c];
	const struct manifest_entry *e = manifest_find(r->m, r->s->workloads[w].name);
	json_t *counters = json_object(), *cu = json_object();
	json_t *mem = json_object(), *mu = json_object(), *line;
	json_t *kvm = strcmp(cfg->env, "native") ? kvmstats_extract(stats) : NULL;
	size_t i;

	if (r->o->no_counters || !cfg->counters) {
		for (i = 0; i < pmu->n; i++) {
			json_object_set_new(counters, pmu->ev[i].name, json_null());
			json_object_set_new(cu, pmu->ev[i].name,
					    json_string("counters disabled for this run"));
		}
	} else {
		pmu_set_read(pmu, counters, cu);
	}
	hostmem_sample(stats, x->maxrss_bytes, mem, mu);
	if (!strcmp(cfg->env, "qemu"))
		kvm = json_pack("{s:s}", "unavailable", "not hv");
	else if (!kvm && strcmp(cfg->env, "native"))
		kvm = json_pack("{s:s}", "unavailable", "hv wrote no stats JSON");
	json_array_foreach(lines, i, line) {
		json_t *s = json_object(), *p = json_object_get(line, "params");
		json_t *extra = json_object_get(line, "extra");

		json_object_set_new(s, "workload", json_string(e->name));
		json_object_set_new(s, "params", p ? json_incref(p) : json_object());
		json_object_set_new(s, "layer", json_string(e->layer));
		json_object_set_new(s, "config", runner__config_json(cfg));
		json_object_set_new(s, "repetition", json_integer(rep));
		json_object_set(s, "metric", json_object_get(line, "metric"));
		json_object_set(s, "value", json_object_get(line, "value"));
		json_object_set(s, "unit", json_object_get(line, "unit"));
		json_object_set(s, "higher_is_better", json_object_get(line, "higher_is_better"));
		json_object_set_new(s, "wall_seconds", json_real(x->wall_s));
		json_object_set(s, "counters", counters);
		json_object_set(s, "counters_unavailable", cu);
		json_object_set_new(s, "kvm", kvm ? json_incref(kvm) : json_null());
		json_object_set(s, "memory", mem);
		if (json_object_size(mu))
			json_object_set(s, "memory_unavailable", mu);
		json_object_set_new(s, "extra", extra ? json_deep_copy(extra) : json_object());
		if (stats) {
			json_t *hv = json_object_get(stats, "hv");

			json_object_set(json_object_get(s, "extra"), "hv_wall_ns",
					json_object_get(hv, "wall_ns"));
			json_object_set(json_object_get(s, "extra"), "hv_boot_marker_ns",
					json_object_get(hv, "boot_marker_ns"));
		}
		results_add_sample(r->res, s);
	}
	json_decref(counters);
	json_decref(cu);
	json_decref(mem);
	json_decref(mu);
	json_decref(kvm);
}

/* The last console line before the guest's own status line: the reason
 * a guest workload failed (Linux guests print to the console, not stderr). */
static void runner__last_console(const char *out, char *buf, size_t len)
{
	char *copy = strdup(out ? out : ""), *p;

	for (p = strstr(copy, "HVPERF-GUEST: wl "); p; p = strstr(p + 1, "HVPERF-GUEST: wl "))
		*p = 0;
	exec_last_line(copy, buf, len);
	for (p = buf; *p; p++)
		if (*p == '\r')
			*p = ' ';
	free(copy);
}

/* One run of cell (w, c). 0 ok, -1 failed with the reason in why. */
static int runner__once(struct runner *r, size_t w, size_t c, int rep,
			bool warmup, char *why, size_t len)
{
	const struct scenario_config *cfg = &r->s->configs[c];
	const struct manifest_entry *e = manifest_find(r->m, r->s->workloads[w].name);
	bool native = !strcmp(cfg->env, "native");
	struct pmu_set *pmu = native ? &r->pmu_native : &r->pmu_vm;
	struct launch_cmd cmd;
	struct exec_result x;
	json_t *stats = NULL, *lines;
	const char *hostwhy;
	char tail[200];
	bool guest;
	int gst = 0;

	hostwhy = runner__host(r, cfg->host, why, len);
	if (hostwhy)
		return -1;
	if (launch_build(r->paths, e, runner__args(r, w, e), cfg, r->o->dir, &cmd,
			 why, len))
		return -1;
	if (exec_run(cmd.argv, r->o->no_counters || !cfg->counters ? NULL : pmu,
		     r->s->timeout_s,
		     &x, why, len)) {
		launch_cmd_free(&cmd);
		return -1;
	}
	if (cmd.stats_path[0]) {
		stats = json_load_file(cmd.stats_path, 0, NULL);
		unlink(cmd.stats_path);
	}
	lines = resultline_parse(x.out);
	if (!json_array_size(lines) && stats) {
		json_t *mv;
		size_t i;

		json_array_foreach(json_object_get(stats, "micro"), i, mv)
			if (resultline_valid(mv))
				json_array_append(lines, mv);
	}
	exec_last_line(x.err, tail, sizeof(tail));
	why[0] = 0;
	guest = !strcmp(cfg->env, "linux") || !strcmp(cfg->env, "qemu");
	if (guest) {
		gst = guestcmd_status(x.out, e->name);
		if (!tail[0])
			runner__last_console(x.out, tail, sizeof(tail));
	}
	if (x.timed_out)
		snprintf(why, len, "timed out after %.0f s", r->s->timeout_s);
	else if (x.status)
		snprintf(why, len, "exit status %d: %s", x.status, tail);
	else if (guest && gst < 0)
		snprintf(why, len, "the guest did not report the workload's exit status%s%s",
			 tail[0] ? ": " : "", tail);
	else if (guest && gst)
		snprintf(why, len, "workload exit status %d in the guest%s%s", gst,
			 tail[0] ? ": " : "", tail);
	else if (!json_array_size(lines))
		snprintf(why, len, "no result lines in the output%s%s",
			 tail[0] ? ": " : "", tail);
	else if (!warmup)
		runner__samples(r, lines, w, c, rep, &x, stats, pmu);
	if (warmup || why[0])
		pmu_set_close(pmu);
	json_decref(lines);
	json_decref(stats);
	exec_result_free(&x);
	launch_cmd_free(&cmd);
	return why[0] ? -1 : 0;
}

static void runner__summary(struct runner *r, size_t w, size_t c, char *buf,
			    size_t len)
{
	const char *wn = r->s->workloads[w].name, *cn = r->s->configs[c].name;
	json_t *s;
	size_t i, n = 0;
	double v[1024];
	const char *metric = NULL, *unit = "";
	json_t *params = NULL;
	char *ptext = NULL;

	/* the first key's median (metric and params: a sweep has one key per
	 * point) as a one-line summary; the spread is the worst over all keys */
	json_array_foreach(json_object_get(r->res, "samples"), i, s) {
		json_t *sp = json_object_get(s, "params");

		if (strcmp(json_string_value(json_object_get(s, "workload")), wn) ||
		    strcmp(json_string_value(json_object_get(json_object_get(s, "config"), "name")), cn))
			continue;
		if (!metric) {
			metric = json_string_value(json_object_get(s, "metric"));
			unit = json_string_value(json_object_get(s, "unit"));
			params = sp;
		}
		if (!strcmp(metric, json_string_value(json_object_get(s, "metric"))) &&
		    ((!params && !sp) || (params && sp && json_equal(params, sp))) && n < 1024)
			v[n++] = json_number_value(json_object_get(s, "value"));
	}
	if (!n) {
		snprintf(buf, len, "no samples");
		return;
	}
	if (json_object_size(params))
		ptext = json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(buf, len, "%d reps, %s%s%s median %.4g %s, worst spread %.2f%%",
		 results_reps_done(r->res, wn, cn), metric, ptext ? " " : "",
		 ptext ? ptext : "", stats_median(v, n),
		 unit, 100 * results_spread(r->res, wn, cn));
	free(ptext);
}

static int runner__save(struct runner *r)
{
	char err[512];

	if (results_write(r->res, r->o->dir, err, sizeof(err))) {
		fprintf(stderr, "hvperf run: %s\n", err);
		return -1;
	}
	return 0;
}

/* Mark cells that cannot run (filter, host, builds) and seed resumed ones. */
static void runner__prepare(struct runner *r, struct plan *p)
{
	json_object_set_new(r->res, "skipped", json_array());
	json_object_set_new(r->res, "failures", json_array());
	for (size_t i = 0; i < p->n; i++) {
		const char *wn = r->s->workloads[p->cell[i].w].name;
		const struct scenario_config *c = &r->s->configs[p->cell[i].c];
		const struct manifest_entry *e = manifest_find(r->m, wn);
		char buf[512];
		const char *why;

		if (r->o->filter && fnmatch(r->o->filter, wn, 0)) {
			p->cell[i].stop = true;
			continue;
		}
		why = launch_unavailable(r->paths, r->host, e, c, buf, sizeof(buf));
		if (why) {
			results_add_skipped(r->res, wn, c->name, why);
			p->cell[i].stop = true;
			continue;
		}
		plan_resume(p, i, results_reps_done(r->res, wn, c->name),
			    results_spread(r->res, wn, c->name));
	}
}

int runner_run(const struct scenario *s, const struct manifest *m,
	       const struct launch_paths *paths, const struct launch_host *host,
	       json_t *res, const struct runner_opts *o)
{
	struct runner r = {.s = s, .m = m, .paths = paths, .host = host, .o = o,
			   .res = res, .applied = json_object()};
	struct plan p;
	bool warmup;
	long i;
	int rc = 0;

	pmu_set_init(&r.pmu_native, pmu_default_events, pmu_nr_default_events, false);
	pmu_set_init(&r.pmu_vm, pmu_default_events, pmu_nr_default_events, true);
	json_object_set_new(json_object_get(json_object_get(res, "run"), "host"),
			    "pmu", pmu_set_availability(&r.pmu_native));
	for (size_t c = 0; c < s->nr_configs; c++)
		if (json_object_size(s->configs[c].host)) {
			tuner_install_restore_handlers();
			break;
		}
	plan_init(&p, s->nr_workloads, s->nr_configs, s->rep);
	runner__prepare(&r, &p);
	progress_init(&r.prog, o->json_progress);
	if (runner__save(&r))
		rc = 1;
	while (!rc && (i = plan_next(&p, &warmup)) >= 0) {
		struct plan_cell *cell = &p.cell[i];
		const char *wn = s->workloads[cell->w].name;
		const char *cn = s->configs[cell->c].name;
		char why[512], sum[256];

		progress_run(&r.prog, cn, wn, warmup ? cell->warm : cell->done,
			     warmup, plan_remaining(&p));
		if (runner__once(&r, cell->w, cell->c, cell->done, warmup, why,
				 sizeof(why))) {
			results_add_failure(res, wn, cn, warmup ? -1 : cell->done, why);
			cell->stop = true;
			r.failed++;
			progress_ran(&r.prog);
			progress_cell(&r.prog, cn, wn, why);
			rc = runner__save(&r) ? 1 : 0;
			continue;
		}
		progress_ran(&r.prog);
		if (plan_done(&p, i, warmup, results_spread(res, wn, cn))) {
			runner__summary(&r, cell->w, cell->c, sum, sizeof(sum));
			progress_cell(&r.prog, cn, wn, sum);
		}
		if (!warmup && runner__save(&r))
			rc = 1;
	}
	if (json_object_size(r.applied))
		tuner_restore_all();
	guestcmd_disk_cleanup(o->dir);
	progress_end(&r.prog, o->dir);
	plan_free(&p);
	json_decref(r.applied);
	return rc ? rc : r.failed ? 3 : 0;
}
