/* intops: an integer kernel (LCG, shifts, xors, multiplies in four
 * dependent chains). Reports ops_per_sec, the median of `reps` runs. */
#include "wl.h"

#define INTOPS_PER_ITER 10

static __attribute__((noinline)) uint64_t intops_kernel(uint64_t n, uint64_t seed)
{
	uint64_t a = seed, b = seed ^ 0x9e3779b97f4a7c15ULL, c = 1, d = 3;

	for (uint64_t i = 0; i < n; i++) {
		a = a * 6364136223846793005ULL + 1442695040888963407ULL;
		b ^= a >> 17;
		c += b * 3;
		d = (d ^ c) + (a >> 7);
		__asm__ volatile("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
	}
	return a ^ b ^ c ^ d;
}

int wl_main(int argc, char **argv)
{
	uint64_t iters = wl_arg_u64(argc, argv, "iters", 400000000);
	uint64_t reps = wl_arg_u64(argc, argv, "reps", 5), sum = 0;
	double rate[64], cyc[64];
	char extra[512];

	if (reps < 1 || reps > 64 || !iters)
		return 2;
	intops_kernel(iters / 16, 1);   /* warm up */
	for (uint64_t r = 0; r < reps; r++) {
		uint64_t t0 = wl_rdtsc();

		sum += intops_kernel(iters, r + 1);
		t0 = wl_rdtsc() - t0;
		cyc[r] = (double)t0 / (double)iters;
		rate[r] = (double)iters * INTOPS_PER_ITER / wl_seconds(t0);
	}
	wl_sort(rate, reps);
	wl_sort(cyc, reps);
	wl_snprintf(extra, sizeof(extra), "{\"p10\":%g,\"p90\":%g,\"cycles_per_iter\":%g,"
		    "\"reps\":%lu,\"iters\":%lu,\"checksum\":%lu,\"env\":\"%s\"}",
		    wl_quantile(rate, reps, 0.1), wl_quantile(rate, reps, 0.9),
		    wl_quantile(cyc, reps, 0.5), (unsigned long)reps, (unsigned long)iters,
		    (unsigned long)(sum & 0xffffffff), wl_env());
	wl_emit("intops", "ops_per_sec", wl_quantile(rate, reps, 0.5), "ops/s", 1, 0, extra);
	return 0;
}
