/* ACPI tables hv gives every guest (ACPI 6.5, chapter 5): RSDP (found by the
 * BIOS-area scan at ACPI_TABLES_START, and by boot_params.acpi_rsdp_addr)
 * -> RSDT/XSDT -> FADT (-> FACS, DSDT) and MADT. The FADT is a full
 * (not hardware-reduced) one: PM1a event/control blocks, the PM timer and
 * the reset register are served by hv/devices/acpi_pm.c. The DSDT lists
 * \_SB devices (virtio-mmio "LNRO0005", the COM1 UART and, with a PCI bus,
 * the PNP0A03 root bridge) and \_S5.
 *
 * acpi_build() is pure: it lays the tables out in a buffer that will live
 * at guest-physical `base`, so tests can check it without a VM. */
#ifndef HV_ACPI_ACPI_H
#define HV_ACPI_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;
struct acpi_mmio_dev;

#define ACPI_S5_SLP_TYP     5        /* \_S5 value; PM1a_CNT SLP_TYP for power-off */
#define ACPI_SCI_IRQ        9
#define ACPI_RESET_VALUE    0x06     /* FADT RESET_VALUE written to 0xcf9 */
#define ACPI_PM_TMR_HZ      3579545  /* 4.8.3.3: the PM timer runs at 3.579545 MHz */
#define ACPI_PM1_EVT_LEN    4
#define ACPI_PM1_CNT_LEN    2
#define ACPI_PM_TMR_LEN     4

/* PM1 control register bits (4.8.3.2.1, table 4.14) */
#define ACPI_PM1_CNT_SCI_EN      (1u << 0)
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_TYP_MASK  (7u << 10)
#define ACPI_PM1_CNT_SLP_EN      (1u << 13)

struct acpi_platform {
	int nr_cpus;
	const struct acpi_mmio_dev *devs;
	int nr_devs;
	bool pci;     /* a PCI root bridge (hv/pci/pci.h) */
};

/* Where each table landed (guest-physical). */
struct acpi_layout {
	uint64_t rsdp, rsdt, xsdt, fadt, facs, madt, dsdt;
	size_t used;   /* bytes of the buffer used */
};

/* Build every table into buf (len bytes, to be placed at `base`). Returns
 * 0, or -1 when they do not fit or the DSDT cannot be encoded. */
int acpi_build(uint8_t *buf, size_t len, uint64_t base,
	       const struct acpi_platform *p, struct acpi_layout *out);

/* Sum of all bytes mod 256: 0 for a valid table (5.2.6 "Checksum"). */
uint8_t acpi_checksum(const void *p, size_t len);

/* The DSDT's AML body (after the 36-byte header), malloc'ed; NULL on
 * failure. */
uint8_t *acpi_dsdt_aml(const struct acpi_platform *p, size_t *len);

/* PM timer ticks (3.579545 MHz) in ns nanoseconds (hv/devices/acpi_pm.c). */
uint64_t acpi_pm_timer_ticks(uint64_t ns);

/* RSDP address once the tables are in guest memory, else 0. */
uint64_t acpi_rsdp_gpa(const struct vm *vm);

#endif
