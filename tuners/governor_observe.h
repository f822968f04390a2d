/* The governor's eyes: per-VM cgroup files (usage, limit, pressure, OOM
 * kills), the VM's CPU use (idle or not), hv's balloon statistics, and the
 * pool's free memory. Fills struct gov_obs for the policy. */
#ifndef TUNERS_GOVERNOR_OBSERVE_H
#define TUNERS_GOVERNOR_OBSERVE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "tuners/governor_config.h"
#include "tuners/governor_policy.h"

#define GOV_PRESS_LEVELS 3   /* v1 pressure_level: low, medium, critical */

struct gov_probe {
	char cg_dir[PATH_MAX];    /* "" until found */
	int cg_version;           /* 1 or 2 */
	int press_fd[GOV_PRESS_LEVELS]; /* v1 eventfds, -1 = none */
	uint64_t cpu_ticks;       /* utime+stime of the cgroup's processes */
	uint64_t cpu_ms;          /* when cpu_ticks was read */
	bool cpu_valid;
	uint64_t oom_kills;       /* as of the last read */
	char balloon_err[160];    /* why balloon stats are unknown */
};

void gov_probe_init(struct gov_probe *p);
void gov_probe_close(struct gov_probe *p);

/* Find the VM's cgroup directory (explicit path, v2 <root>/hvperf/NAME, or
 * v1 .../hvperf-NAME below the memory hierarchy). 0 when found. */
int gov_cgroup_find(const struct gov_vm_config *vc, struct gov_probe *p);
/* First number in dir/file; -1 when absent; "max" gives UINT64_MAX as -2. */
long long gov_cg_read(const char *dir, const char *file);
int gov_cg_write(const char *dir, const char *file, const char *value);
/* "oom_kill N" from memory.oom_control (v1) or memory.events (v2) */
long long gov_cg_oom_kills(const struct gov_probe *p);

/* One VM's observation (cgroup, pressure, idle, balloon). */
void gov_observe_vm(const struct gov_config *c, int i, struct gov_probe *p,
		    uint64_t now_ms, struct gov_vm_obs *out);
/* Pool total and free from the config's pool kind; -1 with a reason. */
int gov_observe_pool(const struct gov_config *c, const struct gov_obs *o,
		     uint64_t *total, uint64_t *free_b, char *err, size_t errlen);

#endif
