/* Swap: swap.file (create, mkswap, swapon a file; restore = swapoff and
 * delete) and vm.swappiness. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tuners/journal.h"
#include "tuners/knob.h"

#define SWAP_MIN (40ull << 10)     /* mkswap needs at least 10 pages */
#define DISK_MARGIN (1ull << 30)   /* keep 1 GiB of the file system free */

/* "SIZE[@PATH]" or "off[@PATH]"; PATH defaults to the state directory. */
static int swap_parse(const char *v, uint64_t *size, char *path, size_t len,
		      int *off)
{
	char buf[64];
	const char *at = strchr(v, '@');
	size_t n = at ? (size_t)(at - v) : strlen(v);

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, v, n);
	buf[n] = 0;
	if (at && at[1] != '/')
		return -1;
	snprintf(path, len, "%s", at ? at + 1 : "");
	if (!at)
		snprintf(path, len, "%s/swapfile", journal_state_dir());
	*off = !strcmp(buf, "off");
	return *off ? 0 : parse_size(buf, size);
}

/* statvfs of the nearest existing ancestor of dir */
static int statvfs_up(char *dir, struct statvfs *vfs)
{
	while (statvfs(dir, vfs) < 0) {
		char *slash = strrchr(dir, '/');

		if (errno != ENOENT || !slash)
			return -1;
		if (slash == dir)
			slash[1] = 0;
		else
			*slash = 0;
	}
	return 0;
}

static int swap_validate(const struct tuner_knob *k, const char *v, char *err,
			 size_t errlen)
{
	char path[PATH_MAX], dir[PATH_MAX], *slash;
	struct statvfs vfs;
	uint64_t size = 0, avail;
	int off;

	if (swap_parse(v, &size, path, sizeof(path), &off) < 0) {
		snprintf(err, errlen, "%s: '%s' is not SIZE[@/ABS/PATH] or off (e.g. 2G)", k->key, v);
		return -1;
	}
	if (off)
		return 0;
	if (size < SWAP_MIN) {
		snprintf(err, errlen, "%s: %" PRIu64 " bytes is too small for a swap file", k->key, size);
		return -1;
	}
	if (access(path, F_OK) == 0) {
		snprintf(err, errlen, "%s: %s already exists; not overwriting it", k->key, path);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = 0;
	if (statvfs_up(dir, &vfs) < 0) {
		snprintf(err, errlen, "%s: %s: %s", k->key, dir, strerror(errno));
		return -1;
	}
	avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (size + DISK_MARGIN > avail) {
		snprintf(err, errlen, "%s: refused: %" PRIu64 " MiB would leave less than %llu MiB free on %s (%" PRIu64 " MiB free)",
			 k->key, size >> 20, DISK_MARGIN >> 20, dir, avail >> 20);
		return -1;
	}
	return 0;
}

/* Size in KiB of an active swap area named path, or -1. */
static long long swap_active_kib(const char *path)
{
	FILE *f = fopen("/proc/swaps", "re");
	char name[PATH_MAX], type[32];
	long long size = -1, kib;

	if (!f)
		return -1;
	fscanf(f, "%*[^\n]\n");   /* header */
	while (fscanf(f, "%4095s %31s %lld %*[^\n]\n", name, type, &kib) == 3)
		if (!strcmp(name, path))
			size = kib;
	fclose(f);
	return size;
}

static int run_mkswap(const char *path, char *err, size_t errlen)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execlp("mkswap", "mkswap", path, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		snprintf(err, errlen, "swap.file: mkswap %s failed%s", path,
			 pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
			 " (mkswap not installed: util-linux)" : "");
		return -1;
	}
	return 0;
}

static int swap_apply(const struct tuner_knob *k, const char *value, char *err,
		      size_t errlen)
{
	char path[PATH_MAX], dir[PATH_MAX];
	uint64_t size = 0;
	int off, fd;

	swap_parse(value, &size, path, sizeof(path), &off);
	if (off) {
		/* only a file hvperf made: its journal record is "absent" */
		if (swap_active_kib(path) < 0 && access(path, F_OK) < 0)
			return 0;
		if (tuner_undo(k->key, path, "absent") < 0) {
			snprintf(err, errlen, "%s: swapoff %s: %s", k->key, path, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (tuner_journal(k->key, path, "absent", err, errlen) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = 0;
	if (*dir)
		mkdir(dir, 0755);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: create %s: %s", k->key, path, strerror(errno));
		return -1;
	}
	if (fallocate(fd, 0, 0, size) < 0) {
		snprintf(err, errlen, "%s: fallocate %s: %s", k->key, path, strerror(errno));
		close(fd);
		goto undo;
	}
	close(fd);
	if (run_mkswap(path, err, errlen) < 0)
		goto undo;
	if (swapon(path, 0) < 0) {
		snprintf(err, errlen, "%s: swapon %s: %s%s", k->key, path, strerror(errno),
			 errno == EINVAL ? " (this file system cannot hold a swap file)" : "");
		goto undo;
	}
	fprintf(stderr, "hvperf tune: swap.file: %s active, %lld KiB\n", path,
		swap_active_kib(path));
	return 0;
undo:
	tuner_undo(k->key, path, "absent");
	return -1;
}

static char *swap_get(const struct tuner_knob *k)
{
	char path[PATH_MAX], *s = NULL;
	long long kib;

	(void)k;
	snprintf(path, sizeof(path), "%s/swapfile", journal_state_dir());
	kib = swap_active_kib(path);
	if (kib < 0)
		return strdup("off");
	if (asprintf(&s, "%lldK@%s", kib, path) < 0)
		return NULL;
	return s;
}

static int swappiness_validate(const struct tuner_knob *k, const char *v,
			       char *err, size_t errlen)
{
	return knob_validate_uint(k, v, 0, 200, err, errlen);
}

const struct tuner_knob tuner_swap_knobs[] = {
	{.key = "swap.file", .path = NULL,
	 .help = "SIZE[@PATH]: create and enable a swap file (default in the state dir); off removes it",
	 .validate = swap_validate, .apply = swap_apply, .get = swap_get},
	{.key = "vm.swappiness", .path = "/proc/sys/vm/swappiness",
	 .help = "reclaim preference for anon vs file pages (0..200)",
	 .validate = swappiness_validate},
	{0},
};
