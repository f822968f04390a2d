/* Command lines: knobs become hv flags; host capability decisions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bench/launch.h"

static void join(struct launch_cmd *c, char *buf, size_t len)
{
	buf[0] = 0;
	for (int i = 0; i < c->argc; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " " : "", c->argv[i]);
}

static void test_micro_flags(void **state)
{
	struct launch_paths p = {.hv = "hv", .workloads = "W"};
	struct manifest_entry w = {.name = "intops", .envs = ENV_MICRO};
	struct scenario_config c = {.name = "m", .env = "micro"};
	struct launch_cmd cmd;
	json_t *args = json_loads("[\"-n\", \"5\"]", 0, NULL);
	char s[1024], err[64];

	(void)state;
	c.knobs = json_loads("{\"mem_backing\": \"thp\", \"guest_page_size\": \"2m\", \"prefault\": true,"
			     " \"ksm\": false, \"cpus\": 2, \"pin\": \"auto\", \"mem\": \"1G\"}", 0, NULL);
	assert_int_equal(launch_build(&p, &w, args, &c, "/tmp", &cmd, err, sizeof(err)), 0);
	join(&cmd, s, sizeof(s));
	assert_non_null(strstr(s, "hv run --guest micro:intops --mem-backing thp --guest-page-size 2m"
				  " --prefault --ksm off --cpus 2 --pin auto --mem 1G --stats-json /tmp/hv-stats-"));
	assert_non_null(strstr(s, " --quiet -- -n 5"));
	launch_cmd_free(&cmd);
	json_decref(c.knobs);
	json_decref(args);
}

static void test_native_and_skips(void **state)
{
	struct launch_paths p = {.hv = "hv", .workloads = "/nonexistent", .guest = "/nonexistent"};
	struct manifest_entry w = {.name = "intops", .envs = ENV_NATIVE | ENV_MICRO | ENV_LINUX | ENV_QEMU};
	struct scenario_config c = {.name = "n", .env = "native", .knobs = NULL};
	struct launch_host pvm = {.flavour = "pvm", .kvm = true};
	struct launch_host nokvm = {.flavour = "unknown", .kvm = false,
				    .reason = "/dev/kvm is missing or not accessible"};
	struct launch_cmd cmd;
	char s[512], err[64];
	const char *why;

	(void)state;
	assert_int_equal(launch_build(&p, &w, NULL, &c, "/tmp", &cmd, err, sizeof(err)), 0);
	join(&cmd, s, sizeof(s));
	assert_string_equal(s, "/nonexistent/native/intops");
	launch_cmd_free(&cmd);
	why = launch_unavailable(&p, &pvm, &w, &c, s, sizeof(s));
	assert_non_null(strstr(why, "native build missing"));
	c.env = "linux";
	why = launch_unavailable(&p, &pvm, &w, &c, s, sizeof(s));
	assert_string_equal(why, "host KVM is software (kvm_pvm): Linux guests cannot run here");
	c.env = "micro";
	why = launch_unavailable(&p, &nokvm, &w, &c, s, sizeof(s));
	assert_string_equal(why, "/dev/kvm is missing or not accessible");
	w.envs = ENV_NATIVE;
	why = launch_unavailable(&p, &pvm, &w, &c, s, sizeof(s));
	assert_string_equal(why, "workload intops is not built for env micro");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_micro_flags),
		cmocka_unit_test(test_native_and_skips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
