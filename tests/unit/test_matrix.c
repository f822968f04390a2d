/* Matrix expansion: cross product order, zip groups, exclusions, names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bench/matrix.h"

static long expand(const char *doc, struct matrix_point **pts, char *err)
{
	json_t *t = json_loads(doc, 0, NULL);
	long n;

	assert_non_null(t);
	n = matrix_expand(t, "$.configurations[0]", pts, err, 256);
	json_decref(t);
	return n;
}

static void test_no_axes(void **state)
{
	struct matrix_point *p;
	char err[256];

	(void)state;
	assert_int_equal(expand("{\"env\": \"native\"}", &p, err), 1);
	assert_string_equal(p[0].name, "native");
	matrix_points_free(p, 1);
}

static void test_cross_product(void **state)
{
	struct matrix_point *p;
	char err[256];
	long n = expand("{\"name\": \"m\", \"env\": \"micro\", \"knobs\": {\"mem\": \"1G\"},"
			" \"axes\": {\"guest_page_size\": [\"4k\", \"2m\"],"
			"          \"mem_backing\": [\"anon\", \"thp\", \"hugetlb-2m\"]}}", &p, err);
	const char *want[] = {"m-4k-anon", "m-4k-thp", "m-4k-hugetlb-2m",
			      "m-2m-anon", "m-2m-thp", "m-2m-hugetlb-2m"};

	(void)state;
	assert_int_equal(n, 6);
	for (long i = 0; i < n; i++) {
		assert_string_equal(p[i].name, want[i]);
		assert_string_equal(json_string_value(json_object_get(p[i].knobs, "mem")), "1G");
	}
	matrix_points_free(p, n);
}

static void test_zip_and_exclude(void **state)
{
	struct matrix_point *p;
	char err[256];
	long n = expand("{\"name\": \"c{cpus}-{mem_backing}\", \"env\": \"micro\","
			" \"axes\": {\"mem_backing\": [\"anon\", \"thp\"]},"
			" \"zip\": [{\"cpus\": [1, 2], \"pin\": [\"vcpu0=1\", \"vcpu0=0,vcpu1=1\"]}],"
			" \"exclude\": [{\"cpus\": 2, \"mem_backing\": \"anon\"}]}", &p, err);

	(void)state;
	/* 2 x 2 (zip counts once) - 1 excluded */
	assert_int_equal(n, 3);
	assert_string_equal(p[0].name, "c1-anon");
	assert_string_equal(p[1].name, "c1-thp");
	assert_string_equal(p[2].name, "c2-thp");
	assert_string_equal(json_string_value(json_object_get(p[2].knobs, "pin")),
			    "vcpu0=0,vcpu1=1");
	assert_int_equal(json_integer_value(json_object_get(p[0].knobs, "cpus")), 1);
	matrix_points_free(p, n);
}

static void test_host_axis(void **state)
{
	struct matrix_point *p;
	char err[256];
	long n = expand("{\"name\": \"ksm-{host.ksm.run}\", \"env\": \"micro\","
			" \"axes\": {\"host.ksm.run\": [\"0\", \"1\"]}}", &p, err);

	(void)state;
	assert_int_equal(n, 2);
	assert_string_equal(p[1].name, "ksm-1");
	assert_string_equal(json_string_value(json_object_get(p[1].host, "ksm.run")), "1");
	assert_null(json_object_get(p[1].knobs, "host.ksm.run"));
	matrix_points_free(p, n);
}

static void test_errors(void **state)
{
	struct matrix_point *p;
	char err[256];

	(void)state;
	assert_int_equal(expand("{\"env\": \"micro\", \"zip\": [{\"cpus\": [1, 2], \"pin\": [\"auto\"]}]}",
				&p, err), -1);
	assert_non_null(strstr(err, "equal lengths"));
	assert_int_equal(expand("{\"name\": \"x{what}\", \"env\": \"micro\"}", &p, err), -1);
	assert_non_null(strstr(err, "{what}"));
	assert_int_equal(expand("{\"name\": \"x{oops\", \"env\": \"micro\"}", &p, err), -1);
	assert_non_null(strstr(err, "unterminated"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_axes),
		cmocka_unit_test(test_cross_product),
		cmocka_unit_test(test_zip_and_exclude),
		cmocka_unit_test(test_host_axis),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
