/* vCPUs: one thread each, running the plain KVM_RUN exit switch. */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>

struct vm;

struct vcpu {
	struct vm *vm;
	int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	int stats_fd;          /* KVM_GET_STATS_FD, or -1 */
	int pinned_cpu;        /* -1 = not pinned */
	uint64_t exits_io, exits_mmio, exits_hlt, exits_other;
};

/* Create vCPU `id` (KVM_CREATE_VCPU, mmap kvm_run, CPUID). Dies on error. */
struct vcpu *vcpu_create(struct vm *vm, int id);
/* Set registers for the boot entry described in vm->entry_* (BSP) or the
 * reset state (APs wait for INIT/SIPI in the in-kernel LAPIC). */
void vcpu_setup_entry(struct vcpu *vcpu);
int vcpu_start(struct vcpu *vcpu);
void vcpu_kick(struct vcpu *vcpu);
void vcpu_destroy(struct vcpu *vcpu);
/* Print the vCPU's registers to stderr (for triple faults and errors). */
void vcpu_dump_regs(struct vcpu *vcpu);

#endif
