/* The governor's reading of hv's balloon-stats reply: the exact shape
 * hv/virtio/balloon.c produces (4 KiB actual_pages, guest_stats in bytes
 * or null, guest_stats_age_ms), stale and malformed statistics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "tuners/governor_api.h"

static json_t *reply(const char *text)
{
	json_error_t je;
	json_t *j = json_loads(text, 0, &je);

	assert_non_null(j);
	return j;
}

static void test_balloon_reply_real_shape(void **state)
{
	/* as hv prints it once the guest filled its statistics buffer */
	json_t *j = reply("{\"target_pages\":8192,\"actual_pages\":4096,\"inflated_pages\":4096,"
			  "\"released_bytes\":16777216,\"host_page_bytes\":4096,\"inflates\":4,"
			  "\"deflates\":0,\"reported_bytes\":0,\"notifications\":9,\"interrupts\":3,"
			  "\"guest_stats\":{\"free_memory\":52428800,\"total_memory\":268435456},"
			  "\"guest_stats_age_ms\":120,\"stats_queue\":true}");
	struct gov_balloon_reply r;

	(void)state;
	assert_int_equal(gov_api_balloon_parse(j, &r), 0);
	assert_int_equal(r.actual_bytes, 4096ull * 4096);
	assert_true(r.guest_free_known);
	assert_int_equal(r.guest_free, 52428800);
	json_decref(j);
}

static void test_balloon_reply_no_guest_stats(void **state)
{
	json_t *j = reply("{\"target_pages\":0,\"actual_pages\":0,\"guest_stats\":null,"
			  "\"guest_stats_age_ms\":null,\"stats_queue\":false}");
	struct gov_balloon_reply r;

	(void)state;
	assert_int_equal(gov_api_balloon_parse(j, &r), 0);
	assert_int_equal(r.actual_bytes, 0);
	assert_false(r.guest_free_known);
	json_decref(j);
}

static void test_balloon_reply_stale_or_bad(void **state)
{
	json_t *stale = reply("{\"actual_pages\":10,\"guest_stats\":{\"free_memory\":4096},"
			      "\"guest_stats_age_ms\":60000}");
	json_t *neg = reply("{\"actual_pages\":-1}");
	json_t *none = reply("{\"ok\":true}");
	json_t *badfree = reply("{\"actual_pages\":1,\"guest_stats\":{\"free_memory\":\"x\"},"
				"\"guest_stats_age_ms\":1}");
	struct gov_balloon_reply r;

	(void)state;
	assert_int_equal(gov_api_balloon_parse(stale, &r), 0);
	assert_int_equal(r.actual_bytes, 40960);
	assert_false(r.guest_free_known);
	assert_int_equal(gov_api_balloon_parse(neg, &r), -1);
	assert_int_equal(gov_api_balloon_parse(none, &r), -1);
	assert_int_equal(gov_api_balloon_parse(badfree, &r), 0);
	assert_false(r.guest_free_known);
	json_decref(stale);
	json_decref(neg);
	json_decref(none);
	json_decref(badfree);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_balloon_reply_real_shape),
		cmocka_unit_test(test_balloon_reply_no_guest_stats),
		cmocka_unit_test(test_balloon_reply_stale_or_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
