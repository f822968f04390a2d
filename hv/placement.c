/* Placeholder until the hwloc placement lands: no pinning; --pin refused. */
#include <stdio.h>

#include "hv/placement.h"

int placement_parse(const char *spec, struct pin_config *pin, char *err, size_t errlen)
{
	(void)pin;
	snprintf(err, errlen, "--pin %s: vCPU pinning is not built yet", spec);
	return -1;
}

int placement_apply_vcpu(struct vm *vm, int vcpu_id, pthread_t thread)
{
	(void)vm; (void)vcpu_id; (void)thread;
	return 0;
}

int placement_apply_io(struct vm *vm, pthread_t thread)
{
	(void)vm; (void)thread;
	return 0;
}

json_t *placement_json(const struct vm *vm)
{
	(void)vm;
	return json_object();
}
