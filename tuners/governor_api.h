/* hv control-socket client for the governor (JSON lines, see README:
 * {"cmd":"balloon","target_mib":N}, {"cmd":"balloon-stats"}, {"cmd":"stats"},
 * {"cmd":"ksm","mergeable":true|false}). */
#ifndef TUNERS_GOVERNOR_API_H
#define TUNERS_GOVERNOR_API_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define GOV_API_TIMEOUT_MS 1000

/* Send one request, return the reply object (new reference), or NULL with
 * a reason (no socket, timeout, {"error": ...} reply). */
json_t *gov_api_call(const char *path, json_t *req, int timeout_ms, char *err,
		     size_t errlen);
/* A byte count named NAME_bytes, NAME_mib or NAME (bytes), at the top or
 * under "balloon"/"stats": 0, or -1 when absent. */
int gov_api_bytes(json_t *o, const char *name, uint64_t *out);

#endif
