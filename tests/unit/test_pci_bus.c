/* hv/pci/pci_bus.c: configuration mechanism #1 (the 0xcf8 address latch,
 * which accesses reach it, config cycles to the host bridge, to a device and
 * to absent functions), slot allocation and INTx swizzling, the BAR window
 * allocators, and trapped BAR ranges in the windows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/pci/pci.h"

#define ADDR(slot, func, reg) \
	(PCI_CONF1_ENABLE | (uint32_t)(slot) << 11 | (uint32_t)(func) << 8 | (uint32_t)(reg))
#define PAGE 0x1000ULL

/* A device that records config writes and answers reads with a pattern. */
struct fake_dev {
	struct pci_device pd;
	int reads, writes;
	uint32_t last_off, last_val;
	int last_len;
};

static uint32_t fake_read(struct pci_device *d, uint32_t off, int len)
{
	struct fake_dev *f = (struct fake_dev *)d;

	f->reads++;
	f->last_off = off;
	f->last_len = len;
	return len == 4 ? 0xa0b0c0d0u + off : len == 2 ? 0xb000u + off : 0x80u + off;
}

static void fake_write(struct pci_device *d, uint32_t off, uint32_t val, int len)
{
	struct fake_dev *f = (struct fake_dev *)d;

	f->writes++;
	f->last_off = off;
	f->last_val = val;
	f->last_len = len;
}

static const struct pci_device_ops fake_ops = { fake_read, fake_write };

static struct pci_bus bus;

static int setup(void **state)
{
	(void)state;
	pci_bus_init(&bus);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pci_bus_destroy(&bus);
	return 0;
}

/* port helpers: offset is the port minus 0xcf8 */
static void out32(uint32_t offset, uint32_t v)
{
	uint8_t d[4];

	memcpy(d, &v, 4);
	pci_conf1_access(&bus, offset, d, 4, true);
}

static uint32_t in(uint32_t offset, uint32_t len)
{
	uint8_t d[4] = { 0 };
	uint32_t v = 0;

	pci_conf1_access(&bus, offset, d, len, false);
	memcpy(&v, d, len);
	return v;
}

static void out(uint32_t offset, uint32_t v, uint32_t len)
{
	uint8_t d[4];

	memcpy(d, &v, 4);
	pci_conf1_access(&bus, offset, d, len, true);
}

static uint32_t cfg_read(uint32_t addr, uint32_t byte, uint32_t len)
{
	out32(0, addr);
	return in(4 + byte, len);
}

static void test_conf1_latch(void **state)
{
	(void)state;
	/* Linux's pci_check_type1: write 0x80000000, read it back */
	out32(0, PCI_CONF1_ENABLE);
	assert_int_equal(in(0, 4), PCI_CONF1_ENABLE);
	out32(0, ADDR(3, 0, 0x10));
	assert_int_equal(in(0, 4), ADDR(3, 0, 0x10));
	/* byte and word accesses around the latch (0xcf9 is the reset
	 * register, 0xcfb a probe) leave it alone */
	for (uint32_t off = 1; off < 4; off++) {
		out(off, 0, 1);
		assert_int_equal(in(0, 4), ADDR(3, 0, 0x10));
	}
	out(2, 0, 2);
	out(0, 0, 2);
	out(0, 0, 1);
	assert_int_equal(in(0, 4), ADDR(3, 0, 0x10));
	/* and read as all-ones */
	assert_int_equal(in(1, 1), 0xff);
	assert_int_equal(in(2, 2), 0xffff);
}

static void test_host_bridge(void **state)
{
	(void)state;
	/* 00:00.0: a host bridge, which is what Linux's pci_sanity_check needs */
	assert_int_equal(cfg_read(ADDR(0, 0, PCI_VENDOR_ID), 0, 2), 0x1b36);
	assert_int_equal(cfg_read(ADDR(0, 0, PCI_VENDOR_ID), 2, 2), 0x0008);
	assert_int_equal(cfg_read(ADDR(0, 0, PCI_CLASS_REVISION), 0, 4) >> 16, 0x0600);
	assert_int_equal(cfg_read(ADDR(0, 0, PCI_CLASS_REVISION), 3, 1), 0x06);
	assert_int_equal(cfg_read(ADDR(0, 0, PCI_CLASS_REVISION), 2, 1), 0x00);
	/* its registers are read-only */
	out32(0, ADDR(0, 0, PCI_VENDOR_ID));
	out(4, 0x12345678, 4);
	assert_int_equal(in(4, 4), 0x00081b36);
}

static void test_absent_reads_all_ones(void **state)
{
	struct fake_dev f = { .pd = { .ops = &fake_ops, .name = "fake" } };

	(void)state;
	assert_int_equal(pci_bus_add(&bus, &f.pd), 1);
	assert_int_equal(cfg_read(ADDR(1, 0, 0), 0, 4), 0xa0b0c0d0u);
	f.reads = 0;
	assert_int_equal(cfg_read(ADDR(2, 0, 0), 0, 4), 0xffffffffu);      /* empty slot */
	assert_int_equal(cfg_read(ADDR(31, 0, 0), 0, 2), 0xffff);
	assert_int_equal(cfg_read(ADDR(1, 1, 0), 0, 4), 0xffffffffu);      /* function 1 */
	assert_int_equal(cfg_read(ADDR(0, 7, 0), 0, 4), 0xffffffffu);
	assert_int_equal(cfg_read(ADDR(1, 0, 0) | 1u << 16, 0, 4), 0xffffffffu);  /* bus 1 */
	assert_int_equal(cfg_read(ADDR(0, 0, 0) | 0xffu << 16, 0, 4), 0xffffffffu);
	/* no enable bit: no config cycle, not even to the host bridge */
	assert_int_equal(cfg_read(ADDR(1, 0, 0) & ~PCI_CONF1_ENABLE, 0, 4), 0xffffffffu);
	assert_int_equal(cfg_read(ADDR(0, 0, 0) & ~PCI_CONF1_ENABLE, 0, 2), 0xffff);
	assert_int_equal(f.reads, 0);
	/* nor do writes to them reach the device */
	out32(0, ADDR(1, 1, PCI_COMMAND));
	out(4, 7, 4);
	out32(0, ADDR(1, 0, PCI_COMMAND) & ~PCI_CONF1_ENABLE);
	out(4, 7, 4);
	assert_int_equal(f.writes, 0);
}

static void test_device_cycles(void **state)
{
	struct fake_dev f = { .pd = { .ops = &fake_ops, .name = "fake" } };

	(void)state;
	assert_int_equal(pci_bus_add(&bus, &f.pd), 1);
	assert_int_equal(f.pd.slot, 1);

	out32(0, ADDR(1, 0, PCI_COMMAND));
	out(4, 0x00100406, 4);
	assert_int_equal(f.writes, 1);
	assert_int_equal(f.last_off, PCI_COMMAND);
	assert_int_equal(f.last_len, 4);
	assert_int_equal(f.last_val, 0x00100406);

	/* 0xcfe: a word at register + 2; 0xcff: a byte at register + 3 */
	out32(0, ADDR(1, 0, 0x3c));
	out(6, 0xbeef, 2);
	assert_int_equal(f.last_off, 0x3e);
	assert_int_equal(f.last_len, 2);
	assert_int_equal(f.last_val, 0xbeef);
	out(7, 0x5a, 1);
	assert_int_equal(f.last_off, 0x3f);
	assert_int_equal(f.last_len, 1);
	assert_int_equal(f.last_val, 0x5a);
	out(5, 0x11, 1);
	assert_int_equal(f.last_off, 0x3d);

	assert_int_equal(in(6, 2), 0xb000u + 0x3e);
	assert_int_equal(f.last_off, 0x3e);
	assert_int_equal(f.last_len, 2);
	assert_int_equal(in(5, 1), 0x80u + 0x3d);
	assert_int_equal(in(4, 4), 0xa0b0c0d0u + 0x3c);
	assert_int_equal(f.last_off, 0x3c);

	/* a word at 0xcfd or 0xcff is misaligned: dropped, reads all-ones */
	f.writes = f.reads = 0;
	out(5, 0x1234, 2);
	assert_int_equal(in(5, 2), 0xffff);
	assert_int_equal(in(7, 2), 0xffff);
	assert_int_equal(f.writes + f.reads, 0);
}

static void test_slots_fill_then_fail(void **state)
{
	static struct fake_dev f[PCI_MAX_SLOTS];
	struct fake_dev extra = { .pd = { .ops = &fake_ops } };

	(void)state;
	for (int s = 1; s < PCI_MAX_SLOTS; s++) {
		f[s].pd.ops = &fake_ops;
		assert_int_equal(pci_bus_add(&bus, &f[s].pd), s);
		assert_int_equal(f[s].pd.slot, s);
	}
	assert_int_equal(pci_bus_add(&bus, &extra.pd), -1);
	/* slot 0 stays the host bridge */
	assert_int_equal(cfg_read(ADDR(0, 0, PCI_VENDOR_ID), 0, 2), 0x1b36);
	assert_int_equal(cfg_read(ADDR(31, 0, 0), 0, 4), 0xa0b0c0d0u);
}

static void test_intx_swizzle(void **state)
{
	(void)state;
	for (int slot = 0; slot < PCI_MAX_SLOTS; slot++)
		for (int pin = 1; pin <= 4; pin++) {
			uint32_t g = pci_intx_gsi(slot, pin);

			assert_in_range(g, PCI_INTX_GSI_BASE, PCI_INTX_GSI_BASE + PCI_INTX_GSIS - 1);
			/* the bridge swizzle: pin + 1 on a slot is pin on the next */
			if (pin < 4 && slot + 1 < PCI_MAX_SLOTS)
				assert_int_equal(pci_intx_gsi(slot, pin + 1), pci_intx_gsi(slot + 1, pin));
		}
	/* INTA of neighbouring slots does not share an input */
	assert_int_not_equal(pci_intx_gsi(1, 1), pci_intx_gsi(2, 1));
	assert_int_not_equal(pci_intx_gsi(2, 1), pci_intx_gsi(3, 1));
	assert_int_not_equal(pci_intx_gsi(1, 1), pci_intx_gsi(1, 2));
}

static void test_alloc_mmio(void **state)
{
	static const uint64_t sizes[] = { PAGE, 1 << 20, 0x4000, 64, 0x10000, PAGE, 1 << 20 };
	uint64_t base[sizeof(sizes) / sizeof(sizes[0])];
	size_t n = sizeof(sizes) / sizeof(sizes[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		uint64_t span = sizes[i] < PAGE ? PAGE : sizes[i];

		base[i] = pci_bus_alloc_mmio(&bus, sizes[i]);
		assert_int_not_equal(base[i], 0);
		assert_int_equal(base[i] % span, 0);          /* natural, at least a page */
		assert_true(base[i] >= PCI_MMIO_WINDOW_BASE);
		assert_true(base[i] + sizes[i] <= PCI_MMIO_WINDOW_END);
		for (size_t j = 0; j < i; j++) {
			uint64_t spanj = sizes[j] < PAGE ? PAGE : sizes[j];

			assert_true(base[i] >= base[j] + spanj || base[j] >= base[i] + span);
		}
	}
	assert_int_equal(pci_bus_alloc_mmio(&bus, 0), 0);
	assert_int_equal(pci_bus_alloc_mmio(&bus, 0x3000), 0);
	assert_int_equal(pci_bus_alloc_mmio(&bus, (1 << 20) + PAGE), 0);
	/* 492 MiB of window: 128 MiB BARs fit twice more, not three times */
	assert_int_equal(pci_bus_alloc_mmio(&bus, 128ULL << 20), 0xe8000000ULL);
	assert_int_equal(pci_bus_alloc_mmio(&bus, 128ULL << 20), 0xf0000000ULL);
	assert_int_equal(pci_bus_alloc_mmio(&bus, 128ULL << 20), 0);
	assert_int_equal(pci_bus_alloc_mmio(&bus, 256ULL << 20), 0);
	assert_int_equal(pci_bus_alloc_mmio(&bus, 1ULL << 63), 0);   /* no wrap */
	/* what is left below the end still serves small BARs, then runs out */
	uint64_t last = 0, a;

	while ((a = pci_bus_alloc_mmio(&bus, 1 << 20))) {
		assert_true(a > last && a + (1 << 20) <= PCI_MMIO_WINDOW_END);
		last = a;
	}
	assert_int_equal(last, PCI_MMIO_WINDOW_END - (1 << 20));
	assert_int_equal(pci_bus_alloc_mmio(&bus, PAGE), 0);
}

static void test_alloc_pio(void **state)
{
	static const uint32_t sizes[] = { 32, 4, 256, 8, 32, 1 };
	uint32_t base[sizeof(sizes) / sizeof(sizes[0])];
	size_t n = sizeof(sizes) / sizeof(sizes[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		base[i] = pci_bus_alloc_pio(&bus, sizes[i]);
		assert_int_not_equal(base[i], 0);
		assert_int_equal(base[i] % sizes[i], 0);
		assert_true(base[i] >= PCI_PIO_WINDOW_BASE);
		assert_true(base[i] + sizes[i] <= PCI_PIO_WINDOW_END);
		for (size_t j = 0; j < i; j++)
			assert_true(base[i] >= base[j] + sizes[j] || base[j] >= base[i] + sizes[i]);
	}
	assert_int_equal(pci_bus_alloc_pio(&bus, 0), 0);
	assert_int_equal(pci_bus_alloc_pio(&bus, 24), 0);
	assert_int_equal(pci_bus_alloc_pio(&bus, 0x4000), 0);        /* the whole window */
	assert_int_equal(pci_bus_alloc_pio(&bus, 0x80000000u), 0);
	assert_int_equal(pci_bus_alloc_pio(&bus, 0x1000), 0xd000);
	/* fill the rest with 256-byte BARs until it runs out */
	uint32_t last = 0, a;

	while ((a = pci_bus_alloc_pio(&bus, 256))) {
		assert_true(a > last && a + 256 <= PCI_PIO_WINDOW_END);
		last = a;
	}
	assert_int_equal(last, 0xff00);
	assert_int_equal(pci_bus_alloc_pio(&bus, 4), 0);
}

static int trap_calls;
static void *trap_opaque;
static uint64_t trap_off;
static uint32_t trap_len;
static bool trap_write;

static void trap_fn(struct vcpu *v, void *opaque, uint64_t off, uint8_t *data, uint32_t len,
		    bool is_write)
{
	(void)v;
	trap_calls++;
	trap_opaque = opaque;
	trap_off = off;
	trap_len = len;
	trap_write = is_write;
	if (!is_write)
		memset(data, 0x42, len);
}

static void test_traps(void **state)
{
	int a, b;
	struct pci_trap ta = { false, PCI_MMIO_WINDOW_BASE + 0x2000, 0x1000, trap_fn, &a };
	struct pci_trap ta2 = { true, PCI_PIO_WINDOW_BASE + 0x20, 0x20, trap_fn, &a };
	struct pci_trap tb = { false, PCI_MMIO_WINDOW_BASE + 0x10000, 0x80, trap_fn, &b };
	uint8_t d[8];

	(void)state;
	assert_int_equal(pci_bus_trap_add(&bus, &ta), 0);
	assert_int_equal(pci_bus_trap_add(&bus, &ta2), 0);
	assert_int_equal(pci_bus_trap_add(&bus, &tb), 0);

	/* inside: offset from the trap's base */
	assert_true(pci_bus_window_access(&bus, false, ta.base + 0x10, d, 4, false));
	assert_int_equal(trap_calls, 1);
	assert_ptr_equal(trap_opaque, &a);
	assert_int_equal(trap_off, 0x10);
	assert_int_equal(trap_len, 4);
	assert_int_equal(d[3], 0x42);
	assert_true(pci_bus_window_access(&bus, false, tb.base + 0x78, d, 8, true));
	assert_ptr_equal(trap_opaque, &b);
	assert_int_equal(trap_off, 0x78);
	assert_true(trap_write);
	assert_true(pci_bus_window_access(&bus, true, ta2.base + 0x1f, d, 1, false));
	assert_int_equal(trap_off, 0x1f);
	assert_int_equal(trap_calls, 3);

	/* outside any trap: all-ones, unclaimed */
	memset(d, 0, sizeof(d));
	assert_false(pci_bus_window_access(&bus, false, ta.base - 4, d, 4, false));
	assert_memory_equal(d, "\xff\xff\xff\xff", 4);
	assert_false(pci_bus_window_access(&bus, false, ta.base + ta.len, d, 4, false));
	assert_false(pci_bus_window_access(&bus, false, ta.base + ta.len, d, 4, true));
	/* the same address in the other space is not the trap */
	assert_false(pci_bus_window_access(&bus, true, ta.base, d, 4, false));
	assert_false(pci_bus_window_access(&bus, false, ta2.base, d, 4, false));
	/* straddling the end is not claimed */
	assert_false(pci_bus_window_access(&bus, false, ta.base + ta.len - 4, d, 8, false));
	assert_false(pci_bus_window_access(&bus, false, tb.base + tb.len - 1, d, 2, true));
	assert_int_equal(trap_calls, 3);

	/* deleting a's traps leaves b's */
	pci_bus_trap_del(&bus, &a);
	assert_int_equal(bus.nr_traps, 1);
	assert_false(pci_bus_window_access(&bus, false, ta.base, d, 4, false));
	assert_false(pci_bus_window_access(&bus, true, ta2.base, d, 4, false));
	assert_true(pci_bus_window_access(&bus, false, tb.base, d, 4, false));
	assert_ptr_equal(trap_opaque, &b);
	pci_bus_trap_del(&bus, &a);              /* again: nothing to remove */
	assert_int_equal(bus.nr_traps, 1);
	pci_bus_trap_del(&bus, &b);
	assert_int_equal(bus.nr_traps, 0);
	assert_false(pci_bus_window_access(&bus, false, tb.base, d, 4, false));
}

static void test_trap_add_limits(void **state)
{
	int o;
	struct pci_trap t = { false, 0, 0x1000, trap_fn, &o };

	(void)state;
	t.base = PCI_MMIO_WINDOW_BASE - 0x1000;                      /* below */
	assert_int_equal(pci_bus_trap_add(&bus, &t), -1);
	t.base = PCI_MMIO_WINDOW_BASE - 0x800;                       /* straddles the start */
	assert_int_equal(pci_bus_trap_add(&bus, &t), -1);
	t.base = PCI_MMIO_WINDOW_END - 0x800;                        /* straddles the end */
	assert_int_equal(pci_bus_trap_add(&bus, &t), -1);
	t.base = PCI_MMIO_WINDOW_END;                                /* above */
	assert_int_equal(pci_bus_trap_add(&bus, &t), -1);
	t.base = ~0ULL - 0x800;                                      /* wraps */
	assert_int_equal(pci_bus_trap_add(&bus, &t), -1);
	t.base = PCI_MMIO_WINDOW_BASE;
	t.len = 0;                                                   /* empty */
	assert_int_equal(pci_bus_trap_add(&bus, &t), -1);
	t.pio = true;                                                /* an MMIO address as PIO */
	t.len = 0x10;
	assert_int_equal(pci_bus_trap_add(&bus, &t), -1);
	t.base = PCI_PIO_WINDOW_END - 8;
	assert_int_equal(pci_bus_trap_add(&bus, &t), -1);
	t.base = PCI_PIO_WINDOW_END - 0x10;                          /* the last 16 ports */
	assert_int_equal(pci_bus_trap_add(&bus, &t), 0);
	t.pio = false;
	t.base = PCI_MMIO_WINDOW_END - 0x1000;                       /* the last page */
	t.len = 0x1000;
	assert_int_equal(pci_bus_trap_add(&bus, &t), 0);
	/* the table is finite */
	for (int i = 2; i < PCI_MAX_TRAPS; i++)
		assert_int_equal(pci_bus_trap_add(&bus, &t), 0);
	assert_int_equal(pci_bus_trap_add(&bus, &t), -1);
	pci_bus_trap_del(&bus, &o);
	assert_int_equal(bus.nr_traps, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_conf1_latch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_bridge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absent_reads_all_ones, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_cycles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slots_fill_then_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_intx_swizzle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_mmio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_pio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_traps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trap_add_limits, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
