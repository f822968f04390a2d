/* stream: STREAM-like bandwidth (copy c=a, scale b=s*c, add c=a+b, triad
 * a=b+s*c) over three arrays of `size` bytes each. One result line per
 * kernel: the median bandwidth over `reps` runs (STREAM counts 2 arrays
 * moved for copy/scale, 3 for add/triad). */
#include "wl.h"

#define STREAM_KERNELS 4

static __attribute__((noinline)) void stream_run(int k, double *a, double *b,
						 double *c, uint64_t n)
{
	const double s = 3.0;

	switch (k) {
	case 0: for (uint64_t i = 0; i < n; i++) c[i] = a[i]; break;
	case 1: for (uint64_t i = 0; i < n; i++) b[i] = s * c[i]; break;
	case 2: for (uint64_t i = 0; i < n; i++) c[i] = a[i] + b[i]; break;
	default: for (uint64_t i = 0; i < n; i++) a[i] = b[i] + s * c[i]; break;
	}
}

int wl_main(int argc, char **argv)
{
	static const char *names[STREAM_KERNELS] = { "copy", "scale", "add", "triad" };
	static const int arrays[STREAM_KERNELS] = { 2, 2, 3, 3 };
	uint64_t size = wl_arg_u64(argc, argv, "size", 32 << 20);
	uint64_t reps = wl_arg_u64(argc, argv, "reps", 10), n = size / sizeof(double);
	double bw[STREAM_KERNELS][64], *a, *b, *c;
	char params[128], extra[256];

	if (reps < 1 || reps > 64 || n < 1024)
		return 2;
	a = wl_alloc(size, 4096);
	b = wl_alloc(size, 4096);
	c = wl_alloc(size, 4096);
	if (!a || !b || !c) {
		wl_printf("stream: cannot allocate 3 x %lu bytes\n", (unsigned long)size);
		return 1;
	}
	for (uint64_t i = 0; i < n; i++) {
		a[i] = 1.0;
		b[i] = 2.0;
		c[i] = 0.0;
	}
	for (uint64_t r = 0; r < reps; r++)
		for (int k = 0; k < STREAM_KERNELS; k++) {
			uint64_t t0 = wl_rdtsc();

			stream_run(k, a, b, c, n);
			t0 = wl_rdtsc() - t0;
			bw[k][r] = (double)(arrays[k] * size) / wl_seconds(t0) / 1e6;
		}
	for (int k = 0; k < STREAM_KERNELS; k++) {
		wl_sort(bw[k], reps);
		wl_snprintf(params, sizeof(params), "{\"kernel\":\"%s\",\"array_bytes\":%lu}",
			    names[k], (unsigned long)size);
		wl_snprintf(extra, sizeof(extra), "{\"p10\":%g,\"p90\":%g,\"best\":%g,"
			    "\"reps\":%lu,\"env\":\"%s\"}", wl_quantile(bw[k], reps, 0.1),
			    wl_quantile(bw[k], reps, 0.9), bw[k][reps - 1],
			    (unsigned long)reps, wl_env());
		wl_emit("stream", "bandwidth_mbs", wl_quantile(bw[k], reps, 0.5), "MB/s", 1,
			params, extra);
	}
	return 0;
}
