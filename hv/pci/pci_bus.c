#include "hv/pci/pci.h"

#include <string.h>

#include "hv/log.h"
#include "hv/vm.h"

#define PCI_CONF1_BUS_SHIFT   16
#define PCI_CONF1_SLOT_SHIFT  11
#define PCI_CONF1_FUNC_SHIFT  8
#define PCI_CONF1_REG_MASK    0xfcu
#define PCI_CONF1_FIELD_MASK  0xffu
#define PCI_CONF1_SLOT_MASK   0x1fu
#define PCI_CONF1_FUNC_MASK   0x7u
#define PCI_PAGE_SIZE         0x1000ULL

/* The host bridge: Red Hat's ID for a generic virtual host bridge (pci.ids:
 * 1b36:0008). Linux's conf1 sanity check only needs a host-bridge class
 * device on bus 0 (arch/x86/pci/direct.c, pci_sanity_check). */
#define BRIDGE_VENDOR         0x1b36
#define BRIDGE_DEVICE         0x0008
#define BRIDGE_CLASS_HOST     0x060000u

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, sizeof(v)); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, sizeof(v)); }

void pci_bus_init(struct pci_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	pthread_mutex_init(&bus->lock, NULL);
	pthread_rwlock_init(&bus->trap_lock, NULL);
	bus->mmio_next = PCI_MMIO_WINDOW_BASE;
	bus->pio_next = PCI_PIO_WINDOW_BASE;
	put16(bus->bridge_cfg + PCI_VENDOR_ID, BRIDGE_VENDOR);
	put16(bus->bridge_cfg + PCI_VENDOR_ID + 2, BRIDGE_DEVICE);
	put32(bus->bridge_cfg + PCI_CLASS_REVISION, BRIDGE_CLASS_HOST << 8);
}

void pci_bus_destroy(struct pci_bus *bus)
{
	pthread_mutex_destroy(&bus->lock);
	pthread_rwlock_destroy(&bus->trap_lock);
}

int pci_bus_add(struct pci_bus *bus, struct pci_device *d)
{
	for (int s = 1; s < PCI_MAX_SLOTS; s++)
		if (!bus->slots[s]) {
			bus->slots[s] = d;
			d->slot = s;
			return s;
		}
	return -1;
}

uint32_t pci_intx_gsi(int slot, int pin)
{
	return PCI_INTX_GSI_BASE + (uint32_t)(slot + pin - 1) % PCI_INTX_GSIS;
}

uint64_t pci_bus_alloc_mmio(struct pci_bus *bus, uint64_t size)
{
	uint64_t align = size < PCI_PAGE_SIZE ? PCI_PAGE_SIZE : size;
	uint64_t base;

	if (!size || (size & (size - 1)))
		return 0;
	base = (bus->mmio_next + align - 1) & ~(align - 1);
	if (base < bus->mmio_next || base > PCI_MMIO_WINDOW_END ||
	    size > PCI_MMIO_WINDOW_END - base)
		return 0;
	bus->mmio_next = base + align;
	return base;
}

uint32_t pci_bus_alloc_pio(struct pci_bus *bus, uint32_t size)
{
	uint32_t base;

	if (!size || (size & (size - 1)))
		return 0;
	base = (bus->pio_next + size - 1) & ~(size - 1);
	if (base > PCI_PIO_WINDOW_END || size > PCI_PIO_WINDOW_END - base)
		return 0;
	bus->pio_next = base + size;
	return base;
}

static bool in_window(bool pio, uint64_t base, uint64_t len)
{
	uint64_t lo = pio ? PCI_PIO_WINDOW_BASE : PCI_MMIO_WINDOW_BASE;
	uint64_t hi = pio ? PCI_PIO_WINDOW_END : PCI_MMIO_WINDOW_END;

	return len && base >= lo && base < hi && len <= hi - base;
}

int pci_bus_trap_add(struct pci_bus *bus, const struct pci_trap *t)
{
	int rc = -1;

	if (!in_window(t->pio, t->base, t->len))
		return -1;
	pthread_rwlock_wrlock(&bus->trap_lock);
	if (bus->nr_traps < PCI_MAX_TRAPS) {
		bus->traps[bus->nr_traps++] = *t;
		rc = 0;
	}
	pthread_rwlock_unlock(&bus->trap_lock);
	return rc;
}

void pci_bus_trap_del(struct pci_bus *bus, void *opaque)
{
	int n = 0;

	pthread_rwlock_wrlock(&bus->trap_lock);
	for (int i = 0; i < bus->nr_traps; i++)
		if (bus->traps[i].opaque != opaque)
			bus->traps[n++] = bus->traps[i];
	bus->nr_traps = n;
	pthread_rwlock_unlock(&bus->trap_lock);
}

bool pci_bus_window_access(struct pci_bus *bus, bool pio, uint64_t addr, uint8_t *data,
			   uint32_t len, bool is_write)
{
	struct pci_trap hit = { 0 };

	pthread_rwlock_rdlock(&bus->trap_lock);
	for (int i = 0; i < bus->nr_traps && !hit.fn; i++) {
		const struct pci_trap *t = &bus->traps[i];

		if (t->pio == pio && addr >= t->base && addr - t->base < t->len &&
		    len <= t->len - (addr - t->base))
			hit = *t;
	}
	pthread_rwlock_unlock(&bus->trap_lock);
	/* called unlocked: a handler takes its device's lock, and a device
	 * moving a BAR holds that lock while it updates the traps */
	if (hit.fn)
		hit.fn(NULL, hit.opaque, addr - hit.base, data, len, is_write);
	else if (!is_write)
		memset(data, 0xff, len);
	return hit.fn != NULL;
}

static uint32_t bridge_read(const struct pci_bus *bus, uint32_t off, int len)
{
	uint32_t v = 0;

	memcpy(&v, bus->bridge_cfg + off, (size_t)len);
	return v;
}

/* One config cycle to bus 0; other buses and functions are absent. */
static void config_cycle(struct pci_bus *bus, uint32_t addr, uint32_t byte, uint8_t *data,
			 uint32_t len, bool is_write)
{
	uint32_t busno = (addr >> PCI_CONF1_BUS_SHIFT) & PCI_CONF1_FIELD_MASK;
	uint32_t slot = (addr >> PCI_CONF1_SLOT_SHIFT) & PCI_CONF1_SLOT_MASK;
	uint32_t func = (addr >> PCI_CONF1_FUNC_SHIFT) & PCI_CONF1_FUNC_MASK;
	uint32_t off = (addr & PCI_CONF1_REG_MASK) + byte;
	struct pci_device *d = bus->slots[slot];
	uint32_t v = UINT32_MAX;

	if (!(addr & PCI_CONF1_ENABLE) || busno || func || (len != 1 && len != 2 && len != 4) ||
	    off % len || (!d && slot)) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (is_write) {
		v = 0;  /* a 1- or 2-byte write's value has no stray high bits */
		memcpy(&v, data, len);
		if (d)
			d->ops->cfg_write(d, off, v, (int)len);
		/* the host bridge's registers are read-only */
		return;
	}
	v = d ? d->ops->cfg_read(d, off, (int)len) : bridge_read(bus, off, (int)len);
	memcpy(data, &v, len);
}

void pci_conf1_access(struct pci_bus *bus, uint32_t offset, uint8_t *data, uint32_t len,
		      bool is_write)
{
	pthread_mutex_lock(&bus->lock);
	if (offset < 4) {
		/* only whole-dword accesses reach the address latch: byte
		 * accesses to 0xcf9 are the reset register, 0xcfb probes */
		if (offset == 0 && len == 4) {
			if (is_write)
				memcpy(&bus->conf1_addr, data, 4);
			else
				memcpy(data, &bus->conf1_addr, 4);
		} else if (!is_write) {
			memset(data, 0xff, len);
		}
	} else if (offset - 4 + len <= 4) {
		config_cycle(bus, bus->conf1_addr, offset - 4, data, len, is_write);
	} else if (!is_write) {
		memset(data, 0xff, len);
	}
	pthread_mutex_unlock(&bus->lock);
}

static void conf1_io(struct vcpu *vcpu, void *opaque, uint64_t offset, uint8_t *data,
		     uint32_t len, bool is_write)
{
	(void)vcpu;
	pci_conf1_access(opaque, (uint32_t)offset, data, len, is_write);
}

static void conf1_hi_io(struct vcpu *vcpu, void *opaque, uint64_t offset, uint8_t *data,
			uint32_t len, bool is_write)
{
	conf1_io(vcpu, opaque, offset + 2, data, len, is_write);
}

static void conf1_data_io(struct vcpu *vcpu, void *opaque, uint64_t offset, uint8_t *data,
			  uint32_t len, bool is_write)
{
	conf1_io(vcpu, opaque, offset + 4, data, len, is_write);
}

static void window_mmio(struct vcpu *vcpu, void *opaque, uint64_t offset, uint8_t *data,
			uint32_t len, bool is_write)
{
	(void)vcpu;
	pci_bus_window_access(opaque, false, PCI_MMIO_WINDOW_BASE + offset, data, len, is_write);
}

static void window_pio(struct vcpu *vcpu, void *opaque, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write)
{
	(void)vcpu;
	pci_bus_window_access(opaque, true, PCI_PIO_WINDOW_BASE + offset, data, len, is_write);
}

int pci_bus_attach(struct pci_bus *bus, struct vm *vm)
{
	/* 0xcf9 (one byte) is the ACPI reset register (hv/devices/acpi_pm.c):
	 * the address latch is registered as 0xcf8 (dword accesses start there)
	 * and 0xcfa-0xcfb, around it. */
	if (io_bus_register(&vm->pio, PCI_CONF1_ADDR_PORT, 1, conf1_io, bus, "pci-conf1-addr") ||
	    io_bus_register(&vm->pio, PCI_CONF1_ADDR_PORT + 2, 2, conf1_hi_io, bus,
			    "pci-conf1-addr-hi") ||
	    io_bus_register(&vm->pio, PCI_CONF1_DATA_PORT, 4, conf1_data_io, bus, "pci-conf1-data")) {
		fprintf(stderr, "hv: PCI config ports 0xcf8-0xcff are taken\n");
		return -1;
	}
	if (io_bus_register(&vm->mmio, PCI_MMIO_WINDOW_BASE,
			    PCI_MMIO_WINDOW_END - PCI_MMIO_WINDOW_BASE, window_mmio, bus,
			    "pci-mmio-window") ||
	    io_bus_register(&vm->pio, PCI_PIO_WINDOW_BASE, PCI_PIO_WINDOW_END - PCI_PIO_WINDOW_BASE,
			    window_pio, bus, "pci-pio-window")) {
		fprintf(stderr, "hv: the PCI BAR windows overlap another device\n");
		return -1;
	}
	return 0;
}
