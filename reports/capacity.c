#include "reports/capacity.h"

#include <math.h>

int capacity_row(const struct capacity_in *in, double ratio, int use_ksm,
		 struct capacity_row *out)
{
	double avail = in->host_mem - in->host_reserve;
	double over = isnan(in->hv_overhead) ? 0 : in->hv_overhead;
	double ksm = use_ksm && !isnan(in->ksm_fraction) ? in->ksm_fraction : 0;
	double guest;

	if (!(in->host_mem > 0) || !(in->vm_mem > 0) || !(in->host_cpus > 0) ||
	    !(in->vm_cpus > 0) || !(ratio >= 1) || !(in->cpu_ratio > 0) ||
	    in->host_reserve < 0 || over < 0 || ksm < 0 || ksm >= 1)
		return -1;
	guest = in->vm_mem * (1 - ksm) / ratio;
	out->ratio = ratio;
	out->per_vm = guest + over;
	out->by_mem = avail > 0 && out->per_vm > 0 ? (size_t)floor(avail / out->per_vm) : 0;
	out->by_cpu = (size_t)floor(in->host_cpus * in->cpu_ratio / in->vm_cpus + 1e-9);
	out->vms = out->by_mem < out->by_cpu ? out->by_mem : out->by_cpu;
	return 0;
}
