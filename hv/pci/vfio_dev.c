/* --vfio BDF: open the device through VFIO (type1 IOMMU), map guest RAM for
 * its DMA, place its BARs in hv's PCI window and put it on the guest's PCI
 * bus. The VFIO API: Documentation/driver-api/vfio.rst. */
#include "hv/pci/vfio_dev.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv/device.h"
#include "hv/layout.h"
#include "hv/log.h"
#include "hv/pci/vfio_host.h"
#include "hv/vm.h"

#define ERRLEN 256

static struct vfio_pci_dev *the_dev;  /* one passthrough device per VM */

static int cfg_read(void *ctx, uint32_t off, void *buf, int len)
{
	struct vfio_pci_dev *d = ctx;

	return pread(d->device, buf, (size_t)len, (off_t)(d->config_offset + off)) == len ? 0 : -1;
}

static int cfg_write(void *ctx, uint32_t off, const void *buf, int len)
{
	struct vfio_pci_dev *d = ctx;

	return pwrite(d->device, buf, (size_t)len, (off_t)(d->config_offset + off)) == len ? 0 : -1;
}

static void on_bars(void *owner) { vfio_bars_update(owner); }
static void on_msix(void *owner, int v) { vfio_irq_msix_changed(owner, v); }
static void on_msi(void *owner) { vfio_irq_msi_changed(owner); }

static uint32_t pdev_cfg_read(struct pci_device *p, uint32_t off, int len)
{
	struct vfio_pci_dev *d = p->opaque;
	uint32_t v;

	pthread_mutex_lock(&d->lock);
	v = vfio_cfg_read(&d->cfg, off, len);
	pthread_mutex_unlock(&d->lock);
	return v;
}

static void pdev_cfg_write(struct pci_device *p, uint32_t off, uint32_t val, int len)
{
	struct vfio_pci_dev *d = p->opaque;

	pthread_mutex_lock(&d->lock);
	d->cfg_writes++;
	vfio_cfg_write(&d->cfg, off, val, len);
	pthread_mutex_unlock(&d->lock);
}

static const struct pci_device_ops vfio_pdev_ops = {
	.cfg_read = pdev_cfg_read,
	.cfg_write = pdev_cfg_write,
};

/* Region info with its capability chain (VFIO_REGION_INFO_FLAG_CAPS). */
static struct vfio_region_info *region_info(int device, uint32_t index)
{
	struct vfio_region_info *ri = calloc(1, sizeof(*ri));

	if (!ri)
		return NULL;
	ri->argsz = sizeof(*ri);
	ri->index = index;
	if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, ri) < 0)
		goto fail;
	if (ri->argsz > sizeof(*ri)) {
		uint32_t sz = ri->argsz;
		struct vfio_region_info *big = realloc(ri, sz);

		if (!big)
			goto fail;
		ri = big;
		memset(ri, 0, sz);
		ri->argsz = sz;
		ri->index = index;
		if (ioctl(device, VFIO_DEVICE_GET_REGION_INFO, ri) < 0)
			goto fail;
	}
	return ri;
fail:
	free(ri);
	return NULL;
}

static const struct vfio_region_info_cap_sparse_mmap *sparse_cap(const struct vfio_region_info *ri)
{
	uint32_t off;
	int n = 0;

	if (!(ri->flags & VFIO_REGION_INFO_FLAG_CAPS) || ri->argsz <= sizeof(*ri))
		return NULL;
	for (off = ri->cap_offset; off && off + sizeof(struct vfio_info_cap_header) <= ri->argsz &&
	     n < 16; n++) {
		const struct vfio_info_cap_header *h = (const void *)((const uint8_t *)ri + off);

		if (h->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP &&
		    off + sizeof(struct vfio_region_info_cap_sparse_mmap) <= ri->argsz) {
			const struct vfio_region_info_cap_sparse_mmap *s = (const void *)h;

			if (off + sizeof(*s) + s->nr_areas * sizeof(s->areas[0]) <= ri->argsz)
				return s;
			return NULL;
		}
		off = h->next;
	}
	return NULL;
}

static void add_area(struct vfio_pci_dev *d, struct vfio_region *r, uint64_t off, uint64_t size)
{
	void *p;

	if (!size || r->nr_areas >= VFIO_MAX_AREAS || off > r->size || size > r->size - off)
		return;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, d->device,
		 (off_t)(r->offset + off));
	if (p == MAP_FAILED) {
		warnx_hv("vfio %s: mmap of 0x%llx bytes of a BAR failed (%m): left trapped",
			 d->bdf, (unsigned long long)size);
		return;
	}
	r->areas[r->nr_areas].off = off;
	r->areas[r->nr_areas].size = size;
	r->areas[r->nr_areas++].host = p;
}

static int read_regions(struct vfio_pci_dev *d, uint64_t bar_size[], char *err, size_t errlen)
{
	struct vfio_region_info *ri;

	for (uint32_t i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		struct vfio_region *r = &d->region[i];
		const struct vfio_region_info_cap_sparse_mmap *s;

		ri = region_info(d->device, i);
		if (!ri) {
			snprintf(err, errlen, "VFIO_DEVICE_GET_REGION_INFO (BAR %u): %s", i,
				 strerror(errno));
			return -1;
		}
		r->offset = ri->offset;
		r->size = ri->size;
		r->flags = ri->flags;
		bar_size[i] = ri->size;
		if (ri->size && (ri->flags & VFIO_REGION_INFO_FLAG_MMAP)) {
			s = sparse_cap(ri);
			if (s)
				for (uint32_t a = 0; a < s->nr_areas; a++)
					add_area(d, r, s->areas[a].offset, s->areas[a].size);
			else
				add_area(d, r, 0, ri->size);
		}
		free(ri);
	}
	ri = region_info(d->device, VFIO_PCI_CONFIG_REGION_INDEX);
	if (!ri || !ri->size) {
		free(ri);
		snprintf(err, errlen, "VFIO gives no config space region");
		return -1;
	}
	d->config_offset = ri->offset;
	free(ri);
	return 0;
}

static int map_guest_ram(struct vfio_pci_dev *d, char *err, size_t errlen)
{
	const struct guest_mem *m = &d->vm->mem;
	struct { uint64_t iova, size; uint8_t *host; } r[2] = {
		{ 0, m->low_size, m->host },
		{ GUEST_HIGH_RAM_START, m->high_size, m->host + m->low_size },
	};

	for (int i = 0; i < 2; i++) {
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map),
			.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)r[i].host, .iova = r[i].iova, .size = r[i].size,
		};

		if (!r[i].size)
			continue;
		if (ioctl(d->container, VFIO_IOMMU_MAP_DMA, &map) < 0) {
			snprintf(err, errlen, "mapping %llu MiB of guest RAM for DMA: %s%s",
				 (unsigned long long)(r[i].size >> 20), strerror(errno),
				 errno == ENOMEM ? " (guest RAM is pinned: raise RLIMIT_MEMLOCK)" : "");
			return -1;
		}
		d->dma_mapped_bytes += r[i].size;
	}
	return 0;
}

static int open_vfio(struct vfio_pci_dev *d, char *err, size_t errlen)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfio_device_info di = { .argsz = sizeof(di) };
	char path[64];
	int iommu = VFIO_TYPE1v2_IOMMU;

	d->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (d->container < 0 || ioctl(d->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		snprintf(err, errlen, "/dev/vfio/vfio: cannot open it or wrong API version");
		return -1;
	}
	if (ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		snprintf(err, errlen, "the host's VFIO has no type1v2 IOMMU backend");
		return -1;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%d", d->group_id);
	d->group = open(path, O_RDWR | O_CLOEXEC);
	if (d->group < 0) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
			 errno == EBUSY ? " (another process has the group)" : "");
		return -1;
	}
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &gs) < 0 ||
	    !(gs.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		snprintf(err, errlen, "IOMMU group %d is not viable: every device in it must be "
			 "bound to vfio-pci or to no driver", d->group_id);
		return -1;
	}
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container) < 0 ||
	    ioctl(d->container, VFIO_SET_IOMMU, iommu) < 0) {
		snprintf(err, errlen, "attaching IOMMU group %d to a type1 container: %s",
			 d->group_id, strerror(errno));
		return -1;
	}
	if (map_guest_ram(d, err, errlen))
		return -1;
	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->device < 0) {
		snprintf(err, errlen, "VFIO_GROUP_GET_DEVICE_FD: %s", strerror(errno));
		return -1;
	}
	if (ioctl(d->device, VFIO_DEVICE_GET_INFO, &di) < 0 || !(di.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    di.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX) {
		snprintf(err, errlen, "VFIO does not present it as a PCI device");
		return -1;
	}
	d->can_reset = di.flags & VFIO_DEVICE_FLAGS_RESET;
	for (uint32_t i = 0; i <= VFIO_PCI_MSIX_IRQ_INDEX && i < di.num_irqs; i++) {
		struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = i };

		if (!ioctl(d->device, VFIO_DEVICE_GET_IRQ_INFO, &ii))
			d->irq_count[i] = ii.count;
	}
	return 0;
}

/* Firmware's job: give every BAR an address, largest first (natural
 * alignment packs them without holes). */
static int place_bars(struct vfio_pci_dev *d, char *err, size_t errlen)
{
	bool done[PCI_NUM_BARS] = { false };

	for (;;) {
		int best = -1;

		for (int i = 0; i < PCI_NUM_BARS; i++)
			if (!done[i] && d->cfg.bar[i].size &&
			    (best < 0 || d->cfg.bar[i].size > d->cfg.bar[best].size))
				best = i;
		if (best < 0)
			return 0;
		done[best] = true;
		struct vfio_bar *b = &d->cfg.bar[best];
		uint64_t a = b->io ? pci_bus_alloc_pio(d->vm->pci, (uint32_t)b->size)
				   : pci_bus_alloc_mmio(d->vm->pci, b->size);

		if (!a || (b->io && b->size > PCI_PIO_WINDOW_END - PCI_PIO_WINDOW_BASE)) {
			snprintf(err, errlen, "BAR %d needs %llu KiB of %s space and hv's PCI window "
				 "has no room for it (32-bit windows only)", best,
				 (unsigned long long)(b->size >> 10), b->io ? "I/O" : "memory");
			return -1;
		}
		vfio_cfg_set_bar(&d->cfg, best, a);
	}
}

static json_t *vfio_stats(void *opaque)
{
	struct vfio_pci_dev *d = opaque;
	static const char *const modes[] = { "none", "intx", "msi", "msix" };

	pthread_mutex_lock(&d->lock);
	json_t *j = json_pack("{s:s, s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:i, s:I, s:I, s:I}",
			      "bdf", d->bdf, "iommu_group", d->group_id,
			      "irq_mode", modes[d->irq_mode],
			      "dma_mapped_bytes", (json_int_t)d->dma_mapped_bytes,
			      "trapped_reads", (json_int_t)d->trapped_reads,
			      "trapped_writes", (json_int_t)d->trapped_writes,
			      "config_writes", (json_int_t)d->cfg_writes,
			      "masked_interrupts", (json_int_t)d->masked_fires,
			      "msix_table_accesses", (json_int_t)d->msix_table_accesses,
			      "bar_slots_mapped", (json_int_t)d->slots_mapped,
			      "msix_vectors", (int)d->cfg.msix.nr,
			      "intx_enables", (json_int_t)d->mode_enables[VFIO_IRQ_INTX],
			      "msi_enables", (json_int_t)d->mode_enables[VFIO_IRQ_MSI],
			      "msix_enables", (json_int_t)d->mode_enables[VFIO_IRQ_MSIX]);
	pthread_mutex_unlock(&d->lock);
	return j;
}

static void vfio_dev_close(struct vfio_pci_dev *d)
{
	pthread_mutex_lock(&d->lock);
	vfio_irq_exit(d);
	vfio_bars_unmap_all(d);
	pthread_mutex_unlock(&d->lock);
	if (d->device >= 0 && d->can_reset)
		ioctl(d->device, VFIO_DEVICE_RESET);
	for (int i = 0; i < PCI_NUM_BARS; i++)
		for (int a = 0; a < d->region[i].nr_areas; a++)
			munmap(d->region[i].areas[a].host, d->region[i].areas[a].size);
	vfio_cfg_free(&d->cfg);
	if (d->device >= 0)
		close(d->device);
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0)
		close(d->container);
	d->device = d->group = d->container = -1;
}

static int vfio_attach(struct vfio_pci_dev *d, char *err, size_t errlen)
{
	const struct vfio_cfg_backend be = { cfg_read, cfg_write, d };
	const struct vfio_cfg_events ev = { on_bars, on_msix, on_msi, d };
	uint64_t bar_size[PCI_NUM_BARS] = { 0 };

	if (vfio_host_check(d->bdf, &d->group_id, err, errlen) || open_vfio(d, err, errlen) ||
	    read_regions(d, bar_size, err, errlen))
		return -1;
	/* a clean device: no interrupts, no DMA left from a previous user */
	if (d->can_reset)
		ioctl(d->device, VFIO_DEVICE_RESET);
	if (vfio_cfg_init(&d->cfg, &be, &ev, bar_size, err, errlen) || place_bars(d, err, errlen))
		return -1;
	d->pdev = (struct pci_device){ .ops = &vfio_pdev_ops, .opaque = d, .name = "vfio" };
	if (pci_bus_add(d->vm->pci, &d->pdev) < 0) {
		snprintf(err, errlen, "the PCI bus is full");
		return -1;
	}
	return vfio_irq_init(d, err, errlen);
}

static int vfio__init(struct vm *vm)
{
	char err[ERRLEN] = "";
	struct vfio_pci_dev *d;

	if (!vm->cfg->vfio)
		return 0;
	d = calloc(1, sizeof(*d));
	if (!d) {
		fprintf(stderr, "hv: --vfio: out of memory\n");
		return -1;
	}
	d->vm = vm;
	d->container = d->group = d->device = -1;
	d->intx_efd = d->intx_resample_efd = -1;
	d->slot_base = VM_FIRST_DEVICE_MEMSLOT;
	/* no fds yet: closing after an early failure must not touch fd 0 */
	for (unsigned i = 0; i < MSI_MAX_VECTORS; i++)
		d->msi_vec[i] = (struct vfio_vector){ .dev = d, .index = i, .efd = -1, .gsi = -1 };
	for (int i = 0; i < PCI_NUM_BARS; i++)
		d->map[i] = (struct vfio_bar_map){ .dev = d, .index = i };
	pthread_mutex_init(&d->lock, NULL);
	if (vfio_parse_bdf(vm->cfg->vfio, d->bdf, sizeof(d->bdf))) {
		fprintf(stderr, "hv: --vfio %s: not a PCI address (DOMAIN:BUS:DEV.FN, e.g. "
			"0000:01:00.0)\n", vm->cfg->vfio);
		free(d);
		return -1;
	}
	if (!vm->pci || vfio_attach(d, err, sizeof(err))) {
		fprintf(stderr, "hv: --vfio %s: %s\n", d->bdf, vm->pci ? err : "no PCI bus");
		vfio_dev_close(d);
		pthread_mutex_destroy(&d->lock);
		free(d);
		return -1;
	}
	the_dev = d;
	vm_add_stats_source(vm, "vfio0", vfio_stats, d);
	info_hv("vfio %s: IOMMU group %d, slot 00:%02x.0, %llu MiB of guest RAM mapped for DMA",
		d->bdf, d->group_id, d->pdev.slot, (unsigned long long)(d->dma_mapped_bytes >> 20));
	return 0;
}

static void vfio__exit(struct vm *vm)
{
	(void)vm;
	if (!the_dev)
		return;
	/* the stats source still points here: keep it allocated */
	vfio_dev_close(the_dev);
}
hv_device_init_exit(vfio__init, vfio__exit, DEV_LEVEL_VIRTIO);
