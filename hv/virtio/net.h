/* virtio-net (virtio 1.x §5.1) over a tap device. net.c is the device,
 * net_tap.c the --net spec and the host side (tap, vhost check). */
#ifndef HV_VIRTIO_NET_H
#define HV_VIRTIO_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
/* vhost=on: -1 with the reason (no /dev/vhost-net, or not implemented). */
int virtio_net_vhost_check(char *err, size_t errlen);

#endif
