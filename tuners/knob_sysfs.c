/* Reading and writing the one-value files under /sys and /proc that the
 * tuners change, and parsing the values they take. */
#include "tuners/knob.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *sysfs_read(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return NULL;
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		n--;
	buf[n] = 0;
	return strdup(buf);
}

int sysfs_write_raw(const char *path, const char *value)
{
	size_t len = strlen(value);
	/* O_TRUNC: no effect on sysfs/procfs, right for plain files */
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, len);
	if (n < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return (size_t)n == len ? 0 : -1;
}

int sysfs_write(const char *path, const char *value)
{
	return sysfs_write_raw(path, value);
}

char *sysfs_choice_selected(const char *text)
{
	const char *a = strchr(text, '['), *b = a ? strchr(a, ']') : NULL;

	if (!a || !b)
		return strdup(text);
	return strndup(a + 1, b - a - 1);
}

bool sysfs_choice_valid(const char *text, const char *value)
{
	char *copy = strdup(text), *save = NULL;
	bool ok = false;

	if (!copy || !*value)
		goto out;
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		size_t len = strlen(w);

		if (w[0] == '[' && len > 1 && w[len - 1] == ']') {
			w[len - 1] = 0;
			w++;
		}
		if (!strcmp(w, value))
			ok = true;
	}
out:
	free(copy);
	return ok;
}

int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

int parse_size(const char *s, uint64_t *out)
{
	uint64_t v, mult = 1;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 0:   break;
	case 'K': mult = 1ull << 10; end++; break;
	case 'M': mult = 1ull << 20; end++; break;
	case 'G': mult = 1ull << 30; end++; break;
	case 'T': mult = 1ull << 40; end++; break;
	default:  return -1;
	}
	if (mult > 1 && (*end == 'i' || *end == 'I'))
		end++;
	if ((mult > 1 && (*end == 'B' || *end == 'b')) )
		end++;
	if (*end || (v && mult > UINT64_MAX / v))
		return -1;
	*out = v * mult;
	return 0;
}

int64_t meminfo_bytes(const char *field)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char name[64];
	unsigned long long kb;
	int64_t r = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63[^:]: %llu%*[^\n]\n", name, &kb) == 2) {
		if (!strcmp(name, field)) {
			r = (int64_t)kb * 1024;
			break;
		}
	}
	fclose(f);
	return r;
}

int knob_require_path(const struct tuner_knob *k, char *err, size_t errlen)
{
	if (access(k->path, F_OK) == 0)
		return 0;
	snprintf(err, errlen, "%s: not present on this host (%s: %s)", k->key,
		 k->path, strerror(errno));
	return -1;
}

int knob_validate_uint(const struct tuner_knob *k, const char *v, uint64_t lo,
		       uint64_t hi, char *err, size_t errlen)
{
	uint64_t x;

	if (knob_require_path(k, err, errlen) < 0)
		return -1;
	if (parse_u64(v, &x) < 0) {
		snprintf(err, errlen, "%s: '%s' is not a non-negative integer", k->key, v);
		return -1;
	}
	if (x < lo || x > hi) {
		snprintf(err, errlen, "%s: %" PRIu64 " is out of range %" PRIu64 "..%" PRIu64,
			 k->key, x, lo, hi);
		return -1;
	}
	return 0;
}

int knob_validate_choice(const struct tuner_knob *k, const char *v,
			 char *err, size_t errlen)
{
	char *text;
	int rc = 0;

	if (knob_require_path(k, err, errlen) < 0)
		return -1;
	text = sysfs_read(k->path);
	if (!text) {
		snprintf(err, errlen, "%s: cannot read %s", k->key, k->path);
		return -1;
	}
	if (!sysfs_choice_valid(text, v)) {
		snprintf(err, errlen, "%s: '%s' is not one of: %s", k->key, v, text);
		rc = -1;
	}
	free(text);
	return rc;
}
