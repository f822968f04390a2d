/* Where the guest put each BAR, hv maps the device there: the pieces VFIO
 * lets us mmap become KVM memory slots (guest accesses go straight to the
 * device), and the whole BAR is also a trap on hv's PCI window, which KVM
 * reaches only for what no slot covers: the MSI-X table and PBA (emulated),
 * and regions VFIO does not let us mmap (forwarded with pread/pwrite). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hv/log.h"
#include "hv/pci/vfio_dev.h"
#include "hv/vm.h"

#define PAGE_SIZE_4K 0x1000ULL
#define PAGE_MASK_4K (~(PAGE_SIZE_4K - 1))

static uint64_t page_down(uint64_t v) { return v & PAGE_MASK_4K; }
static uint64_t page_up(uint64_t v) { return (v + PAGE_SIZE_4K - 1) & PAGE_MASK_4K; }

static bool in(uint64_t off, uint64_t start, uint64_t len)
{
	return off >= start && off - start < len;
}

static void bar_trap(struct vcpu *vcpu, void *opaque, uint64_t off, uint8_t *data,
		     uint32_t len, bool is_write)
{
	struct vfio_bar_map *m = opaque;
	struct vfio_pci_dev *d = m->dev;
	const struct vfio_msix *x = &d->cfg.msix;
	const struct vfio_region *r = &d->region[m->index];
	ssize_t n;

	(void)vcpu;
	pthread_mutex_lock(&d->lock);
	if (!m->mapped) {
		if (!is_write)
			memset(data, 0xff, len);
	} else if (x->cap && x->table_bar == m->index && in(off, x->table_off, vfio_msix_table_size(&d->cfg))) {
		vfio_msix_table_access(&d->cfg, off - x->table_off, data, len, is_write);
		d->msix_table_accesses++;
	} else if (x->cap && x->pba_bar == m->index &&
		   in(off, x->pba_off, vfio_msix_pba_size(&d->cfg))) {
		if (!is_write)
			vfio_msix_pba_read(&d->cfg, off - x->pba_off, data, len);
	} else if (off + len <= r->size) {
		if (is_write) {
			n = pwrite(d->device, data, len, (off_t)(r->offset + off));
			d->trapped_writes++;
		} else {
			n = pread(d->device, data, len, (off_t)(r->offset + off));
			d->trapped_reads++;
		}
		if (n != (ssize_t)len) {
			guest_warn_once("vfio %s: BAR %d access at 0x%llx (%u bytes) failed", d->bdf,
					m->index, (unsigned long long)off, len);
			if (!is_write)
				memset(data, 0xff, len);
		}
	} else if (!is_write) {
		memset(data, 0xff, len);
	}
	pthread_mutex_unlock(&d->lock);
}

/* Add a memory slot for [off, off+len) of BAR i, from the mmap'ed area a. */
static void map_piece(struct vfio_pci_dev *d, struct vfio_bar_map *m, int a, uint64_t off,
		      uint64_t len)
{
	const struct vfio_region *r = &d->region[m->index];
	uint8_t *host = (uint8_t *)r->areas[a].host + (off - r->areas[a].off);
	uint32_t slot;

	if (!len || m->nr_slots >= VFIO_MAX_AREAS)
		return;
	slot = d->slot_base + (uint32_t)(m->index * VFIO_MAX_AREAS + m->nr_slots);
	if (vm_set_memslot(d->vm, slot, m->gpa + off, len, host)) {
		warnx_hv("vfio %s: BAR %d: KVM slot for 0x%llx+0x%llx failed: %m (left trapped)",
			 d->bdf, m->index, (unsigned long long)(m->gpa + off),
			 (unsigned long long)len);
		return;
	}
	m->slots[m->nr_slots++] = slot;
	d->slots_mapped++;
}

/* One mmap'ed area minus the MSI-X table and PBA pages (at most three
 * pieces: before, between, after). */
static void map_area(struct vfio_pci_dev *d, struct vfio_bar_map *m, int a)
{
	const struct vfio_region *r = &d->region[m->index];
	const struct vfio_msix *x = &d->cfg.msix;
	uint64_t holes[2][2], n = 0, start = r->areas[a].off, end = start + r->areas[a].size;

	if (x->cap && x->table_bar == m->index) {
		holes[n][0] = page_down(x->table_off);
		holes[n++][1] = page_up(x->table_off + vfio_msix_table_size(&d->cfg));
	}
	if (x->cap && x->pba_bar == m->index) {
		holes[n][0] = page_down(x->pba_off);
		holes[n++][1] = page_up(x->pba_off + vfio_msix_pba_size(&d->cfg));
	}
	if (n == 2 && holes[1][0] < holes[0][0]) {
		uint64_t t0 = holes[0][0], t1 = holes[0][1];

		holes[0][0] = holes[1][0], holes[0][1] = holes[1][1];
		holes[1][0] = t0, holes[1][1] = t1;
	}
	for (uint64_t h = 0; h < n && start < end; h++) {
		if (holes[h][1] <= start || holes[h][0] >= end)
			continue;
		if (holes[h][0] > start)
			map_piece(d, m, a, start, holes[h][0] - start);
		start = holes[h][1] > start ? holes[h][1] : start;
	}
	if (start < end)
		map_piece(d, m, a, start, end - start);
}

static void unmap_bar(struct vfio_pci_dev *d, struct vfio_bar_map *m)
{
	if (!m->mapped)
		return;
	for (int s = 0; s < m->nr_slots; s++)
		vm_set_memslot(d->vm, m->slots[s], 0, 0, NULL);
	m->nr_slots = 0;
	if (d->vm->pci)
		pci_bus_trap_del(d->vm->pci, m);
	m->mapped = false;
}

static void map_bar(struct vfio_pci_dev *d, struct vfio_bar_map *m, uint64_t gpa)
{
	const struct vfio_bar *b = &d->cfg.bar[m->index];
	struct pci_trap t = { .pio = b->io, .base = gpa, .len = b->size, .fn = bar_trap, .opaque = m };

	if (pci_bus_trap_add(d->vm->pci, &t)) {
		guest_warn_once("vfio %s: BAR %d at 0x%llx is outside hv's PCI windows; not mapped",
				d->bdf, m->index, (unsigned long long)gpa);
		return;
	}
	m->gpa = gpa;
	m->mapped = true;
	/* slots need page-aligned guest addresses; small BARs stay trapped */
	if (b->io || (gpa & ~PAGE_MASK_4K))
		return;
	for (int a = 0; a < d->region[m->index].nr_areas; a++)
		map_area(d, m, a);
}

void vfio_bars_update(struct vfio_pci_dev *d)
{
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		struct vfio_bar_map *m = &d->map[i];
		const struct vfio_bar *b = &d->cfg.bar[i];
		bool want = vfio_cfg_bar_decoded(&d->cfg, i) && b->addr;

		if (m->mapped && want && m->gpa == b->addr)
			continue;
		unmap_bar(d, m);
		if (want)
			map_bar(d, m, b->addr);
	}
}

void vfio_bars_unmap_all(struct vfio_pci_dev *d)
{
	for (int i = 0; i < PCI_NUM_BARS; i++)
		unmap_bar(d, &d->map[i]);
}
