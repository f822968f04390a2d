/* hv/pci/vfio_cfg.c: the config space a passthrough device shows the guest,
 * over a fake device (256 bytes of config space behind the backend, writes
 * recorded): BAR sizing and placement, the hidden ROM, the emulated
 * interrupt line, registers passed through to the device, the command
 * register and BAR decode, the emulated MSI capability, the MSI-X control
 * word, table and PBA, and the devices vfio_cfg_init refuses. Also
 * vfio_parse_bdf (hv/pci/vfio_host.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/pci/vfio_cfg.h"
#include "hv/pci/vfio_host.h"

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

static int be_read(void *ctx, uint32_t off, void *buf, int len)
{
	struct fake *f = ctx;

	assert_true(off + (uint32_t)len <= PCI_CFG_SPACE_SIZE);
	memcpy(buf, f->cfg + off, (size_t)len);
	return 0;
}

static int be_write(void *ctx, uint32_t off, const void *buf, int len)
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

static void ev_bars(void *owner) { ((struct fake *)owner)->bars_changed++; }
static void ev_msi(void *owner) { ((struct fake *)owner)->msi_changed++; }

static void ev_msix(void *owner, int vector)
{
	struct fake *f = owner;

	f->msix_changed++;
	f->last_vector = vector;
}

static const struct vfio_cfg_backend be = { be_read, be_write, &dev };
static const struct vfio_cfg_events ev = { ev_bars, ev_msix, ev_msi, &dev };

static void put16(uint32_t off, uint16_t v) { memcpy(dev.cfg + off, &v, 2); }
static void put32(uint32_t off, uint32_t v) { memcpy(dev.cfg + off, &v, 4); }

/* An NVMe-like endpoint: BAR0 32-bit 16 KiB, BAR2/3 64-bit prefetchable
 * 1 MiB, BAR4 I/O 32 bytes, INTA, and vendor-specific -> MSI -> MSI-X. */
static void make_device(void)
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

static int init(void)
{
	char err[128] = "";
	int rc = vfio_cfg_init(&c, &be, &ev, bar_size, err, sizeof(err));

	if (rc)
		print_message("vfio_cfg_init: %s\n", err);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	make_device();
	return init();
}

static int teardown(void **state)
{
	(void)state;
	vfio_cfg_free(&c);
	return 0;
}

static uint32_t rd(uint32_t off, int len) { return vfio_cfg_read(&c, off, len); }
static void wr(uint32_t off, uint32_t v, int len) { vfio_cfg_write(&c, off, v, len); }

static uint32_t bar_reg(int i) { return PCI_BAR0 + 4 * (uint32_t)i; }

static void test_bar_sizing(void **state)
{
	(void)state;
	for (int i = 0; i < PCI_NUM_BARS; i++)
		wr(bar_reg(i), 0xffffffff, 4);
	assert_int_equal(rd(bar_reg(0), 4), (uint32_t)~(16 * KiB - 1));
	assert_int_equal(rd(bar_reg(1), 4), 0);                     /* not implemented */
	assert_int_equal(rd(bar_reg(2), 4),
			 (uint32_t)~(1 * MiB - 1) | PCI_BAR_MEM_TYPE_64 | PCI_BAR_PREFETCH);
	assert_int_equal(rd(bar_reg(3), 4), 0xffffffff);            /* upper half */
	/* an I/O BAR decodes 16 bits here: the upper half of the register is
	 * hardwired to zero, which PCI 3.0 6.2.5.1 allows (Linux masks sizing
	 * with IO_SPACE_LIMIT); the size bits are ~(32 - 1) */
	assert_int_equal(rd(bar_reg(4), 4), (0xffffu & ~(32u - 1)) | PCI_BAR_IO);
	assert_int_equal(rd(bar_reg(5), 4), 0);
	/* the sizing writes are the guest's, not the device's */
	assert_int_equal(dev.writes, 0);
	assert_true(dev.bars_changed >= PCI_NUM_BARS);
}

static void test_bar_sizing_high_first(void **state)
{
	(void)state;
	/* the upper half alone sizes as all-ones too, and the low half keeps
	 * its flags */
	wr(bar_reg(3), 0xffffffff, 4);
	assert_int_equal(rd(bar_reg(3), 4), 0xffffffff);
	assert_int_equal(rd(bar_reg(2), 4) & PCI_BAR_MEM_MASK,
			 PCI_BAR_MEM_TYPE_64 | PCI_BAR_PREFETCH);
	/* byte writes into a BAR work too (the guest assembles the value) */
	wr(bar_reg(0) + 3, 0xff, 1);
	wr(bar_reg(0) + 2, 0xff, 1);
	wr(bar_reg(0) + 1, 0xff, 1);
	assert_int_equal(rd(bar_reg(0), 4), 0xffffc000);
}

static void test_bar_place(void **state)
{
	int before = dev.bars_changed;

	(void)state;
	wr(bar_reg(0), 0xe0004000, 4);
	assert_int_equal(c.bar[0].addr, 0xe0004000);
	assert_int_equal(rd(bar_reg(0), 4), 0xe0004000);
	assert_int_equal(dev.bars_changed, before + 1);
	/* below the BAR's alignment, and the flag bits, are not the guest's */
	wr(bar_reg(0), 0xe0006fff, 4);
	assert_int_equal(c.bar[0].addr, 0xe0004000);
	assert_int_equal(rd(bar_reg(0), 4), 0xe0004000);

	wr(bar_reg(2), 0xe0100000, 4);
	wr(bar_reg(3), 0x1, 4);
	assert_int_equal(c.bar[2].addr, 0x1e0100000ULL);
	assert_int_equal(rd(bar_reg(2), 4), 0xe010000c);
	assert_int_equal(rd(bar_reg(3), 4), 1);

	wr(bar_reg(4), 0xc020, 4);
	assert_int_equal(c.bar[4].addr, 0xc020);
	assert_int_equal(rd(bar_reg(4), 4), 0xc021);
	assert_int_equal(dev.bars_changed, before + 5);
	assert_int_equal(dev.writes, 0);
}

static void test_set_bar(void **state)
{
	(void)state;
	vfio_cfg_set_bar(&c, 0, 0xe0008123);
	assert_int_equal(c.bar[0].addr, 0xe0008000);
	assert_int_equal(rd(bar_reg(0), 4), 0xe0008000);
	vfio_cfg_set_bar(&c, 2, 0x123400000ULL);
	assert_int_equal(rd(bar_reg(2), 4), 0x2340000c);
	assert_int_equal(rd(bar_reg(3), 4), 1);
	vfio_cfg_set_bar(&c, 4, 0xc040);
	assert_int_equal(rd(bar_reg(4), 4), 0xc041);
	/* unimplemented BARs, the upper half, and out-of-range indexes stay 0 */
	vfio_cfg_set_bar(&c, 1, 0xe0000000);
	vfio_cfg_set_bar(&c, 3, 0xe0000000);
	vfio_cfg_set_bar(&c, 5, 0xe0000000);
	vfio_cfg_set_bar(&c, -1, 0xe0000000);
	vfio_cfg_set_bar(&c, PCI_NUM_BARS, 0xe0000000);
	assert_int_equal(rd(bar_reg(1), 4), 0);
	assert_int_equal(rd(bar_reg(3), 4), 1);
	assert_int_equal(rd(bar_reg(5), 4), 0);
	assert_int_equal(dev.writes, 0);
}

static void test_rom_hidden(void **state)
{
	(void)state;
	assert_int_equal(rd(PCI_ROM_ADDRESS, 4), 0);
	wr(PCI_ROM_ADDRESS, 0xffffffff, 4);          /* ROM sizing */
	assert_int_equal(rd(PCI_ROM_ADDRESS, 4), 0);
	wr(PCI_ROM_ADDRESS + 2, 0xffff, 2);
	assert_int_equal(rd(PCI_ROM_ADDRESS + 2, 2), 0);
	assert_int_equal(dev.writes, 0);
	assert_memory_equal(dev.cfg + PCI_ROM_ADDRESS, "\x01\x00\xb0\xfe", 4);
}

static void test_interrupt_line(void **state)
{
	(void)state;
	/* the guest's own register: not the host's line */
	assert_int_not_equal(rd(PCI_INTERRUPT_LINE, 1), DEV_IRQ_LINE);
	wr(PCI_INTERRUPT_LINE, 22, 1);
	assert_int_equal(rd(PCI_INTERRUPT_LINE, 1), 22);
	assert_int_equal(dev.writes, 0);
	assert_int_equal(dev.cfg[PCI_INTERRUPT_LINE], DEV_IRQ_LINE);
	/* the pin next to it is the device's: a word read mixes both */
	assert_int_equal(rd(PCI_INTERRUPT_PIN, 1), 1);
	assert_int_equal(rd(PCI_INTERRUPT_LINE, 2), 0x0100 | 22);
	assert_int_equal(c.irq_pin, 1);
}

static void test_plain_registers(void **state)
{
	(void)state;
	assert_int_equal(rd(PCI_VENDOR_ID, 2), 0x8086);
	assert_int_equal(rd(PCI_VENDOR_ID, 4), 0x0a548086);
	assert_int_equal(rd(PCI_CLASS_REVISION, 4), 0x01080200);
	assert_int_equal(rd(PCI_CAPABILITY_LIST, 1), VSPEC_CAP);
	assert_int_equal(rd(VSPEC_CAP + 3, 1), 0x77);
	/* the device changes a register: the guest sees it */
	dev.cfg[VSPEC_CAP + 3] = 0x78;
	assert_int_equal(rd(VSPEC_CAP + 3, 1), 0x78);
	/* a write to a non-emulated register goes to the device as is */
	wr(VSPEC_CAP + 2, 0x1234, 2);
	assert_int_equal(dev.writes, 1);
	assert_int_equal(dev.last_off, VSPEC_CAP + 2);
	assert_int_equal(dev.last_len, 2);
	assert_int_equal(dev.last_val, 0x1234);
	/* malformed accesses: all-ones, dropped */
	assert_int_equal(rd(1, 2), 0xffffffff);
	assert_int_equal(rd(2, 4), 0xffffffff);
	assert_int_equal(rd(PCI_CFG_SPACE_SIZE, 1), 0xffffffff);
	assert_int_equal(rd(0, 3), 0xffffffff);
	wr(VSPEC_CAP + 1, 0x1234, 2);
	wr(PCI_CFG_SPACE_SIZE, 0, 1);
	assert_int_equal(dev.writes, 1);
}

static void test_command_and_decode(void **state)
{
	int before = dev.bars_changed;

	(void)state;
	for (int i = 0; i < PCI_NUM_BARS; i++)
		assert_false(vfio_cfg_bar_decoded(&c, i));
	wr(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	assert_int_equal(dev.writes, 1);
	assert_int_equal(dev.last_off, PCI_COMMAND);
	assert_int_equal(dev.last_len, 2);
	assert_int_equal(dev.last_val, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(dev.bars_changed, before + 1);
	assert_true(vfio_cfg_bar_decoded(&c, 0));
	assert_true(vfio_cfg_bar_decoded(&c, 2));
	assert_false(vfio_cfg_bar_decoded(&c, 4));
	assert_false(vfio_cfg_bar_decoded(&c, 1));              /* not implemented */
	assert_false(vfio_cfg_bar_decoded(&c, 3));              /* upper half */
	assert_false(vfio_cfg_bar_decoded(&c, -1));
	assert_false(vfio_cfg_bar_decoded(&c, PCI_NUM_BARS));
	/* bus master alone changes no decode: no BAR event */
	wr(PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	assert_int_equal(dev.bars_changed, before + 1);
	/* the low byte of a dword write to command+status */
	wr(PCI_COMMAND, PCI_COMMAND_IO, 4);
	assert_int_equal(dev.last_off, PCI_COMMAND);
	assert_int_equal(dev.last_len, 4);
	assert_int_equal(dev.bars_changed, before + 2);
	assert_false(vfio_cfg_bar_decoded(&c, 0));
	assert_true(vfio_cfg_bar_decoded(&c, 4));
	wr(PCI_COMMAND, 0, 1);
	assert_false(vfio_cfg_bar_decoded(&c, 4));
	assert_int_equal(rd(PCI_COMMAND, 2), 0);
}

static void test_msi(void **state)
{
	(void)state;
	assert_int_equal(c.msi.cap, MSI_CAP);
	assert_true(c.msi.is64);
	assert_true(c.msi.per_vector_mask);
	assert_int_equal(rd(MSI_CAP, 1), PCI_CAP_ID_MSI);
	assert_int_equal(rd(MSI_CAP + 1, 1), MSIX_CAP);
	assert_int_equal(rd(MSI_FLAGS, 2), 0x0184);

	wr(MSI_ADDR_LO, 0xfee01003, 4);         /* the low two bits are reserved */
	wr(MSI_ADDR_HI, 0x1, 4);
	wr(MSI_DATA, 0x4041, 2);
	wr(MSI_MASK, 0x0000000a, 4);
	assert_int_equal(dev.msi_changed, 4);
	assert_false(c.msi.enabled);
	/* enable with MME 5 (32 vectors): clamped to what it can do (4) */
	wr(MSI_FLAGS, 0x0001 | 5 << 4, 2);
	assert_int_equal(dev.msi_changed, 5);
	assert_true(c.msi.enabled);
	assert_int_equal(c.msi.nr, 4);
	assert_int_equal(rd(MSI_FLAGS, 2), 0x0184 | 0x0001 | 2 << 4);
	assert_int_equal(c.msi.addr, 0x1fee01000ULL);
	assert_int_equal(rd(MSI_ADDR_LO, 4), 0xfee01000);
	assert_int_equal(c.msi.data, 0x4041);
	assert_int_equal(c.msi.mask, 0xa);
	assert_int_equal(rd(MSI_MASK, 4), 0xa);
	/* an allowed MME sticks; the capability bits are read-only */
	wr(MSI_FLAGS, 0x0001 | 1 << 4, 2);
	assert_int_equal(c.msi.nr, 2);
	assert_int_equal(rd(MSI_FLAGS, 2), 0x0184 | 0x0001 | 1 << 4);
	wr(MSI_FLAGS, 0, 2);
	assert_false(c.msi.enabled);
	assert_int_equal(c.msi.nr, 1);
	assert_int_equal(rd(MSI_FLAGS, 2), 0x0184);
	/* none of it reached the device */
	assert_int_equal(dev.writes, 0);
	assert_int_equal(dev.cfg[MSI_DATA], 0);
}

static void test_msi_starts_disabled(void **state)
{
	(void)state;
	/* whatever the device says (a previous owner left MSI on) */
	vfio_cfg_free(&c);
	put16(MSI_FLAGS, 0x0184 | 0x0001 | 2 << 4);
	put32(MSI_ADDR_LO, 0xfee00000);
	assert_int_equal(init(), 0);
	assert_int_equal(rd(MSI_FLAGS, 2), 0x0184);
	assert_int_equal(rd(MSI_ADDR_LO, 4), 0);
	assert_false(c.msi.enabled);
}

static void test_msix_control(void **state)
{
	(void)state;
	assert_int_equal(c.msix.cap, MSIX_CAP);
	assert_int_equal(c.msix.nr, MSIX_NR);
	assert_int_equal(rd(MSIX_FLAGS, 2), MSIX_NR - 1);
	assert_int_equal(rd(MSIX_CAP + 4, 4), MSIX_TABLE);
	assert_int_equal(rd(MSIX_CAP + 8, 4), MSIX_PBA);
	assert_int_equal(vfio_msix_table_size(&c), MSIX_NR * MSIX_ENTRY_SIZE);
	assert_int_equal(vfio_msix_pba_size(&c), 8);

	wr(MSIX_FLAGS, 0x8000, 2);
	assert_true(c.msix.enabled);
	assert_false(c.msix.fmask);
	assert_int_equal(dev.msix_changed, 1);
	assert_int_equal(dev.last_vector, -1);
	assert_int_equal(rd(MSIX_FLAGS, 2), 0x8000 | (MSIX_NR - 1));
	/* function mask, through a dword write of the whole first register;
	 * the table size is read-only */
	wr(MSIX_CAP, 0xffff0000u | PCI_CAP_ID_MSIX, 4);
	assert_true(c.msix.enabled);
	assert_true(c.msix.fmask);
	assert_int_equal(dev.msix_changed, 2);
	assert_int_equal(dev.last_vector, -1);
	assert_int_equal(rd(MSIX_FLAGS, 2), 0xc000 | (MSIX_NR - 1));
	assert_int_equal(rd(MSIX_CAP + 1, 1), 0);
	wr(MSIX_FLAGS + 1, 0, 1);
	assert_false(c.msix.enabled);
	assert_false(c.msix.fmask);
	/* emulated: the device's control word never changes */
	assert_int_equal(dev.writes, 0);
	assert_int_equal(dev.cfg[MSIX_FLAGS + 1], 0);
	/* nor do the table/PBA pointers */
	wr(MSIX_CAP + 4, 0x1234, 4);
	assert_int_equal(rd(MSIX_CAP + 4, 4), MSIX_TABLE);
	assert_int_equal(dev.writes, 0);
}

static uint32_t table_rd32(uint64_t off)
{
	uint32_t v;

	vfio_msix_table_access(&c, off, (uint8_t *)&v, 4, false);
	return v;
}

static void table_wr32(uint64_t off, uint32_t v)
{
	vfio_msix_table_access(&c, off, (uint8_t *)&v, 4, true);
}

static void test_msix_table(void **state)
{
	uint64_t v8;
	const uint64_t e3 = 3 * MSIX_ENTRY_SIZE;

	(void)state;
	/* the reset state: every vector masked, nothing else */
	for (unsigned v = 0; v < MSIX_NR; v++) {
		assert_int_equal(table_rd32(v * MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL),
				 MSIX_ENTRY_CTRL_MASKED);
		assert_int_equal(table_rd32(v * MSIX_ENTRY_SIZE + MSIX_ENTRY_DATA), 0);
	}

	table_wr32(e3 + MSIX_ENTRY_ADDR_LO, 0xfee02000);
	assert_int_equal(table_rd32(e3 + MSIX_ENTRY_ADDR_LO), 0xfee02000);
	assert_int_equal(c.msix.table[3].addr_lo, 0xfee02000);
	v8 = 0x00000001fee03000ULL;                         /* addr_lo + addr_hi */
	vfio_msix_table_access(&c, e3, (uint8_t *)&v8, 8, true);
	v8 = 0;
	vfio_msix_table_access(&c, e3, (uint8_t *)&v8, 8, false);
	assert_int_equal(v8, 0x00000001fee03000ULL);
	assert_int_equal(c.msix.table[3].addr_hi, 1);

	/* data + control in one 8-byte write: unmasks vector 3 */
	dev.msix_changed = 0;
	v8 = (uint64_t)0 << 32 | 0x4055;
	vfio_msix_table_access(&c, e3 + MSIX_ENTRY_DATA, (uint8_t *)&v8, 8, true);
	assert_int_equal(dev.msix_changed, 1);
	assert_int_equal(dev.last_vector, 3);
	assert_int_equal(c.msix.table[3].data, 0x4055);
	assert_int_equal(table_rd32(e3 + MSIX_ENTRY_CTRL), 0);
	/* other vectors untouched */
	assert_int_equal(table_rd32(2 * MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL), 1);
	assert_int_equal(table_rd32(4 * MSIX_ENTRY_SIZE + MSIX_ENTRY_ADDR_LO), 0);
	/* the control word's reserved bits read as zero */
	table_wr32(7 * MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL, 0xfffffffe);
	assert_int_equal(table_rd32(7 * MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL), 0);
	assert_int_equal(dev.last_vector, 7);
	/* the table lives in hv, not in the device's config space */
	assert_int_equal(dev.writes, 0);
}

static void test_msix_vector_live(void **state)
{
	(void)state;
	table_wr32(3 * MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL, 0);       /* unmask 3 */
	assert_false(vfio_msix_vector_live(&c, 3));                 /* not enabled */
	wr(MSIX_FLAGS, 0x8000, 2);
	assert_true(vfio_msix_vector_live(&c, 3));
	assert_false(vfio_msix_vector_live(&c, 2));                 /* entry masked */
	assert_false(vfio_msix_vector_live(&c, MSIX_NR));           /* no such vector */
	assert_false(vfio_msix_vector_live(&c, ~0u));
	wr(MSIX_FLAGS, 0xc000, 2);                                  /* function mask */
	assert_false(vfio_msix_vector_live(&c, 3));
	wr(MSIX_FLAGS, 0x8000, 2);
	assert_true(vfio_msix_vector_live(&c, 3));
	table_wr32(3 * MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL, MSIX_ENTRY_CTRL_MASKED);
	assert_false(vfio_msix_vector_live(&c, 3));
	table_wr32(3 * MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL, 0);
	wr(MSIX_FLAGS, 0, 2);
	assert_false(vfio_msix_vector_live(&c, 3));
}

static void test_msix_bad_accesses(void **state)
{
	struct msix_entry before[MSIX_NR];
	static const struct { uint64_t off; uint32_t len; } bad[] = {
		{ MSIX_NR * MSIX_ENTRY_SIZE, 4 },           /* past the last entry */
		{ MSIX_NR * MSIX_ENTRY_SIZE + 12, 4 },
		{ ~0ULL - 3, 4 },
		{ 2, 4 },                                   /* misaligned */
		{ 4, 8 },
		{ 0x1c, 8 },
		{ 0, 2 },                                   /* wrong sizes */
		{ 12, 1 },
		{ 0, 16 },
	};

	(void)state;
	memcpy(before, c.msix.table, sizeof(before));
	dev.msix_changed = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t big[16];
		uint32_t len = bad[i].len;

		memset(big, 0xff, sizeof(big));
		vfio_msix_table_access(&c, bad[i].off, big, len, false);
		for (uint32_t j = 0; j < len; j++)
			assert_int_equal(big[j], 0);
		memset(big, 0xff, sizeof(big));
		vfio_msix_table_access(&c, bad[i].off, big, len, true);
	}
	assert_memory_equal(c.msix.table, before, sizeof(before));
	assert_int_equal(dev.msix_changed, 0);
}

static void test_msix_pba(void **state)
{
	uint8_t d[8];
	uint32_t v;

	(void)state;
	c.msix.pending[0] = 1u << 3 | 1u << 7;
	memset(d, 0xee, sizeof(d));
	vfio_msix_pba_read(&c, 0, d, 8);
	assert_memory_equal(d, "\x88\0\0\0\0\0\0\0", 8);
	vfio_msix_pba_read(&c, 0, (uint8_t *)&v, 4);
	assert_int_equal(v, 0x88);
	vfio_msix_pba_read(&c, 4, (uint8_t *)&v, 4);
	assert_int_equal(v, 0);
	/* past the PBA's 8 bytes (the rest of its page): zero */
	v = 0xffffffff;
	vfio_msix_pba_read(&c, 8, (uint8_t *)&v, 4);
	assert_int_equal(v, 0);
	v = 0xffffffff;
	vfio_msix_pba_read(&c, 0xffc, (uint8_t *)&v, 4);
	assert_int_equal(v, 0);
}

/* each refused device: -1 and a reason */
static void expect_init_fails(const char *why)
{
	char err[128] = "";
	int rc = vfio_cfg_init(&c, &be, &ev, bar_size, err, sizeof(err));

	if (rc != -1)
		fail_msg("init accepted a device with %s", why);
	assert_true(err[0] != '\0');
	vfio_cfg_free(&c);
}

static void test_init_cap_loop(void **state)
{
	(void)state;
	make_device();
	dev.cfg[MSI_CAP + 1] = VSPEC_CAP;            /* 0x40 -> 0x50 -> 0x40 ... */
	expect_init_fails("a capability loop");
	make_device();
	dev.cfg[MSIX_CAP + 1] = MSIX_CAP;            /* MSI-X points at itself */
	expect_init_fails("a capability pointing at itself");
	make_device();
	dev.cfg[PCI_CAPABILITY_LIST] = 0x20;         /* into the header */
	expect_init_fails("a capability pointer into the header");
}

static void test_init_msix_outside_bar(void **state)
{
	(void)state;
	make_device();
	put32(MSIX_CAP + 4, (uint32_t)(16 * KiB - MSIX_ENTRY_SIZE));   /* 8 entries: too few bytes left */
	expect_init_fails("an MSI-X table past its BAR's end");
	make_device();
	put32(MSIX_CAP + 8, (uint32_t)(16 * KiB) | 0);                 /* PBA just past the end */
	expect_init_fails("an MSI-X PBA past its BAR's end");
	make_device();
	put32(MSIX_CAP + 4, MSIX_TABLE | 1);                           /* BAR1: not implemented */
	expect_init_fails("an MSI-X table in an absent BAR");
	make_device();
	put32(MSIX_CAP + 4, MSIX_TABLE | 7);                           /* BIR 7: reserved */
	expect_init_fails("an MSI-X table in BIR 7");
	/* the table may end exactly at the BAR's end */
	make_device();
	put32(MSIX_CAP + 4, (uint32_t)(16 * KiB - MSIX_NR * MSIX_ENTRY_SIZE));
	assert_int_equal(init(), 0);
	vfio_cfg_free(&c);
}

static void test_init_bad_bar_size(void **state)
{
	(void)state;
	make_device();
	bar_size[0] = 12 * KiB;
	expect_init_fails("a 12 KiB BAR");
	make_device();
	bar_size[4] = 24;
	expect_init_fails("a 24-byte I/O BAR");
}

static void test_init_header_type(void **state)
{
	(void)state;
	make_device();
	dev.cfg[PCI_HEADER_TYPE] = 1;                /* a PCI-to-PCI bridge */
	expect_init_fails("header type 1");
	make_device();
	dev.cfg[PCI_HEADER_TYPE] = 0x81;             /* multi-function bridge */
	expect_init_fails("header type 0x81");
	make_device();
	put16(PCI_VENDOR_ID, 0xffff);                /* gone */
	expect_init_fails("an all-ones config space");
	/* a multi-function endpoint is fine */
	make_device();
	dev.cfg[PCI_HEADER_TYPE] = 0x80;
	assert_int_equal(init(), 0);
	vfio_cfg_free(&c);
}

static void test_init_caps_at_the_end(void **state)
{
	(void)state;
	/* an MSI-X capability too close to the end of config space to hold
	 * its 12 bytes is ignored, without reading past the 256 bytes */
	for (uint32_t at = 0xf8; at <= 0xfc; at += 4) {
		make_device();
		dev.cfg[MSI_CAP + 1] = (uint8_t)at;
		dev.cfg[at] = PCI_CAP_ID_MSIX;
		dev.cfg[at + 1] = 0;
		put16(at + 2, MSIX_NR - 1);
		assert_int_equal(init(), 0);
		assert_int_equal(c.msix.cap, 0);
		vfio_cfg_free(&c);
	}
	/* likewise a 24-byte MSI capability at 0xf0 */
	make_device();
	dev.cfg[PCI_CAPABILITY_LIST] = 0xf0;
	dev.cfg[0xf0] = PCI_CAP_ID_MSI;
	dev.cfg[0xf1] = 0;
	put16(0xf2, 0x0184);
	assert_int_equal(init(), 0);
	assert_int_equal(c.msi.cap, 0);
	vfio_cfg_free(&c);
}

static void test_parse_bdf(void **state)
{
	char out[32];
	static const char *const bad[] = {
		"zz", "", "01:20.0", "01:00.8", "0000:01:00.0x", "01:00.0 ", "01:00.0\n",
		"01:00", "01.00.0", "0000:01:00:0", "00000:01:00.0", "-1:00.0", " 01:00.0",
		"01: 0.0", "0000:+1:00.0", "0x01:00.0", "01:00.0.0",
	};

	(void)state;
	assert_int_equal(vfio_parse_bdf("0000:01:00.0", out, sizeof(out)), 0);
	assert_string_equal(out, "0000:01:00.0");
	assert_int_equal(vfio_parse_bdf("01:00.0", out, sizeof(out)), 0);
	assert_string_equal(out, "0000:01:00.0");
	assert_int_equal(vfio_parse_bdf("0000:3B:1f.7", out, sizeof(out)), 0);
	assert_string_equal(out, "0000:3b:1f.7");
	assert_int_equal(vfio_parse_bdf("abcd:ff:00.1", out, sizeof(out)), 0);
	assert_string_equal(out, "abcd:ff:00.1");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (vfio_parse_bdf(bad[i], out, sizeof(out)) != -1)
			fail_msg("vfio_parse_bdf accepted \"%s\" as %s", bad[i], out);
	assert_int_equal(vfio_parse_bdf(NULL, out, sizeof(out)), -1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bar_sizing),
		T(test_bar_sizing_high_first),
		T(test_bar_place),
		T(test_set_bar),
		T(test_rom_hidden),
		T(test_interrupt_line),
		T(test_plain_registers),
		T(test_command_and_decode),
		T(test_msi),
		T(test_msi_starts_disabled),
		T(test_msix_control),
		T(test_msix_table),
		T(test_msix_vector_live),
		T(test_msix_bad_accesses),
		T(test_msix_pba),
		cmocka_unit_test(test_init_cap_loop),
		cmocka_unit_test(test_init_msix_outside_bar),
		cmocka_unit_test(test_init_bad_bar_size),
		cmocka_unit_test(test_init_header_type),
		cmocka_unit_test(test_init_caps_at_the_end),
		cmocka_unit_test(test_parse_bdf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
