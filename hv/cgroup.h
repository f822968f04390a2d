/* Per-VM memory cgroup (--cgroup NAME[,mem=SIZE][,swap=SIZE]): hv moves
 * itself into a cgroup of its own (v2 where the memory controller is
 * enabled, else v1) before guest memory is allocated, and removes it on
 * exit. */
#ifndef HV_CGROUP_H
#define HV_CGROUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm_cgroup;

/* Returns NULL with a one-line reason in err on failure. */
struct vm_cgroup *vm_cgroup_enter(const char *spec, char *err, size_t errlen);
void vm_cgroup_leave(struct vm_cgroup *cg);   /* move out, rmdir */
json_t *vm_cgroup_json(const struct vm_cgroup *cg);  /* usage, limits, version */

/* The parsed --cgroup spec: NAME[,mem=SIZE][,swap=SIZE][,zswap=SIZE]
 * (SIZE: bytes or K/M/G/T suffix). zswap= needs cgroup v2. */
struct vm_cgroup_spec {
	char name[64];
	uint64_t mem, swap, zswap;
	bool has_mem, has_swap, has_zswap;
};
int vm_cgroup_parse(const char *spec, struct vm_cgroup_spec *out, char *err,
		    size_t errlen);

#endif
