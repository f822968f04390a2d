/* The I/O event loop: one epoll thread ("io") that runs device work off the
 * vCPU threads: ioeventfd kicks, irqfd resamples, tap fds, io_uring
 * completions and the control socket. hv runs one VM per process, so there
 * is one loop.
 *
 * Callbacks run on the io thread, one at a time. ioloop_del() may be called
 * from any thread (or from a callback); when it returns, the callback is
 * not running and will not run again. */
#ifndef HV_IOLOOP_H
#define HV_IOLOOP_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*ioloop_fn)(void *opaque, uint32_t events);

/* Watch fd for events (EPOLLIN, ...). Returns 0, or -1 with errno set. */
int ioloop_add(int fd, uint32_t events, ioloop_fn fn, void *opaque);
/* Change the events watched (0 = stop watching, keep the registration). */
int ioloop_mod(int fd, uint32_t events);
int ioloop_del(int fd);
/* True on the io thread (device code asserts where it matters). */
bool ioloop_on_thread(void);
bool ioloop_running(void);

#endif
