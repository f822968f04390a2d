/* syscall: the cost of the cheapest system call, getpid(2) through
 * syscall(2) (no libc caching), in a loop. Reports latency_ns per call,
 * the median of `reps` timed batches of `iters` calls. Linux only (native
 * and in Linux guests): a guest's syscalls never leave the guest, so this
 * shows what a VM costs on the kernel entry path (PTI, mitigations, TSC).
 *   syscall [iters=N] [reps=N] */
#include "wl.h"

#include <sys/syscall.h>
#include <unistd.h>

#define SYSCALL_MAX_REPS 64

static uint64_t syscall_batch(uint64_t n)
{
	uint64_t t0 = wl_rdtsc();

	for (uint64_t i = 0; i < n; i++)
		syscall(SYS_getpid);
	return wl_rdtsc() - t0;
}

int wl_main(int argc, char **argv)
{
	uint64_t iters = wl_arg_u64(argc, argv, "iters", 2000000);
	uint64_t reps = wl_arg_u64(argc, argv, "reps", 5);
	double ns[SYSCALL_MAX_REPS], cyc[SYSCALL_MAX_REPS];
	char extra[256];

	if (!iters || reps < 1 || reps > SYSCALL_MAX_REPS) {
		wl_printf("syscall: need iters>0 and reps in 1..%d\n", SYSCALL_MAX_REPS);
		return 2;
	}
	syscall_batch(iters / 16 + 1);   /* warm up */
	for (uint64_t r = 0; r < reps; r++) {
		uint64_t t = syscall_batch(iters);

		cyc[r] = (double)t / (double)iters;
		ns[r] = wl_seconds(t) * 1e9 / (double)iters;
	}
	wl_sort(ns, reps);
	wl_sort(cyc, reps);
	wl_snprintf(extra, sizeof(extra),
		    "{\"p10\":%g,\"p90\":%g,\"cycles_per_op\":%g,\"reps\":%lu,\"iters\":%lu}",
		    wl_quantile(ns, reps, 0.1), wl_quantile(ns, reps, 0.9),
		    wl_quantile(cyc, reps, 0.5), (unsigned long)reps, (unsigned long)iters);
	wl_emit("syscall", "latency_ns", wl_quantile(ns, reps, 0.5), "ns", 0,
		"{\"call\":\"getpid\"}", extra);
	return 0;
}
