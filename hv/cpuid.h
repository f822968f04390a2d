#ifndef HV_CPUID_H
#define HV_CPUID_H

struct vcpu;

/* Give vCPU `id` of `nr` the host's supported CPUID with a consistent
 * topology (APIC IDs, leaf 0xB) and the hypervisor bit. */
void cpuid_setup_vcpu(struct vcpu *vcpu, int nr);

#endif
