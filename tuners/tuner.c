/* Tuner core: the key table, apply-with-journal, and every restore path
 * (normal exit, SIGINT/SIGTERM, next start after a crash). */
#include "tuners/tuner.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/swap.h>
#include <unistd.h>

#include "bench/command.h"
#include "tuners/journal.h"
#include "tuners/knob.h"

static const struct tuner_knob *const families[] = {
	tuner_hugepages_knobs, tuner_thp_knobs, tuner_ksm_knobs,
	tuner_zswap_knobs, tuner_swap_knobs, tuner_cpufreq_knobs,
};

/* This process's changes, for the signal handler (no malloc, no stdio). */
#define TUNER_MAX_APPLIED 256
static struct journal_rec applied[TUNER_MAX_APPLIED];
static volatile int nr_applied;

const struct tuner_knob *tuner_find(const char *key)
{
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (const struct tuner_knob *k = families[f]; k->key; k++)
			if (!strcmp(k->key, key))
				return k;
	return NULL;
}

const struct tuner_knob *tuner_knob_at(int i)
{
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (const struct tuner_knob *k = families[f]; k->key; k++)
			if (i-- == 0)
				return k;
	return NULL;
}

int tuner_validate(const char *key, const char *value, char *err, size_t errlen)
{
	const struct tuner_knob *k = tuner_find(key);

	if (!k) {
		snprintf(err, errlen, "unknown key '%s' (hvperf tune --show lists them)", key);
		return -1;
	}
	if (!value || !*value) {
		snprintf(err, errlen, "%s: empty value", key);
		return -1;
	}
	return k->validate ? k->validate(k, value, err, errlen) : 0;
}

int tuner_journal(const char *key, const char *path, const char *prev,
		  char *err, size_t errlen)
{
	struct journal_rec r = {.op = "set"};

	if (nr_applied >= TUNER_MAX_APPLIED) {
		snprintf(err, errlen, "%s: too many changes in one run", key);
		return -1;
	}
	snprintf(r.owner, sizeof(r.owner), "%s", journal_self_owner());
	snprintf(r.key, sizeof(r.key), "%s", key);
	snprintf(r.path, sizeof(r.path), "%s", path);
	snprintf(r.prev, sizeof(r.prev), "%s", prev);
	if (journal_append(&r, err, errlen) < 0)
		return -1;
	applied[nr_applied] = r;
	nr_applied++;
	return 0;
}

int tuner_undo(const char *key, const char *path, const char *prev)
{
	if (!strcmp(key, "swap.file")) {
		/* prev is "absent": the file is ours; take it out of use */
		if (swapoff(path) < 0 && errno != EINVAL && errno != ENOENT)
			return -1;
		return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
	}
	if (!strcmp(key, "ksm.run") && !strcmp(prev, "0"))
		sysfs_write_raw(path, "2");  /* unmerge what we merged, then stop */
	return sysfs_write_raw(path, prev);
}

static int knob_apply_generic(const struct tuner_knob *k, const char *value,
			      char *err, size_t errlen)
{
	char *prev = tuner_get(k->key), *now;
	int rc = -1;

	if (!prev) {
		snprintf(err, errlen, "%s: cannot read %s: %s", k->key, k->path,
			 strerror(errno));
		return -1;
	}
	if (tuner_journal(k->key, k->path, prev, err, errlen) < 0)
		goto out;
	if (sysfs_write(k->path, value) < 0) {
		snprintf(err, errlen, "%s: writing '%s' to %s: %s", k->key, value,
			 k->path, strerror(errno));
		goto out;
	}
	now = tuner_get(k->key);
	if (now && strcmp(now, value))
		fprintf(stderr, "hvperf tune: %s: asked for %s, host reports %s\n",
			k->key, value, now);
	free(now);
	rc = 0;
out:
	free(prev);
	return rc;
}

int tuner_apply(const char *key, const char *value, char *err, size_t errlen)
{
	const struct tuner_knob *k = tuner_find(key);
	sigset_t block, old;
	int rc;

	if (tuner_validate(key, value, err, errlen) < 0)
		return -1;
	/* the journal record and the change go together */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	rc = k->apply ? k->apply(k, value, err, errlen)
		      : knob_apply_generic(k, value, err, errlen);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0 && k->after)
		k->after(k, value);
	return rc;
}

char *tuner_get(const char *key)
{
	const struct tuner_knob *k = tuner_find(key);
	char *text, *sel;

	if (!k)
		return NULL;
	if (k->get)
		return k->get(k);
	text = sysfs_read(k->path);
	if (!text)
		return NULL;
	sel = sysfs_choice_selected(text);
	free(text);
	return sel;
}

/* Undo the journaled changes of every owner that `want` accepts, newest
 * first; then mark those owners done and compact the journal. */
static int replay(bool (*want)(const struct journal *, const char *owner),
		  const char *why)
{
	struct journal j;
	char err[256];
	int restored = 0, failed = 0;

	if (journal_load(&j, err, sizeof(err)) < 0) {
		fprintf(stderr, "hvperf: %s\n", err);
		return -1;
	}
	if (j.nr_bad)
		fprintf(stderr, "hvperf: journal %s: ignored %d torn or corrupt record(s) (first at line %d)\n",
			journal_path(), j.nr_bad, j.first_bad_line);
	for (int i = j.nr - 1; i >= 0; i--) {
		struct journal_rec *r = &j.recs[i];

		if (strcmp(r->op, "set") || !want(&j, r->owner))
			continue;
		if (tuner_undo(r->key, r->path, r->prev) < 0) {
			fprintf(stderr, "hvperf: could not restore %s=%s (%s): %s\n",
				r->key, r->prev, r->path, strerror(errno));
			if (errno == EACCES || errno == EPERM)
				failed++;   /* keep the record: retry as root */
			continue;
		}
		fprintf(stderr, "hvperf: restored %s=%s (%s, %s)\n", r->key,
			r->prev, r->path, why);
		restored++;
	}
	if (!failed) {
		for (int i = 0; i < j.nr; i++) {
			if (!want(&j, j.recs[i].owner))
				continue;
			/* one done record per owner */
			bool seen = false;
			for (int k = 0; k < i; k++)
				seen |= !strcmp(j.recs[k].owner, j.recs[i].owner);
			if (!seen)
				journal_append_done_raw(j.recs[i].owner);
		}
	}
	journal_free(&j);
	if (journal_compact(err, sizeof(err)) < 0)
		fprintf(stderr, "hvperf: %s\n", err);
	return failed ? -1 : restored;
}

static bool want_self(const struct journal *j, const char *owner)
{
	return !strcmp(owner, journal_self_owner()) &&
	       journal_owner_state(j, owner) == JOURNAL_PENDING;
}

static bool want_crashed(const struct journal *j, const char *owner)
{
	return strcmp(owner, journal_self_owner()) &&
	       journal_owner_state(j, owner) == JOURNAL_PENDING &&
	       !journal_owner_alive(owner);
}

static bool want_self_or_crashed(const struct journal *j, const char *owner)
{
	return want_self(j, owner) || want_crashed(j, owner);
}

static bool want_all_dead(const struct journal *j, const char *owner)
{
	return want_self_or_crashed(j, owner) ||
	       journal_owner_state(j, owner) == JOURNAL_HELD;
}

int tuner_restore_all(void)
{
	int rc = replay(want_self_or_crashed, "restore");

	nr_applied = 0;
	return rc < 0 ? -1 : 0;
}

int tuner_restore_held(void)
{
	int rc = replay(want_all_dead, "hvperf tune --restore");

	nr_applied = 0;
	return rc;
}

int tuner_hold(char *err, size_t errlen)
{
	struct journal_rec r = {.op = "hold"};

	if (!nr_applied)
		return 0;
	snprintf(r.owner, sizeof(r.owner), "%s", journal_self_owner());
	if (journal_append(&r, err, errlen) < 0)
		return -1;
	nr_applied = 0;
	return 0;
}

static volatile pid_t signal_child;

void tuner_set_signal_child(pid_t child)
{
	signal_child = child;
}

static void tuner_signal(int sig)
{
	static const char msg[] = "hvperf: signal: restoring tuned host settings\n";

	/* SIGTERM even for SIGINT: a child of a background job ignores SIGINT */
	if (signal_child > 0)
		kill(signal_child, SIGTERM);
	(void)!write(2, msg, sizeof(msg) - 1);
	for (int i = nr_applied - 1; i >= 0; i--)
		tuner_undo(applied[i].key, applied[i].path, applied[i].prev);
	if (nr_applied)
		journal_append_done_raw(applied[0].owner);
	nr_applied = 0;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void tuner_atexit(void)
{
	if (nr_applied)
		tuner_restore_all();
}

void tuner_install_restore_handlers(void)
{
	static bool installed;
	struct sigaction sa = {.sa_handler = tuner_signal};

	if (installed)
		return;
	installed = true;
	journal_self_owner();   /* computed now, not in the handler */
	journal_path();
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	atexit(tuner_atexit);
}

/* At the start of every hvperf command: put back what a crashed run left. */
static int tuner_startup_replay(void)
{
	struct journal j;
	char err[256];
	bool any = false;

	if (journal_load(&j, err, sizeof(err)) < 0 || !j.nr) {
		journal_free(&j);
		return 0;
	}
	for (int i = 0; i < j.nr && !any; i++)
		any = want_crashed(&j, j.recs[i].owner);
	journal_free(&j);
	if (any) {
		fprintf(stderr, "hvperf: %s holds changes of a run that is gone (crashed or killed); restoring them\n",
			journal_path());
		replay(want_crashed, "left by a crashed run");
	}
	return 0;
}
HVPERF_STARTUP_HOOK(tuner_startup_replay)
