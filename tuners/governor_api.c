/* A client for hv's control socket (hv --api SOCKET): one JSON object per
 * line each way. Used by the governor for balloon targets, balloon
 * statistics and per-VM KSM. */
#include "tuners/governor_api.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define API_REPLY_MAX   (256 * 1024)

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int api_connect(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "api %s: path too long", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(err, errlen, "api %s: connect: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

json_t *gov_api_call(const char *path, json_t *req, int timeout_ms, char *err,
		     size_t errlen)
{
	char *line = json_dumps(req, JSON_COMPACT), *buf = NULL;
	size_t used = 0, cap = 0;
	int64_t deadline = mono_ms() + timeout_ms;
	json_t *reply = NULL;
	json_error_t je;
	int fd = -1;

	if (!line) {
		snprintf(err, errlen, "api: cannot encode the request");
		return NULL;
	}
	fd = api_connect(path, err, errlen);
	if (fd < 0)
		goto out;
	if (dprintf(fd, "%s\n", line) < 0) {
		snprintf(err, errlen, "api %s: write: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int64_t left = deadline - mono_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
			snprintf(err, errlen, "api %s: no reply within %d ms", path, timeout_ms);
			goto out;
		}
		if (used + 4096 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			if (cap > API_REPLY_MAX || !(nb = realloc(buf, cap))) {
				snprintf(err, errlen, "api %s: reply too long", path);
				goto out;
			}
			buf = nb;
		}
		n = read(fd, buf + used, cap - used - 1);
		if (n <= 0) {
			snprintf(err, errlen, "api %s: connection closed before a reply", path);
			goto out;
		}
		used += (size_t)n;
		buf[used] = 0;
		if (memchr(buf, '\n', used))
			break;
	}
	*strchr(buf, '\n') = 0;
	reply = json_loads(buf, 0, &je);
	if (!reply || !json_is_object(reply)) {
		snprintf(err, errlen, "api %s: reply is not a JSON object: %.80s", path, buf);
		json_decref(reply);
		reply = NULL;
	} else if (json_object_get(reply, "error") ||
		   json_is_false(json_object_get(reply, "ok"))) {
		json_t *e = json_object_get(reply, "error");

		snprintf(err, errlen, "api %s: %s", path,
			 json_is_string(e) ? json_string_value(e) : "request refused");
		json_decref(reply);
		reply = NULL;
	}
out:
	if (fd >= 0)
		close(fd);
	free(line);
	free(buf);
	return reply;
}

/* A byte count under one of several names: NAME_bytes, NAME_mib, or NAME
 * (bytes); searched in the object and in its "balloon"/"stats" members. */
int gov_api_bytes(json_t *o, const char *name, uint64_t *out)
{
	static const char *const nests[] = { NULL, "balloon", "stats" };
	char key[96];

	for (size_t i = 0; i < sizeof(nests) / sizeof(nests[0]); i++) {
		json_t *in = nests[i] ? json_object_get(o, nests[i]) : o, *v;

		if (!json_is_object(in))
			continue;
		snprintf(key, sizeof(key), "%s_bytes", name);
		if (json_is_integer(v = json_object_get(in, key)) && json_integer_value(v) >= 0) {
			*out = (uint64_t)json_integer_value(v);
			return 0;
		}
		snprintf(key, sizeof(key), "%s_mib", name);
		if (json_is_number(v = json_object_get(in, key)) && json_number_value(v) >= 0) {
			*out = (uint64_t)(json_number_value(v) * 1048576.0);
			return 0;
		}
		if (json_is_integer(v = json_object_get(in, name)) && json_integer_value(v) >= 0) {
			*out = (uint64_t)json_integer_value(v);
			return 0;
		}
	}
	return -1;
}
