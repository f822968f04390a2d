/* hv command-line parsing: sizes, options, and the one-line errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hv/cli.h"

static void test_sizes(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(cli_parse_size("4096", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(cli_parse_size("512M", &v), 0);
	assert_int_equal(v, 512ULL << 20);
	assert_int_equal(cli_parse_size("2G", &v), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(cli_parse_size("1GiB", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(cli_parse_size("3k", &v), 0);
	assert_int_equal(v, 3072);
	assert_int_equal(cli_parse_size("1T", &v), 0);
	assert_int_equal(v, 1ULL << 40);
}

static void test_bad_sizes(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(cli_parse_size("", &v), -1);
	assert_int_equal(cli_parse_size("0", &v), -1);
	assert_int_equal(cli_parse_size("-1M", &v), -1);
	assert_int_equal(cli_parse_size("12X", &v), -1);
	assert_int_equal(cli_parse_size("M", &v), -1);
	assert_int_equal(cli_parse_size("99999999999999T", &v), -1);
	assert_int_equal(cli_parse_size("18446744073709551616", &v), -1);
	assert_int_equal(v, 7);
}

static int parse(struct hv_config *cfg, char *err, size_t len, ...)
{
	char *argv[32] = { "run" };
	int argc = 1;
	va_list ap;

	va_start(ap, len);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	return cli_parse_run(argc, argv, cfg, err, len);
}

static void test_run_options(void **state)
{
	struct hv_config cfg;
	char err[256];

	(void)state;
	assert_int_equal(parse(&cfg, err, sizeof(err), "--kernel", "bz", "--initrd", "rd",
			       "--cmdline", "console=ttyS0", "--cpus", "2", "--mem", "1G",
			       "--mem-backing", "hugetlb-2m", "--ksm", "on", "--prefault",
			       "--disk", "a.img", "--disk", "b.img,ro", NULL), 0);
	assert_string_equal(cfg.kernel, "bz");
	assert_string_equal(cfg.initrd, "rd");
	assert_int_equal(cfg.cpus, 2);
	assert_int_equal(cfg.mem_size, 1ULL << 30);
	assert_int_equal(cfg.backing, MEM_HUGETLB_2M);
	assert_true(cfg.ksm);
	assert_true(cfg.prefault);
	assert_int_equal(cfg.nr_disks, 2);
	assert_string_equal(cfg.disks[1], "b.img,ro");
	cli_free(&cfg);

	assert_int_equal(parse(&cfg, err, sizeof(err), "--guest", "micro:/x/intops.elf",
			       "--guest-page-size", "2m", "--", "--seconds", "1", NULL), 0);
	assert_string_equal(cfg.micro, "/x/intops.elf");
	assert_int_equal(cfg.guest_page_size, 2u << 20);
	assert_string_equal(cfg.micro_args, "--seconds 1");
	cli_free(&cfg);
}

static void expect_error(const char *needle, ...)
{
	struct hv_config cfg;
	char err[256] = "";
	char *argv[32] = { "run" };
	int argc = 1;
	va_list ap;

	va_start(ap, needle);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	assert_int_equal(cli_parse_run(argc, argv, &cfg, err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
	assert_null(strchr(err, '\n'));
	cli_free(&cfg);
}

static void test_run_errors(void **state)
{
	(void)state;
	expect_error("exactly one of", NULL);
	expect_error("exactly one of", "--kernel", "a", "--multiboot", "b", NULL);
	expect_error("--cpus 0", "--kernel", "a", "--cpus", "0", NULL);
	expect_error("--cpus 1000", "--kernel", "a", "--cpus", "1000", NULL);
	expect_error("--mem 12X", "--kernel", "a", "--mem", "12X", NULL);
	expect_error("--mem-backing", "--kernel", "a", "--mem-backing", "huge", NULL);
	expect_error("--ksm", "--kernel", "a", "--ksm", "yes", NULL);
	expect_error("micro-guests only", "--kernel", "a", "--guest-page-size", "2m", NULL);
	expect_error("--guest", "--guest", "linux:x", NULL);
	expect_error("unknown option", "--kernel", "a", "--frobnicate", NULL);
	expect_error("--timeout", "--kernel", "a", "--timeout", "-3", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_run_options),
		cmocka_unit_test(test_run_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
