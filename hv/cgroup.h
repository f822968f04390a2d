/* Per-VM memory cgroup (--cgroup NAME[,mem=SIZE][,swap=SIZE]): hv moves
 * itself into a cgroup of its own (v2 where the memory controller is
 * enabled, else v1) before guest memory is allocated, and removes it on
 * exit. */
#ifndef HV_CGROUP_H
#define HV_CGROUP_H

#include <jansson.h>
#include <stddef.h>

struct vm_cgroup;

/* Returns NULL with a one-line reason in err on failure. */
struct vm_cgroup *vm_cgroup_enter(const char *spec, char *err, size_t errlen);
void vm_cgroup_leave(struct vm_cgroup *cg);   /* move out, rmdir */
json_t *vm_cgroup_json(const struct vm_cgroup *cg);  /* usage, limits, version */

#endif
