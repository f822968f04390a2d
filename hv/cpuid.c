/* Guest CPUID: what KVM supports, with a topology that matches the vCPU
 * count (one core per vCPU, one package). */
#include "hv/cpuid.h"

#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hv/log.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

#define CPUID_1_ECX_CX16        (1u << 13)
#define CPUID_1_ECX_HYPERVISOR  (1u << 31)
#define CPUID_1_EDX_HTT         (1u << 28)
#define CPUID_B_LEVEL_SMT       1
#define CPUID_B_LEVEL_CORE      2

static unsigned order_base_2(unsigned n)
{
	unsigned s = 0;

	while ((1u << s) < n)
		s++;
	return s;
}

void cpuid_setup_vcpu(struct vcpu *vcpu, int nr)
{
	const struct kvm_cpuid2 *sup = vcpu->vm->supported_cpuid;
	size_t sz = sizeof(*sup) + sup->nent * sizeof(sup->entries[0]);
	struct kvm_cpuid2 *c = malloc(sz);
	unsigned core_shift = order_base_2(nr);

	if (!c)
		die("out of memory");
	memcpy(c, sup, sz);
	for (unsigned i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		switch (e->function) {
		case 1:
			e->ebx = (e->ebx & 0x0000ffff) | ((unsigned)vcpu->id << 24) |
				 ((unsigned)nr << 16);
			e->ecx |= CPUID_1_ECX_HYPERVISOR;
			e->edx |= CPUID_1_EDX_HTT;
			/* software KVMs cannot emulate cmpxchg16b at CPL0; hiding
			 * it is the one CPUID change that guests honour there */
			if (vcpu->vm->flavour == KVM_FLAVOUR_PVM)
				e->ecx &= ~CPUID_1_ECX_CX16;
			break;
		case 4:
			/* cores per package - 1 in EAX[31:26]; one thread per core */
			e->eax = (e->eax & 0x3ff) | ((unsigned)(nr - 1) << 26);
			break;
		case 0xb:
		case 0x1f:
			e->edx = vcpu->id;
			if (e->index == 0) {
				e->eax = 0;
				e->ebx = 1;
				e->ecx = (CPUID_B_LEVEL_SMT << 8) | 0;
			} else if (e->index == 1) {
				e->eax = core_shift;
				e->ebx = nr;
				e->ecx = (CPUID_B_LEVEL_CORE << 8) | 1;
			} else {
				e->eax = e->ebx = 0;
				e->ecx = e->index;
			}
			break;
		}
	}
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, c) < 0)
		die_perror("KVM_SET_CPUID2 (vcpu %d)", vcpu->id);
	free(c);
}
