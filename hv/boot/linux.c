/* Placeholder until the bzImage loader lands: refuses clearly. */
#include <stdio.h>

#include "hv/boot/boot.h"

int boot_linux_load(struct vm *vm, char *err, size_t errlen)
{
	(void)vm;
	snprintf(err, errlen, "--kernel: the Linux loader is not built yet");
	return -1;
}
