/* hv: a compact KVM hypervisor. `hv run` boots one VM per process;
 * `hv info` reports what the host's KVM is. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "hv/boot/boot.h"
#include "hv/cgroup.h"
#include "hv/cli.h"
#include "hv/ctl.h"
#include "hv/device.h"
#include "hv/log.h"
#include "hv/stats.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

static void on_sigusr1(int sig)
{
	(void)sig;  /* only interrupts KVM_RUN */
}

static void setup_signals(sigset_t *waitset)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	sigset_t block;

	sigaction(SIGUSR1, &sa, NULL);  /* no SA_RESTART: KVM_RUN returns EINTR */
	sigemptyset(waitset);
	sigaddset(waitset, SIGINT);
	sigaddset(waitset, SIGTERM);
	sigaddset(waitset, SIGHUP);
	block = *waitset;
	sigaddset(&block, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &block, NULL);  /* threads inherit the mask */
}

static int exit_status(const struct vm *vm)
{
	switch (atomic_load(&vm->exit_kind)) {
	case VM_EXIT_POWEROFF:
	case VM_EXIT_RESET:
	case VM_EXIT_DEBUG_PORT:
	case VM_EXIT_MICRO:
	case VM_EXIT_SIGNAL:
		return vm->exit_status;
	case VM_EXIT_TIMEOUT:
		return 124;
	default:
		return vm->exit_status ? vm->exit_status : 1;
	}
}

static int load_guest(struct vm *vm)
{
	const struct hv_config *cfg = vm->cfg;
	char err[512] = "";
	int rc;

	if (cfg->kernel)
		rc = boot_linux_load(vm, err, sizeof(err));
	else if (cfg->multiboot)
		rc = boot_multiboot_load(vm, err, sizeof(err));
	else
		rc = boot_micro_load(vm, err, sizeof(err));
	if (rc)
		fprintf(stderr, "hv: %s\n", err);
	return rc;
}

static void wait_for_exit(struct vm *vm, const sigset_t *waitset)
{
	const struct timespec tick = { 0, 50 * 1000 * 1000 };
	uint64_t deadline = vm->cfg->timeout_s > 0 ?
		vm->t_start_ns + (uint64_t)(vm->cfg->timeout_s * 1e9) : 0;

	while (!vm_exiting(vm)) {
		int sig = sigtimedwait(waitset, NULL, &tick);

		if (sig > 0)
			vm_request_exit(vm, VM_EXIT_SIGNAL, 128 + sig, "stopped by signal %d", sig);
		else if (deadline && hv_now_ns() > deadline)
			vm_request_exit(vm, VM_EXIT_TIMEOUT, 124, "--timeout %.1fs expired",
					vm->cfg->timeout_s);
	}
}

static int cmd_run(int argc, char **argv)
{
	static struct vm vm;   /* static: zeroed, and reachable from handlers */
	struct hv_config cfg;
	struct vm_cgroup *cg = NULL;
	char err[512];
	sigset_t waitset;
	int status, max_vcpus;

	vm.t_start_ns = hv_now_ns();
	if (cli_parse_run(argc, argv, &cfg, err, sizeof(err))) {
		fprintf(stderr, "hv: %s\n", err);
		return 2;
	}
	hv_quiet = cfg.quiet;
	setup_signals(&waitset);
	if (cfg.cgroup && !(cg = vm_cgroup_enter(cfg.cgroup, err, sizeof(err))))
		die("--cgroup %s: %s", cfg.cgroup, err);

	vm_create(&vm, &cfg);
	vm.cgroup = cg;
	max_vcpus = ioctl(vm.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max_vcpus > 0 && cfg.cpus > max_vcpus)
		die("--cpus %d: this host's KVM allows at most %d vCPUs", cfg.cpus, max_vcpus);
	if (guest_mem_alloc(&vm.mem, &cfg, err, sizeof(err)))
		die("%s", err);
	vm_map_memory(&vm);

	vm.nr_vcpus = cfg.cpus;
	vm.vcpus = calloc(cfg.cpus, sizeof(*vm.vcpus));
	if (!vm.vcpus)
		die("out of memory");
	for (int i = 0; i < cfg.cpus; i++)
		vm.vcpus[i] = vcpu_create(&vm, i);
	if (hv_devices_init(&vm) || load_guest(&vm))
		exit(1);
	/* after the guest loaded, so that bad input stays a one-line error */
	if (vm.flavour == KVM_FLAVOUR_PVM && cfg.kernel)
		warnx_hv("this host's KVM is software (kvm_pvm): guest ring 0 is emulated, "
			 "so a Linux guest will crawl or stop; use micro-guests here");
	for (int i = 0; i < cfg.cpus; i++)
		vcpu_setup_entry(vm.vcpus[i]);
	for (int i = 0; i < cfg.cpus; i++)
		if (vcpu_start(vm.vcpus[i]))
			die_perror("starting vcpu %d", i);

	wait_for_exit(&vm, &waitset);
	for (int i = 0; i < cfg.cpus; i++)
		pthread_join(vm.vcpus[i]->thread, NULL);
	hv_devices_exit(&vm);

	status = exit_status(&vm);
	if (atomic_load(&vm.exit_kind) == VM_EXIT_ERROR)
		fprintf(stderr, "hv: %s\n", vm.exit_reason);
	else
		info_hv("%s", vm.exit_reason);
	if (cfg.stats_json)
		hv_stats_write(&vm, cfg.stats_json);
	vm_destroy(&vm);
	if (cg)
		vm_cgroup_leave(cg);
	cli_free(&cfg);
	return status;
}

static int cmd_info(int argc, char **argv)
{
	bool as_json = argc > 1 && !strcmp(argv[1], "--json");
	enum kvm_flavour f = kvm_detect_flavour();
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	const char *reason = NULL;
	int max_vcpus = -1, stats = 0;
	json_t *j;

	if (fd < 0)
		reason = errno == ENOENT ? "/dev/kvm does not exist" : strerror(errno);
	else {
		max_vcpus = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
		stats = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) > 0;
		close(fd);
	}
	j = json_pack("{s:s, s:b, s:s?, s:i, s:b, s:b, s:s}",
		      "kvm_flavour", kvm_flavour_name(f), "kvm_available", fd >= 0,
		      "reason", reason, "max_vcpus", max_vcpus, "binary_stats", stats,
		      "linux_guests", fd >= 0 && (f == KVM_FLAVOUR_VMX || f == KVM_FLAVOUR_SVM),
		      "linux_guests_note", f == KVM_FLAVOUR_PVM ?
		      "software KVM: guest ring 0 is emulated; Linux guests crawl or stop, micro-guests run" :
		      f == KVM_FLAVOUR_UNKNOWN ? "no known KVM module" : "hardware virtualization");
	if (as_json) {
		json_dumpf(j, stdout, JSON_COMPACT);
		putchar('\n');
	} else {
		printf("kvm flavour:    %s\nkvm available:  %s%s%s\nmax vcpus:      %d\n"
		       "binary stats:   %s\nlinux guests:   %s\n",
		       kvm_flavour_name(f), fd >= 0 ? "yes" : "no", reason ? " - " : "",
		       reason ? reason : "", max_vcpus, stats ? "yes" : "no",
		       json_string_value(json_object_get(j, "linux_guests_note")));
	}
	json_decref(j);
	return fd >= 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	/* a guest must never make hv dump core */
	struct rlimit no_core = { 0, 0 };

	setrlimit(RLIMIT_CORE, &no_core);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_usage();
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(argv[1], "ctl"))
		return cmd_ctl(argc - 1, argv + 1);
	fprintf(stderr, "hv: unknown command '%s' (expected run, info or ctl)\n", argv[1]);
	return 2;
}
