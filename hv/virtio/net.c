/* virtio-net device (virtio 1.x §5.1): receiveq 0, transmitq 1, a MAC in
 * the config space, packets to and from a tap device with the 12-byte
 * virtio_net_hdr_v1 in front (the tap reads and writes it for us). No
 * offloads and no mergeable buffers: one packet per chain. With vhost=on
 * the kernel's vhost-net runs the queues from DRIVER_OK to reset
 * (net_vhost.c); this file's data path is then idle. */
#include <errno.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hv/device.h"
#include "hv/ioloop.h"
#include "hv/log.h"
#include "hv/virtio/mmio.h"
#include "hv/virtio/net.h"
#include "hv/vm.h"

enum { NET_RXQ, NET_TXQ };

struct virtio_net {
	struct virtio_mmio_dev dev;
	struct net_opts opts;
	struct virtio_net_config cfg;
	int tap;
	struct net_vhost vhost;   /* vhost.fd < 0: vhost=off */
	bool vhost_start, vhost_rearm;  /* deferred to the io thread */
	bool rx_stalled;        /* no rx buffers: tap not polled until a kick */
	struct virtq_chain *chain;
	struct iovec iov[VIRTQ_MAX_SEGS];
	uint64_t rx_packets, rx_bytes, rx_dropped, tx_packets, tx_bytes, tx_errors;
};

static struct virtio_net *virtio_net_devs[HV_MAX_NETS];
static int virtio_net_nr;

static int chain_iov(struct virtio_net *n, bool writable)
{
	int k = 0;

	for (int i = 0; i < n->chain->nr; i++)
		if (n->chain->seg[i].write == writable)
			n->iov[k++] = (struct iovec){ n->chain->seg[i].ptr, n->chain->seg[i].len };
	return k;
}

static void virtio_net_tx(struct virtio_net *n)
{
	struct virtq *vq = &n->dev.q[NET_TXQ].vq;
	bool pushed = false;
	int rc;

	do {
		while ((rc = virtq_pop(vq, n->chain)) == 1) {
			int k = chain_iov(n, false);

			if (n->chain->out_len < VIRTIO_NET_HDR_LEN ||
			    writev(n->tap, n->iov, k) < 0)
				n->tx_errors++;
			else {
				n->tx_packets++;
				n->tx_bytes += n->chain->out_len - VIRTIO_NET_HDR_LEN;
			}
			virtq_push(vq, n->chain->head, 0);
			pushed = true;
		}
		if (rc < 0) {
			virtio_mmio_fail(&n->dev, "transmitq: %s", vq->err);
			return;
		}
	} while (virtq_enable_notify(vq));
	if (pushed)
		virtio_mmio_signal_vq(&n->dev, vq);
}

static void virtio_net_rx_stall(struct virtio_net *n, bool stall)
{
	if (n->rx_stalled == stall)
		return;
	n->rx_stalled = stall;
	ioloop_mod(n->tap, stall ? 0 : EPOLLIN);
}

/* Tap readable (io thread, d->lock held). */
static void virtio_net_rx(struct virtio_net *n)
{
	struct virtq *vq = &n->dev.q[NET_RXQ].vq;
	uint8_t drop[65536 + VIRTIO_NET_HDR_LEN];
	bool pushed = false;

	for (;;) {
		ssize_t got;
		int rc;

		if (!virtio_mmio_live(&n->dev) || !vq->ready) {
			/* nobody to deliver to: drop, or the loop would spin */
			if (read(n->tap, drop, sizeof(drop)) < 0)
				break;
			n->rx_dropped++;
			continue;
		}
		rc = virtq_pop(vq, n->chain);
		if (rc < 0) {
			virtio_mmio_fail(&n->dev, "receiveq: %s", vq->err);
			break;
		}
		if (!rc) {
			if (virtq_enable_notify(vq))
				continue;
			virtio_net_rx_stall(n, true);
			break;
		}
		got = n->chain->in_len >= VIRTIO_NET_HDR_LEN ?
			readv(n->tap, n->iov, chain_iov(n, true)) : -2;
		if (got < 0) {
			vq->last_avail--;   /* not consumed: give the chain back */
			if (got == -2)
				virtio_mmio_fail(&n->dev, "receive buffer shorter than the header");
			break;
		}
		/* §5.1.6.4: num_buffers is 1 without VIRTIO_NET_F_MRG_RXBUF */
		virtq_chain_write(n->chain, 10, &(uint16_t){ 1 }, 2);
		n->rx_packets++;
		n->rx_bytes += got - VIRTIO_NET_HDR_LEN;
		virtq_push(vq, n->chain->head, (uint32_t)got);
		pushed = true;
	}
	if (pushed)
		virtio_mmio_signal_vq(&n->dev, vq);
}

static void virtio_net_tap_event(void *opaque, uint32_t events)
{
	struct virtio_net *n = opaque;

	(void)events;
	pthread_mutex_lock(&n->dev.lock);
	if (!n->vhost.active)      /* a wakeup from before vhost took the tap */
		virtio_net_rx(n);
	pthread_mutex_unlock(&n->dev.lock);
}

static void virtio_net_notify(struct virtio_mmio_dev *d, int q)
{
	struct virtio_net *n = d->priv;

	if (n->vhost.active) {
		/* a kick the io thread took just before vhost did: pass it on */
		if (write(d->q[q].kick_fd, &(uint64_t){ 1 }, 8) < 0)
			n->tx_errors++;
		return;
	}
	if (q == NET_TXQ)
		virtio_net_tx(n);
	else
		virtio_net_rx_stall(n, false);   /* new rx buffers: poll the tap */
}

/* vhost=on: work for the io thread (start, re-arm after a stop) */
static void virtio_net_vhost_wake(struct virtio_net *n)
{
	if (write(n->vhost.call_fd[0], &(uint64_t){ 1 }, 8) < 0)
		n->tx_errors++;
}

/* A vhost call eventfd (io thread): used buffers, or deferred work. */
static void virtio_net_vhost_event(void *opaque, uint32_t events)
{
	struct virtio_net *n = opaque;
	struct virtio_mmio_dev *d = &n->dev;
	bool called;

	(void)events;
	pthread_mutex_lock(&d->lock);
	called = virtio_net_vhost_take_calls(&n->vhost);
	if (n->vhost_rearm) {
		n->vhost_rearm = false;
		virtio_net_vhost_rearm(&n->vhost);
		virtio_net_rx_stall(n, false);
	}
	if (n->vhost_start) {
		n->vhost_start = false;
		if (virtio_mmio_live(d) && !virtio_net_vhost_start(&n->vhost, n->tap))
			virtio_net_rx_stall(n, true);   /* hv stops reading the tap */
	}
	if (called && n->vhost.active && virtio_mmio_live(d)) {
		n->vhost.calls++;
		virtio_mmio_raise(d, VIRTIO_ISR_VRING);
	}
	pthread_mutex_unlock(&d->lock);
}

static void virtio_net_reset(struct virtio_mmio_dev *d)
{
	struct virtio_net *n = d->priv;

	n->vhost_start = false;
	if (n->vhost.active) {
		/* the tap and the kicks go back to the io thread there: see
		 * virtio_net_vhost_event */
		virtio_net_vhost_stop(&n->vhost);
		n->vhost_rearm = true;
		virtio_net_vhost_wake(n);
		return;
	}
	virtio_net_rx_stall(n, false);
}

/* vhost=on: the kernel takes both queues and the tap until reset; started
 * on the io thread (virtio_net_vhost_event) */
static void virtio_net_driver_ok(struct virtio_mmio_dev *d)
{
	struct virtio_net *n = d->priv;

	if (n->vhost.fd < 0)
		return;
	n->vhost_start = true;
	virtio_net_vhost_wake(n);
}

static const struct virtio_dev_ops virtio_net_ops = {
	.notify = virtio_net_notify,
	.reset = virtio_net_reset,
	.driver_ok = virtio_net_driver_ok,
};

static json_t *virtio_net_stats(void *opaque)
{
	struct virtio_net *n = opaque;
	json_t *o;

	/* no d->lock: the control socket runs on the io thread, and a vCPU
	 * thread holding d->lock may be waiting for the io loop */
	o = json_pack("{s:s, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "tap", n->opts.tap, "vhost", n->opts.vhost,
			 "vhost_active", n->vhost.active,
			 "vhost_starts", (json_int_t)n->vhost.starts,
			 "vhost_fallbacks", (json_int_t)n->vhost.fallbacks,
			 "vhost_calls", (json_int_t)n->vhost.calls,
			 "rx_packets", (json_int_t)n->rx_packets, "rx_bytes", (json_int_t)n->rx_bytes,
			 "rx_dropped", (json_int_t)n->rx_dropped,
			 "tx_packets", (json_int_t)n->tx_packets, "tx_bytes", (json_int_t)n->tx_bytes,
			 "tx_errors", (json_int_t)n->tx_errors,
			 "notifications", (json_int_t)atomic_load(&n->dev.notifications),
			 "interrupts", (json_int_t)atomic_load(&n->dev.interrupts));
	return o;
}

static int virtio_net_add(struct vm *vm, const char *spec, int i)
{
	struct virtio_net *n = calloc(1, sizeof(*n));
	char err[256], name[24];

	if (!n || !(n->chain = malloc(sizeof(*n->chain))))
		die("out of memory");
	n->vhost.fd = -1;
	if (virtio_net_parse_spec(spec, i, &n->opts, err, sizeof(err)) ||
	    (n->opts.vhost && virtio_net_vhost_check(err, sizeof(err))) ||
	    (n->tap = virtio_net_tap_open(&n->opts, err, sizeof(err))) < 0) {
		fprintf(stderr, "hv: %s\n", err);
		return -1;
	}
	memcpy(n->cfg.mac, n->opts.mac, 6);
	n->cfg.status = VIRTIO_NET_S_LINK_UP;
	snprintf(name, sizeof(name), "virtio-net%d", i);
	virtio_mmio_init(&n->dev, vm, name, VIRTIO_ID_NET,
			 VIRTIO_FEAT(VIRTIO_NET_F_MAC) | VIRTIO_FEAT(VIRTIO_NET_F_STATUS), 2,
			 (uint8_t *)&n->cfg, 8, &virtio_net_ops, n);
	if (virtio_mmio_register(&n->dev) ||
	    ioloop_add(n->tap, EPOLLIN, virtio_net_tap_event, n)) {
		fprintf(stderr, "hv: %s: cannot register the device\n", name);
		return -1;
	}
	if (n->opts.vhost && virtio_net_vhost_open(&n->vhost, &n->dev, err, sizeof(err))) {
		fprintf(stderr, "hv: %s\n", err);
		return -1;
	}
	for (int q = 0; n->opts.vhost && q < NET_VHOST_QUEUES; q++)
		if (ioloop_add(n->vhost.call_fd[q], EPOLLIN, virtio_net_vhost_event, n)) {
			fprintf(stderr, "hv: %s: vhost call eventfd: %s\n", name, strerror(errno));
			return -1;
		}
	vm_add_stats_source(vm, n->dev.name, virtio_net_stats, n);
	virtio_net_devs[virtio_net_nr++] = n;
	return 0;
}

static int virtio_net__init(struct vm *vm)
{
	for (int i = 0; i < vm->cfg->nr_nets; i++)
		if (virtio_net_add(vm, vm->cfg->nets[i], i))
			return -1;
	return 0;
}

static void virtio_net__exit(struct vm *vm)
{
	(void)vm;
	for (int i = 0; i < virtio_net_nr; i++) {
		struct virtio_net *n = virtio_net_devs[i];

		for (int q = 0; n->vhost.fd >= 0 && q < NET_VHOST_QUEUES; q++)
			ioloop_del(n->vhost.call_fd[q]);
		pthread_mutex_lock(&n->dev.lock);
		virtio_net_vhost_stop(&n->vhost);
		pthread_mutex_unlock(&n->dev.lock);
		virtio_net_vhost_close(&n->vhost);
		ioloop_del(virtio_net_devs[i]->tap);
		virtio_mmio_unregister(&virtio_net_devs[i]->dev);
		close(virtio_net_devs[i]->tap);
	}
}
hv_device_init_exit(virtio_net__init, virtio_net__exit, DEV_LEVEL_VIRTIO);
