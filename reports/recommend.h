/* hvperf recommend: knob settings and trade-offs (reports/recommend_knobs.c),
 * ranking (reports/recommend.c). */
#ifndef REPORTS_RECOMMEND_H
#define REPORTS_RECOMMEND_H

#include <jansson.h>
#include <stddef.h>

#include "reports/attribution.h"

/* How to apply knob key=v: "hv run --mem-backing hugetlb-2m",
 * "hvperf tune --set thp.enabled=always", ... */
void recommend_setting(const char *key, json_t *v, char *buf, size_t len);
/* What the knob costs; knobs is the whole config (for the guest size). */
void recommend_tradeoff(const char *key, json_t *v, json_t *knobs, char *buf,
			size_t len);

#endif
