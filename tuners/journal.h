/* The tuner journal: an append-only file of CRC-protected records, one per
 * line ("%08x <json>\n", CRC-32 of the JSON text), written and fsync'ed
 * before each host change. A torn or corrupt line is ignored.
 *
 * Records: {"op":"set","owner":O,"key":K,"path":P,"prev":V}  a change
 *          {"op":"hold","owner":O}   O's changes outlive O (hvperf tune --set)
 *          {"op":"done","owner":O}   O's changes have been restored
 * O is "PID:STARTTIME" so that a reused PID is not taken for the owner. */
#ifndef TUNERS_JOURNAL_H
#define TUNERS_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define JOURNAL_OWNER_LEN 48
#define JOURNAL_KEY_LEN   48
#define JOURNAL_PATH_LEN  256
#define JOURNAL_VAL_LEN   256

struct journal_rec {
	char op[8];
	char owner[JOURNAL_OWNER_LEN];
	char key[JOURNAL_KEY_LEN];
	char path[JOURNAL_PATH_LEN];
	char prev[JOURNAL_VAL_LEN];
};

enum journal_owner_state {
	JOURNAL_PENDING,   /* owner alive, or crashed: restore when dead */
	JOURNAL_HELD,      /* kept on purpose: restored by hvperf tune --restore */
	JOURNAL_DONE,      /* already restored */
};

struct journal {
	struct journal_rec *recs;  /* valid records in file order */
	int nr;
	int nr_bad;                /* lines ignored (torn or CRC mismatch) */
	int first_bad_line;        /* 1-based, 0 = none */
};

uint32_t journal_crc32(const void *buf, size_t len);

/* Directory holding the journal: $HVPERF_STATE_DIR, else results/.state of
 * the source tree the running binary was built in, else ./results/.state. */
const char *journal_state_dir(void);
const char *journal_path(void);

/* This process's owner id ("PID:STARTTIME"). */
const char *journal_self_owner(void);
void journal_owner_of(pid_t pid, char *out, size_t len);
/* True when the process named by owner still runs. */
bool journal_owner_alive(const char *owner);

/* Append one record and fsync it (creates the state directory). Returns 0,
 * or -1 with a reason in err. */
int journal_append(const struct journal_rec *r, char *err, size_t errlen);
/* Async-signal-safe: append {"op":"done","owner":owner}. */
void journal_append_done_raw(const char *owner);

/* Read every valid record. A missing file is an empty journal. Returns 0,
 * or -1 with a reason in err (unreadable file). Free with journal_free. */
int journal_load(struct journal *j, char *err, size_t errlen);
void journal_free(struct journal *j);
enum journal_owner_state journal_owner_state(const struct journal *j,
					     const char *owner);
/* Rewrite the journal keeping only the records of owners not yet done
 * (atomically: temp file, fsync, rename); remove it when nothing remains. */
int journal_compact(char *err, size_t errlen);

/* Parse one line (without its newline) into r. Returns 0 or -1. */
int journal_parse_line(const char *line, size_t len, struct journal_rec *r);

#endif
