/* virtio-net driver for micro-guests (virtio 1.2 §5.1), polled: receiveq1
 * (queue 0) holds device-writable buffers of VNET_BUF_LEN bytes, each one
 * descriptor that starts with the 12-byte virtio_net_hdr_v1 (§5.1.6:
 * VERSION_1 makes the header 12 bytes, num_buffers included); transmitq1
 * (queue 1) gets one descriptor per frame, header zeroed (no checksum or
 * GSO offload negotiated, §5.1.6.2). No feature beyond MAC and STATUS is
 * asked for, so every received packet fits one buffer (§5.1.6.3.1).
 * Natively vio_find() fails and vnet_open() says so. */
#include "wl.h"
#include "wl_net.h"

int vnet_open(struct vnet *n, int nth, char *err, size_t errlen)
{
	wl_memset(n, 0, sizeof(*n));
	if (vio_find(&n->dev, VIO_ID_NET, nth)) {
		wl_snprintf(err, errlen, "no virtio-net device (start hv with --net tap=NAME)");
		return -1;
	}
	if (vio_negotiate(&n->dev, VIO_BIT(VIO_F_EVENT_IDX) | VIO_BIT(VNET_F_MAC) |
			  VIO_BIT(VNET_F_STATUS)) ||
	    vio_queue_setup(&n->dev, &n->rxq, 0, 0) || vio_queue_setup(&n->dev, &n->txq, 1, 0)) {
		wl_snprintf(err, errlen, "virtio-net: negotiation or queue setup refused");
		return -1;
	}
	n->rxbuf = wl_alloc((size_t)n->rxq.num * VNET_BUF_LEN, 4096);
	n->txbuf = wl_alloc((size_t)n->txq.num * VNET_BUF_LEN, 4096);
	if (!n->rxbuf || !n->txbuf) {
		wl_snprintf(err, errlen, "virtio-net: out of memory for buffers");
		return -1;
	}
	/* §5.1.4: mac is valid when VIRTIO_NET_F_MAC is negotiated; without
	 * it the driver picks one (a locally administered address) */
	if (n->dev.features & VIO_BIT(VNET_F_MAC)) {
		uint32_t lo = vio_config32(&n->dev, 0), hi = vio_config32(&n->dev, 4);

		for (int i = 0; i < 4; i++)
			n->mac[i] = (uint8_t)(lo >> (8 * i));
		n->mac[4] = (uint8_t)hi;
		n->mac[5] = (uint8_t)(hi >> 8);
	} else {
		const uint8_t def[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x01 };

		for (int i = 0; i < 6; i++)
			n->mac[i] = def[i];
	}
	for (int i = 0; i < n->txq.num; i++)
		n->tx_free[n->nr_tx_free++] = n->txbuf + (size_t)i * VNET_BUF_LEN;
	vio_driver_ok(&n->dev);
	/* §5.1.6.3: fill the receive queue before the device needs it */
	for (int i = 0; i < n->rxq.num; i++)
		vnet_rx_done(n, n->rxbuf + (size_t)i * VNET_BUF_LEN);
	vq_kick(&n->rxq);
	return 0;
}

int vnet_rx(struct vnet *n, uint8_t **frame, uint32_t *len, void **cookie)
{
	uint32_t used;
	void *c;

	while (vq_poll(&n->rxq, &c, &used)) {
		/* the device's length covers header + packet; a short or
		 * oversized one is the device's fault: recycle the buffer */
		if (used < VNET_HDR_LEN + ETH_HLEN || used > VNET_BUF_LEN) {
			vnet_rx_done(n, c);
			continue;
		}
		*frame = (uint8_t *)c + VNET_HDR_LEN;
		*len = used - VNET_HDR_LEN;
		*cookie = c;
		n->rx_frames++;
		n->rx_bytes += *len;
		return 1;
	}
	return 0;
}

void vnet_rx_done(struct vnet *n, void *cookie)
{
	struct vq_buf b = { (uint64_t)cookie, VNET_BUF_LEN, true };

	vq_add(&n->rxq, &b, 1, cookie);
}

uint8_t *vnet_tx_buf(struct vnet *n)
{
	if (!n->nr_tx_free && !vnet_tx_reap(n))
		return 0;
	return n->tx_free[--n->nr_tx_free] + VNET_HDR_LEN;
}

void vnet_tx_free_unused(struct vnet *n, uint8_t *frame)
{
	n->tx_free[n->nr_tx_free++] = frame - VNET_HDR_LEN;
}

void vnet_tx_send(struct vnet *n, uint8_t *frame, uint32_t len)
{
	uint8_t *buf = frame - VNET_HDR_LEN;
	struct vq_buf b = { (uint64_t)buf, VNET_HDR_LEN + len, false };

	wl_memset(buf, 0, VNET_HDR_LEN);   /* flags 0, gso_type NONE (§5.1.6.2) */
	vq_add(&n->txq, &b, 1, buf);
	n->tx_frames++;
	n->tx_bytes += len;
}

int vnet_tx_reap(struct vnet *n)
{
	void *c;
	int k = 0;

	while (vq_poll(&n->txq, &c, 0)) {
		n->tx_free[n->nr_tx_free++] = c;
		k++;
	}
	return k;
}

void vnet_kick(struct vnet *n)
{
	vq_kick(&n->txq);
	vq_kick(&n->rxq);
}
