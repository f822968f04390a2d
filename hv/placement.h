/* vCPU and I/O-thread placement (--pin), computed with hwloc. */
#ifndef HV_PLACEMENT_H
#define HV_PLACEMENT_H

#include <hwloc.h>
#include <jansson.h>
#include <pthread.h>
#include <stddef.h>

#include "hv/config.h"

struct vm;

/* Parse "auto" or "vcpu0=CPU,vcpu1=CPU,io=CPU" into pin. Returns 0, or -1
 * with a one-line message in err. */
int placement_parse(const char *spec, struct pin_config *pin, char *err,
		    size_t errlen);
/* Resolve --pin auto into concrete CPUs (hwloc: one vCPU per core,
 * siblings and NUMA respected) and apply affinity to each vCPU thread after
 * it starts. Returns 0 or -1 (message printed). */
int placement_apply_vcpu(struct vm *vm, int vcpu_id, pthread_t thread);
int placement_apply_io(struct vm *vm, pthread_t thread);
/* The chosen placement for the stats JSON ({"vcpu0": 1, "io": 0}). */
json_t *placement_json(const struct vm *vm);

/* The pure part of --pin auto, over any hwloc topology (tests use
 * synthetic ones): one vCPU per core first (SMT siblings only once every
 * core has one), on one NUMA node when the vCPUs fit there, the I/O thread
 * on a PU left over (else shared with the last vCPU). allowed limits the
 * PUs (NULL = all). Writes OS CPU numbers; returns 0, or -1 when no PU is
 * allowed. */
int placement_compute_auto(hwloc_topology_t topo, hwloc_const_bitmap_t allowed,
			   int nr_vcpus, int *vcpu_cpu, int *io_cpu);

#endif
