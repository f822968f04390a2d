/* virtio-net from a micro-guest (virtio 1.2 §5.1), polled like the other
 * ring-3 drivers (wl_virtio.h), and the few protocols a minimal host
 * needs to be reachable: ARP (RFC 826), IPv4 (RFC 791) and ICMP echo
 * (RFC 792). Driver: workloads/lib/vnet_virtio.c; protocols:
 * workloads/lib/net_proto.c (pure functions over frame bytes). */
#ifndef WL_NET_H
#define WL_NET_H

#include <stddef.h>
#include <stdint.h>

#include "wl_netproto.h"
#include "wl_virtio.h"

#define VNET_HDR_LEN        12     /* struct virtio_net_hdr_v1 (§5.1.6) */
#define VNET_BUF_LEN        2048   /* header + frame, one descriptor */
#define VNET_F_MAC          5      /* §5.1.3 */
#define VNET_F_STATUS       16


struct vnet {
	struct vio_dev dev;
	struct vq rxq, txq;       /* receiveq1 = 0, transmitq1 = 1 (§5.1.2) */
	uint8_t mac[6];
	uint8_t *rxbuf, *txbuf;   /* VNET_BUF_LEN per descriptor */
	uint8_t *tx_free[VQ_MAX]; /* tx buffers not in flight */
	int nr_tx_free;
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
};

/* Find and initialise the nth virtio-net device, post every receive
 * buffer. 0, or -1 with a reason in err. */
int vnet_open(struct vnet *n, int nth, char *err, size_t errlen);
/* Next received frame (Ethernet header on), or 0 when none is waiting.
 * Give the buffer back with vnet_rx_done(n, cookie). */
int vnet_rx(struct vnet *n, uint8_t **frame, uint32_t *len, void **cookie);
void vnet_rx_done(struct vnet *n, void *cookie);
/* A frame buffer to fill (VNET_FRAME_MAX bytes), or NULL while every
 * transmit buffer is in flight; vnet_tx_send() queues it (no kick). */
uint8_t *vnet_tx_buf(struct vnet *n);
void vnet_tx_send(struct vnet *n, uint8_t *frame, uint32_t len);
/* Give back a buffer from vnet_tx_buf() that was not sent. */
void vnet_tx_free_unused(struct vnet *n, uint8_t *frame);
/* Reclaim transmitted buffers; returns how many came back. */
int vnet_tx_reap(struct vnet *n);
/* Notify the device of queued buffers on both queues (if it asked). */
void vnet_kick(struct vnet *n);

#endif
