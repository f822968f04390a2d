/* The Linux/x86 boot protocol (Documentation/arch/x86/boot.rst), split into
 * pure functions on buffers so that each step is testable without a VM:
 * setup-header validation, kernel/initrd placement, the e820 map and the
 * zero page (struct boot_params, Documentation/arch/x86/zero-page.rst). */
#ifndef HV_BOOT_LINUX_H
#define HV_BOOT_LINUX_H

#include <asm/bootparam.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Low guest memory used by the Linux loader (all below EBDA_START). The
 * boot GDT sits at BOOT_GDT_GPA (0x500, hv/boot/entry.h). */
#define LINUX_STACK_TOP       0x7000ULL   /* grows down, below the zero page */
#define LINUX_BOOT_PARAMS_GPA 0x7000ULL   /* struct boot_params, 4 KiB */
#define LINUX_PAGETABLE_GPA   0x10000ULL  /* identity map, 2M pages */
#define LINUX_PAGETABLE_LEN   0x10000ULL
#define LINUX_CMDLINE_GPA     0x20000ULL
#define LINUX_CMDLINE_MAX     0x10000ULL  /* our buffer, incl. the NUL */

/* boot.rst: "The 64-bit entry point is at offset 0x200 of the loaded
 * protected-mode kernel" (protocol 2.12+ with XLF_KERNEL_64). */
#define LINUX_ENTRY64_OFFSET  0x200
#define LINUX_MIN_PROTOCOL    0x020c      /* 2.12: xloadflags */
#define LINUX_DEFAULT_LOAD    0x1000000ULL
#define LINUX_LOADER_UNDEFINED 0xff       /* type_of_loader: no assigned id */
#define LINUX_HEAP_END        0xfe00      /* heap_end_ptr: setup's heap end */
#define LINUX_INITRD_ALIGN    0x1000ULL

/* e820 range types (ACPI 6.5 table 15.1) */
#define E820_TYPE_RAM         1
#define E820_TYPE_RESERVED    2

/* What the setup header says, after validation. */
struct bzimage {
	const uint8_t *img;
	size_t len;
	size_t setup_len;        /* (setup_sects + 1) * 512: real-mode part */
	size_t hdr_end;          /* end of the setup header in the image */
	const uint8_t *kernel;   /* the protected-mode kernel */
	size_t kernel_len;
	uint16_t version;
	uint8_t xloadflags;
	bool relocatable;
	uint32_t kernel_alignment;
	uint64_t pref_address;
	uint32_t init_size;      /* bytes the kernel needs from its load address */
	uint32_t cmdline_size;   /* longest command line, without the NUL */
	uint32_t initrd_addr_max;
};

/* Check the setup header of a bzImage (boot.rst "The real-mode kernel
 * header"). Returns 0, or -1 with a reason (without the file name). */
int bzimage_parse(const uint8_t *img, size_t len, struct bzimage *bz,
		  char *err, size_t errlen);

/* Choose the load address: pref_address when [addr, addr + init_size) is
 * RAM below low_end, else (relocatable kernels) the lowest address at or
 * above 1 MiB aligned to kernel_alignment. Returns 0, or -1. */
int bzimage_place(const struct bzimage *bz, uint64_t low_end, uint64_t *load);

/* The e820 map hv presents (hv/layout.h): RAM below EBDA_START, reserved
 * EBDA_START..BIOS_AREA_END (EBDA, ACPI tables, BIOS area), RAM from 1 MiB
 * to low_end, RAM from 4 GiB for high bytes. Returns the entry count. */
int e820_build(struct boot_e820_entry *tab, int max, uint64_t low_size,
	       uint64_t high_size);

/* Name of the archive format an initrd starts with (cpio, gzip, zstd, xz,
 * lz4, bzip2, lzma, lzo), or NULL if it does not look like one. */
const char *initrd_format(const uint8_t *buf, size_t len);

/* Highest page-aligned address for an initrd of `size` bytes that ends at
 * or below min(low_end, addr_max + 1) and starts at or above `floor`.
 * Returns 0 if it does not fit. */
uint64_t initrd_place(uint64_t size, uint64_t low_end, uint32_t addr_max,
		      uint64_t floor);

struct linux_boot_info {
	uint64_t cmdline_gpa;
	uint64_t initrd_gpa, initrd_size;  /* size 0 = no initrd */
	uint64_t rsdp_gpa;                 /* 0 = let the kernel scan */
	uint64_t low_size, high_size;
};

/* Fill the zero page: the image's setup header, loader fields, command
 * line, initrd, e820 map and the RSDP pointer. */
void bootparams_build(struct boot_params *bp, const struct bzimage *bz,
		      const struct linux_boot_info *info);

#endif
