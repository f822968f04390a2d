/* The memory-overcommit governor's policy: pure decisions, no I/O.
 *
 * Each time step the caller fills a struct gov_obs (pool free memory and,
 * per VM, its priority, opt-ins, balloon, cgroup and pressure figures) and
 * gov_policy_step() returns the actions to take, each with a reason.
 *
 * The ladder, cheapest rung first:
 *   SHARE     mark the VM's memory for KSM (page sharing)
 *   BALLOON   inflate the VM's balloon (the guest gives free pages back)
 *   COMPRESS  tighten the VM's cgroup limit a little: zswap takes the
 *             coldest pages (compressed, in RAM)
 *   SWAP      tighten it down to the VM's floor: what zswap cannot hold
 *             goes to host swap
 *
 * Escalation: while pool free memory is below the low watermark, one rung
 * for one VM per dwell period: the lowest rung any eligible VM has not
 * reached yet, and at that rung the lowest-priority VM (ties: idle first,
 * then larger usage). De-escalation: while free memory is above the high
 * watermark, undo the most recent kind of step in reverse: highest rung
 * first, and at a rung the highest-priority VM first, but only when giving
 * that step's memory back keeps free memory above the low watermark. The
 * band between the watermarks and the dwell time are the hysteresis.
 * Described for users in docs/overcommit.md. */
#ifndef TUNERS_GOVERNOR_POLICY_H
#define TUNERS_GOVERNOR_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GOV_MAX_VMS        16
#define GOV_NAME_MAX       64
#define GOV_REASON_MAX     240
#define GOV_MAX_ACTIONS    (2 * GOV_MAX_VMS + 4)

enum gov_rung {
	GOV_RUNG_NONE = 0,
	GOV_RUNG_SHARE,
	GOV_RUNG_BALLOON,
	GOV_RUNG_COMPRESS,
	GOV_RUNG_SWAP,
	GOV_RUNG_COUNT,
};
const char *gov_rung_name(enum gov_rung r);

/* v1 memory.pressure_level notifications, or derived from PSI */
enum gov_vm_pressure { GOV_PRESS_NONE = 0, GOV_PRESS_LOW, GOV_PRESS_MEDIUM,
		       GOV_PRESS_CRITICAL };

struct gov_vm_obs {
	char name[GOV_NAME_MAX];
	int priority;             /* higher = more important */
	bool opt_ksm, opt_balloon, opt_compress, opt_swap;
	uint64_t mem_min;         /* never limit/balloon the VM below this */
	uint64_t mem_max;         /* the VM's configured memory */

	bool idle;                /* little CPU since the last step */
	bool balloon_ok;          /* the VM has a balloon we can drive */
	uint64_t balloon_actual;  /* bytes currently in the balloon */
	bool guest_free_known;
	uint64_t guest_free;      /* guest's free memory (balloon stats) */

	bool cgroup_ok;           /* we can read and set its cgroup limit */
	uint64_t cg_usage;        /* bytes charged to the VM's cgroup */
	uint64_t cg_limit;        /* current limit (UINT64_MAX: none) */
	enum gov_vm_pressure pressure; /* the VM's own reclaim pressure */
};

struct gov_obs {
	uint64_t now_ms;
	uint64_t pool_total;      /* memory the VMs share (host or pool limit) */
	uint64_t pool_free;       /* of which still free */
	int nr_vms;
	struct gov_vm_obs vm[GOV_MAX_VMS];
};

struct gov_params {
	double low_free_pct;      /* escalate below this much free (% of total) */
	double high_free_pct;     /* de-escalate above this much free */
	uint64_t dwell_ms;        /* minimum time between two actions */
	double compress_pct;      /* COMPRESS: limit = usage * (1 - pct/100) */
	uint64_t guest_reserve;   /* BALLOON: guest free memory left to it */
	double balloon_pct;       /* BALLOON without guest stats: % of max-min */
};
void gov_params_default(struct gov_params *p);
/* 0, or -1 with a reason (watermarks inverted, percentages out of range) */
int gov_params_check(const struct gov_params *p, char *err, size_t errlen);

/* What the governor has done to one VM, so it can undo it in reverse. */
#define GOV_NO_LIMIT UINT64_MAX
struct gov_vm_state {
	unsigned applied;                /* bit r: rung r is in force */
	unsigned blocked;                /* bit r: applying rung r failed */
	uint64_t before[GOV_RUNG_COUNT]; /* limit/balloon before rung r */
	uint64_t reclaim[GOV_RUNG_COUNT]; /* bytes rung r was meant to free */
};

struct gov_state {
	struct gov_vm_state vm[GOV_MAX_VMS];
	bool acted;
	uint64_t last_action_ms;
	bool host_ksm, host_zswap;       /* host-wide switches we turned on */
};
void gov_state_init(struct gov_state *s);

enum gov_action_kind {
	GOV_ACT_HOST_KSM,     /* value 1/0: ksm.run (ksmd scans mergeable VMs) */
	GOV_ACT_HOST_ZSWAP,   /* value 1: zswap.enabled = Y */
	GOV_ACT_VM_KSM,       /* value 1/0: the VM's memory (un)mergeable */
	GOV_ACT_BALLOON,      /* value: balloon target in bytes */
	GOV_ACT_CG_LIMIT,     /* value: cgroup memory limit in bytes */
};
const char *gov_action_name(enum gov_action_kind k);

struct gov_action {
	enum gov_action_kind kind;
	int vm;                /* index into obs->vm, -1 for host actions */
	enum gov_rung rung;
	bool escalate;         /* false: giving memory back */
	uint64_t value;
	char reason[GOV_REASON_MAX];
};

/* Decide this step's actions (at most max). Updates state as if every
 * action succeeds; the caller reports failures with gov_policy_failed(). */
int gov_policy_step(const struct gov_params *p, struct gov_state *s,
		    const struct gov_obs *o, struct gov_action *out, int max);
/* An escalation could not be applied: forget that rung and never try it
 * again for this VM (the caller logs why). */
enum gov_rung gov_vm_rung(const struct gov_vm_state *v);   /* highest applied */
void gov_policy_failed(struct gov_state *s, const struct gov_action *a);

#endif
