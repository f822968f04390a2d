/* Identity page tables for a micro-guest, built by hv in guest memory with
 * the selected guest page size (layout in hv/boot/micro_abi.h). */
#include <stdio.h>

#include "hv/boot/micro.h"
#include "hv/boot/pagetable.h"
#include "hv/layout.h"

#define SZ_4K   4096ULL
#define SZ_2M   (2ULL << 20)
#define SZ_1G   (1ULL << 30)

static uint64_t smaller(uint64_t size)
{
	return size == SZ_1G ? SZ_2M : SZ_4K;
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Map [a, b) (4 KiB aligned) with the largest pages up to `size` that fit:
 * a head and tail of smaller pages around a body of `size` pages. */
static int map_range(struct pt_builder *pt, uint64_t a, uint64_t b, uint64_t size,
		     uint64_t flags)
{
	uint64_t body_a, body_b;

	if (a >= b)
		return 0;
	if (size == SZ_4K)
		return pt_map(pt, a, a, b - a, SZ_4K, flags);
	body_a = align_up(a, size);
	body_b = b & ~(size - 1);
	if (body_a >= body_b)
		return map_range(pt, a, b, smaller(size), flags);
	return map_range(pt, a, body_a, smaller(size), flags) ||
	       pt_map(pt, body_a, body_a, body_b - body_a, size, flags) ||
	       map_range(pt, body_b, b, smaller(size), flags);
}

static int map_system_area(struct pt_builder *pt)
{
	const uint64_t sup = PTE_W | PTE_NX, user = PTE_W | PTE_U | PTE_NX;

	/* page 0 stays absent so that a null dereference faults */
	return pt_map(pt, MICRO_GDT_GPA, MICRO_GDT_GPA, 3 * SZ_4K, SZ_4K, sup) ||
	       pt_map(pt, MICRO_STUBS_GPA, MICRO_STUBS_GPA, SZ_4K, SZ_4K, 0) ||
	       pt_map(pt, MICRO_KSTACK_GPA, MICRO_KSTACK_GPA,
		      MICRO_KSTACK_TOP - MICRO_KSTACK_GPA, SZ_4K, sup) ||
	       pt_map(pt, MICRO_SHARED_GPA, MICRO_SHARED_GPA,
		      SZ_4K + MICRO_ARGS_MAX, SZ_4K, user);
}

int micro_pt_build(struct guest_mem *mem, uint64_t page_size, uint64_t *cr3,
		   char *err, size_t errlen)
{
	const uint64_t user = PTE_W | PTE_U;
	struct pt_builder pt;
	uint64_t need;

	if (page_size != SZ_4K && page_size != SZ_2M && page_size != SZ_1G) {
		snprintf(err, errlen, "guest page size %llu: expected 4k, 2m or 1g",
			 (unsigned long long)page_size);
		return -1;
	}
	if (mem->low_size < MICRO_MIN_RAM) {
		snprintf(err, errlen, "micro-guests need at least %llu MiB of RAM",
			 MICRO_MIN_RAM >> 20);
		return -1;
	}
	need = pt_space_needed(mem->size + MICRO_MMIO_SIZE,
			       page_size == SZ_4K ? SZ_4K : SZ_2M) + 16 * SZ_4K;
	if (need > MICRO_PT_SIZE) {
		snprintf(err, errlen, "%llu MiB of RAM needs %llu KiB of page tables with "
			 "%s guest pages, more than the %llu KiB area: use a larger page size",
			 (unsigned long long)(mem->size >> 20),
			 (unsigned long long)(need >> 10), page_size == SZ_4K ? "4k" : "2m",
			 MICRO_PT_SIZE >> 10);
		return -1;
	}
	if (pt_init(&pt, mem, MICRO_PT_GPA, MICRO_PT_SIZE)) {
		snprintf(err, errlen, "page-table area is not guest RAM");
		return -1;
	}
	if (map_system_area(&pt) ||
	    /* the page tables themselves: supervisor-only */
	    map_range(&pt, MICRO_PT_GPA, MICRO_PT_GPA + MICRO_PT_SIZE,
		      page_size, PTE_W | PTE_NX) ||
	    map_range(&pt, MICRO_USTACK_GPA, mem->low_size, page_size, user) ||
	    map_range(&pt, GUEST_HIGH_RAM_START, GUEST_HIGH_RAM_START + mem->high_size,
		      page_size, user) ||
	    map_range(&pt, MICRO_MMIO_GPA, MICRO_MMIO_GPA + MICRO_MMIO_SIZE,
		      page_size == SZ_4K ? SZ_4K : SZ_2M,
		      PTE_W | PTE_U | PTE_NX | PTE_PCD | PTE_PWT)) {
		snprintf(err, errlen, "building the micro-guest page tables failed");
		return -1;
	}
	*cr3 = pt.pml4;
	return 0;
}
