#include "hv/device.h"

#include <stddef.h>

#include "hv/log.h"

static struct hv_device_init_entry *entries;

void hv_device_register(struct hv_device_init_entry *e)
{
	e->next = entries;
	entries = e;
}

int hv_devices_init(struct vm *vm)
{
	for (int lvl = 0; lvl < DEV_LEVEL_COUNT; lvl++)
		for (struct hv_device_init_entry *e = entries; e; e = e->next)
			if (e->level == (enum dev_level)lvl && e->init(vm))
				return -1;
	return 0;
}

void hv_devices_exit(struct vm *vm)
{
	for (int lvl = DEV_LEVEL_COUNT - 1; lvl >= 0; lvl--)
		for (struct hv_device_init_entry *e = entries; e; e = e->next)
			if (e->level == (enum dev_level)lvl && e->exit)
				e->exit(vm);
}
