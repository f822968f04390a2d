/* hv control-socket client for the governor (JSON lines, see README:
 * {"cmd":"balloon","target_mib":N}, {"cmd":"balloon-stats"}, {"cmd":"stats"},
 * {"cmd":"ksm","mergeable":true|false}). */
#ifndef TUNERS_GOVERNOR_API_H
#define TUNERS_GOVERNOR_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GOV_API_TIMEOUT_MS 1000

/* Send one request, return the reply object (new reference), or NULL with
 * a reason (no socket, timeout, {"error": ...} reply). */
json_t *gov_api_call(const char *path, json_t *req, int timeout_ms, char *err,
		     size_t errlen);
#define GOV_BALLOON_PFN_SHIFT 12            /* balloon pages are 4 KiB */
#define GOV_BALLOON_STATS_MAX_AGE_MS 10000  /* older guest statistics: unknown */

struct gov_balloon_reply {
	uint64_t actual_bytes;    /* the balloon's size as the guest reports it */
	bool guest_free_known;    /* fresh guest statistics with free_memory */
	uint64_t guest_free;
};

/* Parse hv's {"cmd":"balloon-stats"} reply: 0, or -1 when it has no
 * actual_pages. */
int gov_api_balloon_parse(json_t *rep, struct gov_balloon_reply *out);

#endif
