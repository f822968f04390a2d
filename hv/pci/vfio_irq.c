/* Interrupts of a passthrough device. VFIO signals an eventfd per vector;
 * KVM turns it into a guest interrupt without hv on the path:
 *   INTx   - eventfd + resample eventfd -> KVM_IRQFD (level, with resample)
 *            on the slot's IOAPIC input; VFIO masks the line until the
 *            guest's EOI comes back through the resample fd.
 *   MSI    - one eventfd per enabled vector -> KVM_IRQFD on an MSI route
 *   MSI-X  - the same, per table entry.
 * A masked MSI/MSI-X vector has no irqfd: the io thread drains its eventfd
 * and marks it pending; unmasking delivers the pending interrupt. VFIO
 * allows one mode at a time, so enabling MSI or MSI-X turns INTx off and
 * disabling them turns it back on. */
#include <errno.h>
#include <linux/kvm.h>
#include <linux/vfio.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hv/ioloop.h"
#include "hv/irq_routing.h"
#include "hv/log.h"
#include "hv/pci/vfio_dev.h"
#include "hv/vm.h"

#define MSI_ADDR_X86        0xfee00000ULL
#define MSI_ADDR_X86_MASK   0xfff00000ULL

static int set_irqs(struct vfio_pci_dev *d, uint32_t index, uint32_t action, uint32_t count,
		    const int *fds)
{
	size_t sz = sizeof(struct vfio_irq_set) + count * sizeof(int);
	struct vfio_irq_set *s = calloc(1, sz);
	int rc;

	if (!s)
		return -1;
	s->argsz = (uint32_t)sz;
	s->flags = action | (count ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE);
	s->index = index;
	s->start = 0;
	s->count = count;
	if (count)
		memcpy(s->data, fds, count * sizeof(int));
	rc = ioctl(d->device, VFIO_DEVICE_SET_IRQS, s);
	free(s);
	return rc < 0 ? -1 : 0;
}

static int irqfd(struct vfio_pci_dev *d, int fd, uint32_t gsi, int resample_fd, bool assign)
{
	struct kvm_irqfd f = { .fd = (uint32_t)fd, .gsi = gsi };

	if (!assign)
		f.flags = KVM_IRQFD_FLAG_DEASSIGN;
	else if (resample_fd >= 0) {
		f.flags = KVM_IRQFD_FLAG_RESAMPLE;
		f.resamplefd = (uint32_t)resample_fd;
	}
	return ioctl(d->vm->vm_fd, KVM_IRQFD, &f) < 0 ? -1 : 0;
}

/* ---- INTx ---- */

static void intx_on(struct vfio_pci_dev *d)
{
	if (d->intx_efd < 0 || d->irq_mode != VFIO_IRQ_NONE)
		return;
	if (set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER, 1, &d->intx_efd) ||
	    set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_UNMASK, 1,
		     &d->intx_resample_efd) ||
	    irqfd(d, d->intx_efd, d->intx_gsi, d->intx_resample_efd, true)) {
		warnx_hv("vfio %s: INTx on GSI %u: %m", d->bdf, d->intx_gsi);
		return;
	}
	d->irq_mode = VFIO_IRQ_INTX;
	d->mode_enables[VFIO_IRQ_INTX]++;
}

static void intx_off(struct vfio_pci_dev *d)
{
	if (d->irq_mode != VFIO_IRQ_INTX)
		return;
	irqfd(d, d->intx_efd, d->intx_gsi, -1, false);
	set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER, 0, NULL);
	d->irq_mode = VFIO_IRQ_NONE;
}

/* ---- MSI / MSI-X vectors ---- */

/* io thread: a masked vector fired. No device lock here (see ioloop.h). */
static void vector_masked_fire(void *opaque, uint32_t events)
{
	struct vfio_vector *v = opaque;
	struct vfio_pci_dev *d = v->dev;
	uint64_t n;

	(void)events;
	if (read(v->efd, &n, sizeof(n)) == sizeof(n) && n) {
		atomic_store(&v->pending, true);
		d->masked_fires++;
		/* an MSI-X vector shows it in the PBA */
		if (d->msix_vec && v >= d->msix_vec && v < d->msix_vec + d->cfg.msix.nr)
			__atomic_or_fetch(&d->cfg.msix.pending[v->index / 64],
					  1ULL << (v->index % 64), __ATOMIC_RELAXED);
	}
}

static void vector_park(struct vfio_vector *v)
{
	if (v->irqfd) {
		irqfd(v->dev, v->efd, (uint32_t)v->gsi, -1, false);
		v->irqfd = false;
	}
	if (!v->watched && !ioloop_add(v->efd, EPOLLIN, vector_masked_fire, v))
		v->watched = true;
}

static void vector_quiesce(struct vfio_vector *v)
{
	if (v->irqfd)
		irqfd(v->dev, v->efd, (uint32_t)v->gsi, -1, false);
	if (v->watched)
		ioloop_del(v->efd);
	v->irqfd = v->watched = false;
	atomic_store(&v->pending, false);
}

/* Point the vector at (addr, data); live: the guest has it unmasked. */
static void vector_update(struct vfio_vector *v, bool live, uint64_t addr, uint32_t data)
{
	struct vfio_pci_dev *d = v->dev;

	if ((addr & MSI_ADDR_X86_MASK) != MSI_ADDR_X86)
		live = false;   /* not programmed yet, or not an x86 MSI address */
	if (!live) {
		vector_park(v);
		return;
	}
	if (irq_route_msi_set(d->vm, v->gsi, addr, data)) {
		guest_warn_once("vfio %s: MSI route for vector %u: %m", d->bdf, v->index);
		vector_park(v);
		return;
	}
	v->addr = addr;
	v->data = data;
	if (v->watched) {
		ioloop_del(v->efd);   /* the callback is not running after this */
		v->watched = false;
	}
	if (!v->irqfd && !irqfd(d, v->efd, (uint32_t)v->gsi, -1, true))
		v->irqfd = true;    /* KVM injects at once if efd already counts */
	if (atomic_exchange(&v->pending, false))
		irq_msi_signal(d->vm, addr, data);
}

static int vectors_init(struct vfio_pci_dev *d, struct vfio_vector *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		v[i] = (struct vfio_vector){ .dev = d, .index = i, .efd = -1, .gsi = -1 };
		v[i].efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		v[i].gsi = irq_route_msi_alloc(d->vm);
		if (v[i].efd < 0 || v[i].gsi < 0)
			return -1;
	}
	return 0;
}

static void vectors_close(struct vfio_vector *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		vector_quiesce(&v[i]);
		if (v[i].efd >= 0)
			close(v[i].efd);
		v[i].efd = -1;
	}
}

static int *vector_fds(const struct vfio_vector *v, unsigned n)
{
	int *fds = calloc(n, sizeof(int));

	for (unsigned i = 0; fds && i < n; i++)
		fds[i] = v[i].efd;
	return fds;
}

/* Hand n vectors to VFIO (enables MSI or MSI-X on the device). */
static int vectors_enable(struct vfio_pci_dev *d, uint32_t index, struct vfio_vector *v,
			  unsigned n)
{
	int *fds = vector_fds(v, n);
	int rc = fds ? set_irqs(d, index, VFIO_IRQ_SET_ACTION_TRIGGER, n, fds) : -1;

	free(fds);
	return rc;
}

/* MSI or MSI-X (VFIO irq index) off: every vector quiet, no mode. */
static void vectors_off(struct vfio_pci_dev *d, uint32_t index, struct vfio_vector *v,
			unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		vector_quiesce(&v[i]);
	set_irqs(d, index, VFIO_IRQ_SET_ACTION_TRIGGER, 0, NULL);
	d->irq_mode = VFIO_IRQ_NONE;
}

/* INTx off, then MSI or MSI-X on with n vectors. On failure INTx is back
 * on and errno says why (for the caller's message). */
static bool vectors_on(struct vfio_pci_dev *d, enum vfio_irq_mode mode, uint32_t index,
		       struct vfio_vector *v, unsigned n)
{
	int err;

	intx_off(d);
	if (d->irq_mode != VFIO_IRQ_NONE || vectors_enable(d, index, v, n)) {
		err = errno;
		intx_on(d);
		errno = err;
		return false;
	}
	d->irq_mode = mode;
	d->mode_enables[mode]++;
	return true;
}

static void msix_off(struct vfio_pci_dev *d)
{
	vectors_off(d, VFIO_PCI_MSIX_IRQ_INDEX, d->msix_vec, d->cfg.msix.nr);
}

void vfio_irq_msix_changed(struct vfio_pci_dev *d, int vector)
{
	const struct vfio_msix *x = &d->cfg.msix;

	if (!x->cap || !d->msix_vec)
		return;
	if (!x->enabled) {
		if (d->irq_mode == VFIO_IRQ_MSIX) {
			msix_off(d);
			intx_on(d);
		}
		return;
	}
	if (d->irq_mode != VFIO_IRQ_MSIX) {
		if (!vectors_on(d, VFIO_IRQ_MSIX, VFIO_PCI_MSIX_IRQ_INDEX, d->msix_vec, x->nr)) {
			guest_warn_once("vfio %s: enabling %u MSI-X vectors failed: %m", d->bdf, x->nr);
			return;
		}
		vector = -1;
	}
	for (unsigned i = 0; i < x->nr; i++) {
		const struct msix_entry *e = &x->table[i];
		uint64_t bit = 1ULL << (i % 64);

		if (vector >= 0 && (unsigned)vector != i)
			continue;
		vector_update(&d->msix_vec[i], vfio_msix_vector_live(&d->cfg, i),
			      (uint64_t)e->addr_hi << 32 | e->addr_lo, e->data);
		if (atomic_load(&d->msix_vec[i].pending))
			__atomic_or_fetch(&x->pending[i / 64], bit, __ATOMIC_RELAXED);
		else
			__atomic_and_fetch(&x->pending[i / 64], ~bit, __ATOMIC_RELAXED);
	}
}

static void msi_off(struct vfio_pci_dev *d)
{
	vectors_off(d, VFIO_PCI_MSI_IRQ_INDEX, d->msi_vec, d->cfg.msi.max);
	d->msi_live = 0;
}

void vfio_irq_msi_changed(struct vfio_pci_dev *d)
{
	const struct vfio_msi *m = &d->cfg.msi;

	if (!m->cap)
		return;
	/* the vector count is fixed while VFIO has MSI on: re-enable to change it */
	if (d->irq_mode == VFIO_IRQ_MSI && (!m->enabled || m->nr != d->msi_live)) {
		msi_off(d);
		if (!m->enabled)
			intx_on(d);
	}
	if (!m->enabled)
		return;
	if (d->irq_mode != VFIO_IRQ_MSI) {
		if (!vectors_on(d, VFIO_IRQ_MSI, VFIO_PCI_MSI_IRQ_INDEX, d->msi_vec, m->nr)) {
			guest_warn_once("vfio %s: enabling %u MSI vectors failed: %m", d->bdf, m->nr);
			return;
		}
		d->msi_live = m->nr;
	}
	/* vector i sends data with its low log2(nr) bits replaced by i (6.8.1.6) */
	for (unsigned i = 0; i < m->nr; i++)
		vector_update(&d->msi_vec[i], !(m->mask & (1u << i)), m->addr,
			      (m->data & ~(m->nr - 1)) | i);
}

int vfio_irq_init(struct vfio_pci_dev *d, char *err, size_t errlen)
{
	if (d->cfg.msix.cap) {
		if (d->irq_count[VFIO_PCI_MSIX_IRQ_INDEX] < d->cfg.msix.nr) {
			snprintf(err, errlen, "VFIO offers %u MSI-X vectors, the device has %u",
				 d->irq_count[VFIO_PCI_MSIX_IRQ_INDEX], d->cfg.msix.nr);
			return -1;
		}
		d->msix_vec = calloc(d->cfg.msix.nr, sizeof(*d->msix_vec));
		if (!d->msix_vec || vectors_init(d, d->msix_vec, d->cfg.msix.nr))
			goto no_vectors;
	}
	/* only what the device can do: each vector takes an eventfd and a GSI */
	if (d->cfg.msi.cap && vectors_init(d, d->msi_vec, d->cfg.msi.max))
		goto no_vectors;
	if (d->cfg.irq_pin && d->irq_count[VFIO_PCI_INTX_IRQ_INDEX]) {
		d->intx_gsi = pci_intx_gsi(d->pdev.slot, d->cfg.irq_pin);
		d->intx_efd = eventfd(0, EFD_CLOEXEC);
		d->intx_resample_efd = eventfd(0, EFD_CLOEXEC);
		if (d->intx_efd < 0 || d->intx_resample_efd < 0) {
			snprintf(err, errlen, "eventfd: %s", strerror(errno));
			return -1;
		}
		intx_on(d);
	}
	return 0;
no_vectors:
	snprintf(err, errlen, "no eventfd or GSI for its interrupt vectors (%s)", strerror(errno));
	return -1;
}

void vfio_irq_exit(struct vfio_pci_dev *d)
{
	if (d->irq_mode == VFIO_IRQ_MSIX)
		msix_off(d);
	else if (d->irq_mode == VFIO_IRQ_MSI) {
		msi_off(d);
	}
	intx_off(d);
	d->irq_mode = VFIO_IRQ_NONE;
	if (d->msix_vec)
		vectors_close(d->msix_vec, d->cfg.msix.nr);
	vectors_close(d->msi_vec, d->cfg.msi.max);
	free(d->msix_vec);
	d->msix_vec = NULL;
	if (d->intx_efd >= 0)
		close(d->intx_efd);
	if (d->intx_resample_efd >= 0)
		close(d->intx_resample_efd);
	d->intx_efd = d->intx_resample_efd = -1;
}
