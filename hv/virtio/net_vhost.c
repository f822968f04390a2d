/* vhost-net data path for virtio-net (`--net tap=NAME,vhost=on`): the host
 * kernel moves packets between the rings and the tap, hv keeps the
 * virtio-mmio registers and the config space.
 *
 * At open: /dev/vhost-net, VHOST_SET_OWNER, VHOST_GET_FEATURES, the memory
 * table (guest RAM: the low and the high slot, GPA -> HVA). At DRIVER_OK
 * (d->lock held): the negotiated ring features (VERSION_1, EVENT_IDX,
 * INDIRECT_DESC; MAC and STATUS stay hv's), per queue its size, base, ring
 * HVAs (checked with guest_ptr), the queue's ioeventfd as the kick (hv's
 * io thread stops watching it) and a call eventfd, then the tap as backend.
 * The call eventfd is hv's, not the irqfd: Linux's virtio_mmio interrupt
 * handler reads InterruptStatus and ignores the IRQ when it is 0, so the io
 * thread sets the used-buffer bit and raises the interrupt the usual way.
 * At reset: backend -1, kicks back to the io thread, userspace path again.
 * Start and the re-arming of hv's handlers run on the io thread (net.c
 * defers them there), so that vhost and hv's own handlers never act on the
 * same queue at once. (ioloop_mod() itself is safe under d->lock: it takes
 * only the loop's list lock, never held while callbacks run.)
 * The tap keeps its 12-byte vnet header (TUNSETVNETHDRSZ): with VERSION_1
 * and without VHOST_NET_F_VIRTIO_NET_HDR, the tap reads and writes it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hv/ioloop.h"
#include "hv/layout.h"
#include "hv/log.h"
#include "hv/virtio/net.h"
#include "hv/vm.h"

#define VHOST_RING_FEATURES (VIRTIO_FEAT(VIRTIO_F_VERSION_1_BIT) | \
			     VIRTIO_FEAT(VIRTIO_F_EVENT_IDX) | VIRTIO_FEAT(VIRTIO_F_INDIRECT_DESC))

bool virtio_net_vhost_take_calls(struct net_vhost *v)
{
	uint64_t n, sum = 0;

	for (int q = 0; q < NET_VHOST_QUEUES; q++)
		while (v->call_fd[q] >= 0 && read(v->call_fd[q], &n, sizeof(n)) == sizeof(n))
			sum += n;
	return sum > 0;
}

int virtio_net_vhost_open(struct net_vhost *v, struct virtio_mmio_dev *d,
			  char *err, size_t errlen)
{
	const struct guest_mem *m = &d->vm->mem;
	struct vhost_memory *mem;
	int n = 0;

	memset(v, 0, sizeof(*v));
	v->dev = d;
	v->call_fd[0] = v->call_fd[1] = -1;
	v->fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
	if (v->fd < 0) {
		snprintf(err, errlen, "--net vhost=on: /dev/vhost-net: %s", strerror(errno));
		return -1;
	}
	if (ioctl(v->fd, VHOST_SET_OWNER) || ioctl(v->fd, VHOST_GET_FEATURES, &v->features)) {
		snprintf(err, errlen, "--net vhost=on: VHOST_SET_OWNER/GET_FEATURES: %s",
			 strerror(errno));
		goto fail;
	}
	if (!(v->features & VIRTIO_FEAT(VIRTIO_F_VERSION_1_BIT))) {
		snprintf(err, errlen, "--net vhost=on: this kernel's vhost-net lacks "
			 "VIRTIO_F_VERSION_1 (features %#llx)", (unsigned long long)v->features);
		goto fail;
	}
	mem = calloc(1, sizeof(*mem) + 2 * sizeof(mem->regions[0]));
	if (!mem)
		die("out of memory");
	if (m->low_size)
		mem->regions[n++] = (struct vhost_memory_region){
			.guest_phys_addr = 0, .memory_size = m->low_size,
			.userspace_addr = (uint64_t)(uintptr_t)m->host };
	if (m->high_size)
		mem->regions[n++] = (struct vhost_memory_region){
			.guest_phys_addr = GUEST_HIGH_RAM_START, .memory_size = m->high_size,
			.userspace_addr = (uint64_t)(uintptr_t)(m->host + m->low_size) };
	mem->nregions = (uint32_t)n;
	if (ioctl(v->fd, VHOST_SET_MEM_TABLE, mem)) {
		snprintf(err, errlen, "--net vhost=on: VHOST_SET_MEM_TABLE: %s", strerror(errno));
		free(mem);
		goto fail;
	}
	free(mem);
	for (int q = 0; q < NET_VHOST_QUEUES; q++) {
		v->call_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (v->call_fd[q] < 0) {
			snprintf(err, errlen, "--net vhost=on: call eventfd: %s", strerror(errno));
			goto fail;
		}
	}
	return 0;
fail:
	virtio_net_vhost_close(v);
	return -1;
}

static void vhost_unbind(struct net_vhost *v, int nq)
{
	for (int q = 0; q < nq; q++) {
		struct vhost_vring_file f = { .index = (unsigned)q, .fd = -1 };
		struct vhost_vring_state s = { .index = (unsigned)q };

		ioctl(v->fd, VHOST_NET_SET_BACKEND, &f);
		ioctl(v->fd, VHOST_GET_VRING_BASE, &s);   /* stops the ring */
		ioctl(v->fd, VHOST_SET_VRING_KICK, &f);
		ioctl(v->fd, VHOST_SET_VRING_CALL, &f);
	}
}

static int vhost_setup_queue(struct net_vhost *v, int q, int tap, char *why, size_t len)
{
	struct virtio_mmio_dev *d = v->dev;
	struct virtq *vq = &d->q[q].vq;
	const struct guest_mem *m = vq->mem;
	void *desc, *avail, *used;
	struct vhost_vring_state num = { .index = (unsigned)q, .num = vq->num };
	struct vhost_vring_state base = { .index = (unsigned)q, .num = vq->last_avail };
	struct vhost_vring_addr addr = { .index = (unsigned)q };
	struct vhost_vring_file kick = { .index = (unsigned)q, .fd = d->q[q].kick_fd };
	struct vhost_vring_file call = { .index = (unsigned)q, .fd = v->call_fd[q] };
	const char *what;

	(void)tap;
	if (!vq->ready || !vq->num || d->q[q].kick_fd < 0) {
		snprintf(why, len, "queue %d not ready", q);
		return -1;
	}
	desc = guest_ptr(m, vq->desc_gpa, 16ULL * vq->num);
	avail = guest_ptr(m, vq->avail_gpa, 6 + 2ULL * vq->num);
	used = guest_ptr(m, vq->used_gpa, 6 + 8ULL * vq->num);
	if (!desc || !avail || !used) {
		snprintf(why, len, "queue %d: ring outside guest RAM", q);
		return -1;
	}
	addr.desc_user_addr = (uint64_t)(uintptr_t)desc;
	addr.avail_user_addr = (uint64_t)(uintptr_t)avail;
	addr.used_user_addr = (uint64_t)(uintptr_t)used;
	if ((what = "SET_VRING_NUM", ioctl(v->fd, VHOST_SET_VRING_NUM, &num)) ||
	    (what = "SET_VRING_BASE", ioctl(v->fd, VHOST_SET_VRING_BASE, &base)) ||
	    (what = "SET_VRING_ADDR", ioctl(v->fd, VHOST_SET_VRING_ADDR, &addr)) ||
	    (what = "SET_VRING_KICK", ioctl(v->fd, VHOST_SET_VRING_KICK, &kick)) ||
	    (what = "SET_VRING_CALL", ioctl(v->fd, VHOST_SET_VRING_CALL, &call))) {
		snprintf(why, len, "queue %d: VHOST_%s: %s", q, what, strerror(errno));
		return -1;
	}
	return 0;
}

int virtio_net_vhost_start(struct net_vhost *v, int tap)
{
	struct virtio_mmio_dev *d = v->dev;
	uint64_t feat = d->driver_features & VHOST_RING_FEATURES;
	char why[160];
	int q = 0;

	if (v->fd < 0 || v->active)
		return v->active ? 0 : -1;
	if (feat & ~v->features) {
		snprintf(why, sizeof(why), "vhost-net lacks negotiated features %#llx",
			 (unsigned long long)(feat & ~v->features));
		goto fail;
	}
	if (ioctl(v->fd, VHOST_SET_FEATURES, &feat)) {
		snprintf(why, sizeof(why), "VHOST_SET_FEATURES: %s", strerror(errno));
		goto fail;
	}
	for (q = 0; q < NET_VHOST_QUEUES; q++)
		if (vhost_setup_queue(v, q, tap, why, sizeof(why)))
			goto fail_unbind;
	/* the kicks are vhost's from here on */
	for (q = 0; q < NET_VHOST_QUEUES; q++)
		ioloop_mod(d->q[q].kick_fd, 0);
	for (q = 0; q < NET_VHOST_QUEUES; q++) {
		struct vhost_vring_file f = { .index = (unsigned)q, .fd = tap };

		if (ioctl(v->fd, VHOST_NET_SET_BACKEND, &f)) {
			snprintf(why, sizeof(why), "queue %d: VHOST_NET_SET_BACKEND: %s", q,
				 strerror(errno));
			for (int i = 0; i < NET_VHOST_QUEUES; i++)
				ioloop_mod(d->q[i].kick_fd, EPOLLIN);
			q = NET_VHOST_QUEUES;
			goto fail_unbind;
		}
	}
	v->active = true;
	v->starts++;
	/* buffers made available before DRIVER_OK (their kicks went to the io
	 * thread, which ignored them): let vhost look at the rings now */
	for (q = 0; q < NET_VHOST_QUEUES; q++) {
		uint64_t one = 1;

		if (write(d->q[q].kick_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			warnx_hv("%s: vhost kick: %s", d->name, strerror(errno));
	}
	return 0;
fail_unbind:
	vhost_unbind(v, q < NET_VHOST_QUEUES ? q + 1 : NET_VHOST_QUEUES);
fail:
	v->fallbacks++;
	warnx_hv("%s: vhost-net not started (%s); using the userspace data path", d->name, why);
	return -1;
}

void virtio_net_vhost_stop(struct net_vhost *v)
{
	struct virtio_mmio_dev *d = v->dev;

	if (!v->active)
		return;
	(void)d;
	vhost_unbind(v, NET_VHOST_QUEUES);
	v->active = false;
}

void virtio_net_vhost_rearm(struct net_vhost *v)
{
	struct virtio_mmio_dev *d = v->dev;

	for (int q = 0; q < NET_VHOST_QUEUES; q++)
		if (d->q[q].kick_fd >= 0)
			ioloop_mod(d->q[q].kick_fd, EPOLLIN);
}

void virtio_net_vhost_close(struct net_vhost *v)
{
	for (int q = 0; q < NET_VHOST_QUEUES; q++) {
		if (v->call_fd[q] < 0)
			continue;
		close(v->call_fd[q]);
		v->call_fd[q] = -1;
	}
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
}
