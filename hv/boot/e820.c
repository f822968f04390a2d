/* The BIOS e820 memory map hv presents to Linux (boot_params.e820_table,
 * Documentation/arch/x86/zero-page.rst offset 0x2d0; ACPI 6.5 section 15,
 * "System Address Map Interfaces"). The reserved range below 1 MiB keeps the
 * ACPI tables (ACPI_TABLES_START) out of the kernel's allocator. */
#include "hv/boot/linux.h"
#include "hv/layout.h"

static int add(struct boot_e820_entry *tab, int n, int max, uint64_t addr,
	       uint64_t size, uint32_t type)
{
	if (!size || n >= max)
		return n;
	tab[n].addr = addr;
	tab[n].size = size;
	tab[n].type = type;
	return n + 1;
}

int e820_build(struct boot_e820_entry *tab, int max, uint64_t low_size,
	       uint64_t high_size)
{
	uint64_t base_ram = low_size < EBDA_START ? low_size : EBDA_START;
	int n = 0;

	if (low_size > GUEST_LOW_RAM_END)  /* not a layout guest_mem_layout makes */
		low_size = GUEST_LOW_RAM_END;
	n = add(tab, n, max, 0, base_ram, E820_TYPE_RAM);
	if (low_size > EBDA_START)
		n = add(tab, n, max, EBDA_START, BIOS_AREA_END - EBDA_START,
			E820_TYPE_RESERVED);
	if (low_size > BIOS_AREA_END)
		n = add(tab, n, max, BIOS_AREA_END, low_size - BIOS_AREA_END, E820_TYPE_RAM);
	n = add(tab, n, max, GUEST_HIGH_RAM_START, high_size, E820_TYPE_RAM);
	return n;
}
