/* PMU counters through libpfm4 and perf_event_open(2). */
#include "bench/pmu.h"

#include <errno.h>
#include <perfmon/pfmlib_perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *const pmu_default_events[] = {
	"cycles", "instructions", "cache-misses", "dTLB-load-misses",
	"task-clock", "page-faults", "context-switches",
};
const size_t pmu_nr_default_events =
	sizeof(pmu_default_events) / sizeof(pmu_default_events[0]);

static int pmu__init_rc = -1;

static int pmu__init(void)
{
	if (pmu__init_rc < 0)
		pmu__init_rc = pfm_initialize() == PFM_SUCCESS ? 1 : 0;
	return pmu__init_rc;
}

static int pmu__open(struct perf_event_attr *attr, pid_t pid)
{
	return (int)syscall(SYS_perf_event_open, attr, pid, -1, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

int pmu_resolve(const char *event, struct perf_event_attr *attr, char *reason,
		size_t len)
{
	pfm_perf_encode_arg_t arg;
	int rc;

	memset(attr, 0, sizeof(*attr));
	if (!pmu__init()) {
		snprintf(reason, len, "libpfm4 failed to initialise");
		return -1;
	}
	memset(&arg, 0, sizeof(arg));
	arg.attr = attr;
	arg.size = sizeof(arg);
	rc = pfm_get_os_event_encoding(event, PFM_PLM0 | PFM_PLM3,
				       PFM_OS_PERF_EVENT_EXT, &arg);
	if (rc != PFM_SUCCESS) {
		snprintf(reason, len, "libpfm4 cannot resolve \"%s\": %s", event,
			 pfm_strerror(rc));
		return -1;
	}
	attr->size = sizeof(*attr);
	return 0;
}

void pmu_errno_reason(int err, bool hardware, char *buf, size_t len)
{
	switch (err) {
	case ENOENT:
		snprintf(buf, len, hardware ? "PMU not virtualized on this host (ENOENT)"
					    : "event not known to this kernel (ENOENT)");
		break;
	case ENODEV:
		snprintf(buf, len, "no PMU for this event on this host (ENODEV)");
		break;
	case EOPNOTSUPP:
		snprintf(buf, len, "not supported by this PMU or kernel (EOPNOTSUPP)");
		break;
	case EACCES:
	case EPERM:
		snprintf(buf, len, "not permitted: see /proc/sys/kernel/perf_event_paranoid (%s)",
			 err == EACCES ? "EACCES" : "EPERM");
		break;
	case EINVAL:
		snprintf(buf, len, "event attributes rejected by the kernel (EINVAL)");
		break;
	case EMFILE:
		snprintf(buf, len, "out of file descriptors (EMFILE)");
		break;
	default:
		snprintf(buf, len, "perf_event_open: %s", strerror(err));
	}
}

enum pmu_mode { PMU_DEFAULT, PMU_GUEST_AND_HOST, PMU_GUEST_ONLY };

static void pmu__add(struct pmu_set *s, const char *name, const char *spec,
		     enum pmu_mode mode)
{
	struct pmu_event *e;
	int fd;

	if (s->n >= PMU_MAX_EVENTS)
		return;
	e = &s->ev[s->n++];
	memset(e, 0, sizeof(*e));
	e->fd = -1;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->probe_failed = true;
	if (pmu_resolve(spec, &e->attr, e->reason, sizeof(e->reason)))
		return;
	e->hardware = e->attr.type != PERF_TYPE_SOFTWARE &&
		      e->attr.type != PERF_TYPE_TRACEPOINT;
	/* Set the bits ourselves: libpfm4's mg/mh modifiers do not combine
	 * the way one expects (mg=1:mh=0 clears both). */
	if (mode != PMU_DEFAULT) {
		e->attr.exclude_guest = 0;
		e->attr.exclude_host = mode == PMU_GUEST_ONLY;
	}
	e->attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
			      PERF_FORMAT_TOTAL_TIME_RUNNING;
	e->attr.disabled = 1;
	/* probe on ourselves: the answer is the same for the child */
	fd = pmu__open(&e->attr, 0);
	if (fd < 0)
		pmu_errno_reason(errno, e->hardware, e->reason, sizeof(e->reason));
	else
		close(fd);
	e->probe_failed = fd < 0;
}

void pmu_set_init(struct pmu_set *s, const char *const *names, size_t n,
		  bool guest_split)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n; i++) {
		char name[64];

		/* a VM's counters include guest mode; ":guest" is guest only */
		pmu__add(s, names[i], names[i],
			 guest_split ? PMU_GUEST_AND_HOST : PMU_DEFAULT);
		if (!guest_split || !s->ev[s->n - 1].hardware)
			continue;
		snprintf(name, sizeof(name), "%s:guest", names[i]);
		pmu__add(s, name, names[i], PMU_GUEST_ONLY);
	}
}

void pmu_set_open(struct pmu_set *s, pid_t pid)
{
	for (size_t i = 0; i < s->n; i++) {
		struct pmu_event *e = &s->ev[i];

		e->fd = -1;
		if (e->probe_failed)
			continue;
		e->reason[0] = 0;
		e->attr.disabled = 1;
		e->attr.enable_on_exec = 1;
		e->attr.inherit = 1;
		e->fd = pmu__open(&e->attr, pid);
		if (e->fd < 0)
			pmu_errno_reason(errno, e->hardware, e->reason, sizeof(e->reason));
	}
}

void pmu_set_read(struct pmu_set *s, json_t *counters, json_t *unavailable)
{
	for (size_t i = 0; i < s->n; i++) {
		struct pmu_event *e = &s->ev[i];
		uint64_t v[3];
		double val;

		if (e->fd >= 0 && read(e->fd, v, sizeof(v)) != sizeof(v))
			snprintf(e->reason, sizeof(e->reason), "reading the counter failed: %s",
				 strerror(errno));
		else if (e->fd >= 0 && v[2] == 0 && v[1] != 0)
			snprintf(e->reason, sizeof(e->reason),
				 "counter was never scheduled (too many events multiplexed)");
		if (e->fd < 0 || e->reason[0]) {
			json_object_set_new(counters, e->name, json_null());
			json_object_set_new(unavailable, e->name,
					    json_string(e->reason[0] ? e->reason : "not opened"));
			continue;
		}
		/* scale for multiplexing: value * enabled / running */
		val = (double)v[0];
		if (v[2] && v[2] < v[1])
			val = val * (double)v[1] / (double)v[2];
		json_object_set_new(counters, e->name, json_integer((json_int_t)val));
	}
	pmu_set_close(s);
}

void pmu_set_close(struct pmu_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->ev[i].fd >= 0)
			close(s->ev[i].fd);
		s->ev[i].fd = -1;
	}
}

json_t *pmu_set_availability(const struct pmu_set *s)
{
	json_t *ev = json_object(), *o = json_object();
	const char *reason = NULL;
	bool any_hw = false;

	for (size_t i = 0; i < s->n; i++) {
		json_object_set_new(ev, s->ev[i].name, json_boolean(!s->ev[i].reason[0]));
		if (s->ev[i].hardware && !s->ev[i].reason[0])
			any_hw = true;
		else if ((s->ev[i].hardware || s->ev[i].attr.type == 0) && !reason &&
			 s->ev[i].reason[0])
			reason = s->ev[i].reason;
	}
	json_object_set_new(o, "available", json_boolean(any_hw));
	json_object_set_new(o, "reason", any_hw || !reason ? json_null() : json_string(reason));
	json_object_set_new(o, "events", ev);
	return o;
}
