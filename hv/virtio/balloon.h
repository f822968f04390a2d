/* virtio-balloon (virtio 1.x §5.5). balloon_pages.c is the pure page
 * accounting: which 4 KiB guest frames are in the balloon, and which whole
 * host pages (4K, 2M THP or hugetlb, 1G hugetlb) may be given back. */
#ifndef HV_VIRTIO_BALLOON_H
#define HV_VIRTIO_BALLOON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/memory.h"

struct vm;

#define BALLOON_PFN_SHIFT 12      /* balloon PFNs are 4 KiB units (§5.5.6) */

/* Give [host_off, host_off + len) of guest RAM back to the host. */
typedef int (*balloon_release_fn)(void *opaque, uint64_t host_off, uint64_t len);

struct balloon_pages {
	uint64_t nr_pfns;         /* 4 KiB frames of guest RAM (by host offset) */
	uint64_t host_page;       /* backing page size */
	uint64_t pfns_per_hpage;
	uint64_t *inflated;       /* bitmap over nr_pfns */
	uint32_t *count;          /* inflated frames per host page */
	uint64_t *released;       /* bitmap over host pages given back */
	uint64_t nr_inflated, nr_released;
	balloon_release_fn release;
	void *opaque;
};

int balloon_pages_init(struct balloon_pages *bp, const struct guest_mem *m,
		       balloon_release_fn release, void *opaque);
void balloon_pages_free(struct balloon_pages *bp);
/* Forget every inflated frame (device reset). */
void balloon_pages_clear(struct balloon_pages *bp);
/* Returns 0, or -1 for a frame outside guest RAM. Repeats are harmless. */
int balloon_pages_inflate(struct balloon_pages *bp, const struct guest_mem *m,
			  uint32_t pfn);
int balloon_pages_deflate(struct balloon_pages *bp, const struct guest_mem *m,
			  uint32_t pfn);
/* Free page reporting: release the whole host pages inside a reported
 * range (host offsets). Returns bytes released. */
uint64_t balloon_pages_report(struct balloon_pages *bp, uint64_t host_off,
			      uint64_t len);
/* The release function for real guest RAM: MADV_DONTNEED on anonymous and
 * THP memory, fallocate(PUNCH_HOLE) on the hugetlbfs fd. opaque = mem. */
int balloon_release_guest_mem(void *opaque, uint64_t host_off, uint64_t len);

/* --balloon [target=SIZE][,stats=on][,free-page-reporting=on]
 * [,deflate-on-oom=on] */
struct balloon_opts {
	uint64_t target_bytes;    /* balloon size: memory taken from the guest */
	bool stats, reporting, deflate_on_oom;
};
int balloon_parse_spec(const char *spec, struct balloon_opts *o, char *err,
		       size_t errlen);

/* Run-time control (control socket). Return -1 when there is no balloon. */
int virtio_balloon_set_target(struct vm *vm, uint64_t bytes, char *err, size_t errlen);
/* Balloon state and the guest's latest statistics; asks the guest for
 * fresh ones. NULL when there is no balloon. */
json_t *virtio_balloon_stats_json(struct vm *vm);

#endif
