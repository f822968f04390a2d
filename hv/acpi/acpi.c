/* Firmware: build the ACPI tables into the BIOS area of guest memory
 * (ACPI_TABLES_START..ACPI_TABLES_END, reserved in e820). Runs at
 * DEV_LEVEL_FIRMWARE, after every device has called vm_add_acpi_mmio_dev. */
#include "hv/acpi/acpi.h"

#include <stdio.h>

#include "hv/device.h"
#include "hv/layout.h"
#include "hv/vm.h"

static uint64_t acpi_rsdp;  /* one VM per process */

uint64_t acpi_rsdp_gpa(const struct vm *vm)
{
	(void)vm;
	return acpi_rsdp;
}

static int acpi__init(struct vm *vm)
{
	const uint64_t len = ACPI_TABLES_END - ACPI_TABLES_START;
	struct acpi_platform p = { vm->nr_vcpus, vm->acpi_devs, vm->nr_acpi_devs, vm->pci != NULL };
	struct acpi_layout l;
	uint8_t *dst = guest_ptr(&vm->mem, ACPI_TABLES_START, len);

	if (!dst) {
		fprintf(stderr, "hv: guest RAM too small for the ACPI tables\n");
		return -1;
	}
	if (acpi_build(dst, len, ACPI_TABLES_START, &p, &l)) {
		fprintf(stderr, "hv: cannot build the ACPI tables for %d vCPUs and %d devices\n",
			vm->nr_vcpus, vm->nr_acpi_devs);
		return -1;
	}
	acpi_rsdp = l.rsdp;
	return 0;
}
hv_device_init(acpi__init, DEV_LEVEL_FIRMWARE);
