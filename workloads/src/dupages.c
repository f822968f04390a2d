/* dupages: fills `size` bytes with identical pages (the same non-zero
 * pattern in every 4 KiB page), then holds them `hold` seconds, re-reading
 * them, so that KSM can merge them. Reports the fill bandwidth. */
#include "wl.h"

#define PAGE 4096

int wl_main(int argc, char **argv)
{
	uint64_t size = wl_arg_u64(argc, argv, "size", 256 << 20);
	uint64_t hold = wl_arg_u64(argc, argv, "hold", 10), t0, sum = 0;
	uint64_t *p = wl_alloc(size, PAGE), n = size / sizeof(uint64_t);
	char params[64], extra[160];

	if (!p || !n) {
		wl_printf("dupages: cannot allocate %lu bytes\n", (unsigned long)size);
		return 1;
	}
	t0 = wl_rdtsc();
	for (uint64_t i = 0; i < n; i++)
		p[i] = 0x5a5a5a5a00000000ULL | (i % (PAGE / sizeof(uint64_t)));
	t0 = wl_rdtsc() - t0;
	wl_snprintf(params, sizeof(params), "{\"size\":%lu}", (unsigned long)size);
	wl_snprintf(extra, sizeof(extra), "{\"pages\":%lu,\"hold_s\":%lu,\"env\":\"%s\"}",
		    (unsigned long)(size / PAGE), (unsigned long)hold, wl_env());
	wl_emit("dupages", "bandwidth_mbs", (double)size / wl_seconds(t0) / 1e6, "MB/s", 1,
		params, extra);
	for (uint64_t start = wl_rdtsc(); wl_seconds(wl_rdtsc() - start) < (double)hold;)
		for (uint64_t i = 0; i < n; i += PAGE / sizeof(uint64_t))
			sum += ((volatile uint64_t *)p)[i];
	return sum == 1;   /* never: keeps the reads */
}
