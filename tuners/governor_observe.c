/* Observations for the governor. cgroup v2: memory.current/max, PSI from
 * memory.pressure. cgroup v1 (no per-cgroup PSI): usage/limit_in_bytes and
 * memory.pressure_level notifications through cgroup.event_control
 * (Documentation/admin-guide/cgroup-v1/memory.rst, section 11). */
#include "tuners/governor_observe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "tuners/governor_api.h"

#define PSI_LOW       1.0     /* memory.pressure some avg10 (%) */
#define PSI_MEDIUM    10.0
#define PSI_CRITICAL  40.0
#define V1_SEARCH_DEPTH 4
#define CG_NOT_FOUND  -1
#define CG_MAX        -2

static const char *const v1_levels[GOV_PRESS_LEVELS] = { "low", "medium", "critical" };

void gov_probe_init(struct gov_probe *p)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < GOV_PRESS_LEVELS; i++)
		p->press_fd[i] = -1;
}

void gov_probe_close(struct gov_probe *p)
{
	for (int i = 0; i < GOV_PRESS_LEVELS; i++)
		if (p->press_fd[i] >= 0)
			close(p->press_fd[i]);
	gov_probe_init(p);
}

long long gov_cg_read(const char *dir, const char *file)
{
	char path[PATH_MAX + 64], buf[64];
	long long v = CG_NOT_FOUND;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return CG_NOT_FOUND;
	if (fgets(buf, sizeof(buf), f))
		v = !strncmp(buf, "max", 3) ? CG_MAX : strtoll(buf, NULL, 10);
	fclose(f);
	return v;
}

int gov_cg_write(const char *dir, const char *file, const char *value)
{
	char path[PATH_MAX + 64];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, value, strlen(value)) < 0)
		rc = -1;
	close(fd);
	return rc;
}

/* "KEY N" line of a flat-keyed file */
static long long cg_keyed(const char *dir, const char *file, const char *key)
{
	char path[PATH_MAX + 64], k[64];
	long long v, found = CG_NOT_FOUND;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	while (f && fscanf(f, "%63s %lld", k, &v) == 2)
		if (!strcmp(k, key))
			found = v;
	if (f)
		fclose(f);
	return found;
}

long long gov_cg_oom_kills(const struct gov_probe *p)
{
	if (!p->cg_dir[0])
		return CG_NOT_FOUND;
	return cg_keyed(p->cg_dir, p->cg_version == 2 ? "memory.events" :
			"memory.oom_control", "oom_kill");
}

static void find_mounts(char *v2, char *v1, size_t len)
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
		else if (!strcmp(fstype, "cgroup") && strstr(super, "memory") && !v1[0])
			snprintf(v1, len, "%s", mnt);
	}
	if (f)
		fclose(f);
}

/* Depth-limited search for a directory named want below dir. */
static bool find_dir(const char *dir, const char *want, int depth, char *out,
		     size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	while (d && !found && (e = readdir(d))) {
		char sub[PATH_MAX];

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) >= sizeof(sub))
			continue;
		if (!strcmp(e->d_name, want)) {
			snprintf(out, len, "%s", sub);
			found = true;
		} else if (depth > 1) {
			found = find_dir(sub, want, depth - 1, out, len);
		}
	}
	if (d)
		closedir(d);
	return found;
}

static void v1_pressure_listen(struct gov_probe *p)
{
	char path[PATH_MAX + 64], cmd[64];
	int pfd;

	snprintf(path, sizeof(path), "%s/memory.pressure_level", p->cg_dir);
	for (int i = 0; i < GOV_PRESS_LEVELS; i++) {
		pfd = open(path, O_RDONLY | O_CLOEXEC);
		p->press_fd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (pfd >= 0 && p->press_fd[i] >= 0) {
			snprintf(cmd, sizeof(cmd), "%d %d %s", p->press_fd[i], pfd, v1_levels[i]);
			if (gov_cg_write(p->cg_dir, "cgroup.event_control", cmd) < 0) {
				close(p->press_fd[i]);
				p->press_fd[i] = -1;
			}
		}
		if (pfd >= 0)
			close(pfd);   /* the registration holds its own reference */
	}
}

int gov_cgroup_find(const struct gov_vm_config *vc, struct gov_probe *p)
{
	char v2[PATH_MAX], v1[PATH_MAX], name[GOV_NAME_MAX + 8], dir[PATH_MAX];

	if (p->cg_dir[0] && access(p->cg_dir, F_OK) == 0)
		return 0;
	gov_probe_close(p);
	find_mounts(v2, v1, sizeof(v2));
	if (vc->cgroup_path[0]) {
		snprintf(dir, sizeof(dir), "%s", vc->cgroup_path);
	} else if (!vc->cgroup[0]) {
		return -1;
	} else {
		snprintf(dir, sizeof(dir), "%.3000s/hvperf/%s", v2, vc->cgroup);
		if (!v2[0] || access(dir, F_OK) < 0) {
			snprintf(name, sizeof(name), "hvperf-%s", vc->cgroup);
			if (!v1[0] || !find_dir(v1, name, V1_SEARCH_DEPTH, dir, sizeof(dir)))
				return -1;
		}
	}
	if (access(dir, F_OK) < 0)
		return -1;
	snprintf(p->cg_dir, sizeof(p->cg_dir), "%s", dir);
	p->cg_version = access(strcat(dir, "/memory.current"), F_OK) == 0 ? 2 : 1;
	if (p->cg_version == 1)
		v1_pressure_listen(p);
	return 0;
}

static enum gov_vm_pressure pressure_level(struct gov_probe *p)
{
	enum gov_vm_pressure lvl = GOV_PRESS_NONE;
	char path[PATH_MAX + 64];
	double avg10;
	FILE *f;

	if (p->cg_version == 2) {
		snprintf(path, sizeof(path), "%s/memory.pressure", p->cg_dir);
		f = fopen(path, "re");
		if (f && fscanf(f, "some avg10=%lf", &avg10) == 1)
			lvl = avg10 >= PSI_CRITICAL ? GOV_PRESS_CRITICAL :
			      avg10 >= PSI_MEDIUM ? GOV_PRESS_MEDIUM :
			      avg10 >= PSI_LOW ? GOV_PRESS_LOW : GOV_PRESS_NONE;
		if (f)
			fclose(f);
		return lvl;
	}
	for (int i = 0; i < GOV_PRESS_LEVELS; i++) {
		uint64_t n;

		if (p->press_fd[i] >= 0 && read(p->press_fd[i], &n, sizeof(n)) == sizeof(n) && n)
			lvl = (enum gov_vm_pressure)(GOV_PRESS_LOW + i);
	}
	return lvl;
}

/* utime + stime (clock ticks) of every process in the cgroup */
static bool cgroup_cpu_ticks(const char *dir, uint64_t *ticks)
{
	char path[PATH_MAX + 64];
	FILE *f;
	long pid;
	bool any = false;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	*ticks = 0;
	while (f && fscanf(f, "%ld", &pid) == 1) {
		char sp[64], buf[1024], *rp;
		unsigned long long ut, st;
		FILE *s;

		snprintf(sp, sizeof(sp), "/proc/%ld/stat", pid);
		s = fopen(sp, "re");
		if (s && fgets(buf, sizeof(buf), s) && (rp = strrchr(buf, ')')) &&
		    sscanf(rp + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			   &ut, &st) == 2) {
			*ticks += ut + st;
			any = true;
		}
		if (s)
			fclose(s);
	}
	if (f)
		fclose(f);
	return any;
}

static void observe_balloon(const struct gov_vm_config *vc, struct gov_probe *p,
			    struct gov_vm_obs *out)
{
	struct gov_balloon_reply br;
	json_t *req, *rep;

	if (!vc->api[0]) {
		snprintf(p->balloon_err, sizeof(p->balloon_err), "no control socket configured");
		return;
	}
	req = json_pack("{s:s}", "cmd", "balloon-stats");
	rep = gov_api_call(vc->api, req, GOV_API_TIMEOUT_MS, p->balloon_err,
			   sizeof(p->balloon_err));
	json_decref(req);
	if (!rep)
		return;
	if (gov_api_balloon_parse(rep, &br) == 0) {
		out->balloon_ok = true;
		out->balloon_actual = br.actual_bytes;
		out->guest_free_known = br.guest_free_known;
		out->guest_free = br.guest_free;
		p->balloon_err[0] = 0;
	} else {
		snprintf(p->balloon_err, sizeof(p->balloon_err),
			 "balloon-stats reply has no actual_pages");
	}
	json_decref(rep);
}

void gov_observe_vm(const struct gov_config *c, int i, struct gov_probe *p,
		    uint64_t now_ms, struct gov_vm_obs *out)
{
	const struct gov_vm_config *vc = &c->vms[i];
	long long usage, limit;
	uint64_t ticks;

	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", vc->name);
	out->priority = vc->priority;
	out->opt_ksm = vc->opt_ksm;
	out->opt_balloon = vc->opt_balloon;
	out->opt_compress = vc->opt_compress;
	out->opt_swap = vc->opt_swap;
	out->mem_min = vc->mem_min;
	out->mem_max = vc->mem_max;
	out->cg_limit = GOV_NO_LIMIT;
	if (gov_cgroup_find(vc, p) == 0) {
		bool v2 = p->cg_version == 2;

		usage = gov_cg_read(p->cg_dir, v2 ? "memory.current" : "memory.usage_in_bytes");
		limit = gov_cg_read(p->cg_dir, v2 ? "memory.max" : "memory.limit_in_bytes");
		if (usage >= 0 && limit != CG_NOT_FOUND) {
			out->cgroup_ok = true;
			out->cg_usage = (uint64_t)usage;
			/* v1 "unlimited" is a huge page-rounded number */
			out->cg_limit = limit < 0 || (uint64_t)limit >= (1ull << 62) ?
					GOV_NO_LIMIT : (uint64_t)limit;
		}
		out->pressure = pressure_level(p);
		if (cgroup_cpu_ticks(p->cg_dir, &ticks)) {
			if (p->cpu_valid && now_ms > p->cpu_ms) {
				double pct = 100.0 * (double)(ticks - p->cpu_ticks) /
					     (double)sysconf(_SC_CLK_TCK) /
					     ((double)(now_ms - p->cpu_ms) / 1000.0);

				out->idle = pct < c->idle_cpu_pct;
			}
			p->cpu_ticks = ticks;
			p->cpu_ms = now_ms;
			p->cpu_valid = true;
		}
	}
	if (vc->opt_balloon)
		observe_balloon(vc, p, out);
}

int gov_observe_pool(const struct gov_config *c, const struct gov_obs *o,
		     uint64_t *total, uint64_t *free_b, char *err, size_t errlen)
{
	long long usage, limit;
	uint64_t used = 0;
	FILE *f;
	char k[64];
	long long kib, mt = -1, ma = -1;

	switch (c->pool) {
	case GOV_POOL_BUDGET:
		for (int i = 0; i < o->nr_vms; i++)
			used += o->vm[i].cg_usage;
		*total = c->pool_budget;
		*free_b = used < c->pool_budget ? c->pool_budget - used : 0;
		return 0;
	case GOV_POOL_CGROUP:
		usage = gov_cg_read(c->pool_cgroup, "memory.usage_in_bytes");
		limit = gov_cg_read(c->pool_cgroup, "memory.limit_in_bytes");
		if (usage < 0) {
			usage = gov_cg_read(c->pool_cgroup, "memory.current");
			limit = gov_cg_read(c->pool_cgroup, "memory.max");
		}
		if (usage < 0 || limit <= 0 || (uint64_t)limit >= (1ull << 62)) {
			snprintf(err, errlen, "pool cgroup %s: no usage or no limit set", c->pool_cgroup);
			return -1;
		}
		*total = (uint64_t)limit;
		*free_b = usage < limit ? (uint64_t)(limit - usage) : 0;
		return 0;
	default:
		f = fopen("/proc/meminfo", "re");
		while (f && fscanf(f, "%63s %lld kB\n", k, &kib) == 2) {
			if (!strcmp(k, "MemTotal:"))
				mt = kib;
			else if (!strcmp(k, "MemAvailable:"))
				ma = kib;
		}
		if (f)
			fclose(f);
		if (mt <= 0 || ma < 0) {
			snprintf(err, errlen, "/proc/meminfo: no MemTotal/MemAvailable");
			return -1;
		}
		*total = (uint64_t)mt << 10;
		*free_b = (uint64_t)ma << 10;
		return 0;
	}
}
