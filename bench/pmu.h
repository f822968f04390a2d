/* Performance counters: event names resolved to perf_event_attr by libpfm4
 * (pfm_get_os_event_encoding, PFM_OS_PERF_EVENT_EXT), counted with
 * perf_event_open on a child process from its exec (enable_on_exec) and
 * inherited by its threads (inherit=1: hv's vCPU threads, a workload's
 * helpers). An event the host cannot count is recorded as null with the
 * reason, never as 0. */
#ifndef BENCH_PMU_H
#define BENCH_PMU_H

#include <jansson.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PMU_MAX_EVENTS 24

struct pmu_event {
	char name[64];              /* as recorded in results.json */
	struct perf_event_attr attr;
	bool hardware;              /* needs the CPU's PMU */
	bool probe_failed;          /* unavailable on this host at all */
	char reason[160];           /* non-empty: unavailable, and why */
	int fd;
};

struct pmu_set {
	struct pmu_event ev[PMU_MAX_EVENTS];
	size_t n;
};

/* cycles, instructions, cache-misses, dTLB-load-misses, task-clock,
 * page-faults, context-switches */
extern const char *const pmu_default_events[];
extern const size_t pmu_nr_default_events;

/* Resolve one event (libpfm4 syntax, e.g. "cycles", "dTLB-load-misses",
 * "cycles:u"). 0, or -1 with the reason. */
int pmu_resolve(const char *event, struct perf_event_attr *attr, char *reason,
		size_t len);

/* Build a set from names. guest_split (VM runs) counts guest and host mode
 * and adds "<event>:guest" for hardware events (exclude_host=1). Each event is
 * probed on the calling process, so unavailable ones carry a reason. */
void pmu_set_init(struct pmu_set *s, const char *const *names, size_t n,
		  bool guest_split);
/* Open every available event on pid (not yet exec'd: counting starts at
 * its exec). An event that fails here gets a reason; never fatal. */
void pmu_set_open(struct pmu_set *s, pid_t pid);
/* Read (scaled for multiplexing) into counters/unavailable and close. */
void pmu_set_read(struct pmu_set *s, json_t *counters, json_t *unavailable);
void pmu_set_close(struct pmu_set *s);
/* {"available": bool, "reason": ..., "events": {name: bool}} for run.host. */
json_t *pmu_set_availability(const struct pmu_set *s);

/* The meaning of perf_event_open's errno for this event. */
void pmu_errno_reason(int err, bool hardware, char *buf, size_t len);

#endif
