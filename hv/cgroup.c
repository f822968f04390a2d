/* Per-VM memory cgroup: find (or mount) the memory controller, create a
 * cgroup for this VM, set its limits and move hv in; on leave move back
 * and remove it. v2 where the memory controller is enabled, else v1 (below
 * the cgroup hv runs in, so any limit above still applies). */
#include "hv/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define CG_PRIVATE_MOUNT "/run/hvperf/memcg"

struct vm_cgroup {
	int version;                 /* 1 or 2 */
	char path[PATH_MAX];         /* the VM's cgroup directory */
	char home[PATH_MAX];         /* where hv was before (to move back) */
	char mounted[PATH_MAX];      /* private v1 mount we made, or "" */
	struct vm_cgroup_spec spec;
};

static struct vm_cgroup *cg_active;   /* for the exit hook */

static int cg_write(const char *dir, const char *file, const char *val)
{
	char p[PATH_MAX + 64];
	int fd, rc = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, val, strlen(val)) < 0)
		rc = -1;
	close(fd);
	return rc;
}

static int cg_write_u64(const char *dir, const char *file, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return cg_write(dir, file, buf);
}

/* First line of dir/file as a number; -1 when absent or "max". */
static long long cg_read_num(const char *dir, const char *file)
{
	char p[PATH_MAX + 64], buf[64];
	long long v = -1;
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	f = fopen(p, "re");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) && buf[0] >= '0' && buf[0] <= '9')
		v = strtoll(buf, NULL, 10);
	fclose(f);
	return v;
}

static bool cg_has(const char *dir, const char *file)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return access(p, F_OK) == 0;
}

static bool word_in(const char *list, const char *word, const char *seps)
{
	char *copy = strdup(list), *save = NULL;
	bool found = false;

	for (char *w = strtok_r(copy, seps, &save); w && !found; w = strtok_r(NULL, seps, &save))
		found = !strcmp(w, word);
	free(copy);
	return found;
}

/* Mount points of cgroup2 and of a v1 hierarchy carrying "memory". */
static void cg_find_mounts(char *v2, char *v1, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	v2[0] = v1[0] = 0;
	while (f && fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX], fstype[64], super[1024], *dash = strstr(line, " - ");

		if (!dash || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s %*s %1023s", fstype, super) != 2)
			continue;
		if (!strcmp(fstype, "cgroup2") && !v2[0])
			snprintf(v2, len, "%s", mnt);
		else if (!strcmp(fstype, "cgroup") && word_in(super, "memory", ",") && !v1[0])
			snprintf(v1, len, "%s", mnt);
	}
	if (f)
		fclose(f);
}

/* This process's cgroup path in the v1 memory hierarchy (version 1) or the
 * unified one (version 2), from /proc/self/cgroup. */
static int cg_self_path(int version, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];
	int rc = -1;

	while (f && rc && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		*c2 = 0;
		c2[1 + strcspn(c2 + 1, "\n")] = 0;
		if ((version == 2 && !strcmp(line, "0") && c1[1] == 0) ||
		    (version == 1 && word_in(c1 + 1, "memory", ","))) {
			snprintf(out, len, "%s", strcmp(c2 + 1, "/") ? c2 + 1 : "");
			rc = 0;
		}
	}
	if (f)
		fclose(f);
	return rc;
}

/* A leftover directory of a killed hv has no processes: remove it. */
static int cg_make_dir(const char *path, char *err, size_t errlen)
{
	long long pid;

	if (mkdir(path, 0755) == 0)
		return 0;
	if (errno == EEXIST) {
		pid = cg_read_num(path, "cgroup.procs");
		if (pid > 0) {
			snprintf(err, errlen, "cgroup %s is in use by pid %lld (another hv with this name?)",
				 path, pid);
			return -1;
		}
		if (rmdir(path) == 0 && mkdir(path, 0755) == 0)
			return 0;
	}
	snprintf(err, errlen, "mkdir %s: %s", path, strerror(errno));
	return -1;
}

static int cg_setup_v2(struct vm_cgroup *cg, const char *mnt, char *err, size_t errlen)
{
	char base[PATH_MAX], self[PATH_MAX];

	/* processes may not sit in a cgroup that hands controllers down, so
	 * VM cgroups live under <root>/hvperf rather than below hv's own */
	if (cg_self_path(2, self, sizeof(self)) < 0) {
		snprintf(err, errlen, "no cgroup v2 entry in /proc/self/cgroup");
		return -1;
	}
	snprintf(cg->home, sizeof(cg->home), "%s%s", mnt, self);
	snprintf(base, sizeof(base), "%s/hvperf", mnt);
	if (cg_write(mnt, "cgroup.subtree_control", "+memory") < 0 ||
	    (mkdir(base, 0755) < 0 && errno != EEXIST) ||
	    cg_write(base, "cgroup.subtree_control", "+memory") < 0) {
		snprintf(err, errlen, "enabling the v2 memory controller under %s: %s", base, strerror(errno));
		return -1;
	}
	snprintf(cg->path, sizeof(cg->path), "%.3000s/%.63s", base, cg->spec.name);
	if (cg_make_dir(cg->path, err, errlen) < 0)
		return -1;
	if ((cg->spec.has_mem && cg_write_u64(cg->path, "memory.max", cg->spec.mem) < 0) ||
	    (cg->spec.has_swap && cg_write_u64(cg->path, "memory.swap.max", cg->spec.swap) < 0) ||
	    (cg->spec.has_zswap && cg_write_u64(cg->path, "memory.zswap.max", cg->spec.zswap) < 0)) {
		snprintf(err, errlen, "setting limits in %s: %s%s", cg->path, strerror(errno),
			 errno == ENOENT ? " (this kernel lacks that control: swap accounting or zswap off?)" : "");
		return -1;
	}
	return 0;
}

static int cg_setup_v1(struct vm_cgroup *cg, const char *mnt, char *err, size_t errlen)
{
	char self[PATH_MAX];

	if (cg->spec.has_zswap) {
		snprintf(err, errlen, "zswap=: a per-cgroup zswap limit needs cgroup v2 (memory.zswap.max); "
			 "this host's memory controller is on cgroup v1");
		return -1;
	}
	if (cg->spec.has_swap && !cg->spec.has_mem) {
		snprintf(err, errlen, "swap=: cgroup v1 limits memory+swap together, so swap= needs mem= too");
		return -1;
	}
	if (cg_self_path(1, self, sizeof(self)) < 0)
		self[0] = 0;
	snprintf(cg->home, sizeof(cg->home), "%s%s", mnt, self);
	snprintf(cg->path, sizeof(cg->path), "%.3000s/hvperf-%.63s", cg->home, cg->spec.name);
	if (cg->spec.has_swap && !cg_has(cg->home, "memory.memsw.limit_in_bytes")) {
		snprintf(err, errlen, "swap=: this kernel has no memory.memsw.limit_in_bytes "
			 "(swap accounting off: boot with swapaccount=1)");
		return -1;
	}
	if (cg_make_dir(cg->path, err, errlen) < 0)
		return -1;
	/* memsw (memory+swap) must never be below the memory limit */
	if ((cg->spec.has_mem && cg_write_u64(cg->path, "memory.limit_in_bytes", cg->spec.mem) < 0) ||
	    (cg->spec.has_swap && cg_write_u64(cg->path, "memory.memsw.limit_in_bytes",
					       cg->spec.mem + cg->spec.swap) < 0)) {
		snprintf(err, errlen, "setting limits in %s: %s", cg->path, strerror(errno));
		return -1;
	}
	return 0;
}

static void cg_exit_hook(void)
{
	if (cg_active)
		vm_cgroup_leave(cg_active);
}

struct vm_cgroup *vm_cgroup_enter(const char *spec, char *err, size_t errlen)
{
	struct vm_cgroup *cg = calloc(1, sizeof(*cg));
	char v2[PATH_MAX], v1[PATH_MAX], ctl[256] = "";
	static bool hooked;
	FILE *f;
	int rc;

	if (!cg || vm_cgroup_parse(spec, &cg->spec, err, errlen) < 0)
		goto fail;
	cg_find_mounts(v2, v1, sizeof(v2));
	if (v2[0]) {
		snprintf(ctl, sizeof(ctl), "%s/cgroup.controllers", v2);
		f = fopen(ctl, "re");
		ctl[0] = 0;
		if (f) {
			if (!fgets(ctl, sizeof(ctl), f))
				ctl[0] = 0;
			fclose(f);
		}
	}
	if (v2[0] && word_in(ctl, "memory", " \n")) {
		cg->version = 2;
		rc = cg_setup_v2(cg, v2, err, errlen);
	} else {
		if (!v1[0]) {
			/* v1 memory not mounted: mount it privately */
			snprintf(v1, sizeof(v1), CG_PRIVATE_MOUNT);
			mkdir("/run/hvperf", 0755);
			mkdir(v1, 0755);
			if (mount("cgroup", v1, "cgroup", 0, "memory") < 0) {
				snprintf(err, errlen, "no usable memory cgroup: %s has no memory controller "
					 "and mounting a v1 memory hierarchy at %s failed: %s",
					 v2[0] ? v2 : "cgroup v2", v1, strerror(errno));
				rmdir(v1);
				goto fail;
			}
			snprintf(cg->mounted, sizeof(cg->mounted), "%s", v1);
		}
		cg->version = 1;
		rc = cg_setup_v1(cg, v1, err, errlen);
	}
	if (rc < 0)
		goto undo;
	if (cg_write_u64(cg->path, "cgroup.procs", (uint64_t)getpid()) < 0) {
		snprintf(err, errlen, "moving hv into %s: %s", cg->path, strerror(errno));
		goto undo;
	}
	cg_active = cg;
	if (!hooked)
		atexit(cg_exit_hook);   /* die() exits: do not leave the cgroup behind */
	hooked = true;
	return cg;
undo:
	if (cg->path[0])
		rmdir(cg->path);
	if (cg->mounted[0] && umount2(cg->mounted, MNT_DETACH) == 0)
		rmdir(cg->mounted);
fail:
	free(cg);
	return NULL;
}

void vm_cgroup_leave(struct vm_cgroup *cg)
{
	if (!cg)
		return;
	if (cg_active == cg)
		cg_active = NULL;
	if (cg_write_u64(cg->home, "cgroup.procs", (uint64_t)getpid()) < 0)
		fprintf(stderr, "hv: warning: moving back to %s: %s\n", cg->home, strerror(errno));
	/* charges are handed to the parent as the cgroup goes; retry briefly */
	for (int i = 0; i < 50 && rmdir(cg->path) < 0 && errno == EBUSY; i++)
		usleep(20000);
	if (access(cg->path, F_OK) == 0)
		fprintf(stderr, "hv: warning: could not remove cgroup %s: %s\n", cg->path, strerror(errno));
	if (cg->version == 2) {
		char base[PATH_MAX];

		snprintf(base, sizeof(base), "%.*s", (int)(strrchr(cg->path, '/') - cg->path), cg->path);
		rmdir(base);   /* fails while other VMs use it: fine */
	}
	if (cg->mounted[0] && umount2(cg->mounted, MNT_DETACH) == 0)
		rmdir(cg->mounted);
	free(cg);
}

static json_t *num_or_null(long long v)
{
	return v >= 0 ? json_integer(v) : json_null();
}

json_t *vm_cgroup_json(const struct vm_cgroup *cg)
{
	json_t *o;
	long long usage, swap = -1;

	if (!cg)
		return json_null();
	o = json_pack("{s:i, s:s, s:s}", "version", cg->version, "path", cg->path,
		      "name", cg->spec.name);
	json_object_set_new(o, "mem_limit_bytes", cg->spec.has_mem ? json_integer(cg->spec.mem) : json_null());
	json_object_set_new(o, "swap_limit_bytes", cg->spec.has_swap ? json_integer(cg->spec.swap) : json_null());
	if (cg->version == 2) {
		usage = cg_read_num(cg->path, "memory.current");
		swap = cg_read_num(cg->path, "memory.swap.current");
		json_object_set_new(o, "zswap_limit_bytes", cg->spec.has_zswap ? json_integer(cg->spec.zswap) : json_null());
		json_object_set_new(o, "max_usage_bytes", num_or_null(cg_read_num(cg->path, "memory.peak")));
		json_object_set_new(o, "zswap_bytes", num_or_null(cg_read_num(cg->path, "memory.zswap.current")));
	} else {
		long long memsw = cg_read_num(cg->path, "memory.memsw.usage_in_bytes");

		usage = cg_read_num(cg->path, "memory.usage_in_bytes");
		if (memsw >= 0 && usage >= 0)
			swap = memsw > usage ? memsw - usage : 0;
		json_object_set_new(o, "max_usage_bytes", num_or_null(cg_read_num(cg->path, "memory.max_usage_in_bytes")));
		json_object_set_new(o, "failcnt", num_or_null(cg_read_num(cg->path, "memory.failcnt")));
		json_object_set_new(o, "zswap_reason", json_string("per-cgroup zswap needs cgroup v2"));
	}
	json_object_set_new(o, "usage_bytes", num_or_null(usage));
	json_object_set_new(o, "swap_usage_bytes", num_or_null(swap));
	if (swap < 0)
		json_object_set_new(o, "swap_usage_reason",
				    json_string("no swap accounting in this cgroup (memsw/swap.current absent)"));
	return o;
}
