/* Placeholder until per-VM cgroups land: --cgroup refused. */
#include <stdio.h>

#include "hv/cgroup.h"

struct vm_cgroup *vm_cgroup_enter(const char *spec, char *err, size_t errlen)
{
	(void)spec;
	snprintf(err, errlen, "per-VM cgroups are not built yet");
	return NULL;
}

void vm_cgroup_leave(struct vm_cgroup *cg)
{
	(void)cg;
}

json_t *vm_cgroup_json(const struct vm_cgroup *cg)
{
	(void)cg;
	return json_null();
}
