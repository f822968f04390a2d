/* The zero page (struct boot_params) for the 64-bit entry
 * (Documentation/arch/x86/zero-page.rst and boot.rst "64-bit boot
 * protocol"): the image's setup header copied in, then the fields a boot
 * loader must fill. */
#include <string.h>

#include "hv/boot/linux.h"

#define SETUP_HEADER_OFFSET 0x1f1  /* boot.rst: the header starts here */

void bootparams_build(struct boot_params *bp, const struct bzimage *bz,
		      const struct linux_boot_info *info)
{
	size_t hdr_len = bz->hdr_end - SETUP_HEADER_OFFSET;
	struct setup_header *h = &bp->hdr;

	memset(bp, 0, sizeof(*bp));
	/* only as much of the header as both sides know */
	if (hdr_len > sizeof(*h))
		hdr_len = sizeof(*h);
	memcpy(h, bz->img + SETUP_HEADER_OFFSET, hdr_len);

	h->type_of_loader = LINUX_LOADER_UNDEFINED;
	h->loadflags |= CAN_USE_HEAP;
	h->loadflags &= ~KEEP_SEGMENTS;
	h->heap_end_ptr = LINUX_HEAP_END - 0x200;  /* boot.rst: offset from setup start */
	h->cmd_line_ptr = (uint32_t)info->cmdline_gpa;
	bp->ext_cmd_line_ptr = (uint32_t)(info->cmdline_gpa >> 32);
	h->ramdisk_image = (uint32_t)info->initrd_gpa;
	h->ramdisk_size = (uint32_t)info->initrd_size;
	bp->ext_ramdisk_image = (uint32_t)(info->initrd_gpa >> 32);
	bp->ext_ramdisk_size = (uint32_t)(info->initrd_size >> 32);
	/* protocol 2.14+: saves the kernel its RSDP scan */
	bp->acpi_rsdp_addr = info->rsdp_gpa;
	bp->e820_entries = (uint8_t)e820_build(bp->e820_table, E820_MAX_ENTRIES_ZEROPAGE,
					       info->low_size, info->high_size);
}
