/* The top of a report: where and what was measured, so it can be redone. */
#include "reports/report.h"
#include "reports/attribution.h"
#include "reports/fmt.h"
#include "reports/ratio.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const report_layer_order[4] = {"cpu", "memory", "storage", "network"};

void report_safe_name(char *buf, size_t len, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '.' ?
			 s[i] : '_';
	buf[i] = 0;
}

void report_key_label(char *buf, size_t len, const struct report_results *r,
		      const struct report_series *s)
{
	int several = 0;

	for (size_t i = 0; i < r->ns; i++)
		if (!strcmp(r->s[i].workload, s->workload) &&
		    strcmp(r->s[i].metric, s->metric))
			several = 1;
	snprintf(buf, len, "%s%s%s", s->label, several ? ", " : "",
		 several ? s->metric : "");
}

static void host__row(struct rdoc_block *t, const char *k, json_t *v)
{
	char buf[256];
	char *dump;

	if (!v || json_is_null(v))
		return;
	if (json_is_object(v) || json_is_array(v)) {
		dump = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
		rdoc_row(t, k, dump ? dump : "?");
		free(dump);
		return;
	}
	attribution_value_str(v, buf, sizeof(buf));
	rdoc_row(t, k, buf);
}

void report_host_section(struct rdoc *d, const struct report_results *r)
{
	json_t *h = r->host, *pmu = json_object_get(r->host, "pmu");
	json_t *run = json_object_get(r->root, "run");
	struct rdoc_block *t;
	const char *cfgs[64];
	size_t nc = report_results_configs(r, cfgs, 64);
	char buf[256];

	rdoc_heading(d, 1, "Host and scenario");
	t = rdoc_table(d, 2, "fact", "value");
	rdoc_row(t, "results", r->path);
	rdoc_row(t, "run id", r->id);
	rdoc_row(t, "time", r->time);
	host__row(t, "hvperf version", json_object_get(run, "hvperf_version"));
	host__row(t, "CPU", json_object_get(h, "cpu_model"));
	if (json_object_get(h, "cores")) {
		snprintf(buf, sizeof(buf), "%lld / %lld",
			 (long long)json_integer_value(json_object_get(h, "cores")),
			 (long long)json_integer_value(json_object_get(h, "threads")));
		rdoc_row(t, "cores / threads", buf);
	}
	host__row(t, "NUMA nodes", json_object_get(h, "numa_nodes"));
	host__row(t, "topology", json_object_get(h, "topology"));
	if (json_is_number(json_object_get(h, "memory_bytes")))
		rdoc_row(t, "memory", report_fmt_size(buf, sizeof(buf),
			 json_number_value(json_object_get(h, "memory_bytes"))));
	host__row(t, "kernel", json_object_get(h, "kernel"));
	host__row(t, "KVM flavour", json_object_get(h, "kvm_flavour"));
	host__row(t, "THP", json_object_get(h, "thp"));
	host__row(t, "KSM", json_object_get(h, "ksm"));
	host__row(t, "zswap", json_object_get(h, "zswap"));
	host__row(t, "hugepages", json_object_get(h, "hugepages"));
	if (json_is_object(pmu)) {
		const char *why = json_string_value(json_object_get(pmu, "reason"));

		snprintf(buf, sizeof(buf), "%s%s%s",
			 json_is_true(json_object_get(pmu, "available")) ? "available" : "unavailable",
			 why ? ": " : "", why ? why : "");
		rdoc_row(t, "PMU", buf);
	}

	rdoc_para(d, "Scenario \"%s\", %zu configurations; the VM default "
		  "configuration (the reference for every knob) is %s. Ratios are "
		  "median(configuration) / median(native) over the repetitions, with "
		  "a 95%% percentile bootstrap confidence interval (%d resamples).",
		  json_string_value(json_object_get(r->scenario, "name")) ?
		  json_string_value(json_object_get(r->scenario, "name")) : "(unnamed)",
		  nc, r->default_config ? r->default_config : "(none: no VM samples)",
		  REPORT_RESAMPLES);
	t = rdoc_table(d, 3, "configuration", "env", "knobs");
	for (size_t i = 0; i < nc; i++) {
		const char *env = "";
		json_t *k = report_results_knobs(r, cfgs[i], &env);
		char *dump = k ? json_dumps(k, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

		rdoc_row(t, cfgs[i], env, dump ? dump : "{}");
		free(dump);
	}
	if (json_array_size(r->skipped)) {
		size_t i;
		json_t *s;

		rdoc_para(d, "Skipped (not measured on this host):");
		t = rdoc_table(d, 3, "workload", "configuration", "reason");
		json_array_foreach(r->skipped, i, s) {
			const char *w = json_string_value(json_object_get(s, "workload"));
			const char *c = json_string_value(json_object_get(s, "config"));
			const char *why = json_string_value(json_object_get(s, "reason"));

			rdoc_row(t, w ? w : "?", c ? c : "?", why ? why : "(no reason given)");
		}
	}
}
