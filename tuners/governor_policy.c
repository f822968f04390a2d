/* The governor's ladder policy (see governor_policy.h): which rung, which
 * VM, how much, and when to give memory back. Pure: no I/O, no clock. */
#include "tuners/governor_policy.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MIB                 (1024.0 * 1024.0)
#define DEF_LOW_FREE_PCT    10.0
#define DEF_HIGH_FREE_PCT   25.0
#define DEF_DWELL_MS        2000
#define DEF_COMPRESS_PCT    25.0
#define DEF_GUEST_RESERVE   (16ull << 20)
#define DEF_BALLOON_PCT     25.0

static const char *const rung_names[GOV_RUNG_COUNT] = {
	"none", "share", "balloon", "compress", "swap",
};

static const char *const action_names[] = {
	[GOV_ACT_HOST_KSM] = "host-ksm", [GOV_ACT_HOST_ZSWAP] = "host-zswap",
	[GOV_ACT_VM_KSM] = "vm-ksm", [GOV_ACT_BALLOON] = "balloon",
	[GOV_ACT_CG_LIMIT] = "cgroup-limit",
};

const char *gov_rung_name(enum gov_rung r)
{
	return r < GOV_RUNG_COUNT ? rung_names[r] : "?";
}

const char *gov_action_name(enum gov_action_kind k)
{
	return k <= GOV_ACT_CG_LIMIT ? action_names[k] : "?";
}

void gov_params_default(struct gov_params *p)
{
	p->low_free_pct = DEF_LOW_FREE_PCT;
	p->high_free_pct = DEF_HIGH_FREE_PCT;
	p->dwell_ms = DEF_DWELL_MS;
	p->compress_pct = DEF_COMPRESS_PCT;
	p->guest_reserve = DEF_GUEST_RESERVE;
	p->balloon_pct = DEF_BALLOON_PCT;
}

int gov_params_check(const struct gov_params *p, char *err, size_t errlen)
{
	if (p->low_free_pct <= 0 || p->high_free_pct >= 100 ||
	    p->low_free_pct >= p->high_free_pct) {
		snprintf(err, errlen, "watermarks: need 0 < low_free_pct (%g) < high_free_pct (%g) < 100",
			 p->low_free_pct, p->high_free_pct);
		return -1;
	}
	if (p->compress_pct <= 0 || p->compress_pct >= 100 ||
	    p->balloon_pct <= 0 || p->balloon_pct > 100) {
		snprintf(err, errlen, "compress_pct must be in (0, 100) and balloon_pct in (0, 100]");
		return -1;
	}
	return 0;
}

void gov_state_init(struct gov_state *s)
{
	memset(s, 0, sizeof(*s));
}

enum gov_rung gov_vm_rung(const struct gov_vm_state *v)
{
	for (int r = GOV_RUNG_COUNT - 1; r > GOV_RUNG_NONE; r--)
		if (v->applied & (1u << r))
			return r;
	return GOV_RUNG_NONE;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The limit a VM lives under: its cgroup limit, or its size when unset. */
static uint64_t vm_ceiling(const struct gov_vm_obs *v)
{
	return min_u64(v->cg_limit, v->mem_max);
}

/* What applying rung r to VM v would set (balloon target or cgroup limit)
 * and free; false when the VM cannot take that rung now. */
static bool rung_plan(const struct gov_params *p, const struct gov_vm_state *st,
		      const struct gov_vm_obs *v, enum gov_rung r,
		      uint64_t *value, uint64_t *frees)
{
	uint64_t room, amount, ceil, target;

	if (st->blocked & (1u << r) || st->applied & (1u << r))
		return false;
	switch (r) {
	case GOV_RUNG_SHARE:
		*value = 1;
		*frees = 0;   /* unknown until ksmd has scanned */
		return v->opt_ksm;
	case GOV_RUNG_BALLOON:
		if (!v->opt_balloon || !v->balloon_ok ||
		    v->mem_max <= v->mem_min + v->balloon_actual)
			return false;
		room = v->mem_max - v->mem_min - v->balloon_actual;
		if (v->guest_free_known)
			amount = v->guest_free > p->guest_reserve ?
				 v->guest_free - p->guest_reserve : 0;
		else
			amount = (uint64_t)((double)(v->mem_max - v->mem_min) *
					    p->balloon_pct / 100.0);
		amount = min_u64(amount, room);
		*value = v->balloon_actual + amount;
		*frees = amount;
		return amount > 0;
	case GOV_RUNG_COMPRESS:
	case GOV_RUNG_SWAP:
		if (!v->cgroup_ok || v->pressure >= GOV_PRESS_CRITICAL ||
		    !(r == GOV_RUNG_COMPRESS ? v->opt_compress : v->opt_swap))
			return false;
		ceil = min_u64(vm_ceiling(v), v->cg_usage);
		target = r == GOV_RUNG_SWAP ? v->mem_min :
			 (uint64_t)((double)v->cg_usage * (1.0 - p->compress_pct / 100.0));
		if (target < v->mem_min)
			target = v->mem_min;
		if (target >= ceil)
			return false;
		*value = target;
		*frees = ceil - target;
		return true;
	default:
		return false;
	}
}

/* Is a better squeeze candidate than b at the same rung: lower priority,
 * then idle, then the larger user. */
static bool squeeze_before(const struct gov_vm_obs *a, const struct gov_vm_obs *b)
{
	if (a->priority != b->priority)
		return a->priority < b->priority;
	if (a->idle != b->idle)
		return a->idle;
	return a->cg_usage > b->cg_usage;
}

static void act(struct gov_action *a, enum gov_action_kind kind, int vm,
		enum gov_rung r, bool esc, uint64_t value, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

static void act(struct gov_action *a, enum gov_action_kind kind, int vm,
		enum gov_rung r, bool esc, uint64_t value, const char *fmt, ...)
{
	va_list ap;

	a->kind = kind;
	a->vm = vm;
	a->rung = r;
	a->escalate = esc;
	a->value = value;
	va_start(ap, fmt);
	vsnprintf(a->reason, sizeof(a->reason), fmt, ap);
	va_end(ap);
}

static int escalate(const struct gov_params *p, struct gov_state *s,
		    const struct gov_obs *o, struct gov_action *out, int max,
		    const char *why)
{
	int best = -1, n = 0;
	enum gov_rung rung = GOV_RUNG_NONE;
	uint64_t value = 0, frees = 0;

	for (int r = GOV_RUNG_SHARE; r < GOV_RUNG_COUNT && best < 0; r++) {
		for (int i = 0; i < o->nr_vms; i++) {
			uint64_t v, f;

			if (!rung_plan(p, &s->vm[i], &o->vm[i], r, &v, &f))
				continue;
			if (best < 0 || squeeze_before(&o->vm[i], &o->vm[best])) {
				best = i;
				value = v;
				frees = f;
			}
		}
		rung = r;
	}
	if (best < 0 || max < 2)
		return 0;

	const struct gov_vm_obs *v = &o->vm[best];
	struct gov_vm_state *st = &s->vm[best];

	if (rung == GOV_RUNG_SHARE && !s->host_ksm) {
		act(&out[n++], GOV_ACT_HOST_KSM, -1, rung, true, 1,
		    "%s: start ksmd for the first VM that opted in to page sharing", why);
		s->host_ksm = true;
	}
	if (rung == GOV_RUNG_COMPRESS && !s->host_zswap) {
		act(&out[n++], GOV_ACT_HOST_ZSWAP, -1, rung, true, 1,
		    "%s: enable zswap before the first compression step", why);
		s->host_zswap = true;
	}
	switch (rung) {
	case GOV_RUNG_SHARE:
		act(&out[n++], GOV_ACT_VM_KSM, best, rung, true, 1,
		    "%s: page sharing is the cheapest rung; %s (priority %d) opted in",
		    why, v->name, v->priority);
		st->before[rung] = 0;
		break;
	case GOV_RUNG_BALLOON:
		act(&out[n++], GOV_ACT_BALLOON, best, rung, true, value,
		    "%s: ballooning is the cheapest rung left; %s (priority %d%s) is the lowest-priority candidate; inflate by %.0f MiB (%s)",
		    why, v->name, v->priority, v->idle ? ", idle" : "", frees / MIB,
		    v->guest_free_known ? "guest free memory minus its reserve" :
		    "no guest statistics: a fixed share of its memory");
		st->before[rung] = v->balloon_actual;
		break;
	default:
		act(&out[n++], GOV_ACT_CG_LIMIT, best, rung, true, value,
		    "%s: %s is the cheapest rung left; %s (priority %d%s) is the lowest-priority candidate; limit %.0f -> %.0f MiB (usage %.0f MiB)",
		    why, gov_rung_name(rung), v->name, v->priority,
		    v->idle ? ", idle" : "", vm_ceiling(v) / MIB, value / MIB,
		    v->cg_usage / MIB);
		st->before[rung] = v->cg_limit;
		break;
	}
	st->applied |= 1u << rung;
	st->reclaim[rung] = frees;
	return n;
}

static bool any_vm_ksm(const struct gov_state *s, int nr)
{
	for (int i = 0; i < nr; i++)
		if (s->vm[i].applied & (1u << GOV_RUNG_SHARE))
			return true;
	return false;
}

static int deescalate(const struct gov_params *p, struct gov_state *s,
		      const struct gov_obs *o, struct gov_action *out, int max,
		      const char *why, double low_bytes)
{
	int best = -1, n = 0;
	enum gov_rung rung = GOV_RUNG_NONE;

	(void)p;
	for (int i = 0; i < o->nr_vms; i++) {
		enum gov_rung r = gov_vm_rung(&s->vm[i]);

		if (r == GOV_RUNG_NONE)
			continue;
		if (best < 0 || r > rung ||
		    (r == rung && o->vm[i].priority > o->vm[best].priority)) {
			best = i;
			rung = r;
		}
	}
	if (best < 0 || max < 2)
		return 0;

	const struct gov_vm_obs *v = &o->vm[best];
	struct gov_vm_state *st = &s->vm[best];
	uint64_t back = st->reclaim[rung];

	/* giving this step back must not take us under the low watermark,
	 * or the next step would take it again */
	if ((double)o->pool_free - (double)back < low_bytes)
		return 0;
	switch (rung) {
	case GOV_RUNG_SHARE:
		act(&out[n++], GOV_ACT_VM_KSM, best, rung, false, 0,
		    "%s: stop page sharing for %s (priority %d), the last rung left",
		    why, v->name, v->priority);
		break;
	case GOV_RUNG_BALLOON:
		act(&out[n++], GOV_ACT_BALLOON, best, rung, false, st->before[rung],
		    "%s: deflate %s (priority %d) by %.0f MiB; free memory stays above the low watermark",
		    why, v->name, v->priority, back / MIB);
		break;
	default:
		act(&out[n++], GOV_ACT_CG_LIMIT, best, rung, false, st->before[rung],
		    "%s: undo %s for %s (priority %d): limit back to %s; up to %.0f MiB returned",
		    why, gov_rung_name(rung), v->name, v->priority,
		    st->before[rung] == GOV_NO_LIMIT ? "none" : "its previous value",
		    back / MIB);
		break;
	}
	st->applied &= ~(1u << rung);
	st->reclaim[rung] = 0;
	if (rung == GOV_RUNG_SHARE && s->host_ksm && !any_vm_ksm(s, o->nr_vms)) {
		act(&out[n++], GOV_ACT_HOST_KSM, -1, rung, false, 0,
		    "%s: no VM shares pages any more: stop ksmd", why);
		s->host_ksm = false;
	}
	return n;
}

int gov_policy_step(const struct gov_params *p, struct gov_state *s,
		    const struct gov_obs *o, struct gov_action *out, int max)
{
	double total = (double)o->pool_total, free_b = (double)o->pool_free;
	double low = total * p->low_free_pct / 100.0;
	double high = total * p->high_free_pct / 100.0;
	char why[96];
	int n = 0;

	if (o->pool_total == 0 || o->nr_vms > GOV_MAX_VMS)
		return 0;
	if (s->acted && o->now_ms - s->last_action_ms < p->dwell_ms)
		return 0;
	if (free_b < low) {
		snprintf(why, sizeof(why), "pool free %.0f MiB (%.1f%%) < low watermark %.0f%%",
			 free_b / MIB, 100.0 * free_b / total, p->low_free_pct);
		n = escalate(p, s, o, out, max, why);
	} else if (free_b > high) {
		snprintf(why, sizeof(why), "pool free %.0f MiB (%.1f%%) > high watermark %.0f%%",
			 free_b / MIB, 100.0 * free_b / total, p->high_free_pct);
		n = deescalate(p, s, o, out, max, why, low);
	}
	if (n > 0) {
		s->acted = true;
		s->last_action_ms = o->now_ms;
	}
	return n;
}

void gov_policy_failed(struct gov_state *s, const struct gov_action *a)
{
	struct gov_vm_state *st;

	if (a->vm < 0 || a->vm >= GOV_MAX_VMS) {
		/* host switches are not retried: host_ksm/host_zswap stay
		 * set, and the caller has logged why the switch failed */
		return;
	}
	st = &s->vm[a->vm];
	if (a->escalate) {
		st->applied &= ~(1u << a->rung);
		st->blocked |= 1u << a->rung;
		st->reclaim[a->rung] = 0;
	}
}
