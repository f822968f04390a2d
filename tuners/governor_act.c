/* The governor's hands: host switches through the tuners (journaled and
 * restored), balloon targets and KSM over hv's control socket, cgroup
 * limits through the VM's cgroup files. */
#include "tuners/governor_act.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuners/governor_api.h"
#include "tuners/tuner.h"

#define MIB (1ull << 20)

static int apply_knob(const char *key, const char *value, char *err, size_t errlen)
{
	char *cur = tuner_get(key);
	bool same = cur && !strcmp(cur, value);

	free(cur);
	return same ? 0 : tuner_apply(key, value, err, errlen);
}

int gov_host_setup(const struct gov_host_config *h, char *err, size_t errlen)
{
	char *cur;

	if (!h->swap_file[0])
		return 0;
	cur = tuner_get("swap.file");
	if (cur && strcmp(cur, "off")) {
		free(cur);
		return 0;   /* ours from an earlier step of this run */
	}
	free(cur);
	return tuner_apply("swap.file", h->swap_file, err, errlen);
}

static int host_ksm(const struct gov_host_config *h, bool on, char *err, size_t errlen)
{
	char v[32];

	if (on && h->ksm_pages_to_scan > 0) {
		snprintf(v, sizeof(v), "%d", h->ksm_pages_to_scan);
		if (apply_knob("ksm.pages_to_scan", v, err, errlen) < 0)
			return -1;
	}
	if (on && h->ksm_sleep_ms >= 0) {
		snprintf(v, sizeof(v), "%d", h->ksm_sleep_ms);
		if (apply_knob("ksm.sleep_millisecs", v, err, errlen) < 0)
			return -1;
	}
	return apply_knob("ksm.run", on ? "1" : "0", err, errlen);
}

static int host_zswap(const struct gov_host_config *h, char *err, size_t errlen)
{
	char v[32];

	if (h->zswap_compressor[0] &&
	    apply_knob("zswap.compressor", h->zswap_compressor, err, errlen) < 0)
		return -1;
	if (h->zswap_max_pool_percent > 0) {
		snprintf(v, sizeof(v), "%d", h->zswap_max_pool_percent);
		if (apply_knob("zswap.max_pool_percent", v, err, errlen) < 0)
			return -1;
	}
	return apply_knob("zswap.enabled", "Y", err, errlen);
}

static int api_simple(const char *sock, json_t *req, char *err, size_t errlen)
{
	json_t *rep;

	if (!sock[0]) {
		snprintf(err, errlen, "no control socket configured");
		json_decref(req);
		return -1;
	}
	rep = gov_api_call(sock, req, GOV_API_TIMEOUT_MS, err, errlen);
	json_decref(req);
	json_decref(rep);
	return rep ? 0 : -1;
}

static int vm_ksm(const struct gov_vm_config *vc, bool on, char *err, size_t errlen)
{
	if (vc->ksm_mode == GOV_KSM_AT_START) {
		if (on)
			return 0;   /* hv --ksm on marked it mergeable; ksmd scans it */
		if (!vc->api[0]) {
			snprintf(err, errlen, "ksm_mode start without a control socket: the VM stays "
				 "mergeable; ksmd stops when no VM is in the share rung");
			return -1;
		}
	}
	/* unmerge on the way down: MADV_UNMERGEABLE breaks the VM's shared
	 * pages (copies them back), so de-escalation costs memory, as it should */
	return api_simple(vc->api, json_pack("{s:s, s:b}", "cmd", "ksm", "mergeable", on),
			  err, errlen);
}

static int cg_limit(const struct gov_probe *p, uint64_t limit, char *err, size_t errlen)
{
	char v[32];
	const char *file = p->cg_version == 2 ? "memory.max" : "memory.limit_in_bytes";

	if (!p->cg_dir[0]) {
		snprintf(err, errlen, "the VM's cgroup was not found");
		return -1;
	}
	if (limit == GOV_NO_LIMIT)
		snprintf(v, sizeof(v), "%s", p->cg_version == 2 ? "max" : "-1");
	else
		snprintf(v, sizeof(v), "%" PRIu64, limit);
	/* v1 reclaims down to the new limit inside this write and gives up
	 * with EBUSY when the VM refaults pages as fast as they go: then cap
	 * it where reclaim got to, and its own faults reclaim from there */
	if (gov_cg_write(p->cg_dir, file, v) == 0)
		return 0;
	if (errno == EBUSY && p->cg_version == 1) {
		int saved = errno;
		long long usage = gov_cg_read(p->cg_dir, "memory.usage_in_bytes");

		if (usage > 0 && (uint64_t)usage > limit) {
			snprintf(v, sizeof(v), "%lld", usage + (long long)(1 << 20));
			if (gov_cg_write(p->cg_dir, file, v) == 0) {
				snprintf(err, errlen, "partial: the kernel could not reclaim down to %" PRIu64
					 " MiB (the VM refaults its pages); capped at %lld MiB instead",
					 limit >> 20, (usage >> 20) + 1);
				return 0;
			}
		}
		errno = saved;
	}
	snprintf(err, errlen, "%s/%s = %s: %s", p->cg_dir, file, v, strerror(errno));
	return -1;
}

int gov_act_apply(const struct gov_config *c, const struct gov_probe *probes,
		  const struct gov_action *a, char *err, size_t errlen)
{
	const struct gov_vm_config *vc = a->vm >= 0 ? &c->vms[a->vm] : NULL;

	err[0] = 0;
	switch (a->kind) {
	case GOV_ACT_HOST_KSM:
		return host_ksm(&c->host, a->value != 0, err, errlen);
	case GOV_ACT_HOST_ZSWAP:
		return host_zswap(&c->host, err, errlen);
	case GOV_ACT_VM_KSM:
		return vm_ksm(vc, a->value != 0, err, errlen);
	case GOV_ACT_BALLOON:
		return api_simple(vc->api, json_pack("{s:s, s:I}", "cmd", "balloon", "target_mib",
						     (json_int_t)(a->value / MIB)), err, errlen);
	case GOV_ACT_CG_LIMIT:
		return cg_limit(&probes[a->vm], a->value, err, errlen);
	}
	snprintf(err, errlen, "unknown action");
	return -1;
}
