/* Host memory sampling: /sys/kernel/mm/ksm, zswap's debugfs counters,
 * /proc/meminfo (Documentation/admin-guide/mm/{ksm,zswap}.rst). */
#include "bench/hostmem.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *hostmem_ksm_path = "/sys/kernel/mm/ksm/pages_sharing";
const char *hostmem_zswap_path = "/sys/kernel/debug/zswap/stored_pages";
const char *hostmem_meminfo_path = "/proc/meminfo";

static int hostmem__read_ll(const char *path, long long *v, char *why, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	ok = fscanf(f, "%lld", v) == 1;
	fclose(f);
	if (!ok)
		snprintf(why, len, "%s: not a number", path);
	return ok ? 0 : -1;
}

static void hostmem__put(json_t *mem, json_t *unav, const char *key, int rc,
			 long long v, const char *why)
{
	json_object_set_new(mem, key, rc ? json_null() : json_integer(v));
	if (rc)
		json_object_set_new(unav, key, json_string(why));
}

static int hostmem__swap_used(long long *used, char *why, size_t len)
{
	FILE *f = fopen(hostmem_meminfo_path, "r");
	char line[256];
	long long total = -1, free_kb = -1;

	if (!f) {
		snprintf(why, len, "%s: %s", hostmem_meminfo_path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "SwapTotal: %lld kB", &total);
		sscanf(line, "SwapFree: %lld kB", &free_kb);
	}
	fclose(f);
	if (total < 0 || free_kb < 0) {
		snprintf(why, len, "%s has no SwapTotal/SwapFree", hostmem_meminfo_path);
		return -1;
	}
	*used = (total - free_kb) * 1024;
	return 0;
}

void hostmem_sample(json_t *hv_stats, long long rss_bytes, json_t *memory,
		    json_t *unavailable)
{
	char why[256] = "";
	long long v = 0;
	int rc;
	json_t *r = json_object_get(json_object_get(hv_stats, "memory"), "rss_bytes");

	if (json_is_integer(r))
		rss_bytes = json_integer_value(r);
	snprintf(why, sizeof(why), "no RSS figure from the run");
	hostmem__put(memory, unavailable, "rss_bytes", rss_bytes < 0, rss_bytes, why);

	rc = hostmem__read_ll(hostmem_ksm_path, &v, why, sizeof(why));
	hostmem__put(memory, unavailable, "ksm_pages_sharing", rc, v, why);

	if (access(hostmem_zswap_path, R_OK)) {
		snprintf(why, sizeof(why), "%s unreadable (debugfs not mounted or zswap absent)",
			 hostmem_zswap_path);
		rc = -1;
	} else {
		rc = hostmem__read_ll(hostmem_zswap_path, &v, why, sizeof(why));
		v *= sysconf(_SC_PAGESIZE);
	}
	hostmem__put(memory, unavailable, "zswap_stored_bytes", rc, v, why);

	rc = hostmem__swap_used(&v, why, sizeof(why));
	hostmem__put(memory, unavailable, "swap_used_bytes", rc, v, why);
}
