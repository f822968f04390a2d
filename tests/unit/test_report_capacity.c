/* reports/capacity.c: VMs per host at each overcommit ratio. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "reports/capacity.h"

#define GiB (1024.0 * 1024 * 1024)
#define MiB (1024.0 * 1024)

static struct capacity_in host(void)
{
	return (struct capacity_in){
		.host_mem = 64 * GiB, .host_reserve = 4 * GiB, .host_cpus = 32,
		.cpu_ratio = 1, .vm_mem = 4 * GiB, .vm_cpus = 2,
		.hv_overhead = 64 * MiB, .ksm_fraction = 0.25,
	};
}

static void test_no_overcommit(void **state)
{
	struct capacity_in in = host();
	struct capacity_row r;

	(void)state;
	assert_int_equal(capacity_row(&in, 1.0, 0, &r), 0);
	/* 60 GiB / (4 GiB + 64 MiB) = 14.77 -> 14; CPUs: 32 / 2 = 16 */
	assert_float_equal(r.per_vm, 4 * GiB + 64 * MiB, 1);
	assert_int_equal(r.by_mem, 14);
	assert_int_equal(r.by_cpu, 16);
	assert_int_equal(r.vms, 14);
}

static void test_overcommit_and_ksm(void **state)
{
	struct capacity_in in = host();
	struct capacity_row r;

	(void)state;
	/* 2.0: 2 GiB + 64 MiB per VM -> 60 / 2.0625 = 29.09 -> 29; CPU-bound 16 */
	assert_int_equal(capacity_row(&in, 2.0, 0, &r), 0);
	assert_int_equal(r.by_mem, 29);
	assert_int_equal(r.vms, 16);
	/* 1.5 with KSM 25%: 4 * 0.75 / 1.5 = 2 GiB + 64 MiB -> 29 */
	assert_int_equal(capacity_row(&in, 1.5, 1, &r), 0);
	assert_int_equal(r.by_mem, 29);
	/* vCPU overcommit 4:1 lifts the CPU bound to 64 */
	in.cpu_ratio = 4;
	assert_int_equal(capacity_row(&in, 2.0, 0, &r), 0);
	assert_int_equal(r.by_cpu, 64);
	assert_int_equal(r.vms, 29);
}

static void test_unmeasured_inputs(void **state)
{
	struct capacity_in in = host();
	struct capacity_row r;

	(void)state;
	in.hv_overhead = NAN;
	in.ksm_fraction = NAN;
	/* absent overhead counts as 0, absent KSM as no saving: 60 / 4 = 15 */
	assert_int_equal(capacity_row(&in, 1.0, 1, &r), 0);
	assert_int_equal(r.by_mem, 15);
	/* the reserve larger than the host: nothing fits */
	in.host_reserve = 80 * GiB;
	assert_int_equal(capacity_row(&in, 1.0, 0, &r), 0);
	assert_int_equal(r.by_mem, 0);
	assert_int_equal(r.vms, 0);
}

static void test_bad_input(void **state)
{
	struct capacity_in in = host();
	struct capacity_row r;

	(void)state;
	assert_int_equal(capacity_row(&in, 0.5, 0, &r), -1);
	in.vm_mem = 0;
	assert_int_equal(capacity_row(&in, 1.0, 0, &r), -1);
	in = host();
	in.host_cpus = -1;
	assert_int_equal(capacity_row(&in, 1.0, 0, &r), -1);
	in = host();
	in.ksm_fraction = 1.0;
	assert_int_equal(capacity_row(&in, 1.0, 1, &r), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_overcommit),
		cmocka_unit_test(test_overcommit_and_ksm),
		cmocka_unit_test(test_unmeasured_inputs),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
