/* Inside the tuners: one descriptor per key, grouped by family (one file
 * each: tuner_hugepages.c, tuner_thp.c, ...), and the sysfs helpers they
 * share. Not used outside tuners/. */
#ifndef TUNERS_KNOB_H
#define TUNERS_KNOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tuner_knob {
	const char *key;
	const char *path;    /* file written, or NULL for custom knobs */
	const char *help;
	/* 0, or -1 with a one-line reason (malformed, refused, absent) */
	int (*validate)(const struct tuner_knob *k, const char *value,
			char *err, size_t errlen);
	/* NULL: journal path's current value, write value, read back */
	int (*apply)(const struct tuner_knob *k, const char *value,
		     char *err, size_t errlen);
	/* NULL: read path (the [selected] word of a choice file) */
	char *(*get)(const struct tuner_knob *k);
	/* optional: printed after a successful apply (warnings, what the
	 * host actually gave) */
	void (*after)(const struct tuner_knob *k, const char *value);
};

/* Families, listed in tuner.c. Each array ends with a zero entry. */
extern const struct tuner_knob tuner_hugepages_knobs[];
extern const struct tuner_knob tuner_thp_knobs[];
extern const struct tuner_knob tuner_ksm_knobs[];
extern const struct tuner_knob tuner_zswap_knobs[];
extern const struct tuner_knob tuner_swap_knobs[];
extern const struct tuner_knob tuner_cpufreq_knobs[];

const struct tuner_knob *tuner_find(const char *key);
const struct tuner_knob *tuner_knob_at(int i);   /* NULL past the last */
/* The signal handler forwards SIGINT/SIGTERM to this child (hvperf tune
 * --set ... -- COMMAND) before restoring. */
void tuner_set_signal_child(pid_t child);

/* Journal one change (before making it) and remember it in this process
 * for the signal/atexit restore. */
int tuner_journal(const char *key, const char *path, const char *prev,
		  char *err, size_t errlen);
/* Undo one journaled change; async-signal-safe (used by the handlers). */
int tuner_undo(const char *key, const char *path, const char *prev);

/* sysfs helpers (knob_sysfs.c) */
char *sysfs_read(const char *path);           /* trimmed, caller frees */
int sysfs_write(const char *path, const char *value);   /* -1, errno set */
int sysfs_write_raw(const char *path, const char *value); /* signal-safe */
/* "always [madvise] never" -> "madvise" (or the text as is) */
char *sysfs_choice_selected(const char *text);
bool sysfs_choice_valid(const char *text, const char *value);
int parse_u64(const char *s, uint64_t *out);          /* decimal only */
/* "512M", "4G", "1048576" (bytes); K/M/G/T binary multiples */
int parse_size(const char *s, uint64_t *out);
/* /proc/meminfo field in bytes, or -1 */
int64_t meminfo_bytes(const char *field);

/* the generic parts, usable by custom knobs */
int knob_validate_uint(const struct tuner_knob *k, const char *v, uint64_t lo,
		       uint64_t hi, char *err, size_t errlen);
int knob_validate_choice(const struct tuner_knob *k, const char *v,
			 char *err, size_t errlen);
int knob_require_path(const struct tuner_knob *k, char *err, size_t errlen);

#endif
