/* virtio-mmio wiring into KVM and the io thread: one slot allocator for all
 * virtio devices (hv/layout.h), KVM_IOEVENTFD per queue on QueueNotify (the
 * kick never reaches a vCPU thread in userspace), KVM_IRQFD with a resample
 * fd on the device's IOAPIC pin (level-triggered: KVM lowers the line at
 * EOI and tells us; we raise it again while InterruptStatus is non-zero). */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hv/ioloop.h"
#include "hv/layout.h"
#include "hv/log.h"
#include "hv/virtio/mmio.h"
#include "hv/vm.h"

#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050

static int virtio_mmio_next_slot;

static void eventfd_signal(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one) && errno != EAGAIN)
		guest_warn_once("virtio: eventfd write: %s", strerror(errno));
}

static void eventfd_drain(int fd)
{
	uint64_t n;

	while (read(fd, &n, sizeof(n)) == sizeof(n))
		;
}

void virtio_mmio_raise(struct virtio_mmio_dev *d, uint32_t isr_bits)
{
	atomic_fetch_or(&d->isr, isr_bits);
	atomic_fetch_add(&d->interrupts, 1);
	if (d->irqfd >= 0)
		eventfd_signal(d->irqfd);
	else if (d->slot >= 0)
		vm_irq_line(d->vm, d->irq, 1);
}

/* After InterruptACK or reset: with KVM_IRQ_LINE we lower the line
 * ourselves; with a resampling irqfd KVM lowers it at EOI. */
void virtio_mmio_ack(struct virtio_mmio_dev *d)
{
	if (d->irqfd < 0 && d->slot >= 0 && !atomic_load(&d->isr))
		vm_irq_line(d->vm, d->irq, 0);
}

static void virtio_mmio_resample(void *opaque, uint32_t events)
{
	struct virtio_mmio_dev *d = opaque;

	(void)events;
	eventfd_drain(d->resamplefd);
	if (atomic_load(&d->isr))
		eventfd_signal(d->irqfd);
}

void virtio_mmio_kick(struct virtio_mmio_dev *d, int q)
{
	if (q < 0 || q >= d->nr_queues)
		return;
	atomic_fetch_add(&d->notifications, 1);
	if (d->q[q].kick_fd >= 0 && ioloop_running())
		eventfd_signal(d->q[q].kick_fd);
	else if (virtio_mmio_live(d) && d->q[q].vq.ready && d->ops->notify)
		d->ops->notify(d, q);
}

static void virtio_mmio_kicked(void *opaque, uint32_t events)
{
	struct virtio_mmio_queue *q = opaque;
	struct virtio_mmio_dev *d = q->dev;

	(void)events;
	eventfd_drain(q->kick_fd);
	pthread_mutex_lock(&d->lock);
	/* a kick through the ioeventfd did not pass virtio_mmio_kick() */
	if (d->ioeventfd)
		atomic_fetch_add(&d->notifications, 1);
	if (virtio_mmio_live(d) && q->vq.ready && d->ops->notify)
		d->ops->notify(d, q->index);
	pthread_mutex_unlock(&d->lock);
}

static void virtio_mmio_io(struct vcpu *vcpu, void *opaque, uint64_t off,
			   uint8_t *data, uint32_t len, bool is_write)
{
	(void)vcpu;
	virtio_mmio_access(opaque, off, data, len, is_write);
}

static int ioeventfd_assign(struct virtio_mmio_dev *d, int q, bool assign)
{
	struct kvm_ioeventfd ev = {
		.datamatch = q, .addr = d->base + VIRTIO_MMIO_QUEUE_NOTIFY, .len = 4,
		.fd = d->q[q].kick_fd,
		.flags = KVM_IOEVENTFD_FLAG_DATAMATCH |
			 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};

	return ioctl(d->vm->vm_fd, KVM_IOEVENTFD, &ev);
}

static int irqfd_setup(struct virtio_mmio_dev *d)
{
	struct kvm_irqfd irqfd = { .gsi = d->irq, .flags = KVM_IRQFD_FLAG_RESAMPLE };

	if (ioctl(d->vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQFD_RESAMPLE) <= 0)
		return -1;
	d->irqfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->resamplefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	irqfd.fd = d->irqfd;
	irqfd.resamplefd = d->resamplefd;
	if (d->irqfd < 0 || d->resamplefd < 0 ||
	    ioctl(d->vm->vm_fd, KVM_IRQFD, &irqfd) ||
	    ioloop_add(d->resamplefd, EPOLLIN, virtio_mmio_resample, d)) {
		if (d->irqfd >= 0)
			close(d->irqfd);
		if (d->resamplefd >= 0)
			close(d->resamplefd);
		d->irqfd = d->resamplefd = -1;
		return -1;
	}
	return 0;
}

int virtio_mmio_register(struct virtio_mmio_dev *d)
{
	struct vm *vm = d->vm;

	if (virtio_mmio_next_slot >= VIRTIO_MMIO_MAX) {
		fprintf(stderr, "hv: %s: no virtio-mmio slot left (at most %d devices)\n",
			d->name, VIRTIO_MMIO_MAX);
		return -1;
	}
	d->slot = virtio_mmio_next_slot++;
	d->base = VIRTIO_MMIO_BASE + (uint64_t)d->slot * VIRTIO_MMIO_SIZE;
	d->irq = VIRTIO_MMIO_IRQ_BASE + d->slot;
	for (int i = 0; i < d->nr_queues; i++)
		d->q[i].vq.mem = &vm->mem;
	if (io_bus_register(&vm->mmio, d->base, VIRTIO_MMIO_SIZE, virtio_mmio_io, d, d->name) ||
	    vm_add_acpi_mmio_dev(vm, d->base, VIRTIO_MMIO_SIZE, d->irq, "LNRO0005")) {
		fprintf(stderr, "hv: %s: cannot claim MMIO %#llx\n", d->name,
			(unsigned long long)d->base);
		return -1;
	}
	d->ioeventfd = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IOEVENTFD) > 0;
	for (int i = 0; i < d->nr_queues; i++) {
		d->q[i].kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (d->q[i].kick_fd < 0 ||
		    ioloop_add(d->q[i].kick_fd, EPOLLIN, virtio_mmio_kicked, &d->q[i])) {
			fprintf(stderr, "hv: %s: queue %d eventfd: %s\n", d->name, i,
				strerror(errno));
			return -1;
		}
		if (d->ioeventfd && ioeventfd_assign(d, i, true)) {
			/* fall back: QueueNotify exits to the vCPU thread, which
			 * signals the same eventfd */
			warnx_hv("%s: KVM_IOEVENTFD: %s (kicks go through the vCPU thread)",
				 d->name, strerror(errno));
			d->ioeventfd = false;
		}
	}
	if (irqfd_setup(d))
		info_hv("%s: no resampling irqfd on this KVM; using KVM_IRQ_LINE", d->name);
	return 0;
}

void virtio_mmio_unregister(struct virtio_mmio_dev *d)
{
	for (int i = 0; i < d->nr_queues; i++) {
		if (d->q[i].kick_fd < 0)
			continue;
		ioloop_del(d->q[i].kick_fd);
		if (d->ioeventfd)
			ioeventfd_assign(d, i, false);
		close(d->q[i].kick_fd);
		d->q[i].kick_fd = -1;
	}
	if (d->irqfd >= 0) {
		struct kvm_irqfd irqfd = { .fd = d->irqfd, .gsi = d->irq,
					   .flags = KVM_IRQFD_FLAG_DEASSIGN };

		ioloop_del(d->resamplefd);
		ioctl(d->vm->vm_fd, KVM_IRQFD, &irqfd);
		close(d->irqfd);
		close(d->resamplefd);
		d->irqfd = d->resamplefd = -1;
	}
	pthread_mutex_lock(&d->lock);
	if (d->ops->reset)
		d->ops->reset(d);
	pthread_mutex_unlock(&d->lock);
}
