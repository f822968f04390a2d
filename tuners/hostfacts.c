/* Host facts for results.json run.host (docs/results-schema.md §3). */
#include "tuners/hostfacts.h"

#include <errno.h>
#include <hwloc.h>
#include <linux/perf_event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <dirent.h>

#include "tuners/knob.h"

/* obj[key] = value, or null with key_reason beside it */
static void set_or_reason(json_t *obj, const char *key, json_t *value,
			  const char *reason)
{
	char rk[96];

	if (value) {
		json_object_set_new(obj, key, value);
		return;
	}
	json_object_set_new(obj, key, json_null());
	snprintf(rk, sizeof(rk), "%s_reason", key);
	json_object_set_new(obj, rk, json_string(reason));
}

static json_t *hostfacts_cpu_model(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[512];
	json_t *v = NULL;

	if (!f)
		return NULL;
	while (!v && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon += 1 + (colon[1] == ' ');
		colon[strcspn(colon, "\n")] = 0;
		v = json_string(colon);
	}
	fclose(f);
	return v;
}

static bool cpu_has_flag(const char *flag)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[8192];
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		for (char *w = strtok(strchr(line, ':') + 1, " \n"); w; w = strtok(NULL, " \n"))
			found |= !strcmp(w, flag);
		break;
	}
	fclose(f);
	return found;
}

static void hostfacts_kvm(json_t *h)
{
	struct stat st;
	const char *fl = NULL;

	if (stat("/sys/module/kvm_pvm", &st) == 0)
		fl = "pvm";
	else if (stat("/sys/module/kvm_intel", &st) == 0 || cpu_has_flag("vmx"))
		fl = "vmx";
	else if (stat("/sys/module/kvm_amd", &st) == 0 || cpu_has_flag("svm"))
		fl = "svm";
	if (fl && access("/dev/kvm", R_OK | W_OK) < 0)
		set_or_reason(h, "kvm_flavour", NULL, "/dev/kvm is not accessible");
	else
		set_or_reason(h, "kvm_flavour", fl ? json_string(fl) : NULL,
			      "no kvm_intel, kvm_amd or kvm_pvm module and no vmx/svm CPU flag");
}

/* "Machine (24GB) 1xPackage 1xL3 2xCore 2xPU" */
static void hostfacts_topology(json_t *h)
{
	static const hwloc_obj_type_t types[] = {
		HWLOC_OBJ_PACKAGE, HWLOC_OBJ_NUMANODE, HWLOC_OBJ_L3CACHE,
		HWLOC_OBJ_CORE, HWLOC_OBJ_PU,
	};
	hwloc_topology_t topo;
	char sum[256];
	int n;

	if (hwloc_topology_init(&topo) < 0 || hwloc_topology_load(topo) < 0) {
		set_or_reason(h, "topology", NULL, "hwloc could not load the topology");
		return;
	}
	json_object_set_new(h, "cores", json_integer(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE)));
	json_object_set_new(h, "threads", json_integer(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU)));
	n = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
	json_object_set_new(h, "numa_nodes", json_integer(n > 0 ? n : 1));
	/* MemTotal, not hwloc's total_memory: the latter follows node meminfo,
	 * which a container or memory hotplug can make differ */
	n = snprintf(sum, sizeof(sum), "Machine (%lluGB)",
		     (unsigned long long)((meminfo_bytes("MemTotal") + (1ll << 29)) >> 30));
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char tn[32];
		int cnt = hwloc_get_nbobjs_by_type(topo, types[i]);

		if (cnt <= 0 || n >= (int)sizeof(sum))
			continue;
		hwloc_obj_type_snprintf(tn, sizeof(tn), hwloc_get_obj_by_type(topo, types[i], 0), 0);
		n += snprintf(sum + n, sizeof(sum) - n, " %dx%s", cnt, tn);
	}
	json_object_set_new(h, "topology", json_string(sum));
	hwloc_topology_destroy(topo);
}

static json_t *hostfacts_hugepages(void)
{
	const char *base = "/sys/kernel/mm/hugepages";
	DIR *d = opendir(base);
	json_t *o = json_object();
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char p[512], *t, *f;
		uint64_t total = 0, freep = 0;

		if (strncmp(e->d_name, "hugepages-", 10))
			continue;
		snprintf(p, sizeof(p), "%s/%s/nr_hugepages", base, e->d_name);
		t = sysfs_read(p);
		snprintf(p, sizeof(p), "%s/%s/free_hugepages", base, e->d_name);
		f = sysfs_read(p);
		if (t) parse_u64(t, &total);
		if (f) parse_u64(f, &freep);
		json_object_set_new(o, e->d_name + 10, json_pack("{s:I, s:I}",
			"total", (json_int_t)total, "free", (json_int_t)freep));
		free(t);
		free(f);
	}
	if (d)
		closedir(d);
	return o;
}

static json_t *read_json_value(const char *path, bool choice, bool number)
{
	char *t = sysfs_read(path), *s;
	uint64_t v;
	json_t *r;

	if (!t)
		return NULL;
	s = choice ? sysfs_choice_selected(t) : strdup(t);
	if (number && parse_u64(s, &v) == 0)
		r = json_integer((json_int_t)v);
	else if (!strcmp(s, "Y") || !strcmp(s, "N"))
		r = json_boolean(s[0] == 'Y');
	else
		r = json_string(s);
	free(t);
	free(s);
	return r;
}

static json_t *read_dir_values(const char *dir, const char *const *names, bool number)
{
	json_t *o = json_object();

	for (; *names; names++) {
		char p[256];
		json_t *v;

		snprintf(p, sizeof(p), "%s/%s", dir, *names);
		v = read_json_value(p, false, number);
		if (v)
			json_object_set_new(o, *names, v);
	}
	return o;
}

static void hostfacts_memory_knobs(json_t *h)
{
	static const char *const ksm[] = {"run", "pages_to_scan", "sleep_millisecs",
		"merge_across_nodes", "use_zero_pages", "pages_shared", "pages_sharing", NULL};
	static const char *const zswap[] = {"enabled", "compressor", "max_pool_percent",
		"zpool", NULL};
	struct stat st;

	json_object_set_new(h, "hugepages", hostfacts_hugepages());
	set_or_reason(h, "thp", read_json_value("/sys/kernel/mm/transparent_hugepage/enabled", true, false),
		      "no /sys/kernel/mm/transparent_hugepage (kernel without THP)");
	set_or_reason(h, "thp_defrag", read_json_value("/sys/kernel/mm/transparent_hugepage/defrag", true, false),
		      "no /sys/kernel/mm/transparent_hugepage (kernel without THP)");
	if (stat("/sys/kernel/mm/ksm", &st) == 0)
		json_object_set_new(h, "ksm", read_dir_values("/sys/kernel/mm/ksm", ksm, true));
	else
		set_or_reason(h, "ksm", NULL, "kernel without KSM (no /sys/kernel/mm/ksm)");
	if (stat("/sys/module/zswap/parameters", &st) == 0)
		json_object_set_new(h, "zswap", read_dir_values("/sys/module/zswap/parameters", zswap, true));
	else
		set_or_reason(h, "zswap", NULL, "kernel without zswap");
	set_or_reason(h, "swappiness", read_json_value("/proc/sys/vm/swappiness", false, true),
		      "cannot read /proc/sys/vm/swappiness");
}

static json_t *avail(bool ok, const char *reason)
{
	return ok ? json_pack("{s:b}", "available", 1)
		  : json_pack("{s:b, s:s}", "available", 0, "reason", reason);
}

static void hostfacts_devices(json_t *h)
{
	DIR *d = opendir("/sys/kernel/iommu_groups");
	struct dirent *e;
	int groups = 0;
	char why[160];

	json_object_set_new(h, "vhost_net", avail(access("/dev/vhost-net", F_OK) == 0,
		"no /dev/vhost-net (vhost_net module not loaded or not available)"));
	while (d && (e = readdir(d)))
		groups += e->d_name[0] != '.';
	if (d)
		closedir(d);
	snprintf(why, sizeof(why), "%s", !groups ?
		 "no IOMMU groups in /sys/kernel/iommu_groups (no IOMMU enabled)" :
		 "no /dev/vfio/vfio (vfio module not loaded)");
	json_object_set_new(h, "vfio", avail(groups && access("/dev/vfio/vfio", F_OK) == 0, why));
}

static int perf_probe(uint32_t type, uint64_t config)
{
	struct perf_event_attr a = {.size = sizeof(a), .type = type, .config = config,
				    .disabled = 1, .exclude_kernel = 1, .exclude_hv = 1};
	int fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static void hostfacts_pmu(json_t *h)
{
	int e_ins = perf_probe(PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS);
	int e_cyc = perf_probe(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);
	int e_task = perf_probe(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
	json_t *pmu = json_object();
	char why[256];

	json_object_set_new(pmu, "available", json_boolean(!e_ins));
	if (e_ins) {
		if (e_ins == ENOENT || e_ins == EOPNOTSUPP || e_ins == ENODEV)
			snprintf(why, sizeof(why), "PMU not virtualized on this host "
				 "(perf_event_open instructions: %s)", strerror(e_ins));
		else if (e_ins == EACCES || e_ins == EPERM)
			snprintf(why, sizeof(why), "perf_event_open not permitted (%s; see "
				 "/proc/sys/kernel/perf_event_paranoid)", strerror(e_ins));
		else
			snprintf(why, sizeof(why), "perf_event_open instructions: %s", strerror(e_ins));
		json_object_set_new(pmu, "reason", json_string(why));
	}
	json_object_set_new(pmu, "events", json_pack("{s:b, s:b, s:b}", "cycles", !e_cyc,
		"instructions", !e_ins, "task-clock", !e_task));
	json_object_set_new(h, "pmu", pmu);
}

json_t *hostfacts_collect(void)
{
	json_t *h = json_object();
	struct utsname u;
	int64_t mem = meminfo_bytes("MemTotal");

	set_or_reason(h, "cpu_model", hostfacts_cpu_model(), "no model name in /proc/cpuinfo");
	set_or_reason(h, "kernel", uname(&u) == 0 ? json_string(u.release) : NULL, "uname failed");
	hostfacts_topology(h);
	set_or_reason(h, "memory_bytes", mem > 0 ? json_integer(mem) : NULL,
		      "no MemTotal in /proc/meminfo");
	hostfacts_kvm(h);
	hostfacts_memory_knobs(h);
	hostfacts_devices(h);
	hostfacts_pmu(h);
	return h;
}

/* hvperf hostfacts: print them (what a results.json run.host will hold) */
#include "bench/command.h"

static int cmd_hostfacts(int argc, char **argv)
{
	json_t *h;

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: hvperf hostfacts\n");
		return 2;
	}
	h = hostfacts_collect();
	json_dumpf(h, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(h);
	return 0;
}
HVPERF_COMMAND("hostfacts", cmd_hostfacts, "", "print the host facts recorded in results.json")
