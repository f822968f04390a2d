/* Workload result lines (docs/results-schema.md §1) found in a run's
 * output: lines starting with '{' that carry workload, metric, value,
 * unit and higher_is_better. Other lines (guest console noise) are
 * ignored. */
#ifndef BENCH_RESULTLINE_H
#define BENCH_RESULTLINE_H

#include <jansson.h>

/* New array of the result objects in out (possibly empty). */
json_t *resultline_parse(const char *out);
/* 1 when obj has the required fields with the right types. */
int resultline_valid(json_t *obj);

#endif
