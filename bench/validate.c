/* hvperf validate RESULTS.json: check a results document against
 * docs/results-schema.md §3 and the harness's promises: every
 * (workload, configuration) of the scenario has samples unless it is
 * skipped or failed with a reason; KVM exit counts on VM samples only;
 * a null counter always has its reason, and never a 0 for "unavailable". */
#include "bench/command.h"
#include "bench/scenario.h"
#include "bench/validate.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

__attribute__((format(printf, 3, 4)))
static int validate__err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int validate__sample(json_t *s, size_t i, json_t *pmu_events, char *err,
			    size_t len)
{
	static const char *const strs[] = {"workload", "layer", "metric", "unit"};
	json_t *cfg = json_object_get(s, "config"), *ctr = json_object_get(s, "counters");
	json_t *cu = json_object_get(s, "counters_unavailable"), *kvm = json_object_get(s, "kvm");
	const char *env = json_string_value(json_object_get(cfg, "env")), *k;
	json_t *v;

	for (size_t j = 0; j < 4; j++)
		if (!json_is_string(json_object_get(s, strs[j])))
			return validate__err(err, len, "samples[%zu].%s: missing or not a string", i, strs[j]);
	if (!json_is_number(json_object_get(s, "value")) ||
	    !json_is_boolean(json_object_get(s, "higher_is_better")) ||
	    !json_is_integer(json_object_get(s, "repetition")) ||
	    !json_is_object(json_object_get(s, "params")))
		return validate__err(err, len, "samples[%zu]: value/higher_is_better/repetition/params missing or mistyped", i);
	if (!json_is_string(json_object_get(cfg, "name")) || !env_from_name(env))
		return validate__err(err, len, "samples[%zu].config: needs name and env native|micro|linux|qemu", i);
	if (!json_is_object(ctr))
		return validate__err(err, len, "samples[%zu].counters: not an object", i);
	json_object_foreach(ctr, k, v) {
		const char *why = json_string_value(json_object_get(cu, k));

		if (json_is_null(v) && (!why || !*why))
			return validate__err(err, len, "samples[%zu].counters.%s: null without a reason", i, k);
		if (!json_is_null(v) && (!json_is_number(v) || json_number_value(v) < 0))
			return validate__err(err, len, "samples[%zu].counters.%s: not a count", i, k);
		if (!json_is_null(v) && json_is_false(json_object_get(pmu_events, k)))
			return validate__err(err, len, "samples[%zu].counters.%s: a value for an event run.host.pmu says is unavailable", i, k);
	}
	if (!strcmp(env, "native") && !json_is_null(kvm))
		return validate__err(err, len, "samples[%zu].kvm: must be null for a native sample", i);
	if (strcmp(env, "native") && !json_is_integer(json_object_get(kvm, "exits")) &&
	    !json_is_string(json_object_get(kvm, "unavailable")))
		return validate__err(err, len, "samples[%zu].kvm: a VM sample needs exit counts (kvm.exits) or kvm.unavailable", i);
	if (!json_is_object(json_object_get(s, "memory")))
		return validate__err(err, len, "samples[%zu].memory: not an object", i);
	return 0;
}

static int validate__listed(json_t *arr, const char *w, const char *c)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e) {
		const char *ew = json_string_value(json_object_get(e, "workload"));
		const char *ec = json_string_value(json_object_get(e, "config"));
		json_t *cfgo = json_object_get(e, "config");

		if (!ec)
			ec = json_string_value(json_object_get(cfgo, "name"));
		if (ew && ec && !strcmp(ew, w) && !strcmp(ec, c))
			return 1;
	}
	return 0;
}

int validate_results(json_t *res, struct validate_summary *sum, char *err, size_t len)
{
	json_t *samples = json_object_get(res, "samples"), *skipped = json_object_get(res, "skipped");
	json_t *failures = json_object_get(res, "failures"), *host, *s, *opts;
	json_t *events;
	struct scenario sc;
	const char *filter;
	size_t i;

	memset(sum, 0, sizeof(*sum));
	if (strcmp(json_string_value(json_object_get(res, "schema")) ?: "", "hvperf-results/1"))
		return validate__err(err, len, "schema: not hvperf-results/1");
	host = json_object_get(json_object_get(res, "run"), "host");
	if (!json_is_string(json_object_get(json_object_get(res, "run"), "id")) || !json_is_object(host))
		return validate__err(err, len, "run: needs id and host");
	if (!json_is_array(samples) || !json_is_array(skipped))
		return validate__err(err, len, "samples/skipped: not arrays");
	events = json_object_get(json_object_get(host, "pmu"), "events");
	json_array_foreach(samples, i, s) {
		if (validate__sample(s, i, events, err, len))
			return -1;
		if (strcmp(json_string_value(json_object_get(json_object_get(s, "config"), "env")), "native"))
			sum->vm_samples++;
	}
	json_array_foreach(skipped, i, s)
		if (!json_is_string(json_object_get(s, "reason")) ||
		    !*json_string_value(json_object_get(s, "reason")))
			return validate__err(err, len, "skipped[%zu]: no reason", i);
	sum->samples = json_array_size(samples);
	sum->skipped = json_array_size(skipped);
	sum->failures = json_array_size(failures);
	sum->pmu_reason = json_string_value(json_object_get(json_object_get(host, "pmu"), "reason"));
	if (scenario_parse(json_object_get(res, "scenario"), "scenario", NULL, &sc, err, len))
		return -1;
	opts = json_object_get(json_object_get(res, "run"), "options");
	filter = json_string_value(json_object_get(opts, "filter"));
	for (size_t w = 0; w < sc.nr_workloads; w++)
		for (size_t c = 0; c < sc.nr_configs; c++) {
			const char *wn = sc.workloads[w].name, *cn = sc.configs[c].name;
			int has = 0;

			if (filter && fnmatch(filter, wn, 0))
				continue;
			json_array_foreach(samples, i, s)
				if (!strcmp(json_string_value(json_object_get(s, "workload")), wn) &&
				    !strcmp(json_string_value(json_object_get(json_object_get(s, "config"), "name")), cn))
					has = 1;
			if (!has && !validate__listed(skipped, wn, cn) &&
			    !validate__listed(failures, wn, cn)) {
				validate__err(err, len, "workload %s, configuration %s: no samples, not skipped, not failed",
					      wn, cn);
				scenario_free(&sc);
				return -1;
			}
		}
	sum->configs = sc.nr_configs;
	scenario_free(&sc);
	return 0;
}

static int cmd_validate(int argc, char **argv)
{
	struct validate_summary sum;
	json_error_t je;
	json_t *res;
	char err[512];
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: hvperf validate RESULTS.json\n");
		return 2;
	}
	res = json_load_file(argv[1], 0, &je);
	if (!res) {
		fprintf(stderr, "hvperf validate: %s: line %d: %s\n", argv[1], je.line, je.text);
		return 2;
	}
	rc = validate_results(res, &sum, err, sizeof(err));
	if (rc)
		fprintf(stderr, "hvperf validate: %s: %s\n", argv[1], err);
	else
		printf("valid: %zu samples (%zu from VMs), %zu configurations, %zu skipped, %zu failed; hardware counters: %s\n",
		       sum.samples, sum.vm_samples, sum.configs, sum.skipped, sum.failures,
		       sum.pmu_reason ? sum.pmu_reason : "available");
	json_decref(res);
	return rc ? 1 : 0;
}

HVPERF_COMMAND("validate", cmd_validate, "RESULTS.json",
	       "check a results.json against the schema and the harness's rules");
