/* KVM exit counts from hv's stats JSON (docs/results-schema.md §2) into a
 * sample's "kvm" object. Counters are looked up by name, never position:
 * names differ between kernel versions. */
#ifndef BENCH_KVMSTATS_H
#define BENCH_KVMSTATS_H

#include <jansson.h>

/* New object: every per-vCPU counter named "exits" or "*_exits" plus the
 * page-fault, emulation and TLB counters below, summed over vCPUs; hv's
 * own userspace exit counts as "vmm_<kind>_exits"; and "unavailable" (a
 * reason) when the host has no binary stats. NULL when stats is not an hv
 * stats document. */
json_t *kvmstats_extract(json_t *stats);

#endif
