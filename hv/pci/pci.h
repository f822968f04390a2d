/* A PCI bus for passthrough devices: configuration mechanism #1 (ports
 * 0xcf8 address, 0xcfc-0xcff data; PCI Local Bus 3.0 section 3.2.2.3.2), a
 * host bridge at 00:00.0, and windows for the BARs hv assigns (the guest may
 * move them). Firmware describes the bus to the guest as an ACPI PNP0A03
 * root bridge whose _CRS lists the windows and whose _PRT routes INTx pins
 * to IOAPIC inputs (hv/acpi/dsdt.c).
 *
 * The bus exists only when a device asks for it (--vfio); a VM without one
 * looks exactly as before. Config accesses take the bus lock; devices do
 * their own locking for BAR accesses. */
#ifndef HV_PCI_PCI_H
#define HV_PCI_PCI_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hv/iobus.h"

struct vm;

#define PCI_CONF1_ADDR_PORT   0xcf8
#define PCI_CONF1_DATA_PORT   0xcfc
#define PCI_CONF1_ENABLE      0x80000000u
#define PCI_MAX_SLOTS         32
#define PCI_CFG_SPACE_SIZE    256

/* windows: below the IOAPIC, above the virtio-mmio area (hv/layout.h) */
#define PCI_MMIO_WINDOW_BASE  0xe0000000ULL
#define PCI_MMIO_WINDOW_END   0xfec00000ULL
#define PCI_PIO_WINDOW_BASE   0xc000u
#define PCI_PIO_WINDOW_END    0x10000u

/* INTx pins go to IOAPIC inputs above the virtio-mmio IRQs (5..20), swizzled
 * by slot as a PCI-to-PCI bridge would (PCI-to-PCI Bridge 1.2, 9.1). */
#define PCI_INTX_GSI_BASE     21
#define PCI_INTX_GSIS         3

/* config space registers (PCI Local Bus 3.0, 6.1) */
#define PCI_VENDOR_ID         0x00
#define PCI_COMMAND           0x04
#define PCI_COMMAND_IO        0x1
#define PCI_COMMAND_MEMORY    0x2
#define PCI_COMMAND_MASTER    0x4
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS            0x06
#define PCI_STATUS_CAP_LIST   0x10
#define PCI_CLASS_REVISION    0x08
#define PCI_HEADER_TYPE       0x0e
#define PCI_BAR0              0x10
#define PCI_NUM_BARS          6
#define PCI_ROM_ADDRESS       0x30
#define PCI_CAPABILITY_LIST   0x34
#define PCI_INTERRUPT_LINE    0x3c
#define PCI_INTERRUPT_PIN     0x3d
#define PCI_BAR_IO            0x1
#define PCI_BAR_MEM_TYPE_64   0x4
#define PCI_BAR_PREFETCH      0x8
#define PCI_BAR_IO_MASK       0x3u
#define PCI_BAR_MEM_MASK      0xfu
#define PCI_CAP_ID_MSI        0x05
#define PCI_CAP_ID_MSIX       0x11

struct pci_device;

/* A device on the bus: config space reads and writes of 1, 2 or 4 bytes at
 * an aligned offset below 256. */
struct pci_device_ops {
	uint32_t (*cfg_read)(struct pci_device *d, uint32_t off, int len);
	void (*cfg_write)(struct pci_device *d, uint32_t off, uint32_t val, int len);
};

struct pci_device {
	const struct pci_device_ops *ops;
	void *opaque;
	int slot;             /* set by pci_bus_add */
	const char *name;
};

/* A guest-visible BAR range that traps to a handler (the parts of a BAR that
 * are not mapped straight into the guest). */
struct pci_trap {
	bool pio;
	uint64_t base, len;
	io_handler_t fn;
	void *opaque;
};

#define PCI_MAX_TRAPS 32

struct pci_bus {
	pthread_mutex_t lock;          /* config cycles */
	uint32_t conf1_addr;
	struct pci_device *slots[PCI_MAX_SLOTS];
	uint8_t bridge_cfg[PCI_CFG_SPACE_SIZE];
	uint64_t mmio_next;            /* BAR allocators (bump) */
	uint32_t pio_next;

	pthread_rwlock_t trap_lock;
	struct pci_trap traps[PCI_MAX_TRAPS];
	int nr_traps;
};

/* Set up the bus state (no VM needed: unit tests use it directly). */
void pci_bus_init(struct pci_bus *bus);
void pci_bus_destroy(struct pci_bus *bus);
/* Register the config ports and the BAR windows on the VM's buses. */
int pci_bus_attach(struct pci_bus *bus, struct vm *vm);

/* Put a device in the first free slot (1..31). Returns the slot, or -1. */
int pci_bus_add(struct pci_bus *bus, struct pci_device *d);
/* The IOAPIC input for a slot's INTx pin (1 = INTA .. 4 = INTD). */
uint32_t pci_intx_gsi(int slot, int pin);

/* A BAR address: naturally aligned (at least a page) in the window. Returns
 * 0 when the window is full. */
uint64_t pci_bus_alloc_mmio(struct pci_bus *bus, uint64_t size);
uint32_t pci_bus_alloc_pio(struct pci_bus *bus, uint32_t size);

/* Trapped BAR ranges, added and removed as the guest moves BARs. Returns 0,
 * or -1 when the table is full or the range is outside the windows. The
 * handler is called without the bus's locks held, so it may race with its
 * own removal: opaque must outlive the bus, and the handler must check that
 * its range is still current. */
int pci_bus_trap_add(struct pci_bus *bus, const struct pci_trap *t);
void pci_bus_trap_del(struct pci_bus *bus, void *opaque);

/* Configuration mechanism #1: an access to port 0xcf8 + offset (0..7). */
void pci_conf1_access(struct pci_bus *bus, uint32_t offset, uint8_t *data, uint32_t len,
		      bool is_write);
/* An access to the MMIO or PIO window: dispatched to the trap covering it;
 * unclaimed reads return all-ones. Returns false if unclaimed. */
bool pci_bus_window_access(struct pci_bus *bus, bool pio, uint64_t addr, uint8_t *data,
			   uint32_t len, bool is_write);

#endif
