/* flops: a double-precision kernel: eight independent multiply-add chains
 * that converge (no overflow, no denormals). Reports mflops, the median of
 * `reps` runs. */
#include "wl.h"

#define FLOPS_CHAINS 8

static __attribute__((noinline)) double flops_kernel(uint64_t n, double seed)
{
	double x[FLOPS_CHAINS], m = 0.999999, a = 0.000001 * seed, s = 0;

	for (int i = 0; i < FLOPS_CHAINS; i++)
		x[i] = seed + i;
	for (uint64_t i = 0; i < n; i++) {
		for (int j = 0; j < FLOPS_CHAINS; j++)
			x[j] = x[j] * m + a;
		__asm__ volatile("" : "+x"(x[0]), "+x"(x[1]), "+x"(x[2]), "+x"(x[3]),
				 "+x"(x[4]), "+x"(x[5]), "+x"(x[6]), "+x"(x[7]));
	}
	for (int i = 0; i < FLOPS_CHAINS; i++)
		s += x[i];
	return s;
}

int wl_main(int argc, char **argv)
{
	uint64_t iters = wl_arg_u64(argc, argv, "iters", 200000000);
	uint64_t reps = wl_arg_u64(argc, argv, "reps", 5);
	double rate[64], sum = 0;
	char extra[512];

	if (reps < 1 || reps > 64 || !iters)
		return 2;
	flops_kernel(iters / 16, 1);
	for (uint64_t r = 0; r < reps; r++) {
		uint64_t t0 = wl_rdtsc();

		sum += flops_kernel(iters, (double)(r + 1));
		t0 = wl_rdtsc() - t0;
		rate[r] = (double)iters * FLOPS_CHAINS * 2 / wl_seconds(t0) / 1e6;
	}
	wl_sort(rate, reps);
	wl_snprintf(extra, sizeof(extra), "{\"p10\":%g,\"p90\":%g,\"reps\":%lu,"
		    "\"iters\":%lu,\"checksum\":%g,\"env\":\"%s\"}",
		    wl_quantile(rate, reps, 0.1), wl_quantile(rate, reps, 0.9),
		    (unsigned long)reps, (unsigned long)iters, sum, wl_env());
	wl_emit("flops", "mflops", wl_quantile(rate, reps, 0.5), "Mflop/s", 1, 0, extra);
	return 0;
}
