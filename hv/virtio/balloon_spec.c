/* --balloon [target=SIZE][,stats=on][,free-page-reporting=on]
 * [,deflate-on-oom=on]; SIZE takes K/M/G suffixes (bytes otherwise). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/virtio/balloon.h"

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = 0;

	if (end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	if (*end || (shift && v >> (64 - shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_onoff(const char *v, bool *out)
{
	if (!strcmp(v, "on"))
		*out = true;
	else if (!strcmp(v, "off"))
		*out = false;
	else
		return -1;
	return 0;
}

int balloon_parse_spec(const char *spec, struct balloon_opts *o, char *err,
		       size_t errlen)
{
	char buf[256], *save = NULL, *item;

	memset(o, 0, sizeof(*o));
	if (!spec || strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "--balloon: spec too long");
		return -1;
	}
	strcpy(buf, spec);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		int rc = -1;

		if (eq) {
			*eq = 0;
			if (!strcmp(item, "target"))
				rc = parse_size(eq + 1, &o->target_bytes);
			else if (!strcmp(item, "stats"))
				rc = parse_onoff(eq + 1, &o->stats);
			else if (!strcmp(item, "free-page-reporting"))
				rc = parse_onoff(eq + 1, &o->reporting);
			else if (!strcmp(item, "deflate-on-oom"))
				rc = parse_onoff(eq + 1, &o->deflate_on_oom);
			*eq = '=';
		}
		if (rc) {
			snprintf(err, errlen, "--balloon %s: bad option '%s' (expected "
				 "target=SIZE, stats=on|off, free-page-reporting=on|off, "
				 "deflate-on-oom=on|off)", spec, item);
			return -1;
		}
	}
	return 0;
}
