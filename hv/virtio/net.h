/* virtio-net (virtio 1.x §5.1) over a tap device. net.c is the device,
 * net_tap.c the --net spec and the host side (tap, vhost check). */
#ifndef HV_VIRTIO_NET_H
#define HV_VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/virtio/mmio.h"

#define VIRTIO_NET_HDR_LEN 12   /* struct virtio_net_hdr_v1 (VERSION_1) */

struct net_opts {
	char tap[16];           /* IFNAMSIZ */
	uint8_t mac[6];
	bool vhost;
};

/* --net tap=NAME[,mac=MAC][,vhost=on|off]. Returns 0 or -1 (err). A
 * missing mac gets a locally administered one from the index. */
int virtio_net_parse_spec(const char *spec, int index, struct net_opts *o,
			  char *err, size_t errlen);
/* Open the tap with IFF_TAP|IFF_NO_PI|IFF_VNET_HDR and a 12-byte vnet
 * header, non-blocking. Returns the fd or -1 (err). */
int virtio_net_tap_open(const struct net_opts *o, char *err, size_t errlen);
/* vhost=on: -1 with the reason when /dev/vhost-net is missing. */
int virtio_net_vhost_check(char *err, size_t errlen);

/* vhost-net data path (net_vhost.c): the kernel moves packets between the
 * rings and the tap while active (DRIVER_OK until reset). */
#define NET_VHOST_QUEUES 2
struct net_vhost {
	int fd;                 /* /dev/vhost-net */
	int call_fd[NET_VHOST_QUEUES];  /* vhost -> hv: used buffers */
	bool active;
	uint64_t features;      /* VHOST_GET_FEATURES */
	struct virtio_mmio_dev *dev;
	uint64_t starts, calls, fallbacks;
};
/* Open /dev/vhost-net, take ownership, give it the guest memory table,
 * make the call eventfds (the caller polls them). Returns 0 or -1 (err). */
int virtio_net_vhost_open(struct net_vhost *v, struct virtio_mmio_dev *d,
			  char *err, size_t errlen);
/* After DRIVER_OK (io thread, d->lock held): hand both queues and the tap
 * to vhost; hv's io thread stops watching the kick eventfds. Returns 0, or
 * -1 (logged) with the userspace path left in charge. */
int virtio_net_vhost_start(struct net_vhost *v, int tap);
/* At reset (any thread, d->lock held): detach vhost from rings and tap. */
void virtio_net_vhost_stop(struct net_vhost *v);
/* After a stop (io thread): hv's io thread watches the kicks again. */
void virtio_net_vhost_rearm(struct net_vhost *v);
/* Drain the call eventfds; true if vhost signalled used buffers. */
bool virtio_net_vhost_take_calls(struct net_vhost *v);
void virtio_net_vhost_close(struct net_vhost *v);

#endif
