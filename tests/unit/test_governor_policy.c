/* The governor's policy on synthetic pressure traces: ladder order,
 * priorities within a rung, hysteresis (no flapping around a watermark),
 * dwell time, de-escalation in reverse, and the guards (floors, critical
 * pressure, failed actions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "tuners/governor_policy.h"

#define MiB          (1ull << 20)
#define POOL         (1000 * MiB)
#define DWELL        2000
#define STEP_MS      500

/* Three VMs: "low" (priority 1, every opt-in, idle), "mid" (priority 5,
 * no swap), "high" (priority 10, page sharing only). */
static void world_init(struct gov_obs *o)
{
	static const struct { const char *name; int prio; bool b, c, s, idle; } vms[] = {
		{ "high", 10, false, false, false, false },
		{ "low", 1, true, true, true, true },
		{ "mid", 5, true, true, false, false },
	};

	memset(o, 0, sizeof(*o));
	o->pool_total = POOL;
	o->nr_vms = 3;
	for (int i = 0; i < 3; i++) {
		struct gov_vm_obs *v = &o->vm[i];

		snprintf(v->name, sizeof(v->name), "%s", vms[i].name);
		v->priority = vms[i].prio;
		v->opt_ksm = true;
		v->opt_balloon = vms[i].b;
		v->opt_compress = vms[i].c;
		v->opt_swap = vms[i].s;
		v->idle = vms[i].idle;
		v->mem_min = 64 * MiB;
		v->mem_max = 400 * MiB;
		v->balloon_ok = true;
		v->guest_free_known = true;
		v->guest_free = 100 * MiB;
		v->cgroup_ok = true;
		v->cg_usage = 330 * MiB;
		v->cg_limit = 400 * MiB;
	}
}

/* Feed back what the actions would do to the world. */
static void world_apply(struct gov_obs *o, const struct gov_action *a, int n)
{
	for (int i = 0; i < n; i++) {
		struct gov_vm_obs *v = a[i].vm >= 0 ? &o->vm[a[i].vm] : NULL;

		if (a[i].kind == GOV_ACT_BALLOON) {
			uint64_t old = v->balloon_actual;

			v->balloon_actual = a[i].value;
			v->cg_usage = v->cg_usage + old - a[i].value;
			v->guest_free = v->guest_free + old - a[i].value;
		} else if (a[i].kind == GOV_ACT_CG_LIMIT) {
			v->cg_limit = a[i].value;
			if (v->cg_usage > v->cg_limit)
				v->cg_usage = v->cg_limit;
		}
	}
}

static void params(struct gov_params *p)
{
	gov_params_default(p);
	p->low_free_pct = 10;
	p->high_free_pct = 25;
	p->dwell_ms = DWELL;
}

static int step(struct gov_params *p, struct gov_state *s, struct gov_obs *o,
		uint64_t free_mib, struct gov_action *a)
{
	int n;

	o->pool_free = free_mib * MiB;
	n = gov_policy_step(p, s, o, a, GOV_MAX_ACTIONS);
	world_apply(o, a, n);
	o->now_ms += STEP_MS;
	return n;
}

/* The VM-level action of a step (host switches come first). */
static const struct gov_action *vm_action(const struct gov_action *a, int n)
{
	for (int i = 0; i < n; i++)
		if (a[i].vm >= 0)
			return &a[i];
	return NULL;
}

static void test_escalation_ladder_and_priority(void **state)
{
	static const struct { const char *vm; enum gov_rung rung; } want[] = {
		{ "low", GOV_RUNG_SHARE }, { "mid", GOV_RUNG_SHARE }, { "high", GOV_RUNG_SHARE },
		{ "low", GOV_RUNG_BALLOON }, { "mid", GOV_RUNG_BALLOON },
		{ "low", GOV_RUNG_COMPRESS }, { "mid", GOV_RUNG_COMPRESS },
		{ "low", GOV_RUNG_SWAP },
	};
	struct gov_action a[GOV_MAX_ACTIONS];
	struct gov_params p;
	struct gov_state s;
	struct gov_obs o;
	size_t got = 0;
	bool saw_ksm = false, saw_zswap = false;

	(void)state;
	params(&p);
	gov_state_init(&s);
	world_init(&o);
	/* 5% free for a long time: the whole ladder, one step per dwell */
	for (int t = 0; t < 60; t++) {
		int n = step(&p, &s, &o, 50, a);
		const struct gov_action *v = vm_action(a, n);

		for (int i = 0; i < n; i++) {
			if (a[i].kind == GOV_ACT_HOST_KSM) {
				assert_false(saw_ksm);
				assert_int_equal(got, 0);   /* before the first share */
				saw_ksm = true;
			}
			if (a[i].kind == GOV_ACT_HOST_ZSWAP) {
				assert_false(saw_zswap);
				assert_int_equal(want[got].rung, GOV_RUNG_COMPRESS);
				saw_zswap = true;
			}
			assert_true(strlen(a[i].reason) > 20);
		}
		if (!v)
			continue;
		assert_true(got < sizeof(want) / sizeof(want[0]));
		assert_string_equal(o.vm[v->vm].name, want[got].vm);
		assert_int_equal(v->rung, want[got].rung);
		assert_true(v->escalate);
		got++;
	}
	assert_int_equal(got, sizeof(want) / sizeof(want[0]));
	assert_true(saw_ksm && saw_zswap);
	/* floors: the swap rung leaves "low" exactly at its minimum */
	assert_int_equal(o.vm[1].cg_limit, 64 * MiB);
	/* "high" was never squeezed beyond sharing */
	assert_int_equal(o.vm[0].cg_limit, 400 * MiB);
	assert_int_equal(o.vm[0].balloon_actual, 0);
}

static void test_balloon_amount(void **state)
{
	struct gov_action a[GOV_MAX_ACTIONS];
	struct gov_params p;
	struct gov_state s;
	struct gov_obs o;
	const struct gov_action *v;

	(void)state;
	params(&p);
	p.guest_reserve = 16 * MiB;
	gov_state_init(&s);
	world_init(&o);
	for (int i = 0; i < 3; i++)
		o.vm[i].opt_ksm = false;
	v = vm_action(a, step(&p, &s, &o, 50, a));
	assert_non_null(v);
	assert_int_equal(v->kind, GOV_ACT_BALLOON);
	assert_int_equal(v->value, (100 - 16) * MiB);   /* guest free - reserve */

	/* never below the VM's floor: 84 MiB free, but only 400 - 350 */
	gov_state_init(&s);
	world_init(&o);
	for (int i = 0; i < 3; i++)
		o.vm[i].opt_ksm = false;
	o.vm[1].mem_min = 350 * MiB;
	v = vm_action(a, step(&p, &s, &o, 50, a));
	assert_int_equal(v->value, 50 * MiB);

	/* without guest statistics: a share of max - min */
	gov_state_init(&s);
	world_init(&o);
	for (int i = 0; i < 3; i++) {
		o.vm[i].opt_ksm = false;
		o.vm[i].guest_free_known = false;
	}
	p.balloon_pct = 50;
	v = vm_action(a, step(&p, &s, &o, 50, a));
	assert_int_equal(v->value, 168 * MiB);   /* (400 - 64) / 2 */
}

/* Same priority: the idle VM is ballooned first, whatever its order. */
static void test_idle_first_at_same_priority(void **state)
{
	struct gov_action a[GOV_MAX_ACTIONS];
	struct gov_params p;
	struct gov_state s;
	struct gov_obs o;
	const struct gov_action *v;

	(void)state;
	params(&p);
	for (int idle = 0; idle < 2; idle++) {
		gov_state_init(&s);
		world_init(&o);
		for (int i = 0; i < 3; i++) {
			o.vm[i].opt_ksm = false;
			o.vm[i].opt_balloon = true;
			o.vm[i].priority = 3;
			o.vm[i].idle = i == idle;
		}
		v = vm_action(a, step(&p, &s, &o, 50, a));
		assert_int_equal(v->kind, GOV_ACT_BALLOON);
		assert_int_equal(v->vm, idle);
		assert_non_null(strstr(v->reason, "idle"));
	}
}

/* Free memory oscillating around the low watermark (9.5% / 10.5%), with
 * the actions' effect ignored: escalation steps at most once per dwell,
 * and nothing is ever given back. */
static void test_hysteresis_low_watermark(void **state)
{
	struct gov_action a[GOV_MAX_ACTIONS];
	struct gov_params p;
	struct gov_state s;
	struct gov_obs o;
	uint64_t last = 0;
	int esc = 0;

	(void)state;
	params(&p);
	gov_state_init(&s);
	world_init(&o);
	for (int t = 0; t < 40; t++) {
		o.pool_free = (t % 2 ? 95 : 105) * MiB;
		int n = gov_policy_step(&p, &s, &o, a, GOV_MAX_ACTIONS);

		for (int i = 0; i < n; i++)
			assert_true(a[i].escalate);
		if (vm_action(a, n)) {
			if (esc)
				assert_true(o.now_ms - last >= DWELL);
			last = o.now_ms;
			esc++;
		}
		o.now_ms += STEP_MS;
	}
	assert_true(esc > 0);
}

/* Around the high watermark after a full escalation: only de-escalation,
 * never a step back up. Inside the band: nothing at all. */
static void test_hysteresis_high_watermark_and_band(void **state)
{
	struct gov_action a[GOV_MAX_ACTIONS];
	struct gov_params p;
	struct gov_state s;
	struct gov_obs o;
	int n;

	(void)state;
	params(&p);
	gov_state_init(&s);
	world_init(&o);
	for (int t = 0; t < 60; t++)
		step(&p, &s, &o, 50, a);
	for (int t = 0; t < 40; t++) {
		n = step(&p, &s, &o, t % 2 ? 240 : 600, a);
		for (int i = 0; i < n; i++)
			assert_false(a[i].escalate);
	}
	/* inside the band, escalated or not, nothing moves */
	gov_state_init(&s);
	world_init(&o);
	for (int t = 0; t < 40; t++)
		assert_int_equal(step(&p, &s, &o, 110 + 13 * (t % 11), a), 0);
	for (int t = 0; t < 60; t++)
		step(&p, &s, &o, 50, a);
	assert_int_equal(gov_vm_rung(&s.vm[1]), GOV_RUNG_SWAP);
	for (int t = 0; t < 40; t++)
		assert_int_equal(step(&p, &s, &o, 110 + 13 * (t % 11), a), 0);
}

/* A closed loop: pool free memory is a base load plus what the steps in
 * force reclaim. One big step (the swap rung frees 266 MiB) lifts free
 * memory from 5% to 31.6%, above the high watermark; giving it back would
 * drop it to 5% again. A controller without the give-back guard flaps
 * (undo, redo, undo, ...); this one must stay put. */
static void test_no_flapping_closed_loop(void **state)
{
	struct gov_action a[GOV_MAX_ACTIONS];
	struct gov_params p;
	struct gov_state s;
	struct gov_obs o;
	int esc = 0, deesc = 0;

	(void)state;
	params(&p);
	gov_state_init(&s);
	world_init(&o);
	o.nr_vms = 1;
	o.vm[0] = o.vm[1];
	o.vm[0].opt_ksm = o.vm[0].opt_balloon = o.vm[0].opt_compress = false;
	for (int t = 0; t < 200; t++) {
		uint64_t reclaimed = 0;

		for (int r = 0; r < GOV_RUNG_COUNT; r++)
			reclaimed += s.vm[0].reclaim[r];
		o.pool_free = 50 * MiB + reclaimed;
		int n = gov_policy_step(&p, &s, &o, a, GOV_MAX_ACTIONS);

		for (int i = 0; i < n; i++)
			a[i].escalate ? esc++ : deesc++;
		o.now_ms += STEP_MS;
	}
	assert_int_equal(esc, 1);
	assert_int_equal(deesc, 0);
	assert_int_equal(s.vm[0].reclaim[GOV_RUNG_SWAP], 266 * MiB);
}

static void test_deescalation_reverse_order(void **state)
{
	struct gov_action a[GOV_MAX_ACTIONS];
	struct gov_params p;
	struct gov_state s;
	struct gov_obs o;
	enum gov_rung prev = GOV_RUNG_COUNT;
	int prev_prio = 1000, undone = 0;
	bool ksm_off = false;

	(void)state;
	params(&p);
	gov_state_init(&s);
	world_init(&o);
	for (int t = 0; t < 60; t++)
		step(&p, &s, &o, 50, a);
	for (int t = 0; t < 80; t++) {
		int n = step(&p, &s, &o, 900, a);

		for (int i = 0; i < n; i++) {
			if (a[i].kind == GOV_ACT_HOST_KSM) {
				assert_int_equal(a[i].value, 0);
				ksm_off = true;
				continue;
			}
			assert_false(a[i].escalate);
			assert_true(a[i].rung <= prev);
			if (a[i].rung == prev)
				assert_true(o.vm[a[i].vm].priority <= prev_prio);
			prev = a[i].rung;
			prev_prio = o.vm[a[i].vm].priority;
			undone++;
		}
	}
	assert_int_equal(undone, 8);
	assert_true(ksm_off);
	assert_int_equal(o.vm[1].cg_limit, 400 * MiB);   /* back where it was */
	assert_int_equal(o.vm[1].balloon_actual, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(gov_vm_rung(&s.vm[i]), GOV_RUNG_NONE);
}

static void test_dwell(void **state)
{
	struct gov_action a[GOV_MAX_ACTIONS];
	struct gov_params p;
	struct gov_state s;
	struct gov_obs o;

	(void)state;
	params(&p);
	gov_state_init(&s);
	world_init(&o);
	o.pool_free = 10 * MiB;
	assert_true(gov_policy_step(&p, &s, &o, a, GOV_MAX_ACTIONS) > 0);
	o.now_ms += DWELL - 1;
	assert_int_equal(gov_policy_step(&p, &s, &o, a, GOV_MAX_ACTIONS), 0);
	o.now_ms += 1;
	assert_true(gov_policy_step(&p, &s, &o, a, GOV_MAX_ACTIONS) > 0);
}

static void test_guards(void **state)
{
	struct gov_action a[GOV_MAX_ACTIONS];
	struct gov_params p;
	struct gov_state s;
	struct gov_obs o;
	const struct gov_action *v;
	int n;

	(void)state;
	params(&p);
	gov_state_init(&s);
	world_init(&o);
	for (int i = 0; i < 3; i++) {
		o.vm[i].opt_ksm = false;
		o.vm[i].opt_balloon = false;
	}
	/* "low" thrashes: its own pressure is critical, so "mid" goes first */
	o.vm[1].pressure = GOV_PRESS_CRITICAL;
	v = vm_action(a, step(&p, &s, &o, 50, a));
	assert_string_equal(o.vm[v->vm].name, "mid");
	assert_int_equal(v->rung, GOV_RUNG_COMPRESS);
	assert_int_equal(v->value, (uint64_t)(330 * MiB * 0.75));

	/* a failed action blocks that rung for that VM */
	gov_policy_failed(&s, v);
	assert_int_equal(gov_vm_rung(&s.vm[2]), GOV_RUNG_NONE);
	o.now_ms += DWELL;
	o.vm[1].pressure = GOV_PRESS_NONE;
	v = vm_action(a, step(&p, &s, &o, 50, a));
	assert_string_equal(o.vm[v->vm].name, "low");
	o.now_ms += DWELL;
	n = step(&p, &s, &o, 50, a);     /* low: swap; mid stays blocked */
	v = vm_action(a, n);
	assert_string_equal(o.vm[v->vm].name, "low");
	assert_int_equal(v->rung, GOV_RUNG_SWAP);
	o.now_ms += DWELL;
	assert_int_equal(step(&p, &s, &o, 50, a), 0);   /* ladder exhausted */
}

static void test_params_check(void **state)
{
	struct gov_params p;
	char err[256];

	(void)state;
	gov_params_default(&p);
	assert_int_equal(gov_params_check(&p, err, sizeof(err)), 0);
	p.low_free_pct = 30;
	assert_int_equal(gov_params_check(&p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "watermarks"));
	gov_params_default(&p);
	p.compress_pct = 100;
	assert_int_equal(gov_params_check(&p, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escalation_ladder_and_priority),
		cmocka_unit_test(test_balloon_amount),
		cmocka_unit_test(test_idle_first_at_same_priority),
		cmocka_unit_test(test_hysteresis_low_watermark),
		cmocka_unit_test(test_hysteresis_high_watermark_and_band),
		cmocka_unit_test(test_no_flapping_closed_loop),
		cmocka_unit_test(test_deescalation_reverse_order),
		cmocka_unit_test(test_dwell),
		cmocka_unit_test(test_guards),
		cmocka_unit_test(test_params_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
