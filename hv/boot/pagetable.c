#include "hv/boot/pagetable.h"

#include <string.h>

#define PAGE 4096ULL

int pt_init(struct pt_builder *pt, struct guest_mem *mem, uint64_t area,
	    uint64_t area_len)
{
	void *p;

	if ((area | area_len) & (PAGE - 1) || area_len < PAGE)
		return -1;
	p = guest_ptr(mem, area, area_len);
	if (!p)
		return -1;
	memset(p, 0, PAGE);
	*pt = (struct pt_builder){ mem, area + PAGE, area + area_len, area, 1 };
	return 0;
}

static uint64_t *table(const struct guest_mem *mem, uint64_t gpa)
{
	return guest_ptr(mem, gpa & PTE_ADDR_MASK, PAGE);
}

/* The entry at `level` (3 = PML4 .. 0 = PT) for va, creating the tables
 * above it as needed. */
static uint64_t *pt_entry(struct pt_builder *pt, uint64_t va, int level, uint64_t flags)
{
	uint64_t *t = table(pt->mem, pt->pml4);

	for (int l = 3; l > level; l--) {
		uint64_t *e = &t[(va >> (12 + 9 * l)) & 511];

		if (!(*e & PTE_P)) {
			void *page;

			if (pt->next + PAGE > pt->limit)
				return NULL;
			page = guest_ptr(pt->mem, pt->next, PAGE);
			if (!page)
				return NULL;
			memset(page, 0, PAGE);
			*e = pt->next | PTE_P | PTE_W | PTE_U;
			pt->next += PAGE;
			pt->tables++;
		} else if (*e & PTE_PS) {
			return NULL;  /* already mapped by a larger page */
		}
		t = table(pt->mem, *e);
		if (!t)
			return NULL;
	}
	(void)flags;
	return &t[(va >> (12 + 9 * level)) & 511];
}

int pt_map(struct pt_builder *pt, uint64_t va, uint64_t pa, uint64_t len,
	   uint64_t page_size, uint64_t flags)
{
	int level;

	switch (page_size) {
	case 4096: level = 0; break;
	case 2ULL << 20: level = 1; break;
	case 1ULL << 30: level = 2; break;
	default: return -1;
	}
	if ((va | pa | len) & (page_size - 1) || va + len < va)
		return -1;
	flags &= PTE_W | PTE_U | PTE_NX | PTE_PCD | PTE_PWT;
	for (uint64_t off = 0; off < len; off += page_size) {
		uint64_t *e = pt_entry(pt, va + off, level, flags);

		if (!e)
			return -1;
		*e = (pa + off) | PTE_P | flags | (level ? PTE_PS : 0);
	}
	return 0;
}

uint64_t pt_space_needed(uint64_t len, uint64_t page_size)
{
	/* tables per level = entries at the level below / 512, rounded up,
	 * plus one more at each level for an unaligned start */
	uint64_t pages = 1, entries = (len + page_size - 1) / page_size;
	int levels = page_size == 4096 ? 3 : page_size == (2ULL << 20) ? 2 : 1;

	for (int l = 0; l < levels; l++) {
		entries = (entries + 511) / 512;
		pages += entries + 1;
	}
	return pages * PAGE;
}

int pt_walk(const struct guest_mem *mem, uint64_t pml4, uint64_t va,
	    uint64_t *pa, uint64_t *page_size, uint64_t *flags)
{
	uint64_t eff = PTE_W | PTE_U, e = pml4;

	for (int l = 3; l >= 0; l--) {
		uint64_t *t = table(mem, e);

		if (!t)
			return -1;
		e = t[(va >> (12 + 9 * l)) & 511];
		if (!(e & PTE_P))
			return -1;
		eff &= e | ~(PTE_W | PTE_U);
		if (l == 0 || (e & PTE_PS)) {
			uint64_t size = 1ULL << (12 + 9 * l);

			*pa = (e & PTE_ADDR_MASK & ~(size - 1)) | (va & (size - 1));
			*page_size = size;
			*flags = eff | (e & PTE_NX);
			return 0;
		}
	}
	return -1;
}
