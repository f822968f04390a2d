/* The DSDT body in AML:
 *
 *   Scope (\_SB) {
 *     Device (V000) {                       one per vm->acpi_devs entry
 *       Name (_HID, "LNRO0005")
 *       Name (_UID, 0)
 *       Name (_CRS, ResourceTemplate () {
 *         Memory32Fixed (ReadWrite, base, size)
 *         Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { irq }
 *       })
 *     }
 *     Device (PCI0) {                       only with a PCI bus (--vfio)
 *       Name (_HID, EisaId ("PNP0A03")) Name (_UID, 0)
 *       Name (_CRS, ResourceTemplate () {
 *         WordBusNumber (0-0), WordIO (0xc000-0xffff),
 *         DWordMemory (0xe0000000-0xfebfffff)
 *       })
 *       Name (_PRT, Package () { Package () { 0xSSSSFFFF, pin, 0, gsi }, ... })
 *     }
 *     Device (COM1) {                       the 16550 at 0x3f8, IRQ 4
 *       Name (_HID, EisaId ("PNP0501")) Name (_UID, 1)
 *       Name (_CRS, ResourceTemplate () { IO (Decode16, 0x3f8, 0x3f8, 1, 8) IRQNoFlags () { 4 } })
 *     }
 *   }
 *   Name (\_S5, Package () { ACPI_S5_SLP_TYP, ACPI_S5_SLP_TYP, 0, 0 })
 *
 * Linux's virtio_mmio driver matches "LNRO0005" (its acpi_match_table);
 * \_S5 makes acpi_power_off write SLP_TYP|SLP_EN to PM1a_CNT (ACPI 6.5
 * 7.4.2 "\_Sx (System States)"). */
#include <stdio.h>
#include <stdlib.h>

#include "hv/acpi/acpi.h"
#include "hv/acpi/aml.h"
#include "hv/layout.h"
#include "hv/pci/pci.h"
#include "hv/vm.h"

#define COM1_IRQ       4
#define COM1_PORTS     8
#define COM1_UID       1
#define S5_PACKAGE_LEN 4
#define MEM32_LIMIT    0x100000000ULL
#define PRT_ENTRY_LEN  4
#define PRT_ALL_FUNCS  0xffffu   /* _PRT address: slot << 16 | any function */
#define INTX_PINS      4

static void dsdt_crs(struct aml *dev, const struct aml *items)
{
	struct aml buf;

	aml_init(&buf);
	aml_buffer(&buf, items);
	aml_name(dev, "_CRS", &buf);
	aml_free(&buf);
}

static int dsdt_mmio_device(struct aml *sb, const struct acpi_mmio_dev *d, int uid)
{
	struct aml dev, res;
	char name[AML_NAMESEG_LEN + 1];

	if (!d->hid || !d->size || d->base >= MEM32_LIMIT || d->size > MEM32_LIMIT - d->base)
		return -1;
	snprintf(name, sizeof(name), "V%03X", (unsigned)uid & 0xfff);
	aml_init(&dev);
	aml_init(&res);
	aml_name_string(&dev, "_HID", d->hid);
	aml_name_integer(&dev, "_UID", (uint64_t)uid);
	aml_res_memory32_fixed(&res, true, (uint32_t)d->base, (uint32_t)d->size);
	aml_res_ext_irq(&res, d->irq, false, false);
	aml_res_end(&res);
	dsdt_crs(&dev, &res);
	aml_device(sb, name, &dev);
	aml_free(&res);
	aml_free(&dev);
	return 0;
}

static void dsdt_com1(struct aml *sb)
{
	struct aml dev, res;

	aml_init(&dev);
	aml_init(&res);
	aml_name_integer(&dev, "_HID", aml_eisaid("PNP0501"));
	aml_name_integer(&dev, "_UID", COM1_UID);
	aml_res_io(&res, PORT_SERIAL_COM1, COM1_PORTS);
	aml_res_irq_noflags(&res, COM1_IRQ);
	aml_res_end(&res);
	dsdt_crs(&dev, &res);
	aml_device(sb, "COM1", &dev);
	aml_free(&res);
	aml_free(&dev);
}

/* _PRT (6.2.13): each slot's INTA-D to an IOAPIC input (a GSI, so the
 * source is 0). Linux treats these as level, active-low. */
static void dsdt_prt(struct aml *dev)
{
	struct aml entries, prt;
	int n = 0;

	aml_init(&entries);
	aml_init(&prt);
	for (int slot = 1; slot < PCI_MAX_SLOTS; slot++)
		for (int pin = 0; pin < INTX_PINS; pin++) {
			struct aml e, pkg;

			aml_init(&e);
			aml_init(&pkg);
			aml_integer(&e, (uint64_t)slot << 16 | PRT_ALL_FUNCS);
			aml_integer(&e, (uint64_t)pin);
			aml_integer(&e, 0);
			aml_integer(&e, pci_intx_gsi(slot, pin + 1));
			aml_package(&pkg, PRT_ENTRY_LEN, &e);
			aml_append(&entries, &pkg);
			aml_free(&pkg);
			aml_free(&e);
			n++;
		}
	aml_package(&prt, (uint8_t)n, &entries);
	aml_name(dev, "_PRT", &prt);
	aml_free(&prt);
	aml_free(&entries);
}

static void dsdt_pci_root(struct aml *sb)
{
	struct aml dev, res;

	aml_init(&dev);
	aml_init(&res);
	aml_name_integer(&dev, "_HID", aml_eisaid("PNP0A03"));
	aml_name_integer(&dev, "_UID", 0);
	aml_res_word_window(&res, ACPI_RES_ADDR_BUS, 0, 0, 0);
	aml_res_word_window(&res, ACPI_RES_ADDR_IO, ACPI_RES_IO_ENTIRE_RANGE, PCI_PIO_WINDOW_BASE,
			    (uint16_t)(PCI_PIO_WINDOW_END - 1));
	aml_res_dword_window(&res, ACPI_RES_ADDR_MEMORY, ACPI_RES_MEM_NONCACHEABLE_RW,
			     (uint32_t)PCI_MMIO_WINDOW_BASE, (uint32_t)(PCI_MMIO_WINDOW_END - 1));
	aml_res_end(&res);
	dsdt_crs(&dev, &res);
	dsdt_prt(&dev);
	aml_device(sb, "PCI0", &dev);
	aml_free(&res);
	aml_free(&dev);
}

static void dsdt_s5(struct aml *a)
{
	struct aml elems, pkg;

	aml_init(&elems);
	aml_init(&pkg);
	aml_integer(&elems, ACPI_S5_SLP_TYP);   /* PM1a_CNT.SLP_TYP */
	aml_integer(&elems, ACPI_S5_SLP_TYP);   /* PM1b_CNT.SLP_TYP (no PM1b) */
	aml_integer(&elems, 0);                 /* reserved */
	aml_integer(&elems, 0);
	aml_package(&pkg, S5_PACKAGE_LEN, &elems);
	aml_name(a, "\\_S5", &pkg);
	aml_free(&pkg);
	aml_free(&elems);
}

uint8_t *acpi_dsdt_aml(const struct acpi_platform *p, size_t *len)
{
	struct aml out, sb;
	int bad = 0;

	aml_init(&out);
	aml_init(&sb);
	for (int i = 0; i < p->nr_devs; i++)
		bad |= dsdt_mmio_device(&sb, &p->devs[i], i);
	if (p->pci)
		dsdt_pci_root(&sb);
	dsdt_com1(&sb);
	aml_scope(&out, "\\_SB", &sb);
	dsdt_s5(&out);
	aml_free(&sb);
	if (bad || out.oom) {
		aml_free(&out);
		return NULL;
	}
	*len = out.len;
	return out.buf;
}
