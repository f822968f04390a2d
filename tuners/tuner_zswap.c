/* zswap: zswap.enabled, zswap.compressor, zswap.max_pool_percent,
 * zswap.zpool (the last is gone from recent kernels: reported absent). */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuners/knob.h"

#define ZSWAP_DIR "/sys/module/zswap/parameters/"

static int zswap_validate_enabled(const struct tuner_knob *k, const char *v,
				  char *err, size_t errlen)
{
	if (knob_require_path(k, err, errlen) < 0)
		return -1;
	if (strcmp(v, "Y") && strcmp(v, "N")) {
		snprintf(err, errlen, "%s: '%s' must be Y or N", k->key, v);
		return -1;
	}
	return 0;
}

static int zswap_validate_percent(const struct tuner_knob *k, const char *v,
				  char *err, size_t errlen)
{
	return knob_validate_uint(k, v, 1, 100, err, errlen);
}

/* Is `name` a compression algorithm in /proc/crypto? -1: cannot tell. */
static int crypto_has_compressor(const char *name)
{
	FILE *f = fopen("/proc/crypto", "re");
	char line[256], cur[128] = "";
	int found = 0, any = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char val[128];

		if (sscanf(line, "name : %127s", val) == 1)
			snprintf(cur, sizeof(cur), "%s", val);
		else if (sscanf(line, "type : %127s", val) == 1 &&
			 (!strcmp(val, "compression") || !strcmp(val, "scomp") ||
			  !strcmp(val, "acomp"))) {
			any = 1;
			found |= !strcmp(cur, name);
		}
	}
	fclose(f);
	return any ? found : -1;
}

static int zswap_validate_name(const struct tuner_knob *k, const char *v,
			       char *err, size_t errlen)
{
	if (knob_require_path(k, err, errlen) < 0)
		return -1;
	for (const char *p = v; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
			snprintf(err, errlen, "%s: '%s' is not an algorithm name", k->key, v);
			return -1;
		}
	}
	if (!strcmp(k->key, "zswap.compressor") && crypto_has_compressor(v) == 0) {
		snprintf(err, errlen, "%s: '%s' is not a compressor this kernel has (see /proc/crypto)",
			 k->key, v);
		return -1;
	}
	return 0;
}

const struct tuner_knob tuner_zswap_knobs[] = {
	{.key = "zswap.enabled", .path = ZSWAP_DIR "enabled",
	 .help = "compressed swap cache (Y|N)", .validate = zswap_validate_enabled},
	{.key = "zswap.compressor", .path = ZSWAP_DIR "compressor",
	 .help = "compression algorithm (lzo, lz4, zstd, ... as in /proc/crypto)",
	 .validate = zswap_validate_name},
	{.key = "zswap.max_pool_percent", .path = ZSWAP_DIR "max_pool_percent",
	 .help = "largest pool, in percent of RAM (1..100)",
	 .validate = zswap_validate_percent},
	{.key = "zswap.zpool", .path = ZSWAP_DIR "zpool",
	 .help = "pool allocator (zsmalloc, z3fold, zbud; kernels before 6.15)",
	 .validate = zswap_validate_name},
	{0},
};
