/* One epoll thread for all device I/O (see ioloop.h). Started at
 * DEV_LEVEL_CORE, stopped when the core level exits (after every device). */
#include "hv/ioloop.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hv/device.h"
#include "hv/log.h"
#include "hv/placement.h"
#include "hv/vm.h"

#define IOLOOP_MAX_EVENTS 32

struct ioloop_handler {
	int fd;
	ioloop_fn fn;
	void *opaque;
	bool dead;
	struct ioloop_handler *next;      /* all handlers */
};

static struct {
	int epfd, stopfd;
	pthread_t thread;
	bool running;
	/* held while callbacks run: ioloop_del() waits on it (recursive, so a
	 * callback may delete handlers, its own included) */
	pthread_mutex_t lock;
	/* guards the handler list only, never held while calling out: a vCPU
	 * thread that holds a device lock may ioloop_add()/ioloop_mod() without
	 * waiting for a callback that wants the same device lock */
	pthread_mutex_t list_lock;
	struct ioloop_handler *handlers;
} loop = { .epfd = -1, .stopfd = -1, .list_lock = PTHREAD_MUTEX_INITIALIZER };

/* Caller holds loop.list_lock. */
static struct ioloop_handler *ioloop_find(int fd)
{
	for (struct ioloop_handler *h = loop.handlers; h; h = h->next)
		if (h->fd == fd && !h->dead)
			return h;
	return NULL;
}

int ioloop_add(int fd, uint32_t events, ioloop_fn fn, void *opaque)
{
	struct ioloop_handler *h = calloc(1, sizeof(*h));
	struct epoll_event ev = { .events = events };

	if (!h)
		return -1;
	if (loop.epfd < 0) {
		free(h);
		errno = ENODEV;
		return -1;
	}
	*h = (struct ioloop_handler){ .fd = fd, .fn = fn, .opaque = opaque };
	ev.data.ptr = h;
	pthread_mutex_lock(&loop.list_lock);
	if (epoll_ctl(loop.epfd, EPOLL_CTL_ADD, fd, &ev)) {
		pthread_mutex_unlock(&loop.list_lock);
		free(h);
		return -1;
	}
	h->next = loop.handlers;
	loop.handlers = h;
	pthread_mutex_unlock(&loop.list_lock);
	return 0;
}

int ioloop_mod(int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };
	int rc = -1;

	pthread_mutex_lock(&loop.list_lock);
	ev.data.ptr = ioloop_find(fd);
	if (ev.data.ptr)
		rc = epoll_ctl(loop.epfd, EPOLL_CTL_MOD, fd, &ev);
	else
		errno = ENOENT;
	pthread_mutex_unlock(&loop.list_lock);
	return rc;
}

int ioloop_del(int fd)
{
	struct ioloop_handler *h;

	pthread_mutex_lock(&loop.lock);
	pthread_mutex_lock(&loop.list_lock);
	h = ioloop_find(fd);
	if (h) {
		epoll_ctl(loop.epfd, EPOLL_CTL_DEL, fd, NULL);
		h->dead = true;   /* freed by the loop after its current batch */
	}
	pthread_mutex_unlock(&loop.list_lock);
	pthread_mutex_unlock(&loop.lock);
	return h ? 0 : -1;
}

bool ioloop_on_thread(void)
{
	return loop.running && pthread_equal(pthread_self(), loop.thread);
}

bool ioloop_running(void)
{
	return loop.running;
}

static void ioloop_reap(void)
{
	struct ioloop_handler **pp = &loop.handlers;

	pthread_mutex_lock(&loop.list_lock);
	while (*pp) {
		struct ioloop_handler *h = *pp;

		if (h->dead) {
			*pp = h->next;
			free(h);
		} else {
			pp = &h->next;
		}
	}
	pthread_mutex_unlock(&loop.list_lock);
}

static void *ioloop_thread(void *arg)
{
	struct epoll_event ev[IOLOOP_MAX_EVENTS];

	(void)arg;
	pthread_setname_np(pthread_self(), "io");
	for (;;) {
		int n = epoll_wait(loop.epfd, ev, IOLOOP_MAX_EVENTS, -1);
		bool stop = false;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			warnx_hv("io thread: epoll_wait: %m");
			break;
		}
		pthread_mutex_lock(&loop.lock);
		for (int i = 0; i < n; i++) {
			struct ioloop_handler *h = ev[i].data.ptr;

			if (!h) {
				stop = true;
				continue;
			}
			if (!h->dead)
				h->fn(h->opaque, ev[i].events);
		}
		ioloop_reap();
		pthread_mutex_unlock(&loop.lock);
		if (stop)
			break;
	}
	return NULL;
}

static int ioloop__init(struct vm *vm)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
	pthread_mutexattr_t a;
	int rc;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&loop.lock, &a);
	pthread_mutexattr_destroy(&a);
	loop.epfd = epoll_create1(EPOLL_CLOEXEC);
	loop.stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (loop.epfd < 0 || loop.stopfd < 0 ||
	    epoll_ctl(loop.epfd, EPOLL_CTL_ADD, loop.stopfd, &ev)) {
		fprintf(stderr, "hv: io thread: epoll/eventfd setup: %m\n");
		return -1;
	}
	rc = pthread_create(&loop.thread, NULL, ioloop_thread, NULL);
	if (rc) {
		fprintf(stderr, "hv: io thread: pthread_create: error %d\n", rc);
		return -1;
	}
	loop.running = true;
	return placement_apply_io(vm, loop.thread);
}

static void ioloop__exit(struct vm *vm)
{
	uint64_t one = 1;

	(void)vm;
	if (!loop.running)
		return;
	if (write(loop.stopfd, &one, sizeof(one)) != sizeof(one))
		warnx_hv("io thread: cannot signal stop: %m");
	pthread_join(loop.thread, NULL);
	loop.running = false;
	pthread_mutex_lock(&loop.lock);
	pthread_mutex_lock(&loop.list_lock);
	for (struct ioloop_handler *h = loop.handlers; h; h = h->next)
		h->dead = true;
	pthread_mutex_unlock(&loop.list_lock);
	ioloop_reap();
	pthread_mutex_unlock(&loop.lock);
	close(loop.epfd);
	close(loop.stopfd);
	loop.epfd = loop.stopfd = -1;
}
hv_device_init_exit(ioloop__init, ioloop__exit, DEV_LEVEL_CORE);
