/* hv/pci/vfio_cfg.c: the config space a passthrough device shows the guest,
 * over a fake device (vfio_fake.h): BAR sizing and placement, the hidden
 * ROM, the emulated interrupt line, registers passed through to the device,
 * the command register and BAR decode, and the devices vfio_cfg_init
 * refuses. MSI and MSI-X: test_vfio_msi.c. */
#include "tests/unit/vfio_fake.h"

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
		cmocka_unit_test(test_init_cap_loop),
		cmocka_unit_test(test_init_msix_outside_bar),
		cmocka_unit_test(test_init_bad_bar_size),
		cmocka_unit_test(test_init_header_type),
		cmocka_unit_test(test_init_caps_at_the_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
