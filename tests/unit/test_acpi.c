/* hv/acpi: table layout, checksums, pointers between tables, MADT contents
 * and the DSDT's AML (PkgLength, _HID, Memory32Fixed, Interrupt, the PCI0
 * root bridge only when there is a PCI bus). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/acpi/acpi.h"
#include "hv/acpi/aml.h"
#include "hv/acpi/tables.h"
#include "hv/layout.h"
#include "hv/vm.h"

#define AREA_LEN (ACPI_TABLES_END - ACPI_TABLES_START)
#define NR_CPUS  2

static uint8_t area[AREA_LEN];
static struct acpi_layout lay;
static const struct acpi_mmio_dev devs[2] = {
	{ VIRTIO_MMIO_BASE, VIRTIO_MMIO_SIZE, VIRTIO_MMIO_IRQ_BASE, "LNRO0005" },
	{ VIRTIO_MMIO_BASE + VIRTIO_MMIO_SIZE, VIRTIO_MMIO_SIZE, VIRTIO_MMIO_IRQ_BASE + 1,
	  "LNRO0005" },
};

static void *at(uint64_t gpa, size_t len)
{
	assert_true(gpa >= ACPI_TABLES_START);
	assert_true(gpa - ACPI_TABLES_START + len <= AREA_LEN);
	return area + (gpa - ACPI_TABLES_START);
}

static const struct acpi_header *table(uint64_t gpa, const char *sig)
{
	const struct acpi_header *h = at(gpa, sizeof(*h));

	assert_memory_equal(h->signature, sig, 4);
	at(gpa, h->length);
	assert_int_equal(acpi_checksum(h, h->length), 0);
	return h;
}

static int build(void **state)
{
	struct acpi_platform p = { NR_CPUS, devs, 2, false };

	(void)state;
	memset(area, 0xee, sizeof(area));
	return acpi_build(area, sizeof(area), ACPI_TABLES_START, &p, &lay);
}

static void test_rsdp_and_pointers(void **state)
{
	const struct acpi_rsdp *rsdp = at(lay.rsdp, sizeof(*rsdp));
	const struct acpi_header *xsdt = table(lay.xsdt, "XSDT");
	const struct acpi_header *rsdt = table(lay.rsdt, "RSDT");
	const struct acpi_fadt *fadt;
	const struct acpi_facs *facs;
	uint64_t x[2];
	uint32_t r[2];

	(void)state;
	/* found by the scan of 0xe0000-0xfffff on a 16-byte boundary */
	assert_int_equal(lay.rsdp, ACPI_TABLES_START);
	assert_memory_equal(rsdp->signature, "RSD PTR ", 8);
	assert_int_equal(rsdp->revision, 2);
	assert_int_equal(acpi_checksum(rsdp, 20), 0);
	assert_int_equal(acpi_checksum(rsdp, sizeof(*rsdp)), 0);
	assert_int_equal(rsdp->length, 36);
	assert_int_equal(rsdp->xsdt_address, lay.xsdt);
	assert_int_equal(rsdp->rsdt_address, lay.rsdt);

	assert_int_equal(xsdt->length, sizeof(*xsdt) + 2 * 8);
	memcpy(x, xsdt + 1, sizeof(x));
	memcpy(r, rsdt + 1, sizeof(r));
	assert_int_equal(x[0], lay.fadt);
	assert_int_equal(x[1], lay.madt);
	assert_int_equal(r[0], lay.fadt);
	assert_int_equal(r[1], lay.madt);

	fadt = (const void *)table(lay.fadt, "FACP");
	assert_true(fadt->h.revision >= 5);
	assert_int_equal(fadt->dsdt, lay.dsdt);
	assert_int_equal(fadt->x_dsdt, lay.dsdt);
	assert_int_equal(fadt->firmware_ctrl, lay.facs);
	assert_int_equal(fadt->x_firmware_ctrl, 0);    /* one of the two, not both */
	table(lay.dsdt, "DSDT");
	table(lay.madt, "APIC");
	facs = at(lay.facs, sizeof(*facs));
	assert_memory_equal(facs->signature, "FACS", 4);
	assert_int_equal(lay.facs % 64, 0);
	assert_true(lay.used <= AREA_LEN);
}

static void test_fadt_fields(void **state)
{
	const struct acpi_fadt *f = at(lay.fadt, sizeof(*f));

	(void)state;
	assert_int_equal(f->sci_int, ACPI_SCI_IRQ);
	assert_int_equal(f->smi_cmd, 0);
	assert_int_equal(f->pm1a_evt_blk, PORT_ACPI_PM1A_EVT);
	assert_int_equal(f->pm1a_cnt_blk, PORT_ACPI_PM1A_CNT);
	assert_int_equal(f->pm_tmr_blk, 0x608);
	assert_int_equal(f->x_pm_tmr_blk.address, 0x608);
	assert_int_equal(f->x_pm_tmr_blk.space_id, ACPI_GAS_SYSTEM_IO);
	assert_int_equal(f->pm1_evt_len, 4);
	assert_int_equal(f->pm1_cnt_len, 2);
	assert_int_equal(f->pm_tmr_len, 4);
	assert_false(f->flags & ACPI_FADT_HW_REDUCED);
	assert_true(f->flags & ACPI_FADT_RESET_REG_SUP);
	assert_int_equal(f->reset_reg.space_id, ACPI_GAS_SYSTEM_IO);
	assert_int_equal(f->reset_reg.address, 0xcf9);
	assert_int_equal(f->reset_reg.bit_width, 8);
	assert_int_equal(f->reset_value, 0x06);
}

static void test_madt(void **state)
{
	const struct acpi_madt *m = at(lay.madt, sizeof(*m));
	const uint8_t *p = (const uint8_t *)(m + 1), *end = (const uint8_t *)m + m->h.length;
	int lapics = 0, ioapics = 0, isos = 0;

	(void)state;
	assert_int_equal(m->lapic_address, LAPIC_GPA);
	while (p < end) {
		assert_true(p[1] >= 2 && p + p[1] <= end);
		if (p[0] == ACPI_MADT_LAPIC) {
			const struct acpi_madt_lapic *l = (const void *)p;

			assert_int_equal(l->apic_id, lapics);
			assert_int_equal(l->processor_uid, lapics);
			assert_int_equal(l->flags & ACPI_MADT_LAPIC_ENABLED, 1);
			lapics++;
		} else if (p[0] == ACPI_MADT_IOAPIC) {
			const struct acpi_madt_ioapic *io = (const void *)p;

			assert_int_equal(io->address, IOAPIC_GPA);
			assert_int_equal(io->gsi_base, 0);
			ioapics++;
		} else if (p[0] == ACPI_MADT_ISO) {
			struct acpi_madt_iso s;

			memcpy(&s, p, sizeof(s));
			if (s.source == 0) {
				assert_int_equal(s.gsi, 2);
				assert_int_equal(s.flags, ACPI_MPS_ACTIVE_HIGH | ACPI_MPS_EDGE);
			} else {
				assert_int_equal(s.source, 9);
				assert_int_equal(s.gsi, 9);
				assert_int_equal(s.flags, ACPI_MPS_ACTIVE_HIGH | ACPI_MPS_LEVEL);
			}
			isos++;
		}
		p += p[1];
	}
	assert_ptr_equal(p, end);
	assert_int_equal(lapics, NR_CPUS);
	assert_int_equal(ioapics, 1);
	assert_int_equal(isos, 2);
}

static void test_madt_many_cpus(void **state)
{
	static uint8_t buf[AREA_LEN];
	struct acpi_platform p = { 64, NULL, 0, false };
	struct acpi_layout l;
	const struct acpi_header *h;

	(void)state;
	assert_int_equal(acpi_build(buf, sizeof(buf), ACPI_TABLES_START, &p, &l), 0);
	h = (const void *)(buf + (l.madt - ACPI_TABLES_START));
	assert_int_equal(acpi_checksum(h, h->length), 0);
	assert_int_equal(h->length, sizeof(struct acpi_madt) + 64 * 8 + 12 + 2 * 10 + 6);
	/* too small a buffer fails cleanly */
	assert_int_equal(acpi_build(buf, 100, ACPI_TABLES_START, &p, &l), -1);
	p.nr_cpus = 0;
	assert_int_equal(acpi_build(buf, sizeof(buf), ACPI_TABLES_START, &p, &l), -1);
}

/* Decode a PkgLength; returns the encoded value and its byte count. */
static size_t pkglen(const uint8_t *p, int *n)
{
	int follow = p[0] >> 6;
	size_t v;

	*n = 1 + follow;
	if (!follow)
		return p[0] & 0x3f;
	v = p[0] & 0xf;
	for (int i = 1; i <= follow; i++)
		v |= (size_t)p[i] << (4 + 8 * (i - 1));
	return v;
}

static void test_pkglength(void **state)
{
	uint8_t b[4];
	int n;

	(void)state;
	assert_int_equal(aml_pkglength(b, 10), 1);
	assert_int_equal(b[0], 11);
	assert_int_equal(aml_pkglength(b, 62), 1);
	assert_int_equal(b[0], 63);
	/* 63 body bytes + 2 = 65: two bytes, lead 0x40 | (65 & 0xf), then 65 >> 4 */
	assert_int_equal(aml_pkglength(b, 63), 2);
	assert_int_equal(b[0], 0x41);
	assert_int_equal(b[1], 0x04);
	assert_int_equal(aml_pkglength(b, 5000), 3);
	assert_int_equal(b[0], 0x80 | (5003 & 0xf));
	assert_int_equal(pkglen(b, &n), 5003);
	assert_int_equal(n, 3);
	assert_int_equal(aml_pkglength(b, 1u << 21), 4);
	assert_int_equal(pkglen(b, &n), (1u << 21) + 4);
	assert_int_equal(aml_pkglength(b, 1u << 28), 0);
}

static void test_aml_basics(void **state)
{
	struct aml a;

	(void)state;
	assert_int_equal(aml_eisaid("PNP0501"), 0x0105d041);
	assert_int_equal(aml_eisaid("pnp0501"), 0);
	aml_init(&a);
	aml_integer(&a, 0);
	aml_integer(&a, 1);
	aml_integer(&a, 0x12);
	aml_integer(&a, 0x1234);
	aml_integer(&a, 0x12345678);
	aml_namestring(&a, "\\_SB.V000");
	assert_false(a.oom);
	assert_int_equal(a.len, 1 + 1 + 2 + 3 + 5 + 1 + 1 + 8);
	assert_memory_equal(a.buf, "\x00\x01\x0a\x12\x0b\x34\x12\x0c\x78\x56\x34\x12"
			    "\\\x2e_SB_V000", a.len);
	aml_namestring(&a, "toolong");
	assert_true(a.oom);
	aml_free(&a);
}

static const uint8_t *find(const uint8_t *p, size_t len, const void *what, size_t n)
{
	return memmem(p, len, what, n);
}

static void test_dsdt_aml(void **state)
{
	const struct acpi_header *h = table(lay.dsdt, "DSDT");
	const uint8_t *aml = (const uint8_t *)(h + 1);
	size_t len = h->length - sizeof(*h), scope_len;
	const uint8_t *p, *dev, *s5;
	int n;

	(void)state;
	/* Scope (\_SB) { ... } spans up to Name (\_S5, ...) */
	assert_int_equal(aml[0], AML_SCOPE_OP);
	scope_len = pkglen(aml + 1, &n);
	assert_true(n > 1);                           /* a long package */
	assert_memory_equal(aml + 1 + n, "\\_SB_", 5);
	s5 = aml + 1 + scope_len;
	assert_true(s5 < aml + len);
	assert_memory_equal(s5, "\x08\\_S5_\x12", 7);
	assert_int_equal(s5[7] >> 6, 0);               /* short package */
	assert_int_equal(s5 + 7 + s5[7], aml + len);   /* ends the DSDT */
	assert_int_equal(s5[8], 4);                    /* NumElements */
	assert_int_equal(s5[9], AML_BYTE_PREFIX);
	assert_int_equal(s5[10], ACPI_S5_SLP_TYP);

	/* first device: ExtOp DeviceOp PkgLength(short) "V000" */
	dev = aml + 1 + n + 5;
	assert_int_equal(dev[0], AML_EXT_OP_PREFIX);
	assert_int_equal(dev[1], AML_DEVICE_OP);
	assert_int_equal(dev[2] >> 6, 0);
	assert_memory_equal(dev + 3, "V000", 4);
	assert_memory_equal(dev + 7, "\x08_HID\x0dLNRO0005\0", 15);
	assert_memory_equal(dev + 22, "\x08_UID\x00", 6);
	/* second device follows the first exactly */
	assert_memory_equal(dev + 2 + dev[2], "\x5b\x82", 2);
	assert_memory_equal(dev + 2 + dev[2] + 3, "V001", 4);

	for (int i = 0; i < 2; i++) {
		uint8_t mem[12] = { 0x86, 0x09, 0x00, 0x01 };
		uint8_t irq[9] = { 0x89, 0x06, 0x00, 0x01, 0x01 };
		uint32_t base = (uint32_t)devs[i].base, size = (uint32_t)devs[i].size;

		memcpy(mem + 4, &base, 4);
		memcpy(mem + 8, &size, 4);
		memcpy(irq + 5, &devs[i].irq, 4);
		p = find(aml, len, mem, sizeof(mem));
		assert_non_null(p);
		/* Extended Interrupt (consumer, level, active-high) right after */
		assert_memory_equal(p + sizeof(mem), irq, sizeof(irq));
	}
	/* the UART, with its compressed EISA id */
	assert_non_null(find(aml, len, "COM1\x08_HID\x0c\x41\xd0\x05\x01", 14));
}

/* With a PCI bus (--vfio) the DSDT has a PNP0A03 root bridge, PCI0, with
 * its windows and interrupt routing; without one, no trace of it. */
static void test_dsdt_pci_root(void **state)
{
	struct acpi_platform p = { NR_CPUS, devs, 2, true };
	/* _HID: DWordPrefix, then EisaId ("PNP0A03") compressed (6.1.5) */
	static const uint8_t hid[] = { '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03 };
	const uint8_t *dev = NULL, *name;
	size_t len, body = 0;
	uint8_t *aml;
	int n;

	(void)state;
	aml = acpi_dsdt_aml(&p, &len);
	assert_non_null(aml);
	name = find(aml, len, "PCI0", 4);
	assert_non_null(name);
	/* Device (PCI0): ExtOpPrefix DeviceOp PkgLength (1-4 bytes) "PCI0" */
	for (int k = 1; k <= 4 && !dev; k++)
		if (name - aml >= k + 2 && name[-k - 2] == AML_EXT_OP_PREFIX &&
		    name[-k - 1] == AML_DEVICE_OP && (name[-k] >> 6) + 1 == k)
			dev = name - k;
	assert_non_null(dev);
	body = pkglen(dev, &n);
	assert_true(dev + body <= aml + len);
	/* its _HID, _CRS and _PRT are inside it */
	assert_non_null(find(dev, body, hid, sizeof(hid)));
	assert_non_null(find(dev, body, "_CRS", 4));
	assert_non_null(find(dev, body, "_PRT", 4));
	free(aml);

	p.pci = false;
	aml = acpi_dsdt_aml(&p, &len);
	assert_non_null(aml);
	assert_null(find(aml, len, "PCI0", 4));
	assert_null(find(aml, len, hid + 5, 4));
	assert_null(find(aml, len, "_PRT", 4));
	free(aml);
}

static void test_pm_timer(void **state)
{
	(void)state;
	assert_int_equal(acpi_pm_timer_ticks(1000000000ULL), ACPI_PM_TMR_HZ);
	assert_int_equal(acpi_pm_timer_ticks(500000000ULL), ACPI_PM_TMR_HZ / 2);
	/* 10^4 s does not overflow the intermediate product */
	assert_int_equal(acpi_pm_timer_ticks(10000ULL * 1000000000ULL),
			 10000ULL * ACPI_PM_TMR_HZ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsdp_and_pointers),
		cmocka_unit_test(test_fadt_fields),
		cmocka_unit_test(test_madt),
		cmocka_unit_test(test_madt_many_cpus),
		cmocka_unit_test(test_pkglength),
		cmocka_unit_test(test_aml_basics),
		cmocka_unit_test(test_dsdt_aml),
		cmocka_unit_test(test_dsdt_pci_root),
		cmocka_unit_test(test_pm_timer),
	};

	return cmocka_run_group_tests(tests, build, NULL);
}
