/* One VM: the KVM handles, guest memory, vCPUs, buses and the exit state.
 * hv runs one VM per process. */
#ifndef HV_VM_H
#define HV_VM_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "hv/config.h"
#include "hv/iobus.h"
#include "hv/memory.h"

enum kvm_flavour {
	KVM_FLAVOUR_UNKNOWN = 0,
	KVM_FLAVOUR_VMX,     /* Intel VT-x (kvm_intel) */
	KVM_FLAVOUR_SVM,     /* AMD-V (kvm_amd) */
	KVM_FLAVOUR_PVM,     /* software KVM (kvm_pvm): ring 0 emulated */
};
const char *kvm_flavour_name(enum kvm_flavour f);

struct vcpu;
struct vm_cgroup;
struct pci_bus;

/* A device that firmware (ACPI DSDT) must describe. */
struct acpi_mmio_dev {
	uint64_t base, size;
	uint32_t irq;
	const char *hid;      /* e.g. "LNRO0005" for virtio-mmio */
};

/* A named source of counters for the stats JSON ("devices" object). */
struct stats_source {
	const char *name;
	json_t *(*fn)(void *opaque);  /* returns a new reference */
	void *opaque;
};

#define VM_MAX_ACPI_DEVS   32
#define VM_MAX_STATS_SRCS  32

enum vm_exit_kind {
	VM_EXIT_NONE = 0,
	VM_EXIT_POWEROFF,     /* guest powered off: status 0 */
	VM_EXIT_RESET,        /* guest asked to reboot: status 0 (hv stops) */
	VM_EXIT_DEBUG_PORT,   /* outl(code, 0xf4): (code << 1) | 1 */
	VM_EXIT_MICRO,        /* micro-guest exit hypercall: workload status */
	VM_EXIT_ERROR,        /* triple fault, internal error, host failure */
	VM_EXIT_TIMEOUT,      /* --timeout expired */
	VM_EXIT_SIGNAL,       /* SIGINT/SIGTERM, or shutdown over the API */
};

struct vm {
	const struct hv_config *cfg;
	int kvm_fd, vm_fd;
	int vcpu_mmap_size;
	enum kvm_flavour flavour;
	struct kvm_cpuid2 *supported_cpuid;

	struct guest_mem mem;
	struct vm_cgroup *cgroup;  /* --cgroup, or NULL */
	struct io_bus pio, mmio;
	struct pci_bus *pci;       /* NULL unless a PCI device asked for a bus */

	int nr_vcpus;
	struct vcpu **vcpus;

	struct acpi_mmio_dev acpi_devs[VM_MAX_ACPI_DEVS];
	int nr_acpi_devs;
	struct stats_source stats_srcs[VM_MAX_STATS_SRCS];
	int nr_stats_srcs;

	/* where the boot loader left the entry state (see hv/boot/) */
	uint64_t entry_rip, entry_rsp, entry_rsi, entry_rbx, entry_rax;
	uint64_t entry_cr3;
	enum { ENTRY_REAL, ENTRY_PROTECTED32, ENTRY_LONG64 } entry_mode;
	/* A loader with its own CPU state (e.g. the micro-guest runtime's GDT,
	 * IDT, TSS) sets this; it then replaces the default entry setup of the
	 * boot vCPU. */
	void (*vcpu_setup_hook)(struct vcpu *vcpu);
	void *loader_data;

	/* timing (CLOCK_MONOTONIC ns) */
	uint64_t t_start_ns;            /* hv process start */
	_Atomic uint64_t t_boot_marker_ns; /* first boot-marker write, 0 = none */
	uint64_t t_end_ns;

	/* exit state: first writer wins */
	atomic_int exit_kind;
	int exit_status;
	char exit_reason[256];

	_Atomic bool paused;
	pthread_mutex_t pause_lock;
	pthread_cond_t pause_cond;

	/* micro-guest result lines (JSON objects) passed back by the guest;
	 * NULL until the first one arrives */
	json_t *micro_results;
	uint64_t tsc_khz;
};

/* Open /dev/kvm, check the API, create the VM, irqchip and PIT. Dies with a
 * one-line error on failure. */
void vm_create(struct vm *vm, const struct hv_config *cfg);
/* Register the allocated guest RAM (vm->mem) as KVM memory slots. */
void vm_map_memory(struct vm *vm);
void vm_destroy(struct vm *vm);
enum kvm_flavour kvm_detect_flavour(void);

/* Ask the VM to stop: records the first request, kicks every vCPU. */
void vm_request_exit(struct vm *vm, enum vm_exit_kind kind, int status,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
bool vm_exiting(const struct vm *vm);

void vm_pause(struct vm *vm);
void vm_resume(struct vm *vm);

int vm_add_acpi_mmio_dev(struct vm *vm, uint64_t base, uint64_t size,
			 uint32_t irq, const char *hid);
int vm_add_stats_source(struct vm *vm, const char *name,
			json_t *(*fn)(void *), void *opaque);

/* KVM memory slots after the two RAM slots (0, 1): device memory mapped
 * straight into the guest (passthrough BARs). size 0 deletes the slot.
 * Returns 0, or -1 with errno set. */
#define VM_FIRST_DEVICE_MEMSLOT 8
int vm_set_memslot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *host);

/* Raise/lower a GSI on the in-kernel irqchip (KVM_IRQ_LINE). */
int vm_irq_line(struct vm *vm, uint32_t gsi, int level);

uint64_t hv_now_ns(void);

#endif
