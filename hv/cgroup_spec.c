/* Parsing of --cgroup NAME[,mem=SIZE][,swap=SIZE][,zswap=SIZE]. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/cgroup.h"

static int cgroup_parse_size(const char *s, uint64_t *out)
{
	uint64_t v, mult = 1;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 0:   break;
	case 'K': mult = 1ull << 10; break;
	case 'M': mult = 1ull << 20; break;
	case 'G': mult = 1ull << 30; break;
	case 'T': mult = 1ull << 40; break;
	default:  return -1;
	}
	if (*end && end[1])
		return -1;
	if (v && mult > UINT64_MAX / v)
		return -1;
	*out = v * mult;
	return 0;
}

int vm_cgroup_parse(const char *spec, struct vm_cgroup_spec *out, char *err,
		    size_t errlen)
{
	char *copy, *save = NULL, *item;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!spec || !*spec || *spec == ',') {
		snprintf(err, errlen, "expected NAME[,mem=SIZE][,swap=SIZE][,zswap=SIZE]");
		return -1;
	}
	copy = strdup(spec);
	item = strtok_r(copy, ",", &save);
	/* the name becomes a directory: keep it to a safe alphabet */
	for (const char *p = item; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			rc = -1;
	if (rc || strlen(item) >= sizeof(out->name) || item[0] == '.') {
		snprintf(err, errlen, "cgroup name '%s': use letters, digits, '-', '_', '.' (at most %zu, not starting with '.')",
			 item, sizeof(out->name) - 1);
		free(copy);
		return -1;
	}
	snprintf(out->name, sizeof(out->name), "%s", item);
	while (!rc && (item = strtok_r(NULL, ",", &save))) {
		char *eq = strchr(item, '=');
		uint64_t *val = NULL;
		bool *has = NULL;

		if (eq)
			*eq = 0;
		if (!strcmp(item, "mem"))
			val = &out->mem, has = &out->has_mem;
		else if (!strcmp(item, "swap"))
			val = &out->swap, has = &out->has_swap;
		else if (!strcmp(item, "zswap"))
			val = &out->zswap, has = &out->has_zswap;
		if (!val || !eq) {
			snprintf(err, errlen, "'%s': expected mem=SIZE, swap=SIZE or zswap=SIZE", item);
			rc = -1;
		} else if (*has) {
			snprintf(err, errlen, "%s= given twice", item);
			rc = -1;
		} else if (cgroup_parse_size(eq + 1, val) < 0) {
			snprintf(err, errlen, "%s=%s: not a size (e.g. 512M, 2G)", item, eq + 1);
			rc = -1;
		} else if (!strcmp(item, "mem") && *val < (4ull << 20)) {
			snprintf(err, errlen, "mem=%s: below 4 MiB the VM cannot even start", eq + 1);
			rc = -1;
		} else {
			*has = true;
		}
	}
	free(copy);
	return rc;
}
