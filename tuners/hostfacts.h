/* Host facts for results.json run.host (see docs/results-schema.md):
 * CPU model, cores/threads/NUMA (hwloc), kernel, memory, KVM flavour,
 * hugepage pools, THP/KSM/zswap state, PMU availability, vhost/vfio. */
#ifndef TUNERS_HOSTFACTS_H
#define TUNERS_HOSTFACTS_H

#include <jansson.h>

/* New reference to a JSON object; never NULL (fields it cannot read are
 * null with a "..._reason" string beside them). */
json_t *hostfacts_collect(void);

#endif
