/* Guest RAM: one host mapping, presented to KVM as up to two slots (below
 * and above the MMIO hole). Every guest-supplied address goes through
 * guest_ptr(), which bounds-checks it. */
#ifndef HV_MEMORY_H
#define HV_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/config.h"

struct guest_mem {
	uint8_t *host;        /* host mapping of all guest RAM, contiguous */
	uint64_t size;        /* total RAM bytes */
	uint64_t low_size;    /* bytes mapped at GPA 0 */
	uint64_t high_size;   /* bytes mapped at GUEST_HIGH_RAM_START */
	uint64_t page_size;   /* host backing page size */
	enum mem_backing backing;
	int fd;               /* memfd/hugetlbfs fd, or -1 for anonymous */
};

/* Split `size` bytes into low and high parts around the MMIO hole. */
void guest_mem_layout(uint64_t size, uint64_t *low, uint64_t *high);

/* Allocate guest RAM with the configured backing and knobs. Returns 0, or
 * -1 with a one-line reason in `err`. */
int guest_mem_alloc(struct guest_mem *m, const struct hv_config *cfg,
		    char *err, size_t errlen);
void guest_mem_free(struct guest_mem *m);

/* Host pointer for [gpa, gpa+len) if it lies wholly in guest RAM, else NULL.
 * Safe against overflow in gpa+len. */
void *guest_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len);

/* Offset of gpa inside m->host (for madvise on ranges), or -1. */
int64_t guest_host_offset(const struct guest_mem *m, uint64_t gpa);

/* True when [gpa, gpa+len) is RAM (used to describe e820). */
bool guest_is_ram(const struct guest_mem *m, uint64_t gpa, uint64_t len);

#endif
