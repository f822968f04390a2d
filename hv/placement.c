/* vCPU and I/O-thread placement (--pin): parsing, the hwloc computation of
 * --pin auto, and pthread affinity. */
#include "hv/placement.h"

#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/log.h"
#include "hv/vcpu.h"
#include "hv/vm.h"

/* The resolved placement of the (one) VM of this process. */
static struct {
	const struct vm *vm;
	int vcpu[HV_MAX_VCPUS];
	int io;
	bool automatic;
} placed;
static pthread_mutex_t placed_lock = PTHREAD_MUTEX_INITIALIZER;

static int parse_cpu(const char *s, const char *name, const cpu_set_t *allowed,
		     char *err, size_t errlen)
{
	char *end;
	long cpu;

	errno = 0;
	cpu = isdigit((unsigned char)*s) ? strtol(s, &end, 10) : -1;
	if (cpu < 0 || errno || *end || cpu >= CPU_SETSIZE) {
		snprintf(err, errlen, "--pin: %s=%s: not a CPU number", name, s);
		return -1;
	}
	if (!CPU_ISSET(cpu, allowed)) {
		snprintf(err, errlen, "--pin: %s=%ld: CPU %ld does not exist or is not in this process's CPU set",
			 name, cpu, cpu);
		return -1;
	}
	return (int)cpu;
}

int placement_parse(const char *spec, struct pin_config *pin, char *err,
		    size_t errlen)
{
	cpu_set_t allowed;
	char *copy, *save = NULL;
	int rc = 0;

	pin->automatic = false;
	pin->io_cpu = -1;
	for (int i = 0; i < HV_MAX_VCPUS; i++)
		pin->vcpu_cpu[i] = -1;
	if (!spec || !*spec) {
		snprintf(err, errlen, "--pin: empty (use auto or vcpu0=CPU,...,io=CPU)");
		return -1;
	}
	if (!strcmp(spec, "auto")) {
		pin->automatic = true;
		return 0;
	}
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0) {
		snprintf(err, errlen, "--pin: sched_getaffinity: %s", strerror(errno));
		return -1;
	}
	copy = strdup(spec);
	for (char *item = strtok_r(copy, ",", &save); item && !rc;
	     item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '=');
		int *slot = NULL, cpu;
		char *end;

		if (!eq) {
			snprintf(err, errlen, "--pin: '%s' is not vcpuN=CPU or io=CPU", item);
			rc = -1;
			break;
		}
		*eq = 0;
		if (!strcmp(item, "io")) {
			slot = &pin->io_cpu;
		} else if (!strncmp(item, "vcpu", 4) && isdigit((unsigned char)item[4])) {
			long id = strtol(item + 4, &end, 10);

			if (!*end && id >= 0 && id < HV_MAX_VCPUS)
				slot = &pin->vcpu_cpu[id];
		}
		if (!slot) {
			snprintf(err, errlen, "--pin: unknown thread '%s' (vcpu0..vcpu%d or io)",
				 item, HV_MAX_VCPUS - 1);
			rc = -1;
		} else if (*slot >= 0) {
			snprintf(err, errlen, "--pin: %s given twice", item);
			rc = -1;
		} else if ((cpu = parse_cpu(eq + 1, item, &allowed, err, errlen)) < 0) {
			rc = -1;
		} else {
			*slot = cpu;
		}
	}
	free(copy);
	return rc;
}

struct pu_info {
	int os;       /* OS CPU number */
	int core;     /* logical index of its core (or of the PU) */
	int rank;     /* 0 for the first PU of its core, 1 for the sibling, ... */
	int node;     /* OS index of its NUMA node, -1 if none */
	bool used;
};

static int pu_node(hwloc_topology_t topo, unsigned os)
{
	hwloc_obj_t n = NULL;

	while ((n = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, n)))
		if (n->cpuset && hwloc_bitmap_isset(n->cpuset, os))
			return (int)n->os_index;
	return -1;
}

static int cmp_rank_core(const void *a, const void *b)
{
	const struct pu_info *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	return x->core - y->core;
}

/* Number of distinct cores among the PUs of node (-1 = all). */
static int cores_on(const struct pu_info *p, int n, int node)
{
	int c = 0;

	for (int i = 0; i < n; i++)
		c += p[i].rank == 0 && (node < 0 || p[i].node == node);
	return c;
}

int placement_compute_auto(hwloc_topology_t topo, hwloc_const_bitmap_t allowed,
			   int nr_vcpus, int *vcpu_cpu, int *io_cpu)
{
	int npu = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU), n = 0, node = -1;
	struct pu_info *p = calloc(npu > 0 ? npu : 1, sizeof(*p));
	hwloc_obj_t pu = NULL;

	while ((pu = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, pu))) {
		hwloc_obj_t core = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, pu);

		if (allowed && !hwloc_bitmap_isset(allowed, pu->os_index))
			continue;
		p[n].os = (int)pu->os_index;
		p[n].core = core ? (int)core->logical_index : (int)pu->logical_index + 100000;
		p[n].rank = 0;
		for (int i = 0; i < n; i++)   /* PUs come in logical order */
			p[n].rank += p[i].core == p[n].core;
		p[n].node = pu_node(topo, pu->os_index);
		n++;
	}
	if (!n) {
		free(p);
		return -1;
	}
	/* one NUMA node when it has a core per vCPU (and one for I/O if it can) */
	for (int pass = 1; pass >= 0 && node < 0; pass--) {
		for (int i = 0; i < n && node < 0; i++)
			if (p[i].node >= 0 && cores_on(p, n, p[i].node) >= nr_vcpus + pass)
				node = p[i].node;
	}
	/* first PUs of every core, then the siblings */
	qsort(p, n, sizeof(*p), cmp_rank_core);
	for (int v = 0, i = 0; v < nr_vcpus; v++) {
		int tries = 0;

		while (node >= 0 && p[i % n].node != node && tries++ < n)
			i++;
		vcpu_cpu[v] = p[i % n].os;
		p[i % n].used = true;
		i++;
	}
	*io_cpu = -1;
	for (int i = 0; i < n && *io_cpu < 0; i++)
		if (!p[i].used && (node < 0 || p[i].node == node))
			*io_cpu = p[i].os;
	for (int i = 0; i < n && *io_cpu < 0; i++)
		if (!p[i].used)
			*io_cpu = p[i].os;
	if (*io_cpu < 0)
		*io_cpu = nr_vcpus > 0 ? vcpu_cpu[nr_vcpus - 1] : p[0].os;
	free(p);
	return 0;
}

/* Under placed_lock: fill `placed` for vm on first use. */
static int placement_resolve(const struct vm *vm)
{
	const struct pin_config *pin = &vm->cfg->pin;
	hwloc_topology_t topo;
	hwloc_bitmap_t allowed;
	int rc;

	if (placed.vm == vm)
		return 0;
	placed.automatic = pin->automatic;
	if (!pin->automatic) {
		for (int i = 0; i < HV_MAX_VCPUS; i++) {
			if (pin->vcpu_cpu[i] >= 0 && i >= vm->nr_vcpus) {
				warnx_hv("--pin names vcpu%d but the VM has %d vCPU(s)", i, vm->nr_vcpus);
				return -1;
			}
			placed.vcpu[i] = pin->vcpu_cpu[i];
		}
		placed.io = pin->io_cpu;
		placed.vm = vm;
		return 0;
	}
	if (hwloc_topology_init(&topo) < 0 || hwloc_topology_load(topo) < 0) {
		warnx_hv("--pin auto: hwloc could not load the host topology");
		return -1;
	}
	allowed = hwloc_bitmap_alloc();
	/* what this process may run on (taskset, cpuset cgroup) */
	if (hwloc_get_cpubind(topo, allowed, HWLOC_CPUBIND_PROCESS) < 0)
		hwloc_bitmap_copy(allowed, hwloc_topology_get_allowed_cpuset(topo));
	for (int i = 0; i < HV_MAX_VCPUS; i++)
		placed.vcpu[i] = -1;
	rc = placement_compute_auto(topo, allowed, vm->nr_vcpus, placed.vcpu, &placed.io);
	hwloc_bitmap_free(allowed);
	hwloc_topology_destroy(topo);
	if (rc < 0) {
		warnx_hv("--pin auto: no CPU is available to this process");
		return -1;
	}
	placed.vm = vm;
	return 0;
}

static int placement_set(pthread_t thread, int cpu, const char *what)
{
	cpu_set_t set;
	int err;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	err = pthread_setaffinity_np(thread, sizeof(set), &set);
	if (err) {
		warnx_hv("pin %s to CPU %d: pthread_setaffinity_np: %s", what, cpu, strerror(err));
		return -1;
	}
	info_hv("%s pinned to CPU %d", what, cpu);
	return 0;
}

int placement_apply_vcpu(struct vm *vm, int vcpu_id, pthread_t thread)
{
	char name[16];
	int cpu, rc;

	if (vcpu_id < 0 || vcpu_id >= HV_MAX_VCPUS)
		return -1;
	pthread_mutex_lock(&placed_lock);
	rc = placement_resolve(vm);
	cpu = rc ? -1 : placed.vcpu[vcpu_id];
	pthread_mutex_unlock(&placed_lock);
	if (rc || cpu < 0)
		return rc;
	snprintf(name, sizeof(name), "vcpu%d", vcpu_id);
	if (placement_set(thread, cpu, name) < 0)
		return -1;
	if (vm->vcpus && vcpu_id < vm->nr_vcpus && vm->vcpus[vcpu_id])
		vm->vcpus[vcpu_id]->pinned_cpu = cpu;
	return 0;
}

int placement_apply_io(struct vm *vm, pthread_t thread)
{
	int cpu, rc;

	pthread_mutex_lock(&placed_lock);
	rc = placement_resolve(vm);
	cpu = rc ? -1 : placed.io;
	pthread_mutex_unlock(&placed_lock);
	if (rc || cpu < 0)
		return rc;
	return placement_set(thread, cpu, "io thread");
}

json_t *placement_json(const struct vm *vm)
{
	json_t *o = json_object();

	pthread_mutex_lock(&placed_lock);
	if (placed.vm == vm) {
		for (int i = 0; i < vm->nr_vcpus && i < HV_MAX_VCPUS; i++) {
			char key[16];

			if (placed.vcpu[i] < 0)
				continue;
			snprintf(key, sizeof(key), "vcpu%d", i);
			json_object_set_new(o, key, json_integer(placed.vcpu[i]));
		}
		if (placed.io >= 0)
			json_object_set_new(o, "io", json_integer(placed.io));
	}
	pthread_mutex_unlock(&placed_lock);
	return o;
}
