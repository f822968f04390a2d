/* Guest loaders. Each reads its image, places it in guest memory and sets
 * vm->entry_* (or vm->vcpu_setup_hook). They run after devices are
 * initialised. Return 0, or -1 with one line in err. */
#ifndef HV_BOOT_BOOT_H
#define HV_BOOT_BOOT_H

#include <stddef.h>

struct vm;

int boot_linux_load(struct vm *vm, char *err, size_t errlen);      /* --kernel */
int boot_multiboot_load(struct vm *vm, char *err, size_t errlen);  /* --multiboot */
int boot_micro_load(struct vm *vm, char *err, size_t errlen);      /* --guest micro: */

/* Read a whole file (up to max bytes). Returns a malloc'ed buffer or NULL
 * with a reason in err naming the file. */
void *boot_read_file(const char *path, size_t max, size_t *len, char *err,
		     size_t errlen);

#endif
