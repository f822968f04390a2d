/* ptrchase: dependent random loads over a working set, one cache line per
 * element in a random cyclic order (Sattolo), so each load may touch a new
 * page: latency rises at each cache level and again where the working set
 * outgrows the TLB's reach (which the guest page size changes). Sweeps
 * from 16 KiB up to `max`, doubling; one result line per working set. */
#include "wl.h"

#define LINE 64

static __attribute__((noinline)) void *ptrchase_run(void **p, uint64_t loads)
{
	for (uint64_t i = 0; i < loads; i++)
		p = (void **)*p;
	return p;
}

static void ptrchase_build(char *buf, uint64_t lines, uint32_t *idx, uint64_t *seed)
{
	for (uint64_t i = 0; i < lines; i++)
		idx[i] = (uint32_t)i;
	for (uint64_t i = lines - 1; i > 0; i--) {  /* Sattolo: one cycle */
		uint64_t j = wl_rand(seed) % i;
		uint32_t t = idx[i];

		idx[i] = idx[j];
		idx[j] = t;
	}
	for (uint64_t i = 0; i < lines; i++)
		*(void **)(buf + (uint64_t)idx[i] * LINE) = buf + (uint64_t)idx[(i + 1) % lines] * LINE;
}

int wl_main(int argc, char **argv)
{
	uint64_t max = wl_arg_u64(argc, argv, "max", 256 << 20);
	uint64_t loads = wl_arg_u64(argc, argv, "loads", 4000000), seed = 42;
	char *buf = wl_alloc(max, 4096);
	uint32_t *idx = wl_alloc(max / LINE * sizeof(uint32_t), 4096);
	char params[128], extra[256];

	if (!buf || !idx || max < (16 << 10) || !loads) {
		wl_printf("ptrchase: cannot allocate %lu bytes\n", (unsigned long)max);
		return 1;
	}
	for (uint64_t ws = 16 << 10; ws <= max; ws *= 2) {
		uint64_t lines = ws / LINE, t0;
		void *end;

		ptrchase_build(buf, lines, idx, &seed);
		ptrchase_run((void **)buf, lines < loads ? lines : loads);  /* warm */
		t0 = wl_rdtsc();
		end = ptrchase_run((void **)buf, loads);
		t0 = wl_rdtsc() - t0;
		wl_snprintf(params, sizeof(params), "{\"working_set\":%lu}", (unsigned long)ws);
		wl_snprintf(extra, sizeof(extra), "{\"cycles_per_load\":%g,\"loads\":%lu,"
			    "\"page_size\":%lu,\"env\":\"%s\",\"end\":%lu}",
			    (double)t0 / (double)loads, (unsigned long)loads,
			    (unsigned long)wl_page_size(), wl_env(),
			    (unsigned long)(((char *)end - buf) / LINE));
		wl_emit("ptrchase", "latency_ns", wl_cycles_to_ns((double)t0 / (double)loads),
			"ns", 0, params, extra);
	}
	return 0;
}
