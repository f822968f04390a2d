/* The stats JSON that hv writes on exit (--stats-json) and returns over
 * the control socket: see docs/results-schema.md section 2. */
#ifndef HV_STATS_H
#define HV_STATS_H

#include <jansson.h>

struct vm;

json_t *hv_stats_json(struct vm *vm);
/* Write atomically (temp file + fsync + rename); "-" writes to stdout. */
int hv_stats_write(struct vm *vm, const char *path);

#endif
