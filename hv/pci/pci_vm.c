/* The VM's PCI bus, made at the platform level when a device will need it
 * (--vfio), so the devices above can add themselves and the ACPI tables
 * below can describe it. */
#include <stdio.h>
#include <stdlib.h>

#include "hv/device.h"
#include "hv/pci/pci.h"
#include "hv/vm.h"

static int pci__init(struct vm *vm)
{
	if (!vm->cfg->vfio)
		return 0;
	vm->pci = calloc(1, sizeof(*vm->pci));
	if (!vm->pci) {
		fprintf(stderr, "hv: out of memory for the PCI bus\n");
		return -1;
	}
	pci_bus_init(vm->pci);
	return pci_bus_attach(vm->pci, vm);
}

static void pci__exit(struct vm *vm)
{
	if (!vm->pci)
		return;
	pci_bus_destroy(vm->pci);
	free(vm->pci);
	vm->pci = NULL;
}
hv_device_init_exit(pci__init, pci__exit, DEV_LEVEL_PLATFORM);
