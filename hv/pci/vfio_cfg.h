/* The config space a passthrough device shows the guest. Most registers
 * go to the device (through VFIO's config region, which already filters
 * what a user may touch); hv emulates the ones that name guest addresses or
 * guest interrupts:
 *   - the BARs (the guest places them in hv's PCI windows; hv maps the
 *     device's regions there) and the expansion ROM (hidden),
 *   - the interrupt line, the MSI capability and the MSI-X capability's
 *     control word, plus the MSI-X table and PBA themselves (their BAR
 *     pages trap to hv, which routes each vector through KVM).
 * The rest of the capability list is the device's own.
 *
 * Pure logic over a backend (config read/write), so tests drive it with a
 * fake device. Not locked: the owner serialises calls. */
#ifndef HV_PCI_VFIO_CFG_H
#define HV_PCI_VFIO_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/pci/pci.h"

#define MSIX_ENTRY_SIZE        16
#define MSIX_ENTRY_ADDR_LO     0
#define MSIX_ENTRY_ADDR_HI     4
#define MSIX_ENTRY_DATA        8
#define MSIX_ENTRY_CTRL        12
#define MSIX_ENTRY_CTRL_MASKED 0x1u
#define MSIX_MAX_VECTORS       2048
#define MSI_MAX_VECTORS        32

struct vfio_cfg_backend {
	/* len bytes at off of the device's config space; 0 or -1 */
	int (*read)(void *ctx, uint32_t off, void *buf, int len);
	int (*write)(void *ctx, uint32_t off, const void *buf, int len);
	void *ctx;
};

struct vfio_bar {
	uint64_t size;        /* 0: not implemented (or the upper half of a 64-bit BAR) */
	uint32_t flags;       /* the BAR's low bits: I/O, 64-bit, prefetchable */
	uint64_t addr;        /* where the guest put it */
	bool io, is64;
};

struct msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;
};

struct vfio_msix {
	uint8_t cap;          /* 0: none */
	uint16_t nr;
	uint8_t table_bar, pba_bar;
	uint32_t table_off, pba_off;
	bool enabled, fmask;
	struct msix_entry *table;
	uint64_t *pending;    /* PBA bits, set by the owner for masked vectors */
};

struct vfio_msi {
	uint8_t cap;          /* 0: none */
	bool is64, per_vector_mask;
	bool enabled;
	unsigned max;         /* vectors the device can do (1 << MMC) */
	unsigned nr;          /* vectors enabled (1 << MME) */
	uint64_t addr;
	uint16_t data;
	uint32_t mask;
};

struct vfio_cfg_events {
	void (*bars_changed)(void *owner);             /* BAR address or decode bit */
	void (*msix_changed)(void *owner, int vector); /* -1: enable/function mask */
	void (*msi_changed)(void *owner);
	void *owner;
};

struct vfio_cfg {
	struct vfio_cfg_backend be;
	struct vfio_cfg_events ev;
	uint8_t emu[PCI_CFG_SPACE_SIZE];       /* what the guest reads for emulated bytes */
	uint8_t emu_mask[PCI_CFG_SPACE_SIZE];  /* 1: byte is emulated */
	uint8_t wmask[PCI_CFG_SPACE_SIZE];     /* writable bits of emulated bytes */
	uint16_t command;                      /* the device's command register */
	uint8_t irq_pin;                       /* 0: no INTx */
	struct vfio_bar bar[PCI_NUM_BARS];
	struct vfio_msix msix;
	struct vfio_msi msi;
};

/* Read the device's header and capabilities; bar_size[i] comes from VFIO's
 * region info (0 for none). Returns 0, or -1 with a reason in err. */
int vfio_cfg_init(struct vfio_cfg *c, const struct vfio_cfg_backend *be,
		  const struct vfio_cfg_events *ev, const uint64_t bar_size[PCI_NUM_BARS],
		  char *err, size_t errlen);
void vfio_cfg_free(struct vfio_cfg *c);

/* Guest config accesses (aligned, 1/2/4 bytes, off < 256). */
uint32_t vfio_cfg_read(struct vfio_cfg *c, uint32_t off, int len);
void vfio_cfg_write(struct vfio_cfg *c, uint32_t off, uint32_t val, int len);

/* Place BAR i (what firmware does before the guest boots). */
void vfio_cfg_set_bar(struct vfio_cfg *c, int i, uint64_t addr);
/* Whether the guest has enabled decoding for BAR i (command register). */
bool vfio_cfg_bar_decoded(const struct vfio_cfg *c, int i);

/* Guest accesses to the MSI-X table / PBA: offset from the table's (or the
 * PBA's) start. 4- and 8-byte aligned accesses; others read as zero and
 * are dropped. */
void vfio_msix_table_access(struct vfio_cfg *c, uint64_t off, uint8_t *data, uint32_t len,
			    bool is_write);
void vfio_msix_pba_read(struct vfio_cfg *c, uint64_t off, uint8_t *data, uint32_t len);
/* Table size in bytes, PBA size in bytes. */
uint64_t vfio_msix_table_size(const struct vfio_cfg *c);
uint64_t vfio_msix_pba_size(const struct vfio_cfg *c);
/* Whether vector v may be delivered now (enabled, not masked by the
 * function or its entry). */
bool vfio_msix_vector_live(const struct vfio_cfg *c, unsigned v);

#endif
