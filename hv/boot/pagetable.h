/* x86-64 4-level page tables built by the host in guest memory, with a
 * chosen page size (4K, 2M, 1G). Used for the Linux 64-bit entry (identity
 * map) and the micro-guest runtime (its selectable guest page size). */
#ifndef HV_BOOT_PAGETABLE_H
#define HV_BOOT_PAGETABLE_H

#include <stdint.h>

#include "hv/memory.h"

#define PTE_P    (1ULL << 0)
#define PTE_W    (1ULL << 1)
#define PTE_U    (1ULL << 2)
#define PTE_PWT  (1ULL << 3)   /* write-through */
#define PTE_PCD  (1ULL << 4)   /* cache disable (MMIO) */
#define PTE_PS   (1ULL << 7)   /* large page in a PDPTE/PDE */
#define PTE_NX   (1ULL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

struct pt_builder {
	struct guest_mem *mem;
	uint64_t next;    /* next free table page (guest-physical) */
	uint64_t limit;   /* end of the area reserved for tables */
	uint64_t pml4;    /* root table (CR3) */
	uint64_t tables;  /* pages used so far */
};

/* Start a table set in [area, area + area_len): the root table is its first
 * page. Returns 0, or -1 if the area is not RAM or not page aligned. */
int pt_init(struct pt_builder *pt, struct guest_mem *mem, uint64_t area,
	    uint64_t area_len);
/* Map [va, va + len) to [pa, ...) with pages of page_size (4K/2M/1G); va,
 * pa and len must be aligned to it. flags: PTE_W, PTE_U, PTE_NX, PTE_PCD,
 * PTE_PWT. Returns 0,
 * or -1 (misaligned, bad size, out of table space). */
int pt_map(struct pt_builder *pt, uint64_t va, uint64_t pa, uint64_t len,
	   uint64_t page_size, uint64_t flags);
/* Bytes of table space needed to map len bytes with page_size pages. */
uint64_t pt_space_needed(uint64_t len, uint64_t page_size);
/* Walk the tables like the MMU: translate va. Returns 0 and fills pa, the
 * page size and the effective flags (U and W only when set at every
 * level), or -1 if not mapped. */
int pt_walk(const struct guest_mem *mem, uint64_t pml4, uint64_t va,
	    uint64_t *pa, uint64_t *page_size, uint64_t *flags);

#endif
