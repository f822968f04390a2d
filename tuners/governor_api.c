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

/* hv's balloon-stats reply (hv/virtio/balloon.c virtio_balloon_stats_json):
 * {"target_pages":N, "actual_pages":N, ... (4 KiB balloon PFNs, virtio 1.x
 * §5.5.6), "guest_stats": {"free_memory": BYTES, ...} or null before the
 * guest's first statistics buffer, "guest_stats_age_ms": N or null}. The
 * statistics are bytes (§5.5.6.3). */
int gov_api_balloon_parse(json_t *rep, struct gov_balloon_reply *out)
{
	json_t *actual = json_object_get(rep, "actual_pages");
	json_t *gs = json_object_get(rep, "guest_stats");
	json_t *age = json_object_get(rep, "guest_stats_age_ms");
	json_t *fm = json_object_get(gs, "free_memory");

	memset(out, 0, sizeof(*out));
	if (!json_is_integer(actual) || json_integer_value(actual) < 0)
		return -1;
	out->actual_bytes = (uint64_t)json_integer_value(actual) << GOV_BALLOON_PFN_SHIFT;
	if (json_is_object(gs) && json_is_integer(fm) && json_integer_value(fm) >= 0 &&
	    json_is_integer(age) && json_integer_value(age) >= 0 &&
	    json_integer_value(age) <= GOV_BALLOON_STATS_MAX_AGE_MS) {
		out->guest_free_known = true;
		out->guest_free = (uint64_t)json_integer_value(fm);
	}
	return 0;
}
