/* vCPU and I/O-thread placement (--pin), computed with hwloc. */
#ifndef HV_PLACEMENT_H
#define HV_PLACEMENT_H

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

#endif
