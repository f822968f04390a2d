/* Where things are (hv, workload builds, guest image, manifest) and how a
 * (workload, configuration) pair becomes a command line. Also decides
 * whether this host can run a configuration at all. */
#ifndef BENCH_LAUNCH_H
#define BENCH_LAUNCH_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "bench/manifest.h"
#include "bench/scenario.h"

struct launch_paths {
	char hv[PATH_MAX];         /* build/bin/hv        (HVPERF_HV) */
	char workloads[PATH_MAX];  /* build/workloads     (HVPERF_WORKLOADS) */
	char guest[PATH_MAX];      /* build/guest         (HVPERF_GUEST_DIR) */
	char manifest[PATH_MAX];   /* workloads/manifest.json (HVPERF_MANIFEST) */
	char qemu[PATH_MAX];       /* qemu-system-x86_64  (HVPERF_QEMU) */
};

/* What hv says about the host's KVM (`hv info --json`). */
struct launch_host {
	char flavour[16];          /* pvm | vmx | svm | unknown */
	bool kvm;                  /* /dev/kvm usable */
	char reason[256];          /* why not, when !kvm */
};

/* Paths relative to the running hvperf binary, env overrides first. */
void launch_paths_init(struct launch_paths *p);
void launch_host_probe(const struct launch_paths *p, struct launch_host *h);

/* NULL when the pair can run here, else the reason (static or in buf). */
const char *launch_unavailable(const struct launch_paths *p,
			       const struct launch_host *h,
			       const struct manifest_entry *w,
			       const struct scenario_config *c,
			       char *buf, size_t len);

struct launch_cmd {
	char *argv[160];
	int argc;
	char stats_path[PATH_MAX]; /* hv --stats-json file, "" if none */
};

/* Build the command. args: the workload's arguments (array of strings).
 * tmpdir holds hv's stats file. Free with launch_cmd_free. */
int launch_build(const struct launch_paths *p, const struct manifest_entry *w,
		 json_t *args, const struct scenario_config *c,
		 const char *tmpdir, struct launch_cmd *cmd, char *err,
		 size_t errlen);
void launch_cmd_free(struct launch_cmd *cmd);

#endif
