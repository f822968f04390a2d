/* Balloon page accounting: the guest inflates 4 KiB frames; memory goes
 * back to the host only in whole host pages, once every frame of a host
 * page is in the balloon (a 2 MiB page needs all 512 frames). Anonymous
 * memory is dropped with MADV_DONTNEED; hugetlbfs memory only with
 * fallocate(PUNCH_HOLE) on its fd (MADV_DONTNEED on a shared hugetlb
 * mapping would not free the page). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hv/virtio/balloon.h"

#define BITS 64

static bool bit_test(const uint64_t *map, uint64_t i) { return map[i / BITS] >> (i % BITS) & 1; }
static void bit_set(uint64_t *map, uint64_t i) { map[i / BITS] |= 1ULL << (i % BITS); }
static void bit_clear(uint64_t *map, uint64_t i) { map[i / BITS] &= ~(1ULL << (i % BITS)); }

int balloon_pages_init(struct balloon_pages *bp, const struct guest_mem *m,
		       balloon_release_fn release, void *opaque)
{
	uint64_t hp = m->page_size >= 4096 ? m->page_size : 4096;
	uint64_t nr_hpages = (m->size + hp - 1) / hp;

	bp->nr_pfns = m->size >> BALLOON_PFN_SHIFT;
	bp->host_page = hp;
	bp->pfns_per_hpage = hp >> BALLOON_PFN_SHIFT;
	bp->inflated = calloc(bp->nr_pfns / BITS + 1, sizeof(uint64_t));
	bp->count = calloc(nr_hpages, sizeof(uint32_t));
	bp->released = calloc(nr_hpages / BITS + 1, sizeof(uint64_t));
	bp->nr_inflated = bp->nr_released = 0;
	bp->release = release;
	bp->opaque = opaque;
	return bp->inflated && bp->count && bp->released ? 0 : -1;
}

void balloon_pages_free(struct balloon_pages *bp)
{
	free(bp->inflated);
	free(bp->count);
	free(bp->released);
	bp->inflated = bp->released = NULL;
	bp->count = NULL;
}

void balloon_pages_clear(struct balloon_pages *bp)
{
	uint64_t nr_hpages = (bp->nr_pfns + bp->pfns_per_hpage - 1) / bp->pfns_per_hpage;

	memset(bp->inflated, 0, (bp->nr_pfns / BITS + 1) * sizeof(uint64_t));
	memset(bp->count, 0, nr_hpages * sizeof(uint32_t));
	memset(bp->released, 0, (nr_hpages / BITS + 1) * sizeof(uint64_t));
	bp->nr_inflated = bp->nr_released = 0;
}

/* host offset frame index of a guest frame, or -1 */
static int64_t pfn_index(const struct balloon_pages *bp, const struct guest_mem *m,
			 uint32_t pfn)
{
	int64_t off = guest_host_offset(m, (uint64_t)pfn << BALLOON_PFN_SHIFT);

	if (off < 0 || (uint64_t)off >> BALLOON_PFN_SHIFT >= bp->nr_pfns)
		return -1;
	return off >> BALLOON_PFN_SHIFT;
}

int balloon_pages_inflate(struct balloon_pages *bp, const struct guest_mem *m,
			  uint32_t pfn)
{
	int64_t i = pfn_index(bp, m, pfn);
	uint64_t hp;

	if (i < 0)
		return -1;
	if (bit_test(bp->inflated, i))
		return 0;
	bit_set(bp->inflated, i);
	bp->nr_inflated++;
	hp = i / bp->pfns_per_hpage;
	if (++bp->count[hp] == bp->pfns_per_hpage && !bit_test(bp->released, hp)) {
		if (!bp->release || !bp->release(bp->opaque, hp * bp->host_page, bp->host_page)) {
			bit_set(bp->released, hp);
			bp->nr_released++;
		}
	}
	return 0;
}

int balloon_pages_deflate(struct balloon_pages *bp, const struct guest_mem *m,
			  uint32_t pfn)
{
	int64_t i = pfn_index(bp, m, pfn);
	uint64_t hp;

	if (i < 0)
		return -1;
	if (!bit_test(bp->inflated, i))
		return 0;
	bit_clear(bp->inflated, i);
	bp->nr_inflated--;
	hp = i / bp->pfns_per_hpage;
	bp->count[hp]--;
	/* the guest touches the page again: the host faults it back in */
	if (bit_test(bp->released, hp)) {
		bit_clear(bp->released, hp);
		bp->nr_released--;
	}
	return 0;
}

uint64_t balloon_pages_report(struct balloon_pages *bp, uint64_t host_off, uint64_t len)
{
	uint64_t hp = bp->host_page;
	uint64_t start = (host_off + hp - 1) / hp * hp, end = (host_off + len) / hp * hp;
	uint64_t done = 0;

	if (host_off + len < host_off || end > bp->nr_pfns << BALLOON_PFN_SHIFT)
		return 0;
	for (uint64_t off = start; off < end; off += hp)
		if (!bp->release || !bp->release(bp->opaque, off, hp))
			done += hp;
	return done;
}

int balloon_release_guest_mem(void *opaque, uint64_t host_off, uint64_t len)
{
	const struct guest_mem *m = opaque;

	if (m->fd >= 0)   /* hugetlbfs (or shmem) file: only a hole frees it */
		return fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				 (off_t)host_off, (off_t)len);
	return madvise(m->host + host_off, len, MADV_DONTNEED);
}
