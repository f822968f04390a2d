/* Host memory around a run: the workload's (or hv's) RSS, KSM sharing,
 * zswap and swap use. A figure the host cannot give is null with a reason
 * in the sample's "memory_unavailable". */
#ifndef BENCH_HOSTMEM_H
#define BENCH_HOSTMEM_H

#include <jansson.h>

/* Fill memory/unavailable. rss_bytes < 0: not known (then hv_stats's
 * memory.rss_bytes is used when given). */
void hostmem_sample(json_t *hv_stats, long long rss_bytes, json_t *memory,
		    json_t *unavailable);

/* Paths, overridable for tests. */
extern const char *hostmem_ksm_path, *hostmem_zswap_path, *hostmem_meminfo_path;

#endif
