/* A fake passthrough device for the hv/pci/vfio_cfg.c tests
 * (test_vfio_cfg.c, test_vfio_msi.c): 256 bytes of config space behind the
 * backend, writes and events recorded, and an NVMe-like endpoint with
 * BARs, a vendor-specific capability, MSI and MSI-X. */
#ifndef TESTS_UNIT_VFIO_FAKE_H
#define TESTS_UNIT_VFIO_FAKE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/pci/vfio_cfg.h"

#define KiB 1024ULL
#define MiB (1024 * KiB)

/* the fake device's layout */
#define VSPEC_CAP   0x40     /* vendor-specific capability */
#define MSI_CAP     0x50
#define MSIX_CAP    0x70
#define MSIX_NR     8
#define MSIX_TABLE  0x2000   /* in BAR0 */
#define MSIX_PBA    0x3000   /* in BAR0 */
#define DEV_IRQ_LINE 0x0b
#define DEV_ROM     0xfeb00001u

/* MSI capability registers (64-bit, per-vector masking) */
#define MSI_FLAGS   (MSI_CAP + 2)
#define MSI_ADDR_LO (MSI_CAP + 4)
#define MSI_ADDR_HI (MSI_CAP + 8)
#define MSI_DATA    (MSI_CAP + 12)
#define MSI_MASK    (MSI_CAP + 16)
#define MSIX_FLAGS  (MSIX_CAP + 2)

struct fake {
	uint8_t cfg[PCI_CFG_SPACE_SIZE];
	int writes;
	uint32_t last_off;
	int last_len;
	uint32_t last_val;
	int bars_changed, msi_changed, msix_changed;
	int last_vector;
};

static struct fake dev;
static struct vfio_cfg c;
static uint64_t bar_size[PCI_NUM_BARS];

static inline int be_read(void *ctx, uint32_t off, void *buf, int len)
{
	struct fake *f = ctx;

	assert_true(off + (uint32_t)len <= PCI_CFG_SPACE_SIZE);
	memcpy(buf, f->cfg + off, (size_t)len);
	return 0;
}

static inline int be_write(void *ctx, uint32_t off, const void *buf, int len)
{
	struct fake *f = ctx;

	assert_true(off + (uint32_t)len <= PCI_CFG_SPACE_SIZE);
	memcpy(f->cfg + off, buf, (size_t)len);
	f->writes++;
	f->last_off = off;
	f->last_len = len;
	f->last_val = 0;
	memcpy(&f->last_val, buf, (size_t)len);
	return 0;
}

static inline void ev_bars(void *owner) { ((struct fake *)owner)->bars_changed++; }
static inline void ev_msi(void *owner) { ((struct fake *)owner)->msi_changed++; }

static inline void ev_msix(void *owner, int vector)
{
	struct fake *f = owner;

	f->msix_changed++;
	f->last_vector = vector;
}

static const struct vfio_cfg_backend be = { be_read, be_write, &dev };
static const struct vfio_cfg_events ev = { ev_bars, ev_msix, ev_msi, &dev };

static inline void put16(uint32_t off, uint16_t v) { memcpy(dev.cfg + off, &v, 2); }
static inline void put32(uint32_t off, uint32_t v) { memcpy(dev.cfg + off, &v, 4); }

/* An NVMe-like endpoint: BAR0 32-bit 16 KiB, BAR2/3 64-bit prefetchable
 * 1 MiB, BAR4 I/O 32 bytes, INTA, and vendor-specific -> MSI -> MSI-X. */
static inline void make_device(void)
{
	static const uint64_t sizes[PCI_NUM_BARS] = { 16 * KiB, 0, 1 * MiB, 0, 32, 0 };

	memset(&dev, 0, sizeof(dev));
	dev.last_vector = -2;
	memcpy(bar_size, sizes, sizeof(bar_size));
	put16(PCI_VENDOR_ID, 0x8086);
	put16(PCI_VENDOR_ID + 2, 0x0a54);
	put16(PCI_STATUS, PCI_STATUS_CAP_LIST);
	put32(PCI_CLASS_REVISION, 0x01080200);
	dev.cfg[PCI_HEADER_TYPE] = 0;
	put32(PCI_BAR0, 0);                                       /* 32-bit memory */
	put32(PCI_BAR0 + 8, PCI_BAR_MEM_TYPE_64 | PCI_BAR_PREFETCH);
	put32(PCI_BAR0 + 16, PCI_BAR_IO);
	put32(PCI_ROM_ADDRESS, DEV_ROM);
	dev.cfg[PCI_CAPABILITY_LIST] = VSPEC_CAP;
	dev.cfg[PCI_INTERRUPT_LINE] = DEV_IRQ_LINE;
	dev.cfg[PCI_INTERRUPT_PIN] = 1;

	dev.cfg[VSPEC_CAP] = 0x09;
	dev.cfg[VSPEC_CAP + 1] = MSI_CAP;
	dev.cfg[VSPEC_CAP + 2] = 8;
	dev.cfg[VSPEC_CAP + 3] = 0x77;

	dev.cfg[MSI_CAP] = PCI_CAP_ID_MSI;
	dev.cfg[MSI_CAP + 1] = MSIX_CAP;
	put16(MSI_FLAGS, 0x0100 | 0x0080 | 2 << 1);  /* per-vector mask, 64-bit, 4 vectors */

	dev.cfg[MSIX_CAP] = PCI_CAP_ID_MSIX;
	dev.cfg[MSIX_CAP + 1] = 0;
	put16(MSIX_FLAGS, MSIX_NR - 1);
	put32(MSIX_CAP + 4, MSIX_TABLE | 0);
	put32(MSIX_CAP + 8, MSIX_PBA | 0);
}

static inline int init(void)
{
	char err[128] = "";
	int rc = vfio_cfg_init(&c, &be, &ev, bar_size, err, sizeof(err));

	if (rc)
		print_message("vfio_cfg_init: %s\n", err);
	return rc;
}

static inline int setup(void **state)
{
	(void)state;
	make_device();
	return init();
}

static inline int teardown(void **state)
{
	(void)state;
	vfio_cfg_free(&c);
	return 0;
}

static inline uint32_t rd(uint32_t off, int len) { return vfio_cfg_read(&c, off, len); }
static inline void wr(uint32_t off, uint32_t v, int len) { vfio_cfg_write(&c, off, v, len); }

static inline uint32_t bar_reg(int i) { return PCI_BAR0 + 4 * (uint32_t)i; }

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

#endif
