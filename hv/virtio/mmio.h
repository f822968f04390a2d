/* virtio-mmio transport, version 2 (modern, virtio 1.x §4.2.2), shared by
 * every virtio device. Register accesses arrive on vCPU threads; queue work
 * runs on the io thread (ioeventfd on QueueNotify); interrupts go through an
 * irqfd with a resample fd on the device's level-triggered IOAPIC pin.
 * d->lock serialises the two sides. */
#ifndef HV_VIRTIO_MMIO_H
#define HV_VIRTIO_MMIO_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "hv/log.h"
#include "hv/virtio/queue.h"

struct vm;
struct virtio_mmio_dev;

#define VIRTIO_MMIO_MAX_QUEUES  8

/* Feature bits of the transport and rings (§6) */
#define VIRTIO_FEAT(bit)        (1ULL << (bit))
#define VIRTIO_F_INDIRECT_DESC  28
#define VIRTIO_F_EVENT_IDX      29
#define VIRTIO_F_VERSION_1_BIT  32

/* Device status (§2.1) */
#define VIRTIO_STAT_ACKNOWLEDGE 1
#define VIRTIO_STAT_DRIVER      2
#define VIRTIO_STAT_DRIVER_OK   4
#define VIRTIO_STAT_FEATURES_OK 8
#define VIRTIO_STAT_NEEDS_RESET 0x40
#define VIRTIO_STAT_FAILED      0x80

/* InterruptStatus bits (§4.2.2) */
#define VIRTIO_ISR_VRING        1
#define VIRTIO_ISR_CONFIG       2

struct virtio_dev_ops {
	/* Queue q was kicked (io thread, d->lock held, device live). */
	void (*notify)(struct virtio_mmio_dev *d, int q);
	/* The driver wrote 0 to Status, or the device is going away
	 * (d->lock held): drop every reference into guest memory. */
	void (*reset)(struct virtio_mmio_dev *d);
	/* Driver write to the device config space (bounds checked). */
	void (*config_write)(struct virtio_mmio_dev *d, uint32_t off,
			     const uint8_t *data, uint32_t len);
	/* DRIVER_OK was set (d->lock held). */
	void (*driver_ok)(struct virtio_mmio_dev *d);
};

struct virtio_mmio_queue {
	struct virtq vq;
	int kick_fd;            /* eventfd signalled by KVM_IOEVENTFD, or -1 */
	struct virtio_mmio_dev *dev;
	int index;
};

struct virtio_mmio_dev {
	struct vm *vm;
	char name[24];          /* "virtio-blk0": stats and log name */
	uint32_t device_id;
	uint64_t host_features, driver_features;
	bool drv_features_extra;  /* driver set bits above 63 */
	uint32_t dev_features_sel, drv_features_sel, queue_sel;
	uint32_t status;
	atomic_uint isr;
	uint32_t config_generation;
	uint8_t *config;        /* device-specific config space, config_len bytes */
	uint32_t config_len;
	int nr_queues;
	struct virtio_mmio_queue q[VIRTIO_MMIO_MAX_QUEUES];
	const struct virtio_dev_ops *ops;
	void *priv;
	pthread_mutex_t lock;

	int slot;
	uint64_t base;
	uint32_t irq;
	int irqfd, resamplefd;  /* -1: raise the line with KVM_IRQ_LINE */
	bool ioeventfd;         /* QueueNotify is an ioeventfd */

	/* counters */
	atomic_ullong notifications, interrupts;
};

/* Fill the transport state for a device (no KVM, no threads: unit tests
 * use this alone). */
void virtio_mmio_init(struct virtio_mmio_dev *d, struct vm *vm, const char *name,
		      uint32_t device_id, uint64_t features, int nr_queues,
		      uint8_t *config, uint32_t config_len,
		      const struct virtio_dev_ops *ops, void *priv);
/* Take the next slot (VIRTIO_MMIO_BASE + n * 0x1000, IRQ base + n), claim
 * the MMIO range, list it for ACPI, wire ioeventfds and the irqfd. Returns
 * 0 or -1 (message printed). */
int virtio_mmio_register(struct virtio_mmio_dev *d);
void virtio_mmio_unregister(struct virtio_mmio_dev *d);

/* One register access (offset from the device base). */
void virtio_mmio_access(struct virtio_mmio_dev *d, uint64_t off, uint8_t *data,
			uint32_t len, bool is_write);

/* Device side (d->lock held): raise the interrupt for used buffers or a
 * config change; the latter also bumps ConfigGeneration. */
void virtio_mmio_signal_vq(struct virtio_mmio_dev *d, struct virtq *vq);
void virtio_mmio_config_changed(struct virtio_mmio_dev *d);
/* Set InterruptStatus bits and raise the interrupt (no event-idx check:
 * for a backend that did that itself, as vhost-net does). */
void virtio_mmio_raise(struct virtio_mmio_dev *d, uint32_t isr_bits);
/* The driver broke the contract: DEVICE_NEEDS_RESET and a config change
 * interrupt (§2.1.2); the device does nothing more until reset. */
void virtio_mmio_fail(struct virtio_mmio_dev *d, const char *fmt, ...)
	HV_PRINTF(2, 3);
bool virtio_mmio_live(const struct virtio_mmio_dev *d);
bool virtio_mmio_has_feature(const struct virtio_mmio_dev *d, int bit);
/* Queue q has work (d->lock held): a QueueNotify that missed the ioeventfd,
 * or a device restarting work on its own. Runs the notify handler on the
 * io thread (directly when there is no io thread, as in unit tests). */
void virtio_mmio_kick(struct virtio_mmio_dev *d, int q);

#endif
