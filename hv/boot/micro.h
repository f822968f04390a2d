/* The micro-guest loader's internals (hv/boot/micro*.c), exposed for the
 * unit tests: ELF64 loading, the system tables, the page tables. The
 * guest-visible layout and hypercalls are in hv/boot/micro_abi.h. */
#ifndef HV_BOOT_MICRO_H
#define HV_BOOT_MICRO_H

#include <stddef.h>
#include <stdint.h>

#include "hv/boot/micro_abi.h"
#include "hv/memory.h"

#define MICRO_MAX_PHDRS   64
#define MICRO_MAX_IMAGE   (256u << 20)

struct micro_image {
	uint64_t entry;
	uint64_t start, end;   /* lowest and highest byte (exclusive) loaded */
};

/* Validate an ELF64 x86-64 executable and copy its PT_LOAD segments into
 * guest RAM. Every segment must lie in [MICRO_IMAGE_BASE, low RAM end - 1 MiB)
 * (never in the system area or the page tables), inside the file, without
 * overflow; the entry point must be in an executable segment. Returns 0, or
 * -1 with one line in err. */
int micro_elf_load(struct guest_mem *mem, const uint8_t *img, size_t len,
		   struct micro_image *out, char *err, size_t errlen);

/* Build the identity page tables at MICRO_PT_GPA: [0, 2 MiB) with 4 KiB
 * pages (system pages supervisor-only, page 0 absent), the rest of RAM and
 * the MMIO window with pages of up to page_size. Returns 0 and the root in
 * *cr3, or -1 with one line in err. */
int micro_pt_build(struct guest_mem *mem, uint64_t page_size, uint64_t *cr3,
		   char *err, size_t errlen);

/* Write the GDT, IDT, TSS and the ring-0 fault stubs. Returns 0 or -1. */
int micro_sys_write(struct guest_mem *mem);

/* True for the exception vectors that push an error code (SDM vol. 3,
 * table 6-1). */
int micro_vector_has_errcode(unsigned vector);
const char *micro_vector_name(unsigned vector);

struct kvm_sregs;
/* Load the ring-3 code and data segments (CPL 3) into sregs. */
void micro_set_user_segments(struct kvm_sregs *s);

#endif
