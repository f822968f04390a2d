/* hv/pci/vfio_cfg.c, interrupts: the emulated MSI capability, the MSI-X
 * control word, table and PBA, over the fake device of vfio_fake.h. */
#include "tests/unit/vfio_fake.h"

static void test_msi(void **state)
{
	(void)state;
	assert_int_equal(c.msi.cap, MSI_CAP);
	assert_int_equal(c.msi.max, 4);   /* Multiple Message Capable: 4 vectors */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_msi),
		T(test_msi_starts_disabled),
		T(test_msix_control),
		T(test_msix_table),
		T(test_msix_vector_live),
		T(test_msix_bad_accesses),
		T(test_msix_pba),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
