/* `hv ctl SOCKET JSON`: a client for hv's control socket (hv/api.c) that
 * needs nothing but hv itself, so it works where python3 and a UNIX-socket
 * capable nc are missing (the test box's busybox). Sends one JSON line,
 * prints the reply line.
 * Exit: 0 reply without "error", 1 reply with one (or no reply), 2 usage
 * or connection failure (one line on stderr). */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hv/ctl.h"

#define CTL_REPLY_MAX   (1 << 20)   /* the stats JSON is the largest reply */
#define CTL_TIMEOUT_MS  10000

static int ctl_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "hv ctl: %s: socket path longer than %zu bytes\n", path,
			sizeof(sa.sun_path) - 1);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "hv ctl: cannot connect to %s: %s (is hv running with --api %s?)\n",
			path, strerror(errno), path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int ctl_send_line(int fd, const char *req)
{
	size_t len = strlen(req), off = 0;

	while (off <= len) {
		/* the request, then the newline that ends it */
		const char *p = off < len ? req + off : "\n";
		size_t n = off < len ? len - off : 1;
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

/* Read up to the first newline; returns the length (newline dropped), or
 * -1 on EOF before a newline, timeout or error. */
static ssize_t ctl_read_line(int fd, char *buf, size_t cap)
{
	size_t len = 0;

	while (len < cap - 1) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		char *nl;

		if (poll(&p, 1, CTL_TIMEOUT_MS) <= 0)
			return -1;
		n = recv(fd, buf + len, cap - 1 - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		nl = memchr(buf + len, '\n', (size_t)n);
		len += (size_t)n;
		if (nl) {
			*nl = 0;
			return nl - buf;
		}
	}
	return -1;
}

int ctl_reply_is_error(const char *reply)
{
	json_t *j = json_loads(reply, 0, NULL);
	int bad = !json_is_object(j) || json_object_get(j, "error") != NULL;

	json_decref(j);
	return bad;
}

int cmd_ctl(int argc, char **argv)
{
	char *reply;
	ssize_t n;
	int fd, rc;

	if (argc != 3 || strchr(argv[2], '\n')) {
		fprintf(stderr, "usage: hv ctl SOCKET JSON   (one request line, e.g. "
			"'{\"cmd\":\"stats\"}')\n");
		return 2;
	}
	fd = ctl_connect(argv[1]);
	if (fd < 0)
		return 2;
	reply = malloc(CTL_REPLY_MAX);
	if (!reply) {
		close(fd);
		fprintf(stderr, "hv ctl: out of memory\n");
		return 2;
	}
	if (ctl_send_line(fd, argv[2])) {
		fprintf(stderr, "hv ctl: %s: send: %s\n", argv[1], strerror(errno));
		rc = 2;
	} else if ((n = ctl_read_line(fd, reply, CTL_REPLY_MAX)) < 0) {
		fprintf(stderr, "hv ctl: %s: no reply line (connection closed or 10 s timeout)\n",
			argv[1]);
		rc = 1;
	} else {
		printf("%s\n", reply);
		rc = ctl_reply_is_error(reply) ? 1 : 0;
	}
	free(reply);
	close(fd);
	return rc;
}
