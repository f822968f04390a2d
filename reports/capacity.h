/* Capacity arithmetic for hvperf plan (pure, unit-tested in
 * tests/unit/test_report_capacity.c). Memory per VM at overcommit ratio R
 * is guest_ram * (1 - ksm_fraction) / R (the guest RAM the host actually
 * backs) plus the hv overhead, which cannot be overcommitted. */
#ifndef REPORTS_CAPACITY_H
#define REPORTS_CAPACITY_H

#include <stddef.h>

struct capacity_in {
	double host_mem;       /* bytes */
	double host_reserve;   /* bytes kept for the host itself */
	double host_cpus;
	double cpu_ratio;      /* vCPUs per host CPU allowed (1 = none) */
	double vm_mem;         /* guest RAM per VM, bytes */
	double vm_cpus;
	double hv_overhead;    /* per VM, bytes; NAN = not measured (0 used) */
	double ksm_fraction;   /* share of guest RAM KSM saved, 0..1; NAN = not
				  measured (0 used) */
};

struct capacity_row {
	double ratio;
	double per_vm;         /* host memory per VM, bytes */
	size_t by_mem, by_cpu, vms;   /* vms = min(by_mem, by_cpu) */
};

/* Fills out for one ratio (>= 1). Returns 0, or -1 for impossible input
 * (non-positive sizes, ratio < 1). */
int capacity_row(const struct capacity_in *in, double ratio, int use_ksm,
		 struct capacity_row *out);

#endif
