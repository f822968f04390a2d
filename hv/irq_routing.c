#include "hv/irq_routing.h"

#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "hv/vm.h"

#define KVM_PIC_SLAVE_BASE 8

struct msi_route {
	bool allocated, routed;
	uint64_t addr;
	uint32_t data;
};

/* one VM per process */
static pthread_mutex_t routing_lock = PTHREAD_MUTEX_INITIALIZER;
static struct msi_route msi[IRQ_ROUTING_MAX_MSI];

static int nr_default_entries(void)
{
	return IRQ_ROUTING_PIC_IRQS + IRQ_ROUTING_IOAPIC_PINS;
}

/* Rebuild the whole table (defaults + routed MSIs) and hand it to KVM. */
static int routing_commit(struct vm *vm)
{
	int max = nr_default_entries() + IRQ_ROUTING_MAX_MSI, n = 0, rc;
	struct kvm_irq_routing *t = calloc(1, sizeof(*t) + max * sizeof(t->entries[0]));

	if (!t)
		return -1;
	for (uint32_t i = 0; i < IRQ_ROUTING_PIC_IRQS; i++) {
		struct kvm_irq_routing_entry *e = &t->entries[n++];

		e->gsi = i;
		e->type = KVM_IRQ_ROUTING_IRQCHIP;
		e->u.irqchip.irqchip = i < KVM_PIC_SLAVE_BASE ? KVM_IRQCHIP_PIC_MASTER
							      : KVM_IRQCHIP_PIC_SLAVE;
		e->u.irqchip.pin = i % KVM_PIC_SLAVE_BASE;
	}
	for (uint32_t i = 0; i < IRQ_ROUTING_IOAPIC_PINS; i++) {
		struct kvm_irq_routing_entry *e = &t->entries[n++];

		e->gsi = i;
		e->type = KVM_IRQ_ROUTING_IRQCHIP;
		e->u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
		e->u.irqchip.pin = i;
	}
	for (int i = 0; i < IRQ_ROUTING_MAX_MSI; i++) {
		struct kvm_irq_routing_entry *e;

		if (!msi[i].routed)
			continue;
		e = &t->entries[n++];
		e->gsi = IRQ_ROUTING_MSI_BASE + i;
		e->type = KVM_IRQ_ROUTING_MSI;
		e->u.msi.address_lo = (uint32_t)msi[i].addr;
		e->u.msi.address_hi = (uint32_t)(msi[i].addr >> 32);
		e->u.msi.data = msi[i].data;
	}
	t->nr = n;
	rc = ioctl(vm->vm_fd, KVM_SET_GSI_ROUTING, t);
	free(t);
	return rc < 0 ? -1 : 0;
}

int irq_route_msi_alloc(struct vm *vm)
{
	(void)vm;
	pthread_mutex_lock(&routing_lock);
	for (int i = 0; i < IRQ_ROUTING_MAX_MSI; i++)
		if (!msi[i].allocated) {
			msi[i] = (struct msi_route){ .allocated = true };
			pthread_mutex_unlock(&routing_lock);
			return IRQ_ROUTING_MSI_BASE + i;
		}
	pthread_mutex_unlock(&routing_lock);
	return -1;
}

static struct msi_route *route_of(int gsi)
{
	int i = gsi - IRQ_ROUTING_MSI_BASE;

	return i >= 0 && i < IRQ_ROUTING_MAX_MSI && msi[i].allocated ? &msi[i] : NULL;
}

int irq_route_msi_set(struct vm *vm, int gsi, uint64_t addr, uint32_t data)
{
	struct msi_route *r;
	int rc = 0;

	pthread_mutex_lock(&routing_lock);
	r = route_of(gsi);
	if (!r) {
		errno = EINVAL;
		rc = -1;
	} else if (!r->routed || r->addr != addr || r->data != data) {
		*r = (struct msi_route){ .allocated = true, .routed = true, .addr = addr, .data = data };
		rc = routing_commit(vm);
	}
	pthread_mutex_unlock(&routing_lock);
	return rc;
}

int irq_route_msi_clear(struct vm *vm, int gsi)
{
	struct msi_route *r;
	int rc = 0;

	pthread_mutex_lock(&routing_lock);
	r = route_of(gsi);
	if (r && r->routed) {
		r->routed = false;
		rc = routing_commit(vm);
	}
	pthread_mutex_unlock(&routing_lock);
	return rc;
}

int irq_msi_signal(struct vm *vm, uint64_t addr, uint32_t data)
{
	struct kvm_msi m = { .address_lo = (uint32_t)addr, .address_hi = (uint32_t)(addr >> 32),
			     .data = data };

	return ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &m) < 0 ? -1 : 0;
}
