/* --vfio BDF: PCI passthrough needs an IOMMU and the vfio driver. hv does
 * not attach devices yet (docs/virtio.md); it checks what the host has and
 * refuses with the reason, so a scenario asking for passthrough fails
 * clearly instead of silently running without it. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "hv/device.h"
#include "hv/vm.h"

static bool vfio_iommu_groups_present(void)
{
	DIR *d = opendir("/sys/kernel/iommu_groups");
	struct dirent *e;
	bool any = false;

	if (!d)
		return false;
	while (!any && (e = readdir(d)))
		any = e->d_name[0] != '.';
	closedir(d);
	return any;
}

static int vfio__init(struct vm *vm)
{
	const char *bdf = vm->cfg->vfio;

	if (!bdf)
		return 0;
	if (!vfio_iommu_groups_present()) {
		fprintf(stderr, "hv: --vfio %s: VFIO passthrough needs an IOMMU: "
			"/sys/kernel/iommu_groups is empty on this host\n", bdf);
		return -1;
	}
	if (access("/dev/vfio/vfio", F_OK)) {
		fprintf(stderr, "hv: --vfio %s: /dev/vfio/vfio is missing "
			"(load the vfio-pci module)\n", bdf);
		return -1;
	}
	fprintf(stderr, "hv: --vfio %s: this host has an IOMMU and VFIO, but hv does not "
		"implement device passthrough yet (see docs/virtio.md)\n", bdf);
	return -1;
}
hv_device_init(vfio__init, DEV_LEVEL_VIRTIO);
