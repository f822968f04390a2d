/* Micro-guest exceptions. The ring-0 stub for each vector (hv/boot/
 * micro_sys.c) writes the vector to MICRO_PORT_FAULT and halts; hv reads
 * the exception frame the CPU pushed on the ring-0 stack (SDM vol. 3,
 * 6.14.2: [error code], RIP, CS, RFLAGS, RSP, SS) and CR2, and either ends
 * the guest with a report or, for the probe armed with
 * MICRO_HC_EXPECT_FAULT, returns to ring 3 past the probe instruction (an
 * iretq done by hv, so that ring 0 stays three instructions long). */
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hv/boot/micro.h"
#include "hv/devices/microguest.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

struct fault_frame {
	uint64_t rip, cs, rflags, rsp, ss;
};

static int read_frame(struct vm *vm, uint64_t rsp, unsigned vector,
		      uint64_t *errcode, struct fault_frame *f)
{
	const uint64_t *p = guest_ptr(&vm->mem, rsp, 6 * sizeof(uint64_t));

	if (!p)
		return -1;
	*errcode = 0;
	if (micro_vector_has_errcode(vector))
		*errcode = *p++;
	memcpy(f, p, sizeof(*f));
	return 0;
}

/* Resume ring 3 at f->rip + len with the frame's RSP and RFLAGS. */
static int skip_probe(struct vcpu *vcpu, struct kvm_regs *r,
		      const struct fault_frame *f, uint64_t len)
{
	struct micro_info *info = guest_ptr(&vcpu->vm->mem, MICRO_SHARED_GPA,
					    sizeof(*info));
	struct kvm_sregs s;

	if (ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0)
		return -1;
	micro_set_user_segments(&s);
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &s) < 0)
		return -1;
	r->rip = f->rip + len;
	r->rsp = f->rsp;
	r->rflags = f->rflags;
	if (ioctl(vcpu->fd, KVM_SET_REGS, r) < 0)
		return -1;
	micro_counters.faults_skipped++;
	info->fault_count = micro_counters.faults_skipped;
	return 0;
}

void micro_fault_report(struct vcpu *vcpu, unsigned vector)
{
	struct vm *vm = vcpu->vm;
	struct fault_frame f = { 0 };
	struct kvm_regs r;
	struct kvm_sregs s;
	uint64_t errcode = 0, probe;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &r) < 0 || ioctl(vcpu->fd, KVM_GET_SREGS, &s) < 0) {
		vm_request_exit(vm, VM_EXIT_ERROR, MICRO_FAULT_EXIT_STATUS,
				"micro-guest exception %u; registers unreadable", vector);
		return;
	}
	if (read_frame(vm, r.rsp, vector, &errcode, &f)) {
		vm_request_exit(vm, VM_EXIT_ERROR, MICRO_FAULT_EXIT_STATUS,
				"micro-guest exception %u (%s) with a ring-0 stack outside RAM "
				"(rsp 0x%llx)", vector, micro_vector_name(vector),
				(unsigned long long)r.rsp);
		return;
	}
	probe = micro_counters.probe_rip;
	if (probe && vector == micro_counters.probe_vector && f.rip == probe &&
	    (f.cs & 3) == 3 && !skip_probe(vcpu, &r, &f, micro_counters.probe_len))
		return;
	fprintf(stderr,
		"hv: micro-guest fault: vector %u (%s), error code 0x%llx\n"
		"hv:   rip 0x%llx (cpl %llu) rsp 0x%llx rflags 0x%llx cr2 0x%llx\n",
		vector, micro_vector_name(vector), (unsigned long long)errcode,
		(unsigned long long)f.rip, (unsigned long long)(f.cs & 3),
		(unsigned long long)f.rsp, (unsigned long long)f.rflags,
		(unsigned long long)s.cr2);
	vm_request_exit(vm, VM_EXIT_ERROR, MICRO_FAULT_EXIT_STATUS,
			"micro-guest fault: vector %u (%s) error 0x%llx at rip 0x%llx, "
			"cr2 0x%llx", vector, micro_vector_name(vector),
			(unsigned long long)errcode, (unsigned long long)f.rip,
			(unsigned long long)s.cr2);
}
