/* Atomic file output: temp file in the same directory, fsync, rename, so a
 * reader never sees half a report. */
#include "reports/doc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int report_write_atomic(const char *path,
			int (*fill)(FILE *f, const void *arg), const void *arg)
{
	char *tmp;
	int fd, rc = -1, saved;
	FILE *f;

	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0)
		return -1;
	fd = mkstemp(tmp);
	if (fd < 0)
		goto out;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		goto unlink;
	}
	if (fill(f, arg) || fflush(f) || fsync(fileno(f))) {
		saved = errno;
		fclose(f);
		errno = saved ? saved : EIO;
		goto unlink;
	}
	if (fclose(f))
		goto unlink;
	/* mkstemp makes 0600; a report is for reading */
	if (chmod(tmp, 0644) == 0 && rename(tmp, path) == 0) {
		rc = 0;
		goto out;
	}
unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
out:
	free(tmp);
	return rc;
}
