/* Paths, host capability checks and command lines for each environment:
 *   native  build/workloads/native/NAME ARGS...
 *   micro   hv run --guest micro:NAME [knobs] --stats-json F --quiet -- ARGS...
 *   linux   hv run --kernel vmlinuz --initrd initrd.img --cmdline "...
 *           hvperf.env=linux hvperf.wl=NAME hvperf.args=..." [knobs]
 *           --stats-json F --quiet
 *   qemu    qemu-system-x86_64 -M microvm -enable-kvm -cpu host ... [-drive
 *           -device virtio-blk-device per disk] the same kernel, initrd and
 *           command line (hvperf.env=qemu)
 * The Linux guest's /init runs the workload (workloads/guest/init). */
#include "bench/launch.h"
#include "bench/exec.h"
#include "bench/guestcmd.h"
#include "bench/qemudisk.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Paths and messages are cut at their buffer size on purpose. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

static void launch__path(char *dst, const char *env, const char *base,
			 const char *rel)
{
	const char *e = getenv(env);

	if (e && *e)
		snprintf(dst, PATH_MAX, "%s", e);
	else
		snprintf(dst, PATH_MAX, "%s/%s", base, rel);
}

void launch_paths_init(struct launch_paths *p)
{
	char exe[PATH_MAX], build[PATH_MAX], top[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	/* hvperf lives in <top>/build/bin/ */
	if (n <= 0)
		snprintf(exe, sizeof(exe), "./build/bin/hvperf");
	else
		exe[n] = 0;
	snprintf(build, sizeof(build), "%s", dirname(dirname(exe)));
	snprintf(top, sizeof(top), "%s", build);
	dirname(top);
	launch__path(p->hv, "HVPERF_HV", build, "bin/hv");
	launch__path(p->workloads, "HVPERF_WORKLOADS", build, "workloads");
	launch__path(p->guest, "HVPERF_GUEST_DIR", build, "guest");
	launch__path(p->manifest, "HVPERF_MANIFEST", top, "workloads/manifest.json");
	if (access(p->manifest, R_OK) && !getenv("HVPERF_MANIFEST") &&
	    !access("workloads/manifest.json", R_OK))
		snprintf(p->manifest, PATH_MAX, "workloads/manifest.json");
	snprintf(p->qemu, PATH_MAX, "%s",
		 getenv("HVPERF_QEMU") ? getenv("HVPERF_QEMU") : "qemu-system-x86_64");
}

void launch_host_probe(const struct launch_paths *p, struct launch_host *h)
{
	char *argv[] = {(char *)p->hv, "info", "--json", NULL};
	struct exec_result r;
	char err[256];
	json_t *doc;

	memset(h, 0, sizeof(*h));
	snprintf(h->flavour, sizeof(h->flavour), "unknown");
	if (access("/dev/kvm", R_OK | W_OK)) {
		snprintf(h->reason, sizeof(h->reason), "/dev/kvm is missing or not accessible");
		return;
	}
	if (access(p->hv, X_OK)) {
		snprintf(h->reason, sizeof(h->reason), "hv is not built (%s missing)", p->hv);
		return;
	}
	if (exec_run(argv, NULL, 30, &r, err, sizeof(err))) {
		snprintf(h->reason, sizeof(h->reason), "hv info: %s", err);
		return;
	}
	doc = json_loads(r.out, 0, NULL);
	if (!doc) {
		exec_last_line(r.err, err, sizeof(err));
		snprintf(h->reason, sizeof(h->reason), "hv info --json failed (exit %d): %s",
			 r.status, err);
	} else {
		const char *f = json_string_value(json_object_get(doc, "kvm_flavour"));
		const char *why = json_string_value(json_object_get(doc, "reason"));

		snprintf(h->flavour, sizeof(h->flavour), "%s", f ? f : "unknown");
		h->kvm = json_is_true(json_object_get(doc, "kvm_available"));
		if (!h->kvm)
			snprintf(h->reason, sizeof(h->reason), "hv: KVM unavailable: %s",
				 why ? why : "no reason given");
		json_decref(doc);
	}
	exec_result_free(&r);
}

/* Workloads that need Debian's tools boot the tools variant of the image
 * (workloads/guest/build-tools-image.sh). */
static const char *launch__initrd(const struct manifest_entry *w)
{
	return w->image && !strcmp(w->image, "tools") ? "initrd-tools.img" : "initrd.img";
}

/* An executable path, or a name found on $PATH. */
static bool launch__in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (strchr(prog, '/'))
		return !access(prog, X_OK);
	while (path && *path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, prog);
		if (n && !access(buf, X_OK))
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

const char *launch_unavailable(const struct launch_paths *p,
			       const struct launch_host *h,
			       const struct manifest_entry *w,
			       const struct scenario_config *c,
			       char *buf, size_t len)
{
	unsigned env = env_from_name(c->env);

	if (!(w->envs & env)) {
		snprintf(buf, len, "workload %s is not built for env %s", w->name, c->env);
		return buf;
	}
	if (env == ENV_NATIVE) {
		snprintf(buf, len, "%s/native/%s", p->workloads, w->name);
		if (access(buf, X_OK)) {
			snprintf(buf, len, "native build missing: %s/native/%s (make)",
				 p->workloads, w->name);
			return buf;
		}
		return NULL;
	}
	if (env != ENV_QEMU && !h->kvm)
		return h->reason;
	if (env == ENV_MICRO) {
		snprintf(buf, len, "%s/micro/%s.elf", p->workloads, w->name);
		if (access(buf, R_OK)) {
			snprintf(buf, len, "micro-guest build missing: %s/micro/%s.elf (make)",
				 p->workloads, w->name);
			return buf;
		}
		return NULL;
	}
	/* Linux guests need ring 0 at full speed: hardware virtualization */
	if (!strcmp(h->flavour, "pvm"))
		return "host KVM is software (kvm_pvm): Linux guests cannot run here";
	if (strcmp(h->flavour, "vmx") && strcmp(h->flavour, "svm")) {
		snprintf(buf, len, "host KVM flavour is %s, not vmx/svm: Linux guests need hardware virtualization%s%s",
			 h->flavour, h->reason[0] ? "; " : "", h->reason);
		return buf;
	}
	if (env == ENV_QEMU && !launch__in_path(p->qemu)) {
		snprintf(buf, len, "%s not found (install qemu-system-x86; HVPERF_QEMU)",
			 p->qemu);
		return buf;
	}
	snprintf(buf, len, "%s/vmlinuz", p->guest);
	if (access(buf, R_OK)) {
		snprintf(buf, len, "Linux guest image not built: %s/vmlinuz missing (make guest)",
			 p->guest);
		return buf;
	}
	snprintf(buf, len, "%s/%s", p->guest, launch__initrd(w));
	if (access(buf, R_OK)) {
		snprintf(buf, len, "Linux guest image not built: %s/%s missing (make %s)",
			 p->guest, launch__initrd(w), w->image ? "guest-tools" : "guest");
		return buf;
	}
	return NULL;
}

static void launch__add(struct launch_cmd *cmd, const char *s)
{
	if (cmd->argc < (int)(sizeof(cmd->argv) / sizeof(cmd->argv[0])) - 1)
		cmd->argv[cmd->argc++] = strdup(s);
	cmd->argv[cmd->argc] = NULL;
}

static void launch__addf(struct launch_cmd *cmd, const char *fmt, const char *a,
			 const char *b)
{
	char buf[PATH_MAX + 64];

	snprintf(buf, sizeof(buf), fmt, a, b);
	launch__add(cmd, buf);
}

/* disk knob values ("scratch:SIZE" makes an image in dir) -> --disk */
static int launch__disks(struct launch_cmd *cmd, json_t *v, const char *dir,
			 char *err, size_t errlen)
{
	char buf[PATH_MAX + 128];
	json_t *one = json_is_string(v) ? json_pack("[O]", v) : json_incref(v), *e;
	size_t i;
	int rc = 0;

	json_array_foreach(one, i, e) {
		rc = guestcmd_disk(json_string_value(e), dir, buf, sizeof(buf), err, errlen);
		if (rc)
			break;
		launch__add(cmd, "--disk");
		launch__add(cmd, buf);
	}
	json_decref(one);
	return rc;
}

/* config.knobs -> hv flags (hv/config.h) */
static int launch__hv_knobs(struct launch_cmd *cmd, json_t *knobs,
			    const char *dir, char *err, size_t errlen)
{
	const char *k;
	json_t *v, *e;
	size_t i;
	char num[32];

	json_object_foreach(knobs, k, v) {
		if (!strcmp(k, "disk")) {
			if (launch__disks(cmd, v, dir, err, errlen))
				return -1;
			continue;
		}
		if (!strcmp(k, "prefault")) {
			if (json_is_true(v))
				launch__add(cmd, "--prefault");
			continue;
		}
		launch__addf(cmd, "--%s", k, NULL);
		/* --mem_backing -> --mem-backing */
		for (char *c = cmd->argv[cmd->argc - 1]; *c; c++)
			if (*c == '_')
				*c = '-';
		if (json_is_boolean(v)) {
			launch__add(cmd, json_is_true(v) ? "on" : "off");
		} else if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
			launch__add(cmd, num);
		} else if (json_is_string(v)) {
			launch__add(cmd, json_string_value(v));
		} else {
			/* several disks/nets: one flag each */
			cmd->argc--;
			json_array_foreach(v, i, e) {
				launch__addf(cmd, "--%s", k, NULL);
				launch__add(cmd, json_string_value(e));
			}
		}
	}
	return 0;
}

/* disk knob under QEMU: the same image ("scratch:SIZE" made in dir) as a
 * virtio-blk-device on microvm's virtio-mmio (bench/qemudisk.h). */
static int launch__qemu_disks(struct launch_cmd *cmd, json_t *v, const char *dir,
			      char *err, size_t errlen)
{
	char spec[PATH_MAX + 128], drive[2 * PATH_MAX + 160], dev[128];
	json_t *one = json_is_string(v) ? json_pack("[O]", v) : json_incref(v), *e;
	size_t i;
	int rc = 0;

	json_array_foreach(one, i, e) {
		rc = guestcmd_disk(json_string_value(e), dir, spec, sizeof(spec), err, errlen);
		if (!rc)
			rc = qemudisk_args(spec, (int)i, drive, sizeof(drive), dev,
					   sizeof(dev), err, errlen);
		if (rc)
			break;
		launch__add(cmd, "-drive");
		launch__add(cmd, drive);
		launch__add(cmd, "-device");
		launch__add(cmd, dev);
	}
	json_decref(one);
	return rc;
}

/* The same kernel and initrd under QEMU's microvm. Its ACPI tables (on by
 * default in QEMU 7.2) are how the Debian cloud kernel finds CPUs and the
 * virtio-mmio transports its -device options fill. */
static int launch__qemu(const struct launch_paths *p, const struct scenario_config *c,
			const struct manifest_entry *w, const char *cmdline,
			const char *dir, struct launch_cmd *cmd, char *err, size_t errlen)
{
	static const char *const fixed[] = {
		"-M", "microvm", "-enable-kvm", "-cpu", "host", "-nodefaults",
		"-no-user-config", "-display", "none", "-serial", "stdio",
		"-no-reboot",
	};
	const char *mem = json_string_value(json_object_get(c->knobs, "mem"));
	json_t *cpus = json_object_get(c->knobs, "cpus");
	json_t *disk = json_object_get(c->knobs, "disk");
	char n[16];

	snprintf(n, sizeof(n), "%lld", cpus ? (long long)json_integer_value(cpus) : 1);
	launch__add(cmd, p->qemu);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		launch__add(cmd, fixed[i]);
	launch__add(cmd, "-m");
	launch__add(cmd, mem ? mem : "256M");
	launch__add(cmd, "-smp");
	launch__add(cmd, n);
	if (disk && launch__qemu_disks(cmd, disk, dir, err, errlen))
		return -1;
	launch__add(cmd, "-kernel");
	launch__addf(cmd, "%s/vmlinuz", p->guest, NULL);
	launch__add(cmd, "-initrd");
	launch__addf(cmd, "%s/%s", p->guest, launch__initrd(w));
	launch__add(cmd, "-append");
	launch__add(cmd, cmdline);
	return 0;
}

int launch_build(const struct launch_paths *p, const struct manifest_entry *w,
		 json_t *args, const struct scenario_config *c,
		 const char *tmpdir, struct launch_cmd *cmd, char *err,
		 size_t errlen)
{
	unsigned env = env_from_name(c->env);
	char cmdline[2048];
	size_t i;
	json_t *a;

	memset(cmd, 0, sizeof(*cmd));
	if ((env == ENV_LINUX || env == ENV_QEMU) &&
	    guestcmd_cmdline(c->env, w->name, args, cmdline, sizeof(cmdline))) {
		snprintf(err, errlen, "arguments of %s do not fit the kernel command line "
			 "(%zu bytes at most; empty arguments cannot be passed)",
			 w->name, sizeof(cmdline));
		return -1;
	}
	if (env == ENV_NATIVE) {
		launch__addf(cmd, "%s/native/%s", p->workloads, w->name);
	} else if (env == ENV_QEMU) {
		if (launch__qemu(p, c, w, cmdline, tmpdir, cmd, err, errlen)) {
			launch_cmd_free(cmd);
			return -1;
		}
		return 0;
	} else {
		snprintf(cmd->stats_path, sizeof(cmd->stats_path), "%s/hv-stats-%d.json",
			 tmpdir, (int)getpid());
		launch__add(cmd, p->hv);
		launch__add(cmd, "run");
		if (env == ENV_MICRO) {
			launch__add(cmd, "--guest");
			launch__addf(cmd, "micro:%s", w->name, NULL);
		} else {
			launch__add(cmd, "--kernel");
			launch__addf(cmd, "%s/vmlinuz", p->guest, NULL);
			launch__add(cmd, "--initrd");
			launch__addf(cmd, "%s/%s", p->guest, launch__initrd(w));
			launch__add(cmd, "--cmdline");
			launch__add(cmd, cmdline);
		}
		if (launch__hv_knobs(cmd, c->knobs, tmpdir, err, errlen)) {
			launch_cmd_free(cmd);
			return -1;
		}
		launch__add(cmd, "--stats-json");
		launch__add(cmd, cmd->stats_path);
		launch__add(cmd, "--quiet");
		if (env != ENV_MICRO)
			return 0;   /* the arguments travel on the kernel command line */
		launch__add(cmd, "--");
	}
	json_array_foreach(args, i, a)
		launch__add(cmd, json_string_value(a));
	return 0;
}

void launch_cmd_free(struct launch_cmd *cmd)
{
	for (int i = 0; i < cmd->argc; i++)
		free(cmd->argv[i]);
	cmd->argc = 0;
}
