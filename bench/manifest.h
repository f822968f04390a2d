/* workloads/manifest.json: the workloads the harness can run, their layer,
 * arguments (normal and --quick) and the environments they are built for. */
#ifndef BENCH_MANIFEST_H
#define BENCH_MANIFEST_H

#include <jansson.h>
#include <stddef.h>

/* Environments as bits, so "runs in" is a mask test. A manifest "linux"
 * covers both Linux-guest backends (hv and qemu). */
enum env_bit {
	ENV_NATIVE = 1 << 0,
	ENV_MICRO  = 1 << 1,
	ENV_LINUX  = 1 << 2,
	ENV_QEMU   = 1 << 3,
};

struct manifest_entry {
	const char *name, *layer, *description;
	json_t *args, *quick_args;   /* arrays of strings (borrowed) */
	const char *image;           /* Linux guest initrd: "tools" = initrd-tools.img, else NULL */
	unsigned envs;               /* enum env_bit mask */
};

struct manifest {
	json_t *doc;
	struct manifest_entry *e;
	size_t n;
};

int manifest_load(const char *path, struct manifest *m, char *err, size_t errlen);
/* Parse an already loaded document; takes a reference to doc. */
int manifest_parse(json_t *doc, const char *path, struct manifest *m,
		   char *err, size_t errlen);
const struct manifest_entry *manifest_find(const struct manifest *m,
					   const char *name);
void manifest_free(struct manifest *m);

/* "native" -> ENV_NATIVE ...; 0 for an unknown name. */
unsigned env_from_name(const char *name);

#endif
