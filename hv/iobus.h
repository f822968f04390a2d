/* Port-I/O and MMIO dispatch. Devices register ranges at setup, before
 * vCPUs start; lookups afterwards are lock-free (the table is read-only).
 * Handlers run on the vCPU thread that exited and do their own locking. */
#ifndef HV_IOBUS_H
#define HV_IOBUS_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* offset: address minus the range base; data: len bytes (1, 2, 4 or 8;
 * MMIO may be other sizes). On reads the handler fills data. */
typedef void (*io_handler_t)(struct vcpu *vcpu, void *opaque, uint64_t offset,
			     uint8_t *data, uint32_t len, bool is_write);

struct io_range {
	uint64_t base, len;
	io_handler_t fn;
	void *opaque;
	const char *name;
};

struct io_bus {
	struct io_range *ranges;  /* sorted by base, non-overlapping */
	int nr;
	const char *name;         /* "pio" or "mmio" */
};

/* Returns 0, or -1 if the range overlaps an existing one. */
int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t len,
		    io_handler_t fn, void *opaque, const char *name);
const struct io_range *io_bus_find(const struct io_bus *bus, uint64_t addr);
/* Dispatch one access. Unclaimed reads return all-ones (as absent hardware
 * does); unclaimed writes are dropped. Returns false if unclaimed. */
bool io_bus_access(const struct io_bus *bus, struct vcpu *vcpu, uint64_t addr,
		   uint8_t *data, uint32_t len, bool is_write);
void io_bus_free(struct io_bus *bus);

#endif
