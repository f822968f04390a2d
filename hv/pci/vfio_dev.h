/* One device passed through with VFIO (--vfio BDF): the container, group
 * and device fds, its regions (BARs mapped into the guest where VFIO lets
 * them be mmap'ed, trapped where not and for the MSI-X table and PBA), its
 * emulated config space and its interrupts. Guest RAM is mapped in the
 * IOMMU (type1) at its guest-physical addresses, so the device's DMA lands
 * in guest memory; that pins all of guest RAM for the VM's life.
 *
 * Locking: `lock` covers config space, BAR maps and interrupt state; it is
 * taken by vCPU threads (config cycles, trapped BAR accesses). The io
 * thread only runs masked-vector callbacks, which touch atomics. */
#ifndef HV_PCI_VFIO_DEV_H
#define HV_PCI_VFIO_DEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hv/pci/pci.h"
#include "hv/pci/vfio_cfg.h"

struct vm;

#define VFIO_MAX_AREAS 8   /* mmap-able pieces of one BAR */

struct vfio_region {
	uint64_t offset, size;   /* in the device fd */
	uint32_t flags;
	int nr_areas;
	struct { uint64_t off, size; void *host; } areas[VFIO_MAX_AREAS];
};

struct vfio_pci_dev;

struct vfio_bar_map {
	struct vfio_pci_dev *dev;
	int index;
	bool mapped;
	uint64_t gpa;
	int nr_slots;
	uint32_t slots[VFIO_MAX_AREAS];
};

/* One MSI or MSI-X vector: VFIO signals efd; KVM injects it through an
 * irqfd on gsi while the guest has it unmasked; while masked, the io thread
 * reads efd and records the interrupt as pending. */
struct vfio_vector {
	struct vfio_pci_dev *dev;
	unsigned index;
	int efd, gsi;
	bool irqfd, watched;
	_Atomic bool pending;
	uint64_t addr;
	uint32_t data;
};

enum vfio_irq_mode { VFIO_IRQ_NONE, VFIO_IRQ_INTX, VFIO_IRQ_MSI, VFIO_IRQ_MSIX };

struct vfio_pci_dev {
	struct vm *vm;
	char bdf[32];
	int container, group, device;
	int group_id;
	pthread_mutex_t lock;

	struct pci_device pdev;
	struct vfio_cfg cfg;
	uint64_t config_offset;
	struct vfio_region region[PCI_NUM_BARS];
	struct vfio_bar_map map[PCI_NUM_BARS];
	uint32_t slot_base;           /* KVM slots slot_base .. + 6 * VFIO_MAX_AREAS */
	bool can_reset;

	enum vfio_irq_mode irq_mode;
	uint32_t irq_count[4];        /* VFIO's INTx, MSI, MSI-X, ERR counts */
	int intx_efd, intx_resample_efd;
	uint32_t intx_gsi;
	struct vfio_vector *msix_vec; /* cfg.msix.nr of them */
	struct vfio_vector msi_vec[MSI_MAX_VECTORS];
	unsigned msi_live;            /* vectors enabled at VFIO for MSI */

	/* counters for the stats JSON */
	_Atomic uint64_t trapped_reads, trapped_writes, masked_fires, cfg_writes;
	uint64_t mode_enables[4];
	uint64_t slots_mapped;        /* KVM slots ever made for BAR pieces */
	uint64_t msix_table_accesses;     /* times each vfio_irq_mode was turned on */
	uint64_t dma_mapped_bytes;
};

/* Interrupt plumbing (hv/pci/vfio_irq.c); called with dev->lock held.
 * vfio_irq_init expects the vectors and INTx fds set up empty (efd -1). */
int vfio_irq_init(struct vfio_pci_dev *d, char *err, size_t errlen);
void vfio_irq_exit(struct vfio_pci_dev *d);
void vfio_irq_msix_changed(struct vfio_pci_dev *d, int vector);
void vfio_irq_msi_changed(struct vfio_pci_dev *d);

/* BAR maps (hv/pci/vfio_bars.c); called with dev->lock held. */
void vfio_bars_update(struct vfio_pci_dev *d);
void vfio_bars_unmap_all(struct vfio_pci_dev *d);

#endif
