#include "hv/stats.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hv/cgroup.h"
#include "hv/kvmstats.h"
#include "hv/log.h"
#include "hv/placement.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

static const char *exit_kind_name(int k)
{
	static const char *names[] = {
		"running", "poweroff", "reset", "debug-exit", "micro-exit", "error",
		"timeout", "signal",
	};

	return k >= 0 && k < (int)(sizeof(names) / sizeof(names[0])) ? names[k] : "?";
}

static const char *backing_name(enum mem_backing b)
{
	static const char *names[] = { "anon", "thp", "hugetlb-2m", "hugetlb-1g" };

	return names[b];
}

/* Resident bytes of hv and of the guest-RAM mapping, from smaps. hugetlb
 * pages are not in Rss/VmRSS; they are counted in *_Hugetlb. */
static json_t *memory_json(const struct vm *vm)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	unsigned long long lo, hi, rss_total = 0, guest_rss = 0, guest_huge = 0, kb;
	bool in_guest = false;
	uintptr_t base = (uintptr_t)vm->mem.host;

	if (!f)
		return json_pack("{s:n, s:s}", "rss_bytes", "reason", "cannot read /proc/self/smaps");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in_guest = base && lo <= base && base < hi;
		} else if (sscanf(line, "Rss: %llu kB", &kb) == 1) {
			rss_total += kb << 10;
			if (in_guest)
				guest_rss += kb << 10;
		} else if (in_guest && (sscanf(line, "Private_Hugetlb: %llu kB", &kb) == 1 ||
					sscanf(line, "Shared_Hugetlb: %llu kB", &kb) == 1)) {
			guest_huge += kb << 10;
		}
	}
	fclose(f);
	return json_pack("{s:I, s:I, s:I, s:I}",
			 "rss_bytes", (json_int_t)(rss_total + guest_huge),
			 "guest_ram_bytes", (json_int_t)vm->mem.size,
			 "guest_resident_bytes", (json_int_t)(guest_rss + guest_huge),
			 "hv_rss_outside_guest_bytes", (json_int_t)(rss_total - guest_rss));
}

static json_t *kvm_json(struct vm *vm)
{
	char err[128] = "";
	int vm_stats = ioctl(vm->vm_fd, KVM_GET_STATS_FD, NULL);
	json_t *vcpus = json_array(), *vmj = NULL;

	if (vm_stats < 0)
		return json_pack("{s:b, s:n, s:n, s:s}", "available", 0, "vm", "vcpus", "reason",
				 "this host's KVM has no binary stats (KVM_GET_STATS_FD)");
	vmj = kvmstats_read_fd(vm_stats, err, sizeof(err));
	close(vm_stats);
	for (int i = 0; i < vm->nr_vcpus; i++) {
		json_t *v = vm->vcpus[i]->stats_fd >= 0 ?
			kvmstats_read_fd(vm->vcpus[i]->stats_fd, err, sizeof(err)) : NULL;

		json_array_append_new(vcpus, v ? v : json_null());
	}
	if (!vmj)
		return json_pack("{s:b, s:n, s:o, s:s}", "available", 0, "vm", "vcpus", vcpus,
				 "reason", err);
	return json_pack("{s:b, s:o, s:o, s:n}", "available", 1, "vm", vmj, "vcpus", vcpus,
			 "reason");
}

json_t *hv_stats_json(struct vm *vm)
{
	uint64_t io = 0, mmio = 0, hlt = 0, other = 0;
	uint64_t marker = atomic_load(&vm->t_boot_marker_ns);
	uint64_t end = vm->t_end_ns ? vm->t_end_ns : hv_now_ns();
	json_t *devices = json_object(), *hv, *root;

	for (int i = 0; i < vm->nr_vcpus; i++) {
		io += vm->vcpus[i]->exits_io;
		mmio += vm->vcpus[i]->exits_mmio;
		hlt += vm->vcpus[i]->exits_hlt;
		other += vm->vcpus[i]->exits_other;
	}
	for (int i = 0; i < vm->nr_stats_srcs; i++) {
		json_t *d = vm->stats_srcs[i].fn(vm->stats_srcs[i].opaque);

		if (d)
			json_object_set_new(devices, vm->stats_srcs[i].name, d);
	}
	hv = json_pack("{s:s, s:s, s:i, s:s, s:o, s:I, s:i, s:I, s:s, s:o}",
		       "kvm_flavour", kvm_flavour_name(vm->flavour),
		       "exit", exit_kind_name(atomic_load(&vm->exit_kind)),
		       "exit_status", vm->exit_status,
		       "exit_reason", vm->exit_reason,
		       "boot_marker_ns", marker ? json_integer((json_int_t)(marker - vm->t_start_ns)) : json_null(),
		       "wall_ns", (json_int_t)(end - vm->t_start_ns),
		       "vcpus", vm->nr_vcpus,
		       "mem_bytes", (json_int_t)vm->mem.size,
		       "mem_backing", backing_name(vm->mem.backing),
		       "placement", placement_json(vm));
	root = json_pack("{s:o, s:o, s:{s:I, s:I, s:I, s:I}, s:o, s:o}",
			 "hv", hv, "kvm", kvm_json(vm),
			 "exits", "io", (json_int_t)io, "mmio", (json_int_t)mmio,
			 "hlt", (json_int_t)hlt, "other", (json_int_t)other,
			 "devices", devices, "memory", memory_json(vm));
	if (vm->cgroup)
		json_object_set_new(root, "cgroup", vm_cgroup_json(vm->cgroup));
	if (vm->micro_results)
		json_object_set(root, "micro", vm->micro_results);
	return root;
}

int hv_stats_write(struct vm *vm, const char *path)
{
	json_t *j = hv_stats_json(vm);
	char tmp[4096];
	int fd, rc = -1;

	if (!strcmp(path, "-")) {
		rc = json_dumpf(j, stdout, JSON_INDENT(2)) ? -1 : 0;
		fputc('\n', stdout);
		json_decref(j);
		return rc;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0 && !json_dumpfd(j, fd, JSON_INDENT(2)) && write(fd, "\n", 1) == 1 &&
	    !fsync(fd) && !close(fd) && !rename(tmp, path))
		rc = 0;
	else {
		warnx_hv("--stats-json %s: cannot write: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
	}
	json_decref(j);
	return rc;
}
