/* The governor's configuration file (hvperf govern --config FILE): policy
 * parameters, the memory pool the VMs share, host switches the ladder may
 * turn on, and the VMs (priority, opt-ins, floor and size, where to reach
 * them). Format in docs/overcommit.md. */
#ifndef TUNERS_GOVERNOR_CONFIG_H
#define TUNERS_GOVERNOR_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tuners/governor_policy.h"

enum gov_pool_kind {
	GOV_POOL_HOST,      /* /proc/meminfo: MemTotal, MemAvailable */
	GOV_POOL_BUDGET,    /* a fixed budget: total = budget, free = budget - sum of VM usage */
	GOV_POOL_CGROUP,    /* a parent cgroup: total = its limit, free = limit - usage */
};

/* how a VM's memory becomes mergeable for KSM */
enum gov_ksm_mode {
	GOV_KSM_API,        /* ask hv over its control socket ({"cmd":"ksm"}) */
	GOV_KSM_AT_START,   /* hv was started with --ksm on: ksmd does the rest */
};

struct gov_vm_config {
	char name[GOV_NAME_MAX];
	char api[PATH_MAX];       /* hv control socket, "" = none */
	char cgroup[GOV_NAME_MAX]; /* hv --cgroup NAME, "" = none */
	char cgroup_path[PATH_MAX]; /* explicit directory, overrides the name */
	int priority;
	bool opt_ksm, opt_balloon, opt_compress, opt_swap;
	enum gov_ksm_mode ksm_mode;
	uint64_t mem_min, mem_max;
};

struct gov_host_config {
	char swap_file[32];       /* swap.file value, "" = leave swap alone */
	char zswap_compressor[32];
	int zswap_max_pool_percent; /* 0 = leave */
	int ksm_pages_to_scan;      /* 0 = leave */
	int ksm_sleep_ms;           /* -1 = leave */
};

struct gov_config {
	struct gov_params params;
	double idle_cpu_pct;      /* below this CPU use a VM counts as idle */
	enum gov_pool_kind pool;
	uint64_t pool_budget;
	char pool_cgroup[PATH_MAX];
	struct gov_host_config host;
	int nr_vms;
	struct gov_vm_config vms[GOV_MAX_VMS];
};

/* Parse and check; 0, or -1 with a one-line reason naming the field. */
int gov_config_load(const char *path, struct gov_config *c, char *err,
		    size_t errlen);
int gov_config_parse(const char *text, struct gov_config *c, char *err,
		     size_t errlen);

#endif
