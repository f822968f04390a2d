/* Guest RAM allocation with the memory knobs: backing page size (4K anon,
 * THP, hugetlbfs 2M/1G), prefault, per-VM KSM and NUMA binding. */
#include "hv/memory.h"

#include <errno.h>
#include <fcntl.h>
#include <hwloc.h>
#include <linux/mman.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv/layout.h"

#define SZ_2M (2ULL << 20)
#define SZ_1G (1ULL << 30)

void guest_mem_layout(uint64_t size, uint64_t *low, uint64_t *high)
{
	*low = size < GUEST_LOW_RAM_END ? size : GUEST_LOW_RAM_END;
	*high = size - *low;
}

static long long meminfo_kb(const char *key)
{
	char line[256];
	long long v = -1;
	size_t klen = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			sscanf(line + klen + 1, "%lld", &v);
			break;
		}
	fclose(f);
	return v;
}

static long hugetlb_free_pages(uint64_t page_size)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/kernel/mm/hugepages/hugepages-%llukB/free_hugepages",
		 (unsigned long long)(page_size >> 10));
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int alloc_hugetlb(struct guest_mem *m, uint64_t psize, char *err,
			 size_t errlen)
{
	const char *name = psize == SZ_2M ? "hugetlb-2m" : "hugetlb-1g";
	/* MFD_HUGE_* share the MAP_HUGE_* encoding (log2 of the size << 26) */
	unsigned flag = psize == SZ_2M ? MAP_HUGE_2MB : MAP_HUGE_1GB;
	uint64_t need = m->size / psize;
	long avail = hugetlb_free_pages(psize);

	if (m->size % psize) {
		snprintf(err, errlen, "%s backing needs --mem to be a multiple of %llu MiB",
			 name, (unsigned long long)(psize >> 20));
		return -1;
	}
	if (avail < 0) {
		snprintf(err, errlen, "%s backing: the host has no %llu kB hugepage pool",
			 name, (unsigned long long)(psize >> 10));
		return -1;
	}
	if ((uint64_t)avail < need) {
		snprintf(err, errlen,
			 "%s backing needs %llu pages of %llu MiB, the pool has %ld free "
			 "(grow it: hvperf tune --set hugepages.%s=%llu)",
			 name, (unsigned long long)need, (unsigned long long)(psize >> 20),
			 avail, psize == SZ_2M ? "2m" : "1g", (unsigned long long)need);
		return -1;
	}
	/* a hugetlbfs memfd (not MAP_HUGETLB|MAP_ANONYMOUS) so that the balloon
	 * can give pages back with fallocate(PUNCH_HOLE) */
	m->fd = memfd_create("hv-guest-ram", MFD_CLOEXEC | MFD_HUGETLB | flag);
	if (m->fd < 0) {
		snprintf(err, errlen, "%s backing: memfd_create: %s", name, strerror(errno));
		return -1;
	}
	if (ftruncate(m->fd, m->size)) {
		snprintf(err, errlen, "%s backing: ftruncate: %s", name, strerror(errno));
		return -1;
	}
	m->host = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->host == MAP_FAILED) {
		m->host = NULL;
		snprintf(err, errlen, "%s backing: mmap %llu MiB: %s", name,
			 (unsigned long long)(m->size >> 20), strerror(errno));
		return -1;
	}
	m->page_size = psize;
	return 0;
}

static int alloc_anon(struct guest_mem *m, bool thp, char *err, size_t errlen)
{
	/* over-allocate by 2 MiB so THP-backed RAM can start 2M-aligned */
	uint64_t map_len = m->size + SZ_2M;
	uint8_t *p = mmap(NULL, map_len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *aligned;

	if (p == MAP_FAILED) {
		snprintf(err, errlen, "cannot map %llu MiB of guest memory: %s",
			 (unsigned long long)(m->size >> 20), strerror(errno));
		return -1;
	}
	aligned = (uint8_t *)(((uintptr_t)p + SZ_2M - 1) & ~(SZ_2M - 1));
	if (aligned > p)
		munmap(p, aligned - p);
	munmap(aligned + m->size, (p + map_len) - (aligned + m->size));
	m->host = aligned;
	/* anon means 4K pages: opt out of THP even where the host's mode is
	 * "always", so the knob measures what it says */
	if (madvise(m->host, m->size, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
		snprintf(err, errlen, "madvise(%s): %s",
			 thp ? "MADV_HUGEPAGE" : "MADV_NOHUGEPAGE", strerror(errno));
		return -1;
	}
	m->page_size = thp ? SZ_2M : 4096;
	return 0;
}

static int bind_numa(struct guest_mem *m, int node, char *err, size_t errlen)
{
	hwloc_topology_t topo;
	hwloc_obj_t obj;
	int rc = -1;

	hwloc_topology_init(&topo);
	hwloc_topology_load(topo);
	obj = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, node);
	if (!obj)
		snprintf(err, errlen, "--numa-node %d: the host has %d NUMA node(s)", node,
			 hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE));
	else if (hwloc_set_area_membind(topo, m->host, m->size, obj->nodeset,
					HWLOC_MEMBIND_BIND,
					HWLOC_MEMBIND_BYNODESET | HWLOC_MEMBIND_STRICT))
		snprintf(err, errlen, "--numa-node %d: binding memory: %s", node,
			 strerror(errno));
	else
		rc = 0;
	hwloc_topology_destroy(topo);
	return rc;
}

static void prefault(struct guest_mem *m)
{
#ifdef MADV_POPULATE_WRITE
	if (!madvise(m->host, m->size, MADV_POPULATE_WRITE))
		return;
#endif
	for (uint64_t off = 0; off < m->size; off += 4096)
		((volatile uint8_t *)m->host)[off] = 0;
}

int guest_mem_alloc(struct guest_mem *m, const struct hv_config *cfg,
		    char *err, size_t errlen)
{
	long long avail = meminfo_kb("MemAvailable"), swap = meminfo_kb("SwapFree");
	int rc;

	memset(m, 0, sizeof(*m));
	m->fd = -1;
	m->size = cfg->mem_size;
	m->backing = cfg->backing;
	guest_mem_layout(m->size, &m->low_size, &m->high_size);
	if (m->size < (2ULL << 20)) {
		snprintf(err, errlen, "--mem %llu bytes is too small (minimum 2M)",
			 (unsigned long long)m->size);
		return -1;
	}
	if (cfg->backing < MEM_HUGETLB_2M && avail > 0 &&
	    m->size > (uint64_t)(avail + (swap > 0 ? swap : 0)) * 1024) {
		snprintf(err, errlen,
			 "--mem %llu MiB is more than the host can back (%lld MiB available)",
			 (unsigned long long)(m->size >> 20), (avail + (swap > 0 ? swap : 0)) >> 10);
		return -1;
	}
	switch (cfg->backing) {
	case MEM_HUGETLB_2M: rc = alloc_hugetlb(m, SZ_2M, err, errlen); break;
	case MEM_HUGETLB_1G: rc = alloc_hugetlb(m, SZ_1G, err, errlen); break;
	case MEM_THP:        rc = alloc_anon(m, true, err, errlen); break;
	default:             rc = alloc_anon(m, false, err, errlen); break;
	}
	if (rc)
		goto fail;
	if (cfg->ksm && madvise(m->host, m->size, MADV_MERGEABLE)) {
		snprintf(err, errlen, "--ksm on: madvise(MADV_MERGEABLE): %s", strerror(errno));
		goto fail;
	}
	if (cfg->numa_node >= 0 && bind_numa(m, cfg->numa_node, err, errlen))
		goto fail;
	if (cfg->prefault)
		prefault(m);
	return 0;
fail:
	guest_mem_free(m);
	return -1;
}

void guest_mem_free(struct guest_mem *m)
{
	if (m->host)
		munmap(m->host, m->size);
	if (m->fd >= 0)
		close(m->fd);
	m->host = NULL;
	m->fd = -1;
}

int64_t guest_host_offset(const struct guest_mem *m, uint64_t gpa)
{
	if (gpa < m->low_size)
		return (int64_t)gpa;
	if (gpa >= GUEST_HIGH_RAM_START && gpa - GUEST_HIGH_RAM_START < m->high_size)
		return (int64_t)(m->low_size + (gpa - GUEST_HIGH_RAM_START));
	return -1;
}

void *guest_ptr(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	int64_t off = guest_host_offset(m, gpa);

	if (off < 0 || !m->host)
		return NULL;
	if (len == 0)
		return m->host + off;
	/* the whole range must fall in the same slot */
	if (gpa + len < gpa || guest_host_offset(m, gpa + len - 1) != off + (int64_t)len - 1)
		return NULL;
	return m->host + off;
}

bool guest_is_ram(const struct guest_mem *m, uint64_t gpa, uint64_t len)
{
	return guest_ptr(m, gpa, len) != NULL;
}
