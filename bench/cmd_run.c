/* hvperf run SCENARIO.json [--out DIR] [--repeat N] [--quick]
 *            [--filter GLOB] [--json]
 * hvperf run --resume DIR [--json] */
#include "bench/command.h"
#include "bench/launch.h"
#include "bench/manifest.h"
#include "bench/results.h"
#include "bench/runner.h"
#include "bench/scenario.h"
#include "tuners/hostfacts.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#pragma GCC diagnostic ignored "-Wformat-truncation"

static int cmd_run__mkdirs(const char *dir)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(tmp, 0755);
			*p = '/';
		}
	if (mkdir(tmp, 0755) && errno != EEXIST) {
		fprintf(stderr, "hvperf run: mkdir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

static json_t *cmd_run__host(const struct launch_host *h)
{
	json_t *host = hostfacts_collect();

	json_object_set_new(host, "kvm_flavour", json_string(h->flavour));
	json_object_set_new(host, "kvm_available", json_boolean(h->kvm));
	if (!h->kvm)
		json_object_set_new(host, "kvm_reason", json_string(h->reason));
	return host;
}

/* Apply --quick / --repeat to the scenario's repetition policy. */
static void cmd_run__policy(struct scenario *s, json_t *opts)
{
	json_t *rep = json_object_get(opts, "repeat");

	if (json_is_true(json_object_get(opts, "quick")))
		s->rep = (struct scenario_repeat){.min = 3, .warmup = 0, .max = 3,
						  .max_rel_spread = s->rep.max_rel_spread};
	if (json_is_integer(rep)) {
		s->rep.min = (int)json_integer_value(rep);
		if (s->rep.max < s->rep.min)
			s->rep.max = s->rep.min;
	}
}

static int cmd_run(int argc, char **argv)
{
	static const struct option lo[] = {
		{"out", required_argument, 0, 'o'}, {"repeat", required_argument, 0, 'r'},
		{"quick", no_argument, 0, 'q'}, {"filter", required_argument, 0, 'f'},
		{"resume", required_argument, 0, 'R'}, {"json", no_argument, 0, 'j'},
		{"no-counters", no_argument, 0, 'n'}, {0, 0, 0, 0}};
	struct runner_opts o = {0};
	const char *out = NULL, *resume = NULL, *spath;
	json_t *opts = json_object(), *res = NULL, *sdoc;
	struct launch_paths paths;
	struct launch_host host;
	struct manifest m;
	struct scenario s;
	char err[1024], dirbuf[4096], id[64], *end;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'r':
			errno = 0;
			rc = (int)strtol(optarg, &end, 10);
			if (*end || rc < 1 || rc > 1000) {
				fprintf(stderr, "hvperf run: --repeat wants 1..1000, not '%s'\n", optarg);
				return 2;
			}
			json_object_set_new(opts, "repeat", json_integer(rc));
			break;
		case 'q': json_object_set_new(opts, "quick", json_true()); break;
		case 'f': json_object_set_new(opts, "filter", json_string(optarg)); break;
		case 'R': resume = optarg; break;
		case 'j': o.json_progress = true; break;
		case 'n': json_object_set_new(opts, "no_counters", json_true()); break;
		default: return 2;
		}
	}
	if (!!resume == (optind < argc) || argc - optind > 1) {
		fprintf(stderr, "usage: hvperf run SCENARIO.json [--out DIR] [--repeat N] [--quick] [--filter GLOB] [--json]\n"
			"       hvperf run --resume DIR\n");
		return 2;
	}
	launch_paths_init(&paths);
	if (manifest_load(paths.manifest, &m, err, sizeof(err))) {
		fprintf(stderr, "hvperf run: workload manifest: %s\n", err);
		return 2;
	}
	if (resume) {
		res = results_load(resume, err, sizeof(err));
		if (!res) {
			fprintf(stderr, "hvperf run: --resume: %s\n", err);
			manifest_free(&m);
			return 2;
		}
		json_decref(opts);
		opts = json_incref(json_object_get(json_object_get(res, "run"), "options"));
		if (!opts)
			opts = json_object();
		sdoc = json_object_get(res, "scenario");
		snprintf(dirbuf, sizeof(dirbuf), "%s/results.json: scenario", resume);
		spath = dirbuf;
		rc = scenario_parse(sdoc, spath, &m, &s, err, sizeof(err));
		snprintf(dirbuf, sizeof(dirbuf), "%s", resume);
	} else {
		spath = argv[optind];
		rc = scenario_load(spath, &m, &s, err, sizeof(err));
	}
	if (rc) {
		fprintf(stderr, "%s\n", err);
		json_decref(res);
		json_decref(opts);
		manifest_free(&m);
		return 2;
	}
	cmd_run__policy(&s, opts);
	launch_host_probe(&paths, &host);
	if (!resume) {
		results_run_id(id, sizeof(id));
		if (out)
			snprintf(dirbuf, sizeof(dirbuf), "%s", out);
		else
			snprintf(dirbuf, sizeof(dirbuf), "results/%s", id);
		res = results_new(id, cmd_run__host(&host), json_incref(s.doc),
				  json_incref(opts));
	}
	o.dir = dirbuf;
	o.quick = json_is_true(json_object_get(opts, "quick"));
	o.filter = json_string_value(json_object_get(opts, "filter"));
	o.no_counters = json_is_true(json_object_get(opts, "no_counters"));
	rc = cmd_run__mkdirs(dirbuf) ? 1 : runner_run(&s, &m, &paths, &host, res, &o);
	json_decref(res);
	json_decref(opts);
	scenario_free(&s);
	manifest_free(&m);
	return rc;
}

HVPERF_COMMAND("run", cmd_run,
	       "SCENARIO.json [--out DIR] [--repeat N] [--quick] [--filter GLOB] [--json] | --resume DIR",
	       "run a scenario's matrix of configurations; write results.json");
