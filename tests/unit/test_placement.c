/* --pin parsing and the --pin auto computation on synthetic topologies. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "hv/placement.h"

struct result {
	int vcpu[HV_MAX_VCPUS];
	int io;
	int rc;
};

static struct result compute(const char *synthetic, const char *allowed_list,
			     int nr_vcpus)
{
	struct result r = {.io = -2};
	hwloc_topology_t topo;
	hwloc_bitmap_t allowed = NULL;

	assert_int_equal(hwloc_topology_init(&topo), 0);
	assert_int_equal(hwloc_topology_set_synthetic(topo, synthetic), 0);
	assert_int_equal(hwloc_topology_load(topo), 0);
	if (allowed_list) {
		allowed = hwloc_bitmap_alloc();
		hwloc_bitmap_list_sscanf(allowed, allowed_list);
	}
	r.rc = placement_compute_auto(topo, allowed, nr_vcpus, r.vcpu, &r.io);
	hwloc_bitmap_free(allowed);
	hwloc_topology_destroy(topo);
	return r;
}

static void expect(struct result r, const int *vcpus, int n, int io)
{
	assert_int_equal(r.rc, 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(r.vcpu[i], vcpus[i]);
	assert_int_equal(r.io, io);
}

/* 2 NUMA nodes x 4 cores x 2 PUs: PU os numbers 0..15, core k = PUs 2k, 2k+1 */
#define TWO_NODES "pack:2 [numa] core:4 pu:2"

static void test_auto_fits_one_node_with_io_core(void **state)
{
	(void)state;
	/* 3 vCPUs + io fit node 0's four cores: no siblings used */
	expect(compute(TWO_NODES, NULL, 3), (int[]){0, 2, 4}, 3, 6);
}

static void test_auto_fills_node_then_io_on_sibling(void **state)
{
	(void)state;
	/* 4 vCPUs take node 0's cores; io stays on node 0, on a sibling */
	expect(compute(TWO_NODES, NULL, 4), (int[]){0, 2, 4, 6}, 4, 1);
}

static void test_auto_spans_nodes_before_siblings(void **state)
{
	(void)state;
	/* 6 vCPUs do not fit a node: one per core across both nodes */
	expect(compute(TWO_NODES, NULL, 6), (int[]){0, 2, 4, 6, 8, 10}, 6, 12);
}

static void test_auto_siblings_when_cores_run_out(void **state)
{
	(void)state;
	expect(compute(TWO_NODES, NULL, 10),
	       (int[]){0, 2, 4, 6, 8, 10, 12, 14, 1, 3}, 10, 5);
}

static void test_auto_respects_allowed_set(void **state)
{
	(void)state;
	/* only node 1 is allowed (PUs 8-15) */
	expect(compute(TWO_NODES, "8-15", 2), (int[]){8, 10}, 2, 12);
	/* one core allowed: siblings, io shares with the last vCPU */
	expect(compute("core:2 pu:2", "0-1", 2), (int[]){0, 1}, 2, 1);
	assert_int_equal(compute("core:2 pu:2", "7", 1).rc, -1);
}

static void test_auto_small_host(void **state)
{
	(void)state;
	/* this machine's shape: 2 cores, no SMT */
	expect(compute("core:2 pu:1", NULL, 1), (int[]){0}, 1, 1);
	expect(compute("core:2 pu:1", NULL, 2), (int[]){0, 1}, 2, 1);
	/* oversubscribed: wrap around, io with the last vCPU */
	expect(compute("core:2 pu:1", NULL, 3), (int[]){0, 1, 0}, 3, 0);
}

static int first_allowed_cpu(void)
{
	cpu_set_t set;

	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			return i;
	return -1;
}

static void test_parse_ok(void **state)
{
	struct pin_config pin;
	char spec[64], err[256];
	int cpu = first_allowed_cpu();

	(void)state;
	assert_int_equal(placement_parse("auto", &pin, err, sizeof(err)), 0);
	assert_true(pin.automatic);
	assert_int_equal(pin.vcpu_cpu[0], -1);
	snprintf(spec, sizeof(spec), "vcpu0=%d,vcpu3=%d,io=%d", cpu, cpu, cpu);
	assert_int_equal(placement_parse(spec, &pin, err, sizeof(err)), 0);
	assert_false(pin.automatic);
	assert_int_equal(pin.vcpu_cpu[0], cpu);
	assert_int_equal(pin.vcpu_cpu[1], -1);
	assert_int_equal(pin.vcpu_cpu[3], cpu);
	assert_int_equal(pin.io_cpu, cpu);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "vcpu0", "vcpu0=", "vcpu0=abc", "vcpu0=-1", "vcpu0=99999",
		"vcpu0=4096", "cpu0=0", "vcpu64=0", "vcpux=0", "vcpu0=0,vcpu0=0",
		"io=0,io=0", "vcpu0=0x1", "auto,vcpu0=0",
	};
	struct pin_config pin;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		assert_int_equal(placement_parse(bad[i], &pin, err, sizeof(err)), -1);
		assert_true(strlen(err) > 0 && !strchr(err, '\n'));
	}
	assert_int_equal(placement_parse(NULL, &pin, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_fits_one_node_with_io_core),
		cmocka_unit_test(test_auto_fills_node_then_io_on_sibling),
		cmocka_unit_test(test_auto_spans_nodes_before_siblings),
		cmocka_unit_test(test_auto_siblings_when_cores_run_out),
		cmocka_unit_test(test_auto_respects_allowed_set),
		cmocka_unit_test(test_auto_small_host),
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
