/* libFuzzer target: a hostile driver's view of one split virtqueue and the
 * virtio-blk request parser. The input is the guest RAM image (up to 64
 * KiB, rings at fixed places) plus a queue size and the negotiated ring
 * features; the device pops every chain, parses it as a block request and
 * pushes it back. Any crash, sanitizer report or hang is a bug. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/virtio/blk.h"
#include "hv/virtio/queue.h"

#define RAM 0x10000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* the transport is not linked in: a failed push only needs to be survived */
void virtio_mmio_fail(struct virtio_mmio_dev *d, const char *fmt, ...)
{
	(void)d;
	(void)fmt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t ram[RAM];
	static struct virtq_chain chain;
	static struct virtio_blk_req req;
	struct guest_mem m = { .host = ram, .size = RAM, .low_size = RAM,
			       .page_size = 4096, .fd = -1 };
	struct virtq vq = { .mem = &m, .desc_gpa = 0x1000, .avail_gpa = 0x2000,
			    .used_gpa = 0x3000 };

	if (size < 4)
		return 0;
	vq.num = (uint16_t)(1u << (data[0] % 10));      /* 1 .. 512 */
	vq.event_idx = data[1] & 1;
	vq.indirect = data[1] & 2;
	vq.last_avail = (uint16_t)(data[2] | data[3] << 8);
	vq.used_idx = vq.last_avail;
	memset(ram, 0, sizeof(ram));
	memcpy(ram + 0x1000, data + 4, size - 4 < RAM - 0x1000 ? size - 4 : RAM - 0x1000);
	if (virtq_validate(&vq))
		return 0;
	vq.ready = true;
	for (int i = 0; i < 1024; i++) {
		int rc = virtq_pop(&vq, &chain);

		if (rc <= 0)
			break;
		if (!virtio_blk_req_parse(&chain, &req)) {
			*req.status = 0;
			for (int k = 0; k < req.niov; k++)
				memset(req.iov[k].iov_base, 0xa5, req.iov[k].iov_len);
		}
		virtq_push(&vq, chain.head, 1);
		virtq_should_notify(&vq);
		virtq_enable_notify(&vq);
	}
	return 0;
}
