/* Tuner journal: record format, torn and corrupt records, owner states,
 * compaction, and replay (restore in reverse order) onto plain files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tuners/journal.h"
#include "tuners/knob.h"
#include "tuners/tuner.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/hvperf-test-journal-XXXXXX");
	assert_non_null(mkdtemp(dir));
	setenv("HVPERF_STATE_DIR", dir, 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void add(const char *op, const char *owner, const char *key,
		const char *path, const char *prev)
{
	struct journal_rec r = {0};
	char err[256];

	snprintf(r.op, sizeof(r.op), "%s", op);
	snprintf(r.owner, sizeof(r.owner), "%s", owner);
	snprintf(r.key, sizeof(r.key), "%s", key ? key : "");
	snprintf(r.path, sizeof(r.path), "%s", path ? path : "");
	snprintf(r.prev, sizeof(r.prev), "%s", prev ? prev : "");
	assert_int_equal(journal_append(&r, err, sizeof(err)), 0);
}

static void append_raw(const char *text)
{
	int fd = open(journal_path(), O_WRONLY | O_APPEND | O_CREAT, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_file(const char *path)
{
	return sysfs_read(path);
}

#define DEAD "999999999:1"   /* no such PID */

static void test_crc32(void **state)
{
	(void)state;
	assert_int_equal(journal_crc32("123456789", 9), 0xcbf43926);
	assert_int_equal(journal_crc32("", 0), 0);
}

static void test_roundtrip_and_torn_tail(void **state)
{
	struct journal j;
	char err[256];

	(void)state;
	add("set", DEAD, "thp.enabled", "/x/enabled", "madvise");
	add("set", DEAD, "ksm.run", "/x/run", "0");
	/* a crash in the middle of a write: no newline, cut JSON */
	append_raw("1234abcd {\"op\":\"set\",\"owner\":\"9:9\",\"ke");
	assert_int_equal(journal_load(&j, err, sizeof(err)), 0);
	assert_int_equal(j.nr, 2);
	assert_int_equal(j.nr_bad, 1);
	assert_int_equal(j.first_bad_line, 3);
	assert_string_equal(j.recs[0].key, "thp.enabled");
	assert_string_equal(j.recs[0].prev, "madvise");
	assert_string_equal(j.recs[1].path, "/x/run");
	journal_free(&j);
	/* appending after a torn tail starts a fresh line */
	add("set", DEAD, "vm.swappiness", "/x/swappiness", "60");
	assert_int_equal(journal_load(&j, err, sizeof(err)), 0);
	assert_int_equal(j.nr, 3);
	assert_int_equal(j.nr_bad, 1);
	assert_string_equal(j.recs[2].key, "vm.swappiness");
	journal_free(&j);
}

static void test_corrupt_middle_record(void **state)
{
	struct journal j;
	char err[256], *text;
	FILE *f;

	(void)state;
	add("set", DEAD, "a.one", "/x/1", "1");
	add("set", DEAD, "a.two", "/x/2", "2");
	add("set", DEAD, "a.three", "/x/3", "3");
	/* flip one byte inside the second record's JSON */
	text = read_file(journal_path());
	assert_non_null(text);
	char *second = strchr(text, '\n') + 1;
	char *p = strstr(second, "a.two");
	p[2] = 'X';
	f = fopen(journal_path(), "w");
	fprintf(f, "%s\n", text);
	fclose(f);
	free(text);
	assert_int_equal(journal_load(&j, err, sizeof(err)), 0);
	assert_int_equal(j.nr, 2);
	assert_int_equal(j.nr_bad, 1);
	assert_int_equal(j.first_bad_line, 2);
	assert_string_equal(j.recs[0].key, "a.one");
	assert_string_equal(j.recs[1].key, "a.three");
	journal_free(&j);
}

static void test_parse_line_rejects(void **state)
{
	struct journal_rec r;
	char line[128];
	const char *notjson = "not json", *noowner = "{\"op\":\"set\",\"key\":\"k\",\"path\":\"/p\"}";

	(void)state;
	snprintf(line, sizeof(line), "%08x %s", journal_crc32(notjson, strlen(notjson)), notjson);
	assert_int_equal(journal_parse_line(line, strlen(line), &r), -1);
	snprintf(line, sizeof(line), "%08x %s", journal_crc32(noowner, strlen(noowner)), noowner);
	assert_int_equal(journal_parse_line(line, strlen(line), &r), -1);
	assert_int_equal(journal_parse_line("", 0, &r), -1);
	assert_int_equal(journal_parse_line("zzzzzzzz {}", 11, &r), -1);
}

static void test_owner_states_and_compaction(void **state)
{
	struct journal j;
	char err[256];

	(void)state;
	assert_true(journal_owner_alive(journal_self_owner()));
	assert_false(journal_owner_alive(DEAD));
	assert_false(journal_owner_alive("1:0"));   /* init, wrong start time */
	assert_false(journal_owner_alive("garbage"));
	add("set", "100:1", "k.a", "/x/a", "1");
	add("set", "200:1", "k.b", "/x/b", "2");
	add("hold", "200:1", NULL, NULL, NULL);
	add("done", "100:1", NULL, NULL, NULL);
	assert_int_equal(journal_load(&j, err, sizeof(err)), 0);
	assert_int_equal(journal_owner_state(&j, "100:1"), JOURNAL_DONE);
	assert_int_equal(journal_owner_state(&j, "200:1"), JOURNAL_HELD);
	assert_int_equal(journal_owner_state(&j, "300:1"), JOURNAL_PENDING);
	journal_free(&j);
	assert_int_equal(journal_compact(err, sizeof(err)), 0);
	assert_int_equal(journal_load(&j, err, sizeof(err)), 0);
	assert_int_equal(j.nr, 2);   /* the held owner's set and hold */
	assert_string_equal(j.recs[0].key, "k.b");
	journal_free(&j);
	add("done", "200:1", NULL, NULL, NULL);
	assert_int_equal(journal_compact(err, sizeof(err)), 0);
	assert_int_equal(access(journal_path(), F_OK), -1);   /* nothing left */
}

static void test_replay_reverse_order(void **state)
{
	char a[128], b[128], *v;

	(void)state;
	snprintf(a, sizeof(a), "%s/knob_a", dir);
	snprintf(b, sizeof(b), "%s/knob_b", dir);
	write_file(a, "third\n");
	write_file(b, "changed\n");
	/* a crashed run changed a twice (first->second->third) and b once */
	add("set", DEAD, "test.a", a, "first");
	add("set", DEAD, "test.b", b, "orig-b");
	add("set", DEAD, "test.a", a, "second");
	append_raw("0000 torn");   /* and died mid-write */
	assert_int_equal(tuner_restore_all(), 0);
	v = read_file(a);
	assert_non_null(v);
	assert_string_equal(v, "first");
	free(v);
	v = read_file(b);
	assert_string_equal(v, "orig-b");
	free(v);
	/* everything restored: the journal is gone; a second call is a no-op */
	assert_int_equal(access(journal_path(), F_OK), -1);
	assert_int_equal(tuner_restore_all(), 0);
}

static void test_replay_leaves_held_and_live(void **state)
{
	char a[128], b[128], owner[64], *v;
	struct journal j;
	char err[256];

	(void)state;
	snprintf(a, sizeof(a), "%s/held", dir);
	snprintf(b, sizeof(b), "%s/live", dir);
	write_file(a, "tuned");
	write_file(b, "tuned");
	add("set", DEAD, "test.held", a, "orig");
	add("hold", DEAD, NULL, NULL, NULL);
	/* a live process other than us: our parent */
	journal_owner_of(getppid(), owner, sizeof(owner));
	assert_true(journal_owner_alive(owner));
	add("set", owner, "test.live", b, "orig");
	assert_int_equal(tuner_restore_all(), 0);
	v = read_file(a);
	assert_string_equal(v, "tuned");   /* held: only tune --restore */
	free(v);
	assert_int_equal(journal_load(&j, err, sizeof(err)), 0);
	assert_int_equal(j.nr, 3);
	journal_free(&j);
	v = read_file(b);
	assert_string_equal(v, "tuned");   /* its owner still runs */
	free(v);
	assert_true(tuner_restore_held() >= 1);
	v = read_file(a);
	assert_string_equal(v, "orig");
	free(v);
}

static int reset(void **state)
{
	(void)state;
	unlink(journal_path());
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32),
		cmocka_unit_test_setup(test_roundtrip_and_torn_tail, reset),
		cmocka_unit_test_setup(test_corrupt_middle_record, reset),
		cmocka_unit_test(test_parse_line_rejects),
		cmocka_unit_test_setup(test_owner_states_and_compaction, reset),
		cmocka_unit_test_setup(test_replay_reverse_order, reset),
		cmocka_unit_test_setup(test_replay_leaves_held_and_live, reset),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
