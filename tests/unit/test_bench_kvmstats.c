/* KVM exit counts from hv's stats JSON: by name, summed over vCPUs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "bench/kvmstats.h"

static void test_extract(void **state)
{
	json_t *st = json_loads(
		"{\"hv\": {\"kvm_flavour\": \"pvm\"},"
		" \"kvm\": {\"available\": true, \"vm\": {\"pages_4k\": 10},"
		"  \"vcpus\": [{\"exits\": 10, \"io_exits\": 4, \"halt_successful_poll\": 7, \"pf_taken\": 2,"
		"              \"halt_poll_success_hist\": [1, 2]},"
		"             {\"io_exits\": 1, \"exits\": 5, \"mmio_exits\": 3}]},"
		" \"exits\": {\"io\": 5, \"mmio\": 3}}", 0, NULL);
	json_t *k;

	(void)state;
	assert_non_null(st);
	k = kvmstats_extract(st);
	assert_non_null(k);
	assert_int_equal(json_integer_value(json_object_get(k, "exits")), 15);
	assert_int_equal(json_integer_value(json_object_get(k, "io_exits")), 5);
	assert_int_equal(json_integer_value(json_object_get(k, "mmio_exits")), 3);
	assert_int_equal(json_integer_value(json_object_get(k, "pf_taken")), 2);
	assert_int_equal(json_integer_value(json_object_get(k, "vmm_io_exits")), 5);
	assert_null(json_object_get(k, "halt_successful_poll"));
	assert_null(json_object_get(k, "halt_poll_success_hist"));
	assert_null(json_object_get(k, "unavailable"));
	json_decref(k);
	json_decref(st);
}

static void test_unavailable(void **state)
{
	json_t *st = json_loads("{\"kvm\": {\"available\": false, \"reason\": \"no stats fd\"},"
				" \"exits\": {\"io\": 1}}", 0, NULL);
	json_t *k = kvmstats_extract(st);

	(void)state;
	assert_string_equal(json_string_value(json_object_get(k, "unavailable")), "no stats fd");
	json_decref(k);
	assert_null(kvmstats_extract(json_object_get(st, "exits")));
	json_decref(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extract),
		cmocka_unit_test(test_unavailable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
