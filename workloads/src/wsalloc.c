/* wsalloc: allocates a working set of `size` bytes and writes every 4 KiB
 * page of it `passes` times (for overcommit, balloon and swap tests: a
 * pass is slow when the host has to bring pages back). Reports the median
 * time per page over the passes, with the first and slowest pass. */
#include "wl.h"

#define PAGE 4096

int wl_main(int argc, char **argv)
{
	uint64_t size = wl_arg_u64(argc, argv, "size", 256 << 20);
	uint64_t passes = wl_arg_u64(argc, argv, "passes", 10), pages = size / PAGE;
	volatile uint64_t *p = wl_alloc(size, PAGE);
	double ns[256];
	char params[64], extra[256];

	if (!p || !pages || passes < 1 || passes > 256) {
		wl_printf("wsalloc: cannot allocate %lu bytes\n", (unsigned long)size);
		return 1;
	}
	for (uint64_t r = 0; r < passes; r++) {
		uint64_t t0 = wl_rdtsc();

		for (uint64_t i = 0; i < pages; i++)
			p[i * (PAGE / sizeof(uint64_t))] = r + i;
		ns[r] = wl_cycles_to_ns((double)(wl_rdtsc() - t0) / (double)pages);
	}
	wl_snprintf(extra, sizeof(extra), "{\"first_pass_ns\":%g,\"passes\":%lu,"
		    "\"pages\":%lu,\"env\":\"%s\"", ns[0], (unsigned long)passes,
		    (unsigned long)pages, wl_env());
	wl_sort(ns, passes);
	wl_snprintf(extra + wl_strlen(extra), sizeof(extra) - wl_strlen(extra),
		    ",\"max_pass_ns\":%g}", ns[passes - 1]);
	wl_snprintf(params, sizeof(params), "{\"size\":%lu}", (unsigned long)size);
	wl_emit("wsalloc", "latency_ns", wl_quantile(ns, passes, 0.5), "ns", 0, params, extra);
	return 0;
}
