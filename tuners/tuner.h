/* Host tuners: every change is journaled (results/.state/journal) before it
 * is made, and put back on normal exit, SIGINT/SIGTERM, and at the next
 * start of any hvperf command after a crash.
 *
 * Keys (values as the sysfs/procfs files take them unless noted):
 *   hugepages.2m, hugepages.1g        pool size in pages
 *   thp.enabled, thp.defrag           always|madvise|never ...
 *   ksm.run, ksm.pages_to_scan, ksm.sleep_millisecs, ksm.merge_across_nodes,
 *   ksm.use_zero_pages
 *   zswap.enabled (Y|N), zswap.compressor, zswap.max_pool_percent, zswap.zpool
 *   swap.file      SIZE (creates, mkswap, swapon a swap file; "off" removes)
 *   vm.swappiness
 *   cpufreq.governor
 */
#ifndef TUNERS_TUNER_H
#define TUNERS_TUNER_H

#include <jansson.h>
#include <stddef.h>

/* Validate and apply one setting (journal first). Returns 0, or -1 with a
 * one-line reason in err (unknown key, refused value, host lacks it). */
int tuner_apply(const char *key, const char *value, char *err, size_t errlen);
/* Validate only (unknown key, malformed or refused value, host lacks the
 * knob): 0, or -1 with a one-line reason. */
int tuner_validate(const char *key, const char *value, char *err, size_t errlen);
/* Restore everything this process (or a crashed predecessor) changed, in
 * reverse order, and clear the journal. Safe to call more than once. */
int tuner_restore_all(void);
/* hvperf tune --restore: also restore changes kept by `hvperf tune --set`
 * (held) and by crashed runs. Returns how many values were restored, or -1
 * when some could not be (they stay in the journal). */
int tuner_restore_held(void);
/* Keep this process's changes after it exits (hvperf tune --set): the
 * journal marks them held, so crash recovery leaves them alone and only
 * hvperf tune --restore puts them back. */
int tuner_hold(char *err, size_t errlen);
/* Install SIGINT/SIGTERM handlers and an atexit hook that restore. */
void tuner_install_restore_handlers(void);
/* Current value of a key as a new string (caller frees), or NULL. */
char *tuner_get(const char *key);
/* Current host state of every key plus the pending journal, as JSON. */
json_t *tuner_state_json(void);

#endif
