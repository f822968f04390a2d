/* pagetouch: the cost of touching fresh memory, one write per 4 KiB page:
 * the first touch takes the page faults (natively the kernel's; in a guest
 * the host's, behind the guest page tables hv built), the second does not. */
#include "wl.h"

#define PAGE 4096

static __attribute__((noinline)) void pagetouch_pass(volatile char *p, uint64_t size,
						     char v)
{
	for (uint64_t off = 0; off < size; off += PAGE)
		p[off] = v;
}

int wl_main(int argc, char **argv)
{
	uint64_t size = wl_arg_u64(argc, argv, "size", 256 << 20), pages = size / PAGE;
	volatile char *p = wl_alloc(size, PAGE);
	const char *touch[2] = { "first", "second" };
	char params[128], extra[128];

	if (!p || !pages) {
		wl_printf("pagetouch: cannot allocate %lu bytes\n", (unsigned long)size);
		return 1;
	}
	for (int pass = 0; pass < 2; pass++) {
		uint64_t t0 = wl_rdtsc();

		pagetouch_pass(p, size, (char)(pass + 1));
		t0 = wl_rdtsc() - t0;
		wl_snprintf(params, sizeof(params), "{\"touch\":\"%s\",\"size\":%lu}",
			    touch[pass], (unsigned long)size);
		wl_snprintf(extra, sizeof(extra), "{\"cycles_per_page\":%g,\"pages\":%lu,"
			    "\"env\":\"%s\"}", (double)t0 / (double)pages,
			    (unsigned long)pages, wl_env());
		wl_emit("pagetouch", "latency_ns", wl_cycles_to_ns((double)t0 / (double)pages),
			"ns", 0, params, extra);
	}
	return 0;
}
