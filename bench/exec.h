/* Run one command as a measured child: stdout and stderr captured,
 * counters attached before it execs, a time limit, resource usage. */
#ifndef BENCH_EXEC_H
#define BENCH_EXEC_H

#include <stdbool.h>
#include <stddef.h>

#include "bench/pmu.h"

struct exec_result {
	int status;              /* exit status; 128 + signal if killed */
	bool timed_out;
	double wall_s;           /* exec to exit (includes the go handshake) */
	long long maxrss_bytes;  /* peak RSS of the child (wait4) */
	char *out;               /* captured stdout, NUL-terminated (free) */
	char *err;               /* captured stderr, NUL-terminated (free) */
};

/* pmu may be NULL (no counters). Returns 0 when the child ran (whatever
 * its status), -1 with err when it could not be started. */
int exec_run(char *const argv[], struct pmu_set *pmu, double timeout_s,
	     struct exec_result *r, char *err, size_t errlen);
void exec_result_free(struct exec_result *r);
/* The last non-empty line of s (for failure reasons), into buf. */
void exec_last_line(const char *s, char *buf, size_t len);

#endif
