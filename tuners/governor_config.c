/* Parse the governor's configuration (JSON; see governor_config.h and
 * docs/overcommit.md). Unknown keys are refused so typos do not pass as
 * defaults. */
#include "tuners/governor_config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIB                  (1ull << 20)
#define DEF_IDLE_CPU_PCT     5.0
#define MAX_MEM_MIB          (1ull << 30)   /* 1 PiB: a sanity bound */

static const char *const top_keys[] = { "policy", "pool", "host", "vms", NULL };
static const char *const policy_keys[] = {
	"low_free_pct", "high_free_pct", "dwell_ms", "compress_pct",
	"guest_reserve_mib", "balloon_pct", "idle_cpu_pct", NULL };
static const char *const pool_keys[] = { "budget_mib", "cgroup", NULL };
static const char *const host_keys[] = {
	"swap_file", "zswap_compressor", "zswap_max_pool_percent",
	"ksm_pages_to_scan", "ksm_sleep_ms", NULL };
static const char *const vm_keys[] = {
	"name", "api", "cgroup", "cgroup_path", "priority", "ksm", "ksm_mode",
	"balloon", "compress", "swap", "min_mib", "max_mib", NULL };

static int check_keys(json_t *o, const char *const *allowed, const char *where,
		      char *err, size_t errlen)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o)) {
		snprintf(err, errlen, "%s: must be an object", where);
		return -1;
	}
	json_object_foreach(o, k, v) {
		bool ok = false;

		for (int i = 0; allowed[i] && !ok; i++)
			ok = !strcmp(k, allowed[i]);
		if (!ok) {
			snprintf(err, errlen, "%s: unknown key '%s'", where, k);
			return -1;
		}
	}
	return 0;
}

/* Optional number field; keeps *out when absent. */
static int get_num(json_t *o, const char *key, double lo, double hi,
		   double *out, const char *where, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi) {
		snprintf(err, errlen, "%s.%s: must be a number in [%g, %g]", where, key, lo, hi);
		return -1;
	}
	*out = json_number_value(v);
	return 0;
}

static int get_bool(json_t *o, const char *key, bool *out, const char *where,
		    char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		snprintf(err, errlen, "%s.%s: must be true or false", where, key);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

static int get_str(json_t *o, const char *key, char *out, size_t len,
		   const char *where, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (!json_is_string(v) || strlen(json_string_value(v)) >= len) {
		snprintf(err, errlen, "%s.%s: must be a string shorter than %zu", where, key, len);
		return -1;
	}
	snprintf(out, len, "%s", json_string_value(v));
	return 0;
}

static int parse_policy(json_t *o, struct gov_config *c, char *err, size_t errlen)
{
	double dwell = (double)c->params.dwell_ms;
	double reserve = (double)(c->params.guest_reserve / MIB);

	if (!o)
		return 0;
	if (check_keys(o, policy_keys, "policy", err, errlen) < 0 ||
	    get_num(o, "low_free_pct", 0, 100, &c->params.low_free_pct, "policy", err, errlen) < 0 ||
	    get_num(o, "high_free_pct", 0, 100, &c->params.high_free_pct, "policy", err, errlen) < 0 ||
	    get_num(o, "dwell_ms", 0, 3600e3, &dwell, "policy", err, errlen) < 0 ||
	    get_num(o, "compress_pct", 0, 100, &c->params.compress_pct, "policy", err, errlen) < 0 ||
	    get_num(o, "guest_reserve_mib", 0, MAX_MEM_MIB, &reserve, "policy", err, errlen) < 0 ||
	    get_num(o, "balloon_pct", 0, 100, &c->params.balloon_pct, "policy", err, errlen) < 0 ||
	    get_num(o, "idle_cpu_pct", 0, 100, &c->idle_cpu_pct, "policy", err, errlen) < 0)
		return -1;
	c->params.dwell_ms = (uint64_t)dwell;
	c->params.guest_reserve = (uint64_t)reserve * MIB;
	return 0;
}

static int parse_pool(json_t *o, struct gov_config *c, char *err, size_t errlen)
{
	double budget = 0;

	c->pool = GOV_POOL_HOST;
	if (!o)
		return 0;
	if (check_keys(o, pool_keys, "pool", err, errlen) < 0 ||
	    get_num(o, "budget_mib", 1, MAX_MEM_MIB, &budget, "pool", err, errlen) < 0 ||
	    get_str(o, "cgroup", c->pool_cgroup, sizeof(c->pool_cgroup), "pool", err, errlen) < 0)
		return -1;
	if (budget > 0 && c->pool_cgroup[0]) {
		snprintf(err, errlen, "pool: give budget_mib or cgroup, not both");
		return -1;
	}
	if (budget > 0) {
		c->pool = GOV_POOL_BUDGET;
		c->pool_budget = (uint64_t)budget * MIB;
	} else if (c->pool_cgroup[0]) {
		c->pool = GOV_POOL_CGROUP;
	}
	return 0;
}

static int parse_host(json_t *o, struct gov_host_config *h, char *err, size_t errlen)
{
	double pool_pct = 0, pages = 0, sleep_ms = -1;

	h->ksm_sleep_ms = -1;
	if (!o)
		return 0;
	if (check_keys(o, host_keys, "host", err, errlen) < 0 ||
	    get_str(o, "swap_file", h->swap_file, sizeof(h->swap_file), "host", err, errlen) < 0 ||
	    get_str(o, "zswap_compressor", h->zswap_compressor, sizeof(h->zswap_compressor), "host", err, errlen) < 0 ||
	    get_num(o, "zswap_max_pool_percent", 1, 100, &pool_pct, "host", err, errlen) < 0 ||
	    get_num(o, "ksm_pages_to_scan", 1, 1e7, &pages, "host", err, errlen) < 0 ||
	    get_num(o, "ksm_sleep_ms", 0, 1e6, &sleep_ms, "host", err, errlen) < 0)
		return -1;
	h->zswap_max_pool_percent = (int)pool_pct;
	h->ksm_pages_to_scan = (int)pages;
	h->ksm_sleep_ms = (int)sleep_ms;
	return 0;
}

static int parse_vm(json_t *o, int idx, struct gov_vm_config *v, char *err,
		    size_t errlen)
{
	char where[32], mode[16] = "api";
	double prio = 0, min = 0, max = 0;

	snprintf(where, sizeof(where), "vms[%d]", idx);
	if (check_keys(o, vm_keys, where, err, errlen) < 0 ||
	    get_str(o, "name", v->name, sizeof(v->name), where, err, errlen) < 0 ||
	    get_str(o, "api", v->api, sizeof(v->api), where, err, errlen) < 0 ||
	    get_str(o, "cgroup", v->cgroup, sizeof(v->cgroup), where, err, errlen) < 0 ||
	    get_str(o, "cgroup_path", v->cgroup_path, sizeof(v->cgroup_path), where, err, errlen) < 0 ||
	    get_num(o, "priority", -1000, 1000, &prio, where, err, errlen) < 0 ||
	    get_bool(o, "ksm", &v->opt_ksm, where, err, errlen) < 0 ||
	    get_str(o, "ksm_mode", mode, sizeof(mode), where, err, errlen) < 0 ||
	    get_bool(o, "balloon", &v->opt_balloon, where, err, errlen) < 0 ||
	    get_bool(o, "compress", &v->opt_compress, where, err, errlen) < 0 ||
	    get_bool(o, "swap", &v->opt_swap, where, err, errlen) < 0 ||
	    get_num(o, "min_mib", 0, MAX_MEM_MIB, &min, where, err, errlen) < 0 ||
	    get_num(o, "max_mib", 1, MAX_MEM_MIB, &max, where, err, errlen) < 0)
		return -1;
	if (!v->name[0] || max <= 0 || min > max) {
		snprintf(err, errlen, "%s: needs a name and 0 <= min_mib <= max_mib (max_mib > 0)", where);
		return -1;
	}
	if (strcmp(mode, "api") && strcmp(mode, "start")) {
		snprintf(err, errlen, "%s.ksm_mode: '%s' must be api or start", where, mode);
		return -1;
	}
	if ((v->opt_compress || v->opt_swap) && !v->cgroup[0] && !v->cgroup_path[0]) {
		snprintf(err, errlen, "%s: compress/swap act through the VM's cgroup: give cgroup or cgroup_path", where);
		return -1;
	}
	if (v->opt_balloon && !v->api[0]) {
		snprintf(err, errlen, "%s: balloon needs the VM's control socket (api)", where);
		return -1;
	}
	v->ksm_mode = strcmp(mode, "start") ? GOV_KSM_API : GOV_KSM_AT_START;
	if (v->opt_ksm && v->ksm_mode == GOV_KSM_API && !v->api[0]) {
		snprintf(err, errlen, "%s: ksm with ksm_mode api needs the VM's control socket (api); "
			 "or start hv with --ksm on and say ksm_mode start", where);
		return -1;
	}
	v->priority = (int)prio;
	v->mem_min = (uint64_t)min * MIB;
	v->mem_max = (uint64_t)max * MIB;
	return 0;
}

int gov_config_parse(const char *text, struct gov_config *c, char *err,
		     size_t errlen)
{
	json_error_t je;
	json_t *root = json_loads(text, 0, &je), *vms, *v;
	size_t i;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	gov_params_default(&c->params);
	c->idle_cpu_pct = DEF_IDLE_CPU_PCT;
	if (!root) {
		snprintf(err, errlen, "line %d: %s", je.line, je.text);
		return -1;
	}
	if (check_keys(root, top_keys, "config", err, errlen) < 0 ||
	    parse_policy(json_object_get(root, "policy"), c, err, errlen) < 0 ||
	    parse_pool(json_object_get(root, "pool"), c, err, errlen) < 0 ||
	    parse_host(json_object_get(root, "host"), &c->host, err, errlen) < 0 ||
	    gov_params_check(&c->params, err, errlen) < 0)
		goto out;
	vms = json_object_get(root, "vms");
	if (!json_is_array(vms) || !json_array_size(vms) ||
	    json_array_size(vms) > GOV_MAX_VMS) {
		snprintf(err, errlen, "vms: must be an array of 1 to %d VMs", GOV_MAX_VMS);
		goto out;
	}
	json_array_foreach(vms, i, v) {
		if (parse_vm(v, (int)i, &c->vms[i], err, errlen) < 0)
			goto out;
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(c->vms[j].name, c->vms[i].name)) {
				snprintf(err, errlen, "vms[%zu]: name '%s' is used twice", i, c->vms[i].name);
				goto out;
			}
		}
		c->nr_vms++;
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

int gov_config_load(const char *path, struct gov_config *c, char *err,
		    size_t errlen)
{
	char *text = NULL, ebuf[256];
	size_t len = 0;
	FILE *f = fopen(path, "re");
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	if (getdelim(&text, &len, 0, f) < 0) {
		fclose(f);
		free(text);
		snprintf(err, errlen, "%s: cannot read", path);
		return -1;
	}
	fclose(f);
	rc = gov_config_parse(text, c, ebuf, sizeof(ebuf));
	free(text);
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", path, ebuf);
	return rc;
}
