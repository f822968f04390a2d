/* Hugepage pools: hugepages.2m and hugepages.1g (pages in the pool). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuners/knob.h"
#include "tuners/tuner.h"

#define HP_DIR "/sys/kernel/mm/hugepages/"

/* Memory the host keeps for itself: refuse pools that would leave less. */
static uint64_t hugepages_margin(void)
{
	int64_t total = meminfo_bytes("MemTotal");
	uint64_t m = total > 0 ? (uint64_t)total / 10 : 0;

	return m > (1ull << 30) ? m : 1ull << 30;
}

static uint64_t hugepages_page_size(const struct tuner_knob *k)
{
	return strstr(k->path, "1048576kB") ? 1ull << 30 : 2ull << 20;
}

static uint64_t hugepages_read(const char *dir, const char *file)
{
	char path[320], *v;
	uint64_t n = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	v = sysfs_read(path);
	if (v)
		parse_u64(v, &n);
	free(v);
	return n;
}

static void hugepages_dir(const struct tuner_knob *k, char *dir, size_t len)
{
	snprintf(dir, len, "%.*s", (int)(strrchr(k->path, '/') - k->path), k->path);
}

static int hugepages_validate(const struct tuner_knob *k, const char *v, char *err,
		       size_t errlen)
{
	uint64_t want, cur, psz = hugepages_page_size(k), margin = hugepages_margin();
	int64_t avail = meminfo_bytes("MemAvailable");
	char dir[256];

	if (knob_validate_uint(k, v, 0, UINT32_MAX, err, errlen) < 0)
		return -1;
	parse_u64(v, &want);
	hugepages_dir(k, dir, sizeof(dir));
	cur = hugepages_read(dir, "nr_hugepages");
	if (want <= cur || avail < 0)
		return 0;
	/* growing the pool takes (want - cur) pages from MemAvailable */
	if ((want - cur) * psz + margin > (uint64_t)avail) {
		snprintf(err, errlen,
			 "%s: refused: %" PRIu64 " more pages need %" PRIu64 " MiB but only %" PRId64
			 " MiB are available and %" PRIu64 " MiB stay with the host",
			 k->key, want - cur, (want - cur) * psz >> 20, avail >> 20, margin >> 20);
		return -1;
	}
	return 0;
}

static int hugepages_apply(const struct tuner_knob *k, const char *value,
			   char *err, size_t errlen)
{
	char *prev = sysfs_read(k->path), dir[256];
	uint64_t want, got;
	int rc = -1;

	if (!prev) {
		snprintf(err, errlen, "%s: cannot read %s: %s", k->key, k->path, strerror(errno));
		return -1;
	}
	if (tuner_journal(k->key, k->path, prev, err, errlen) < 0)
		goto out;
	if (sysfs_write(k->path, value) < 0) {
		snprintf(err, errlen, "%s: writing %s to %s: %s", k->key, value,
			 k->path, strerror(errno));
		goto out;
	}
	/* the kernel gives what it can find contiguous: read back */
	parse_u64(value, &want);
	hugepages_dir(k, dir, sizeof(dir));
	got = hugepages_read(dir, "nr_hugepages");
	if (got < want)
		fprintf(stderr, "hvperf tune: %s: asked for %" PRIu64 " pages, obtained %" PRIu64
			" (memory too fragmented for more)\n", k->key, want, got);
	else
		fprintf(stderr, "hvperf tune: %s: pool has %" PRIu64 " pages (%" PRIu64 " free)\n",
			k->key, got, hugepages_read(dir, "free_hugepages"));
	rc = 0;
out:
	free(prev);
	return rc;
}

const struct tuner_knob tuner_hugepages_knobs[] = {
	{.key = "hugepages.2m", .path = HP_DIR "hugepages-2048kB/nr_hugepages",
	 .help = "2 MiB hugepage pool size (pages)",
	 .validate = hugepages_validate, .apply = hugepages_apply},
	{.key = "hugepages.1g", .path = HP_DIR "hugepages-1048576kB/nr_hugepages",
	 .help = "1 GiB hugepage pool size (pages)",
	 .validate = hugepages_validate, .apply = hugepages_apply},
	{0},
};
