/* Kernel same-page merging: ksm.run, ksm.pages_to_scan, ksm.sleep_millisecs,
 * ksm.merge_across_nodes, ksm.use_zero_pages. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tuners/knob.h"

#define KSM_DIR "/sys/kernel/mm/ksm/"

static int ksm_validate_run(const struct tuner_knob *k, const char *v,
			    char *err, size_t errlen)
{
	return knob_validate_uint(k, v, 0, 2, err, errlen);
}

static int ksm_validate_bool(const struct tuner_knob *k, const char *v,
			     char *err, size_t errlen)
{
	return knob_validate_uint(k, v, 0, 1, err, errlen);
}

static int ksm_validate_count(const struct tuner_knob *k, const char *v,
			      char *err, size_t errlen)
{
	return knob_validate_uint(k, v, 1, UINT32_MAX, err, errlen);
}

static int ksm_validate_ms(const struct tuner_knob *k, const char *v,
			   char *err, size_t errlen)
{
	return knob_validate_uint(k, v, 0, UINT32_MAX, err, errlen);
}

static void ksm_after_run(const struct tuner_knob *k, const char *v)
{
	(void)k;
	if (strcmp(v, "1"))
		return;
	/* Merged pages are copy-on-write: a write to a shared page takes
	 * measurably longer, which tells one guest what another holds. */
	fprintf(stderr, "hvperf tune: warning: KSM merges identical pages across every "
		"process that opts in, including different VMs; timing a write to a merged "
		"page reveals another VM's memory contents (a side channel). This is why "
		"VMware restricts page sharing to within one VM by default. hv opts a VM "
		"in only with --ksm on.\n");
}

const struct tuner_knob tuner_ksm_knobs[] = {
	{.key = "ksm.run", .path = KSM_DIR "run",
	 .help = "0 stop, 1 run ksmd, 2 stop and unmerge everything",
	 .validate = ksm_validate_run, .after = ksm_after_run},
	{.key = "ksm.pages_to_scan", .path = KSM_DIR "pages_to_scan",
	 .help = "pages ksmd scans per wake-up", .validate = ksm_validate_count},
	{.key = "ksm.sleep_millisecs", .path = KSM_DIR "sleep_millisecs",
	 .help = "ksmd sleep between scans (ms)", .validate = ksm_validate_ms},
	{.key = "ksm.merge_across_nodes", .path = KSM_DIR "merge_across_nodes",
	 .help = "merge pages of different NUMA nodes (0|1; only while nothing is merged)",
	 .validate = ksm_validate_bool},
	{.key = "ksm.use_zero_pages", .path = KSM_DIR "use_zero_pages",
	 .help = "merge empty pages with the kernel zero page (0|1)",
	 .validate = ksm_validate_bool},
	{0},
};
