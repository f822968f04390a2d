/* What each knob means for a user: the setting that applies it (an hv
 * flag or a host tuner key) and its trade-offs. Knob names follow hv's
 * command line (hv/config.h: mem_backing -> --mem-backing) and the tuner
 * keys (tuners/tuner.h: "thp.enabled", ...). */
#include "reports/recommend.h"

#include <stdio.h>
#include <string.h>

void recommend_setting(const char *key, json_t *v, char *buf, size_t len)
{
	char val[128], flag[128];
	size_t i;

	attribution_value_str(v, val, sizeof(val));
	if (strchr(key, '.')) {
		snprintf(buf, len, "hvperf tune --set %s=%s", key, val);
		return;
	}
	if (!strcmp(key, "overcommit")) {
		snprintf(buf, len, "size hosts for a %s memory overcommit ratio "
			 "(hvperf plan)", val);
		return;
	}
	for (i = 0; key[i] && i + 1 < sizeof(flag); i++)
		flag[i] = key[i] == '_' ? '-' : key[i];
	flag[i] = 0;
	if (json_is_true(v))
		snprintf(buf, len, "hv run --%s", flag);
	else if (json_is_false(v))
		snprintf(buf, len, "hv run without --%s", flag);
	else
		snprintf(buf, len, "hv run --%s %s", flag, val);
}

void recommend_tradeoff(const char *key, json_t *v, json_t *knobs, char *buf,
			size_t len)
{
	char val[128], mem[64];

	attribution_value_str(v, val, sizeof(val));
	attribution_value_str(json_object_get(knobs, "mem"), mem, sizeof(mem));
	if (!strcmp(key, "ksm") || !strncmp(key, "ksm.", 4))
		snprintf(buf, len, "KSM costs host CPU (ksmd scans guest memory) and "
			 "merged pages are a cross-VM side channel (deduplication "
			 "timing, e.g. Flip Feng Shui); do not share pages between "
			 "tenants that distrust each other");
	else if (!strcmp(key, "mem_backing") && strstr(val, "hugetlb"))
		snprintf(buf, len, "hugetlbfs pages are reserved up front (%s per VM "
			 "here, a pool of hugepages.%s), cannot be swapped or merged "
			 "by KSM and are lost to the host while reserved",
			 strcmp(mem, "(unset)") ? mem : "the guest's RAM",
			 strstr(val, "1g") ? "1g" : "2m");
	else if (!strcmp(key, "mem_backing") && !strcmp(val, "thp"))
		snprintf(buf, len, "THP depends on compaction: on a fragmented host "
			 "it falls back to 4K pages, and compaction can add latency "
			 "spikes");
	else if (!strcmp(key, "guest_page_size"))
		snprintf(buf, len, "the guest must map its memory with %s pages "
			 "(micro-guests do; Linux guests choose their own)", val);
	else if (!strcmp(key, "overcommit"))
		snprintf(buf, len, "latency risk: memory reclaimed from guests comes "
			 "back through swap/zswap faults, and tail latency grows with "
			 "the ratio and with load");
	else if (!strcmp(key, "pin") || !strcmp(key, "numa_node"))
		snprintf(buf, len, "pinned vCPUs cannot be moved by the scheduler; "
			 "keep host CPUs free for I/O threads and the host itself");
	else if (!strcmp(key, "prefault"))
		snprintf(buf, len, "all guest memory is allocated at start: slower "
			 "start and no lazy allocation");
	else if (!strcmp(key, "blk_backend") && !strcmp(val, "io_uring"))
		snprintf(buf, len, "needs io_uring in the host kernel (some hardened "
			 "hosts disable it)");
	else if (!strncmp(key, "zswap", 5) || !strncmp(key, "swap", 4))
		snprintf(buf, len, "host CPU for compression and latency on "
			 "swap-in");
	else
		snprintf(buf, len, "no trade-off known to hvperf for this knob");
}
