/* hvperf govern: watch the pool and the VMs, climb and descend the
 * reclamation ladder, log every action as one JSON line with its reason.
 *
 *   hvperf govern --config FILE [--interval MS] [--duration S] [--log FILE]
 *
 * Besides actions the log holds a "sample" line per step (pool free memory,
 * each VM's usage, limit, balloon, pressure, rung) for the time line, and
 * "oom-kill" lines when a VM's cgroup counts a new OOM kill. On exit
 * (duration, SIGINT/SIGTERM) every step still in force is undone, then the
 * host switches are restored by the tuners' journal. */
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/command.h"
#include "tuners/governor_act.h"
#include "tuners/governor_config.h"
#include "tuners/governor_observe.h"
#include "tuners/governor_policy.h"
#include "tuners/tuner.h"

#define DEF_INTERVAL_MS  500
#define MIN_INTERVAL_MS  50
#define MIB              1048576.0

static volatile sig_atomic_t gov_stop;

static void gov_on_signal(int sig)
{
	(void)sig;
	gov_stop = 1;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct gov_run {
	struct gov_config cfg;
	struct gov_state st;
	struct gov_probe probes[GOV_MAX_VMS];
	long long oom_seen[GOV_MAX_VMS];
	FILE *log;
	uint64_t t0;
};

static void log_line(struct gov_run *r, const char *event, json_t *o)
{
	struct timespec ts;
	char iso[64];
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(iso + strlen(iso), sizeof(iso) - strlen(iso), ".%03ldZ", ts.tv_nsec / 1000000);
	json_object_set_new(o, "time", json_string(iso));
	json_object_set_new(o, "t_ms", json_integer((json_int_t)(mono_ms() - r->t0)));
	json_object_set_new(o, "event", json_string(event));
	json_dumpf(o, r->log, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fputc('\n', r->log);
	fflush(r->log);
	json_decref(o);
}

static json_t *mib_or_null(uint64_t v)
{
	return v == GOV_NO_LIMIT ? json_null() : json_real((double)v / MIB);
}

static void log_sample(struct gov_run *r, const struct gov_obs *o)
{
	json_t *vms = json_array();

	for (int i = 0; i < o->nr_vms; i++) {
		const struct gov_vm_obs *v = &o->vm[i];

		json_array_append_new(vms, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:i, s:b}",
			"vm", v->name, "rung", gov_rung_name(gov_vm_rung(&r->st.vm[i])),
			"usage_mib", v->cgroup_ok ? json_real(v->cg_usage / MIB) : json_null(),
			"limit_mib", v->cgroup_ok ? mib_or_null(v->cg_limit) : json_null(),
			"balloon_mib", v->balloon_ok ? json_real(v->balloon_actual / MIB) : json_null(),
			"guest_free_mib", v->guest_free_known ? json_real(v->guest_free / MIB) : json_null(),
			"pressure", v->pressure, "idle", v->idle));
	}
	log_line(r, "sample", json_pack("{s:f, s:f, s:o}", "pool_total_mib", o->pool_total / MIB,
					"pool_free_mib", o->pool_free / MIB, "vms", vms));
}

static void do_actions(struct gov_run *r, const struct gov_obs *o,
		       struct gov_action *a, int n)
{
	for (int i = 0; i < n; i++) {
		char err[512];
		uint64_t t = mono_ms();
		int rc = gov_act_apply(&r->cfg, r->probes, &a[i], err, sizeof(err));
		json_t *line = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:b, s:I}",
			"action", gov_action_name(a[i].kind),
			"vm", a[i].vm >= 0 ? r->cfg.vms[a[i].vm].name : "host",
			"rung", gov_rung_name(a[i].rung),
			"direction", a[i].escalate ? "escalate" : "de-escalate",
			"value_mib", a[i].kind == GOV_ACT_BALLOON || a[i].kind == GOV_ACT_CG_LIMIT ?
				     mib_or_null(a[i].value) : json_integer((json_int_t)a[i].value),
			"reason", a[i].reason, "ok", rc == 0,
			"took_ms", (json_int_t)(mono_ms() - t));

		json_object_set_new(line, "pool_free_mib", json_real(o->pool_free / MIB));
		if (rc < 0) {
			json_object_set_new(line, "error", json_string(err));
			gov_policy_failed(&r->st, &a[i]);
		} else if (err[0]) {
			json_object_set_new(line, "note", json_string(err));
		}
		log_line(r, "action", line);
	}
}

static int observe(struct gov_run *r, struct gov_obs *o)
{
	char err[256];

	memset(o, 0, sizeof(*o));
	o->now_ms = mono_ms() - r->t0;
	o->nr_vms = r->cfg.nr_vms;
	for (int i = 0; i < o->nr_vms; i++) {
		long long k;

		gov_observe_vm(&r->cfg, i, &r->probes[i], o->now_ms, &o->vm[i]);
		k = gov_cg_oom_kills(&r->probes[i]);
		if (k > r->oom_seen[i] && r->oom_seen[i] >= 0)
			log_line(r, "oom-kill", json_pack("{s:s, s:I}", "vm", o->vm[i].name,
							  "oom_kills", (json_int_t)k));
		if (k >= 0)
			r->oom_seen[i] = k;
	}
	if (gov_observe_pool(&r->cfg, o, &o->pool_total, &o->pool_free, err, sizeof(err)) < 0) {
		log_line(r, "error", json_pack("{s:s}", "error", err));
		return -1;
	}
	return 0;
}

/* Undo every step still in force, newest rung first. */
static void unwind(struct gov_run *r)
{
	struct gov_obs o;
	struct gov_action a[GOV_MAX_ACTIONS];
	struct gov_params p = r->cfg.params;
	int n;

	p.dwell_ms = 0;
	p.low_free_pct = 0.0001;
	p.high_free_pct = 0.0002;
	for (int guard = 0; guard < GOV_MAX_VMS * GOV_RUNG_COUNT + 2; guard++) {
		if (observe(r, &o) < 0)
			return;
		o.pool_free = o.pool_total;   /* exiting: give everything back */
		n = gov_policy_step(&p, &r->st, &o, a, GOV_MAX_ACTIONS);
		if (n == 0)
			return;
		for (int i = 0; i < n; i++)
			snprintf(a[i].reason, sizeof(a[i].reason), "governor exiting: undo %s",
				 gov_rung_name(a[i].rung));
		do_actions(r, &o, a, n);
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: hvperf govern --config FILE [--interval MS] [--duration S] [--log FILE]\n");
	return 2;
}

static int cmd_govern(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, 0, 'c' }, { "interval", required_argument, 0, 'i' },
		{ "duration", required_argument, 0, 'd' }, { "log", required_argument, 0, 'l' },
		{ 0, 0, 0, 0 } };
	struct sigaction sa = {.sa_handler = gov_on_signal};
	const char *config = NULL, *logpath = NULL;
	static struct gov_run r;
	double duration = 0;
	long interval = DEF_INTERVAL_MS;
	char err[512];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:i:d:l:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'i': interval = strtol(optarg, NULL, 10); break;
		case 'd': duration = strtod(optarg, NULL); break;
		case 'l': logpath = optarg; break;
		default: return usage();
		}
	}
	if (!config || optind != argc || interval < MIN_INTERVAL_MS || duration < 0)
		return usage();
	if (gov_config_load(config, &r.cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "hvperf govern: %s\n", err);
		return 2;
	}
	r.log = logpath ? fopen(logpath, "we") : stdout;
	if (!r.log) {
		perror("hvperf govern: --log");
		return 1;
	}
	tuner_install_restore_handlers();   /* atexit restore of host switches */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);        /* but stop cleanly: unwind first */
	sigaction(SIGTERM, &sa, NULL);
	gov_state_init(&r.st);
	for (int i = 0; i < GOV_MAX_VMS; i++) {
		gov_probe_init(&r.probes[i]);
		r.oom_seen[i] = -1;
	}
	r.t0 = mono_ms();
	log_line(&r, "start", json_pack("{s:s, s:i, s:f, s:f, s:I}", "config", config,
		 "vms", r.cfg.nr_vms, "low_free_pct", r.cfg.params.low_free_pct,
		 "high_free_pct", r.cfg.params.high_free_pct, "dwell_ms",
		 (json_int_t)r.cfg.params.dwell_ms));
	if (gov_host_setup(&r.cfg.host, err, sizeof(err)) < 0) {
		log_line(&r, "error", json_pack("{s:s}", "error", err));
		fprintf(stderr, "hvperf govern: %s\n", err);
		return 1;
	}
	while (!gov_stop && (duration <= 0 || mono_ms() - r.t0 < duration * 1000)) {
		struct gov_action a[GOV_MAX_ACTIONS];
		struct gov_obs o;

		if (observe(&r, &o) == 0) {
			log_sample(&r, &o);
			do_actions(&r, &o, a, gov_policy_step(&r.cfg.params, &r.st, &o, a,
							      GOV_MAX_ACTIONS));
		}
		usleep((useconds_t)interval * 1000);
	}
	unwind(&r);
	log_line(&r, "stop", json_pack("{s:s}", "why", gov_stop ? "signal" : "duration"));
	for (int i = 0; i < GOV_MAX_VMS; i++)
		gov_probe_close(&r.probes[i]);
	tuner_restore_all();
	if (r.log != stdout)
		fclose(r.log);
	return 0;
}
HVPERF_COMMAND("govern", cmd_govern,
	       "--config FILE [--interval MS] [--duration S] [--log FILE]",
	       "per-VM memory reclamation governor (KSM, balloon, zswap, swap)");
