/* Placeholder until the micro-guest loader lands: refuses clearly. */
#include <stdio.h>

#include "hv/boot/boot.h"

int boot_micro_load(struct vm *vm, char *err, size_t errlen)
{
	(void)vm;
	snprintf(err, errlen, "--guest micro: the micro-guest loader is not built yet");
	return -1;
}
