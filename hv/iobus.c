#include "hv/iobus.h"

#include <stdlib.h>
#include <string.h>

int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t len,
		    io_handler_t fn, void *opaque, const char *name)
{
	struct io_range *r;
	int i;

	if (!len || base + len < base)
		return -1;
	for (i = 0; i < bus->nr; i++) {
		r = &bus->ranges[i];
		if (base < r->base + r->len && r->base < base + len)
			return -1;
	}
	r = realloc(bus->ranges, (bus->nr + 1) * sizeof(*r));
	if (!r)
		return -1;
	bus->ranges = r;
	/* insertion sort keeps the table ordered for the binary search */
	for (i = bus->nr; i > 0 && r[i - 1].base > base; i--)
		r[i] = r[i - 1];
	r[i] = (struct io_range){ base, len, fn, opaque, name };
	bus->nr++;
	return 0;
}

const struct io_range *io_bus_find(const struct io_bus *bus, uint64_t addr)
{
	int lo = 0, hi = bus->nr - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		const struct io_range *r = &bus->ranges[mid];

		if (addr < r->base)
			hi = mid - 1;
		else if (addr - r->base >= r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

bool io_bus_access(const struct io_bus *bus, struct vcpu *vcpu, uint64_t addr,
		   uint8_t *data, uint32_t len, bool is_write)
{
	const struct io_range *r = io_bus_find(bus, addr);

	if (!r) {
		if (!is_write)
			memset(data, 0xff, len);
		return false;
	}
	r->fn(vcpu, r->opaque, addr - r->base, data, len, is_write);
	return true;
}

void io_bus_free(struct io_bus *bus)
{
	free(bus->ranges);
	bus->ranges = NULL;
	bus->nr = 0;
}
