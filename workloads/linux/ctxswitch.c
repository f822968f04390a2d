/* ctxswitch: context-switch cost by pipe ping-pong between two processes.
 * One byte goes parent -> child -> parent through two pipes; a round trip
 * is two switches. With pin=same (default) both processes share the CPU
 * the parent starts on, so each hop is a real switch; pin=none lets the
 * scheduler spread them (then it is cross-CPU wake-up latency).
 * Reports latency_ns per switch, the median of `reps` batches of `trips`
 * round trips. Linux only (native and in Linux guests).
 *   ctxswitch [trips=N] [reps=N] [pin=same|none] */
#include "wl.h"

#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CTXSWITCH_MAX_REPS 64

static int ctxswitch_pin_here(void)
{
	cpu_set_t set;
	int cpu = sched_getcpu();

	if (cpu < 0)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* The child echoes every byte until its input closes. */
static void ctxswitch_child(int in, int out)
{
	char c;

	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			break;
	_exit(0);
}

static int ctxswitch_batch(int to, int from, uint64_t trips, uint64_t *cycles)
{
	uint64_t t0 = wl_rdtsc();
	char c = 'x';

	for (uint64_t i = 0; i < trips; i++)
		if (write(to, &c, 1) != 1 || read(from, &c, 1) != 1)
			return -1;
	*cycles = wl_rdtsc() - t0;
	return 0;
}

int wl_main(int argc, char **argv)
{
	uint64_t trips = wl_arg_u64(argc, argv, "trips", 200000);
	uint64_t reps = wl_arg_u64(argc, argv, "reps", 5);
	const char *pin = wl_arg_str(argc, argv, "pin", "same");
	double ns[CTXSWITCH_MAX_REPS], cyc[CTXSWITCH_MAX_REPS];
	int p2c[2], c2p[2], status = 0, rc = 0;
	char extra[256], params[64];
	uint64_t t;
	pid_t pid;

	if (!trips || reps < 1 || reps > CTXSWITCH_MAX_REPS ||
	    (strcmp(pin, "same") && strcmp(pin, "none"))) {
		wl_printf("ctxswitch: need trips>0, reps in 1..%d, pin=same|none\n",
			  CTXSWITCH_MAX_REPS);
		return 2;
	}
	if (!strcmp(pin, "same") && ctxswitch_pin_here()) {
		wl_printf("ctxswitch: sched_setaffinity failed\n");
		return 1;
	}
	if (pipe(p2c) || pipe(c2p)) {
		wl_printf("ctxswitch: pipe failed\n");
		return 1;
	}
	pid = fork();   /* the child inherits the affinity */
	if (pid < 0) {
		wl_printf("ctxswitch: fork failed\n");
		return 1;
	}
	if (!pid) {
		close(p2c[1]);
		close(c2p[0]);
		ctxswitch_child(p2c[0], c2p[1]);
	}
	close(p2c[0]);
	close(c2p[1]);
	if (ctxswitch_batch(p2c[1], c2p[0], trips / 16 + 1, &t))   /* warm up */
		rc = 1;
	for (uint64_t r = 0; !rc && r < reps; r++) {
		if (ctxswitch_batch(p2c[1], c2p[0], trips, &t)) {
			rc = 1;
			break;
		}
		cyc[r] = (double)t / (double)(2 * trips);
		ns[r] = wl_seconds(t) * 1e9 / (double)(2 * trips);
	}
	close(p2c[1]);
	waitpid(pid, &status, 0);
	close(c2p[0]);
	if (rc) {
		wl_printf("ctxswitch: the pipe ping-pong broke off\n");
		return 1;
	}
	wl_sort(ns, reps);
	wl_sort(cyc, reps);
	wl_snprintf(params, sizeof(params), "{\"pin\":\"%s\"}", pin);
	wl_snprintf(extra, sizeof(extra),
		    "{\"p10\":%g,\"p90\":%g,\"cycles_per_op\":%g,\"reps\":%lu,\"trips\":%lu}",
		    wl_quantile(ns, reps, 0.1), wl_quantile(ns, reps, 0.9),
		    wl_quantile(cyc, reps, 0.5), (unsigned long)reps, (unsigned long)trips);
	wl_emit("ctxswitch", "latency_ns", wl_quantile(ns, reps, 0.5), "ns", 0, params, extra);
	return 0;
}
