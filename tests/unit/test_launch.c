/* Command lines: knobs become hv flags; host capability decisions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "bench/guestcmd.h"
#include "bench/launch.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

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

static void test_linux_and_qemu(void **state)
{
	struct launch_paths p = {.hv = "hv", .workloads = "W", .guest = "G", .qemu = "qemu-system-x86_64"};
	struct manifest_entry w = {.name = "intops", .envs = ENV_LINUX | ENV_QEMU};
	struct scenario_config c = {.name = "l", .env = "linux"};
	struct launch_cmd cmd;
	json_t *args = json_loads("[\"iters=5\", \"a,b c%\\\\\"]", 0, NULL);
	char s[2048], err[256];

	(void)state;
	unsetenv("HVPERF_GUEST_APPEND");
	c.knobs = json_loads("{\"mem\": \"512M\", \"cpus\": 2}", 0, NULL);
	assert_int_equal(launch_build(&p, &w, args, &c, "/tmp", &cmd, err, sizeof(err)), 0);
	join(&cmd, s, sizeof(s));
	assert_non_null(strstr(s, "hv run --kernel G/vmlinuz --initrd G/initrd.img --cmdline "
				  GUESTCMD_BASE " hvperf.env=linux hvperf.wl=intops"
				  " hvperf.args=iters=5,a%2Cb%20c%25%5C"
				  " --mem 512M --cpus 2 --stats-json /tmp/hv-stats-"));
	assert_non_null(strstr(s, " --quiet"));
	assert_null(strstr(s, " -- "));
	launch_cmd_free(&cmd);

	c.env = "qemu";
	setenv("HVPERF_GUEST_APPEND", "tsc_early_khz=1", 1);
	assert_int_equal(launch_build(&p, &w, args, &c, "/tmp", &cmd, err, sizeof(err)), 0);
	join(&cmd, s, sizeof(s));
	assert_string_equal(s, "qemu-system-x86_64 -M microvm -enable-kvm -cpu host -nodefaults"
			    " -no-user-config -display none -serial stdio -no-reboot -m 512M -smp 2"
			    " -kernel G/vmlinuz -initrd G/initrd.img -append " GUESTCMD_BASE
			    " tsc_early_khz=1 hvperf.env=qemu hvperf.wl=intops"
			    " hvperf.args=iters=5,a%2Cb%20c%25%5C");
	assert_string_equal(cmd.stats_path, "");
	launch_cmd_free(&cmd);

	/* disks under QEMU: the same image as virtio-blk-device on virtio-mmio */
	json_decref(c.knobs);
	c.knobs = json_loads("{\"mem\": \"512M\", \"disk\": [\"/img/a,backend=io_uring,cache=direct\","
			     " \"/img/b,ro,serial=S1\"]}", 0, NULL);
	assert_int_equal(launch_build(&p, &w, args, &c, "/tmp", &cmd, err, sizeof(err)), 0);
	join(&cmd, s, sizeof(s));
	assert_non_null(strstr(s, " -m 512M -smp 1"
			       " -drive file=/img/a,format=raw,if=none,id=hvperf-disk0,cache=none,aio=io_uring"
			       " -device virtio-blk-device,drive=hvperf-disk0,serial=hvperf-disk0"
			       " -drive file=/img/b,format=raw,if=none,id=hvperf-disk1,cache=writeback,"
			       "aio=threads,readonly=on"
			       " -device virtio-blk-device,drive=hvperf-disk1,serial=S1 -kernel G/vmlinuz"));
	launch_cmd_free(&cmd);
	json_decref(c.knobs);
	c.knobs = json_loads("{\"disk\": \"/img/a,vhost=on\"}", 0, NULL);
	assert_int_equal(launch_build(&p, &w, args, &c, "/tmp", &cmd, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "option 'vhost=on' has no QEMU equivalent"));
	unsetenv("HVPERF_GUEST_APPEND");

	/* an empty argument cannot travel: refused, not dropped */
	json_decref(args);
	args = json_loads("[\"\"]", 0, NULL);
	assert_int_equal(launch_build(&p, &w, args, &c, "/tmp", &cmd, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "do not fit the kernel command line"));
	json_decref(args);
	json_decref(c.knobs);
}

static void test_guest_status_and_scratch(void **state)
{
	char dir[] = "/tmp/test_launch.XXXXXX", buf[512], err[256];
	struct stat st;

	(void)state;
	assert_int_equal(guestcmd_status("x\r\nHVPERF-GUEST: wl intops exit=0\r\n", "intops"), 0);
	assert_int_equal(guestcmd_status("HVPERF-GUEST: wl intops exit=3\r\n", "intops"), 3);
	assert_int_equal(guestcmd_status("HVPERF-GUEST: wl flops exit=0\n", "intops"), -1);
	assert_int_equal(guestcmd_status("", "intops"), -1);

	assert_non_null(mkdtemp(dir));
	assert_int_equal(guestcmd_disk("scratch:1M,cache=host", dir, buf, sizeof(buf), err, sizeof(err)), 0);
	assert_non_null(strstr(buf, "/.scratch-1M.img,cache=host"));
	*strchr(buf, ',') = 0;
	assert_int_equal(stat(buf, &st), 0);
	assert_int_equal(st.st_size, 1 << 20);
	assert_true(st.st_blocks * 512 >= 1 << 20);   /* written, not sparse */
	assert_int_equal(guestcmd_disk("scratch:1000", dir, buf, sizeof(buf), err, sizeof(err)), -1);
	assert_int_equal(guestcmd_disk("/dev/null,ro", dir, buf, sizeof(buf), err, sizeof(err)), 0);
	assert_string_equal(buf, "/dev/null,ro");
	guestcmd_disk_cleanup(dir);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_micro_flags),
		cmocka_unit_test(test_native_and_skips),
		cmocka_unit_test(test_linux_and_qemu),
		cmocka_unit_test(test_guest_status_and_scratch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
