/* The control socket (--api SOCKET): a UNIX stream socket speaking JSON
 * lines, served from the io thread. One request object per line, one reply
 * object per line:
 *   {"cmd":"stats"}                   -> the stats JSON (hv_stats_json)
 *   {"cmd":"balloon","target_mib":N}  -> {"ok":true,"target_mib":N}
 *   {"cmd":"balloon-stats"}           -> balloon state and guest statistics
 *   {"cmd":"ksm","mergeable":B}       -> {"ok":true,"mergeable":B}: madvise
 *                                        MADV_(UN)MERGEABLE over guest RAM
 *   {"cmd":"pause"} / {"cmd":"resume"} -> {"ok":true}
 *   {"cmd":"shutdown"}                -> {"ok":true}, then hv exits
 * Anything else gets {"error":"..."}; the connection stays open. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hv/device.h"
#include "hv/ioloop.h"
#include "hv/log.h"
#include "hv/stats.h"
#include "hv/virtio/balloon.h"
#include "hv/vm.h"

#define API_LINE_MAX   4096
#define API_MAX_CLIENTS 16

struct api_client {
	int fd;
	size_t len;
	char buf[API_LINE_MAX];
};

static struct {
	struct vm *vm;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct api_client *clients[API_MAX_CLIENTS];
} api = { .fd = -1 };

static json_t *api_error(const char *fmt, const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	return json_pack("{s:s}", "error", msg);
}

static json_t *api_balloon(json_t *req)
{
	json_t *t = json_object_get(req, "target_mib");
	char err[160];

	if (!json_is_integer(t) || json_integer_value(t) < 0 ||
	    json_integer_value(t) > (json_int_t)(api.vm->mem.size >> 20))
		return api_error("balloon: target_mib must be an integer from 0 to the guest's "
				 "RAM in MiB%s", "");
	if (virtio_balloon_set_target(api.vm, (uint64_t)json_integer_value(t) << 20, err,
				      sizeof(err)))
		return api_error("balloon: %s", err);
	return json_pack("{s:b, s:I}", "ok", 1, "target_mib", json_integer_value(t));
}

/* Per-VM KSM at run time (Documentation/admin-guide/mm/ksm.rst): the same
 * advice as --ksm on, and its undo, which unmerges the VM's shared pages. */
static json_t *api_ksm(json_t *req)
{
	json_t *m = json_object_get(req, "mergeable");
	int advice;

	if (!json_is_boolean(m))
		return api_error("ksm: \"mergeable\" must be true or false%s", "");
	advice = json_is_true(m) ? MADV_MERGEABLE : MADV_UNMERGEABLE;
	if (madvise(api.vm->mem.host, api.vm->mem.size, advice))
		return api_error("ksm: madvise: %s", strerror(errno));
	return json_pack("{s:b, s:b}", "ok", 1, "mergeable", json_is_true(m));
}

static json_t *api_dispatch(const char *line)
{
	json_error_t jerr;
	json_t *req = json_loads(line, JSON_REJECT_DUPLICATES, &jerr), *rep;
	const char *cmd;

	if (!req)
		return api_error("malformed JSON: %s", jerr.text);
	cmd = json_string_value(json_object_get(req, "cmd"));
	if (!json_is_object(req) || !cmd)
		rep = api_error("request must be an object with a string \"cmd\"%s", "");
	else if (!strcmp(cmd, "stats"))
		rep = hv_stats_json(api.vm);
	else if (!strcmp(cmd, "balloon"))
		rep = api_balloon(req);
	else if (!strcmp(cmd, "ksm"))
		rep = api_ksm(req);
	else if (!strcmp(cmd, "balloon-stats")) {
		rep = virtio_balloon_stats_json(api.vm);
		if (!rep)
			rep = api_error("no balloon device (start hv with --balloon)%s", "");
	} else if (!strcmp(cmd, "pause")) {
		vm_pause(api.vm);
		rep = json_pack("{s:b}", "ok", 1);
	} else if (!strcmp(cmd, "resume")) {
		vm_resume(api.vm);
		rep = json_pack("{s:b}", "ok", 1);
	} else if (!strcmp(cmd, "shutdown")) {
		vm_request_exit(api.vm, VM_EXIT_SIGNAL, 0, "shutdown requested over the control socket");
		rep = json_pack("{s:b}", "ok", 1);
	} else {
		rep = api_error("unknown command '%s' (stats, balloon, balloon-stats, ksm, "
				"pause, resume, shutdown)", cmd);
	}
	json_decref(req);
	return rep;
}

static void api_client_close(struct api_client *c)
{
	for (int i = 0; i < API_MAX_CLIENTS; i++)
		if (api.clients[i] == c)
			api.clients[i] = NULL;
	ioloop_del(c->fd);
	close(c->fd);
	free(c);
}

static void api_reply(struct api_client *c, json_t *rep)
{
	char *s = json_dumps(rep, JSON_COMPACT);
	size_t len, off = 0;

	json_decref(rep);
	if (!s)
		return;
	len = strlen(s);
	s[len++] = '\n';   /* json_dumps leaves room: replace the NUL */
	/* replies are small; a client that stops reading is dropped */
	while (off < len) {
		ssize_t n = send(c->fd, s + off, len - off, MSG_NOSIGNAL);

		if (n <= 0)
			break;
		off += n;
	}
	free(s);
}

static void api_client_event(void *opaque, uint32_t events)
{
	struct api_client *c = opaque;
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, MSG_DONTWAIT);
	char *nl;

	(void)events;
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		api_client_close(c);
		return;
	}
	c->len += n;
	while ((nl = memchr(c->buf, '\n', c->len))) {
		size_t used = nl - c->buf + 1;

		*nl = 0;
		if (nl > c->buf && nl[-1] == '\r')
			nl[-1] = 0;
		if (c->buf[0])
			api_reply(c, api_dispatch(c->buf));
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
	}
	if (c->len == sizeof(c->buf)) {
		api_reply(c, api_error("request longer than %s bytes", "4095"));
		api_client_close(c);
	}
}

static void api_accept(void *opaque, uint32_t events)
{
	int fd = accept4(api.fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct api_client *c;
	int slot = -1;

	(void)opaque;
	(void)events;
	if (fd < 0)
		return;
	for (int i = 0; i < API_MAX_CLIENTS && slot < 0; i++)
		if (!api.clients[i])
			slot = i;
	c = slot >= 0 ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		const char *busy = "{\"error\":\"too many control clients\"}\n";

		if (send(fd, busy, strlen(busy), MSG_NOSIGNAL) < 0)
			(void)0;
		close(fd);
		return;
	}
	c->fd = fd;
	api.clients[slot] = c;
	if (ioloop_add(fd, EPOLLIN | EPOLLRDHUP, api_client_event, c)) {
		api.clients[slot] = NULL;
		close(fd);
		free(c);
	}
}

static int api__init(struct vm *vm)
{
	const char *path = vm->cfg->api_socket;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (!path)
		return 0;
	api.vm = vm;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "hv: --api %s: socket path longer than %zu bytes\n", path,
			sizeof(sa.sun_path) - 1);
		return -1;
	}
	strcpy(sa.sun_path, path);
	strcpy(api.path, path);
	api.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	unlink(path);   /* a stale socket from a previous run */
	if (api.fd < 0 || bind(api.fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(api.fd, 8)) {
		fprintf(stderr, "hv: --api %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (ioloop_add(api.fd, EPOLLIN, api_accept, NULL)) {
		fprintf(stderr, "hv: --api %s: io thread: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void api__exit(struct vm *vm)
{
	(void)vm;
	if (api.fd < 0)
		return;
	ioloop_del(api.fd);
	for (int i = 0; i < API_MAX_CLIENTS; i++)
		if (api.clients[i])
			api_client_close(api.clients[i]);
	close(api.fd);
	unlink(api.path);
	api.fd = -1;
}
hv_device_init_exit(api__init, api__exit, DEV_LEVEL_LATE);
