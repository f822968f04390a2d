/* Kernel command line for one workload in the Linux guest, its status
 * marker, scratch disks. Encoding: workloads/guest/init, docs/guest-image.md. */
#include "bench/guestcmd.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wformat-truncation"

int guestcmd_escape(const char *arg, char *buf, size_t len)
{
	size_t o = 0;

	for (const unsigned char *c = (const unsigned char *)arg; *c; c++) {
		if (isalnum(*c) || strchr("._=:/+@-", *c)) {
			if (o + 1 >= len)
				return -1;
			buf[o++] = *c;
		} else {
			if (o + 3 >= len)
				return -1;
			snprintf(buf + o, 4, "%%%02X", *c);
			o += 3;
		}
	}
	if (o >= len)
		return -1;
	buf[o] = 0;
	return 0;
}

int guestcmd_cmdline(const char *env, const char *name, json_t *args, char *buf,
		     size_t len)
{
	const char *append = getenv("HVPERF_GUEST_APPEND");
	char esc[1024];
	size_t i, o;
	json_t *a;
	int n;

	n = snprintf(buf, len, "%s%s%s hvperf.env=%s hvperf.wl=%s", GUESTCMD_BASE,
		     append && *append ? " " : "", append ? append : "", env, name);
	if (n < 0 || (size_t)n >= len)
		return -1;
	o = n;
	json_array_foreach(args, i, a) {
		const char *s = json_string_value(a);

		if (!s || !*s || guestcmd_escape(s, esc, sizeof(esc)))
			return -1;   /* empty arguments cannot travel */
		n = snprintf(buf + o, len - o, "%s%s", i ? "," : " hvperf.args=", esc);
		if (n < 0 || (size_t)n >= len - o)
			return -1;
		o += n;
	}
	return 0;
}

int guestcmd_status(const char *out, const char *name)
{
	char key[160];
	const char *p = out, *hit = NULL;

	snprintf(key, sizeof(key), "HVPERF-GUEST: wl %s exit=", name);
	while (p && (p = strstr(p, key))) {
		hit = p + strlen(key);
		p = hit;
	}
	if (!hit || !isdigit((unsigned char)*hit))
		return -1;
	return atoi(hit);
}

static long long guestcmd__size(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || v <= 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K': v <<= 10; end++; break;
	case 'M': v <<= 20; end++; break;
	case 'G': v <<= 30; end++; break;
	default: break;
	}
	return *end && *end != ',' ? -1 : v;
}

static int guestcmd__fill(const char *path, long long size, char *err, size_t errlen)
{
	static char zero[1 << 20];
	char tmp[PATH_MAX + 8];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "scratch disk %s: %s", tmp, strerror(errno));
		return -1;
	}
	for (long long done = 0; done < size;) {
		size_t n = size - done < (long long)sizeof(zero) ? (size_t)(size - done) : sizeof(zero);
		ssize_t w = write(fd, zero, n);

		if (w <= 0) {
			snprintf(err, errlen, "scratch disk %s: write: %s", tmp,
				 w < 0 ? strerror(errno) : "short write");
			close(fd);
			unlink(tmp);
			return -1;
		}
		done += w;
	}
	if (fsync(fd) || close(fd) || rename(tmp, path)) {
		snprintf(err, errlen, "scratch disk %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int guestcmd_disk(const char *value, const char *dir, char *buf, size_t len,
		  char *err, size_t errlen)
{
	const char *spec, *opts;
	char path[PATH_MAX];
	long long size;

	if (strncmp(value, "scratch:", 8)) {
		snprintf(buf, len, "%s", value);
		return 0;
	}
	spec = value + 8;
	opts = strchr(spec, ',');
	size = guestcmd__size(spec);
	if (size < 0 || size % 512) {
		snprintf(err, errlen, "disk %s: SIZE must be a multiple of 512 (e.g. scratch:256M)",
			 value);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/.scratch-%.*s.img", dir,
		 (int)(opts ? opts - spec : (long)strlen(spec)), spec);
	if (access(path, R_OK | W_OK) && guestcmd__fill(path, size, err, errlen))
		return -1;
	snprintf(buf, len, "%s%s", path, opts ? opts : "");
	return 0;
}

void guestcmd_disk_cleanup(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];

	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (!strncmp(e->d_name, ".scratch-", 9) &&
		    (n > 4 && !strcmp(e->d_name + n - 4, ".img"))) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	}
	if (d)
		closedir(d);
}
