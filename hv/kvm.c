/* The VM's life cycle on /dev/kvm: open, check, create, irqchip, PIT,
 * memory slots; exit requests; flavour detection. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "hv/layout.h"
#include "hv/log.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

uint64_t hv_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

const char *kvm_flavour_name(enum kvm_flavour f)
{
	switch (f) {
	case KVM_FLAVOUR_VMX: return "vmx";
	case KVM_FLAVOUR_SVM: return "svm";
	case KVM_FLAVOUR_PVM: return "pvm";
	default:              return "unknown";
	}
}

/* Which module provides /dev/kvm. kvm_pvm can be loaded next to kvm_intel
 * or kvm_amd; it is what /dev/kvm uses when the CPU has no vmx/svm. */
enum kvm_flavour kvm_detect_flavour(void)
{
	bool pvm = !access("/sys/module/kvm_pvm", F_OK);
	bool intel = !access("/sys/module/kvm_intel", F_OK);
	bool amd = !access("/sys/module/kvm_amd", F_OK);

	if (pvm && !intel && !amd)
		return KVM_FLAVOUR_PVM;
	if (intel)
		return KVM_FLAVOUR_VMX;
	if (amd)
		return KVM_FLAVOUR_SVM;
	return pvm ? KVM_FLAVOUR_PVM : KVM_FLAVOUR_UNKNOWN;
}

static void set_slot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size,
		     void *host)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		die_perror("KVM_SET_USER_MEMORY_REGION (slot %u, %llu MiB)", slot,
			   (unsigned long long)(size >> 20));
}

int vm_set_memslot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *host)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot, .guest_phys_addr = gpa, .memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0 ? -1 : 0;
}

static void get_supported_cpuid(struct vm *vm)
{
	int n = 256;

	for (;;) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));

		if (!c)
			die("out of memory");
		c->nent = n;
		if (!ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, c)) {
			vm->supported_cpuid = c;
			return;
		}
		free(c);
		if (errno != E2BIG || n > 4096)
			die_perror("KVM_GET_SUPPORTED_CPUID");
		n *= 2;
	}
}

void vm_create(struct vm *vm, const struct hv_config *cfg)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	int api;

	vm->cfg = cfg;
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		if (errno == ENOENT)
			die("/dev/kvm does not exist: KVM is not available on this host "
			    "(load kvm_intel or kvm_amd, or enable virtualization in the firmware)");
		die_perror("cannot open /dev/kvm");
	}
	api = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION)
		die("/dev/kvm: KVM API version %d, expected %d", api, KVM_API_VERSION);
	vm->flavour = kvm_detect_flavour();
	vm->vcpu_mmap_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->vcpu_mmap_size <= 0)
		die_perror("KVM_GET_VCPU_MMAP_SIZE");
	if (!ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP))
		die("this KVM has no in-kernel irqchip (KVM_CAP_IRQCHIP)");
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		die_perror("KVM_CREATE_VM");
	/* the TSS and identity-map page for VT-x real mode; harmless elsewhere.
	 * Both sit in the MMIO hole, below the IOAPIC. */
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, 0xfeffd000UL) < 0)
		die_perror("KVM_SET_TSS_ADDR");
	{
		uint64_t idmap = 0xfeffc000ULL;

		if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0 && errno != EINVAL)
			die_perror("KVM_SET_IDENTITY_MAP_ADDR");
	}
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		die_perror("KVM_CREATE_IRQCHIP");
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		die_perror("KVM_CREATE_PIT2");
	get_supported_cpuid(vm);

	vm->pio.name = "pio";
	vm->mmio.name = "mmio";
	pthread_mutex_init(&vm->pause_lock, NULL);
	pthread_cond_init(&vm->pause_cond, NULL);
}

/* Register guest RAM with KVM once it is allocated. */
void vm_map_memory(struct vm *vm)
{
	set_slot(vm, 0, 0, vm->mem.low_size, vm->mem.host);
	if (vm->mem.high_size)
		set_slot(vm, 1, GUEST_HIGH_RAM_START, vm->mem.high_size,
			 vm->mem.host + vm->mem.low_size);
}

void vm_destroy(struct vm *vm)
{
	for (int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i])
			vcpu_destroy(vm->vcpus[i]);
	free(vm->vcpus);
	guest_mem_free(&vm->mem);
	io_bus_free(&vm->pio);
	io_bus_free(&vm->mmio);
	free(vm->supported_cpuid);
	json_decref(vm->micro_results);
	if (vm->vm_fd > 0)
		close(vm->vm_fd);
	if (vm->kvm_fd > 0)
		close(vm->kvm_fd);
}

void vm_request_exit(struct vm *vm, enum vm_exit_kind kind, int status,
		     const char *fmt, ...)
{
	int expected = VM_EXIT_NONE;
	va_list ap;

	if (!atomic_compare_exchange_strong(&vm->exit_kind, &expected, (int)kind))
		return;
	vm->exit_status = status;
	va_start(ap, fmt);
	vsnprintf(vm->exit_reason, sizeof(vm->exit_reason), fmt, ap);
	va_end(ap);
	vm->t_end_ns = hv_now_ns();
	vm_resume(vm);
	for (int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i])
			vcpu_kick(vm->vcpus[i]);
}

bool vm_exiting(const struct vm *vm)
{
	return atomic_load(&vm->exit_kind) != VM_EXIT_NONE;
}

void vm_pause(struct vm *vm)
{
	atomic_store(&vm->paused, true);
	for (int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i])
			vcpu_kick(vm->vcpus[i]);
}

void vm_resume(struct vm *vm)
{
	pthread_mutex_lock(&vm->pause_lock);
	atomic_store(&vm->paused, false);
	pthread_cond_broadcast(&vm->pause_cond);
	pthread_mutex_unlock(&vm->pause_lock);
}

int vm_add_acpi_mmio_dev(struct vm *vm, uint64_t base, uint64_t size,
			 uint32_t irq, const char *hid)
{
	if (vm->nr_acpi_devs >= VM_MAX_ACPI_DEVS)
		return -1;
	vm->acpi_devs[vm->nr_acpi_devs++] = (struct acpi_mmio_dev){ base, size, irq, hid };
	return 0;
}

int vm_add_stats_source(struct vm *vm, const char *name, json_t *(*fn)(void *),
			void *opaque)
{
	if (vm->nr_stats_srcs >= VM_MAX_STATS_SRCS)
		return -1;
	vm->stats_srcs[vm->nr_stats_srcs++] = (struct stats_source){ name, fn, opaque };
	return 0;
}

int vm_irq_line(struct vm *vm, uint32_t gsi, int level)
{
	struct kvm_irq_level l = { .irq = gsi, .level = level };

	return ioctl(vm->vm_fd, KVM_IRQ_LINE, &l);
}
