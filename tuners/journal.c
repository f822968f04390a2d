/* Tuner journal: see journal.h for the record format. */
#include "tuners/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static char state_dir[PATH_MAX + 32], jpath[PATH_MAX + 48], self_owner[JOURNAL_OWNER_LEN];

uint32_t journal_crc32(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t crc = 0xffffffffu;

	/* bitwise CRC-32 (IEEE 802.3, reflected 0xedb88320): records are short */
	while (len--) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

const char *journal_state_dir(void)
{
	const char *env = getenv("HVPERF_STATE_DIR");
	char exe[PATH_MAX - 64];
	ssize_t n;

	if (env && *env) {
		snprintf(state_dir, sizeof(state_dir), "%s", env);
		return state_dir;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		char *b = strstr(exe, "/build/bin/");
		if (b) {
			*b = 0;
			snprintf(state_dir, sizeof(state_dir), "%s/results/.state", exe);
			return state_dir;
		}
	}
	snprintf(state_dir, sizeof(state_dir), "results/.state");
	return state_dir;
}

const char *journal_path(void)
{
	snprintf(jpath, sizeof(jpath), "%s/journal", journal_state_dir());
	return jpath;
}

/* Field 22 of /proc/PID/stat: start time in clock ticks since boot. */
static unsigned long long proc_starttime(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long st = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');   /* comm may contain spaces */
	if (!p)
		return 0;
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		st = strtoull(p + 1, NULL, 10);
	return st;
}

void journal_owner_of(pid_t pid, char *out, size_t len)
{
	snprintf(out, len, "%d:%llu", (int)pid, proc_starttime(pid));
}

const char *journal_self_owner(void)
{
	if (!self_owner[0])
		journal_owner_of(getpid(), self_owner, sizeof(self_owner));
	return self_owner;
}

bool journal_owner_alive(const char *owner)
{
	unsigned long long st;
	int pid;

	if (sscanf(owner, "%d:%llu", &pid, &st) != 2 || pid <= 0)
		return false;
	if (kill(pid, 0) < 0 && errno != EPERM)
		return false;
	return proc_starttime(pid) == st;
}

static int mkdir_p(const char *dir)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* All writers serialize on a lock file beside the journal (the journal
 * itself is replaced by rename when compacted). */
static int journal_lock(char *err, size_t errlen)
{
	char lp[PATH_MAX + 64];
	int fd;

	if (mkdir_p(journal_state_dir()) < 0) {
		snprintf(err, errlen, "cannot create %s: %s", journal_state_dir(),
			 strerror(errno));
		return -1;
	}
	snprintf(lp, sizeof(lp), "%s/journal.lock", journal_state_dir());
	fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		snprintf(err, errlen, "cannot lock %s: %s", lp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void journal_unlock(int fd)
{
	flock(fd, LOCK_UN);
	close(fd);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

static void fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Open for append; a torn last line (no newline) is terminated so that the
 * next record starts on a line of its own (the torn one stays invalid). */
static int journal_open_append(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	struct stat st;
	char c;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && st.st_size > 0) {
		int rfd = open(path, O_RDONLY | O_CLOEXEC);

		if (rfd >= 0 && pread(rfd, &c, 1, st.st_size - 1) == 1 && c != '\n')
			(void)!write(fd, "\n", 1);
		if (rfd >= 0)
			close(rfd);
	}
	return fd;
}

static char *journal_format(const struct journal_rec *r)
{
	json_t *o = json_pack("{s:s, s:s}", "op", r->op, "owner", r->owner);
	char *text, *line = NULL;

	if (!strcmp(r->op, "set")) {
		json_object_set_new(o, "key", json_string(r->key));
		json_object_set_new(o, "path", json_string(r->path));
		json_object_set_new(o, "prev", json_string(r->prev));
	}
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (text && asprintf(&line, "%08x %s\n", journal_crc32(text, strlen(text)), text) < 0)
		line = NULL;
	free(text);
	return line;
}

int journal_append(const struct journal_rec *r, char *err, size_t errlen)
{
	int lock, fd, rc = -1;
	char *line = journal_format(r);

	if (!line) {
		snprintf(err, errlen, "journal: cannot encode record for %s", r->key);
		return -1;
	}
	lock = journal_lock(err, errlen);
	if (lock < 0) {
		free(line);
		return -1;
	}
	fd = journal_open_append(journal_path());
	if (fd < 0 || write_all(fd, line, strlen(line)) < 0 || fsync(fd) < 0)
		snprintf(err, errlen, "journal %s: %s", journal_path(), strerror(errno));
	else
		rc = 0;
	if (fd >= 0)
		close(fd);
	fsync_dir(journal_state_dir());
	journal_unlock(lock);
	free(line);
	return rc;
}

void journal_append_done_raw(const char *owner)
{
	char line[160], text[128];
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	uint32_t crc;
	int fd;

	/* no stdio or malloc here: this runs in signal handlers */
	const char *parts[] = {"{\"op\":\"done\",\"owner\":\"", owner, "\"}"};
	for (size_t i = 0; i < 3; i++)
		for (const char *p = parts[i]; *p && n < sizeof(text) - 1; p++)
			text[n++] = *p;
	text[n] = 0;
	crc = journal_crc32(text, n);
	for (int i = 0; i < 8; i++)
		line[i] = hex[(crc >> (28 - 4 * i)) & 0xf];
	line[8] = ' ';
	memcpy(line + 9, text, n);
	line[9 + n] = '\n';
	if (!jpath[0])   /* nothing was ever journaled by this process */
		return;
	fd = journal_open_append(jpath);
	if (fd < 0)
		return;
	write_all(fd, line, 10 + n);
	fsync(fd);
	close(fd);
}

static void copy_str(char *dst, size_t len, json_t *v)
{
	snprintf(dst, len, "%s", json_is_string(v) ? json_string_value(v) : "");
}

int journal_parse_line(const char *line, size_t len, struct journal_rec *r)
{
	char crcbuf[9];
	unsigned long crc;
	json_t *o;
	char *end;

	if (len < 11 || line[8] != ' ')
		return -1;
	memcpy(crcbuf, line, 8);
	crcbuf[8] = 0;
	crc = strtoul(crcbuf, &end, 16);
	if (*end || crc != journal_crc32(line + 9, len - 9))
		return -1;
	o = json_loadb(line + 9, len - 9, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return -1;
	}
	memset(r, 0, sizeof(*r));
	copy_str(r->op, sizeof(r->op), json_object_get(o, "op"));
	copy_str(r->owner, sizeof(r->owner), json_object_get(o, "owner"));
	copy_str(r->key, sizeof(r->key), json_object_get(o, "key"));
	copy_str(r->path, sizeof(r->path), json_object_get(o, "path"));
	copy_str(r->prev, sizeof(r->prev), json_object_get(o, "prev"));
	json_decref(o);
	if (!r->owner[0] || (strcmp(r->op, "set") && strcmp(r->op, "hold") &&
			     strcmp(r->op, "done")))
		return -1;
	if (!strcmp(r->op, "set") && (!r->key[0] || !r->path[0]))
		return -1;
	return 0;
}

int journal_load(struct journal *j, char *err, size_t errlen)
{
	FILE *f = fopen(journal_path(), "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0;

	memset(j, 0, sizeof(*j));
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "journal %s: %s", journal_path(), strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		struct journal_rec r;
		bool complete = line[n - 1] == '\n';

		lineno++;
		if (complete)
			line[--n] = 0;
		if (n == 0)
			continue;
		if (!complete || journal_parse_line(line, n, &r) < 0) {
			if (!j->nr_bad++)
				j->first_bad_line = lineno;
			continue;
		}
		struct journal_rec *nr = realloc(j->recs, (j->nr + 1) * sizeof(*nr));
		if (!nr)
			break;
		j->recs = nr;
		j->recs[j->nr++] = r;
	}
	free(line);
	fclose(f);
	return 0;
}

void journal_free(struct journal *j)
{
	free(j->recs);
	memset(j, 0, sizeof(*j));
}

enum journal_owner_state journal_owner_state(const struct journal *j,
					     const char *owner)
{
	enum journal_owner_state s = JOURNAL_PENDING;

	for (int i = 0; i < j->nr; i++) {
		if (strcmp(j->recs[i].owner, owner))
			continue;
		if (!strcmp(j->recs[i].op, "done"))
			return JOURNAL_DONE;
		if (!strcmp(j->recs[i].op, "hold"))
			s = JOURNAL_HELD;
	}
	return s;
}

int journal_compact(char *err, size_t errlen)
{
	char tmp[PATH_MAX + 64];
	struct journal j;
	int lock, fd, kept = 0, rc = 0;

	lock = journal_lock(err, errlen);
	if (lock < 0)
		return -1;
	if (journal_load(&j, err, errlen) < 0) {
		journal_unlock(lock);
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", journal_path());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		rc = -1;
		goto out;
	}
	for (int i = 0; i < j.nr && rc == 0; i++) {
		if (journal_owner_state(&j, j.recs[i].owner) == JOURNAL_DONE)
			continue;
		char *line = journal_format(&j.recs[i]);
		if (!line || write_all(fd, line, strlen(line)) < 0)
			rc = -1;
		free(line);
		kept++;
	}
	if (rc == 0 && fsync(fd) < 0)
		rc = -1;
	close(fd);
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
	else if (!kept)
		rc = unlink(tmp) < 0 || (unlink(journal_path()) < 0 && errno != ENOENT);
	else
		rc = rename(tmp, journal_path()) < 0 ? -1 : 0;
	if (rc) {
		snprintf(err, errlen, "journal compaction: %s", strerror(errno));
		rc = -1;
	}
	fsync_dir(journal_state_dir());
out:
	journal_free(&j);
	journal_unlock(lock);
	return rc;
}
