/* Matrix expansion of one configuration template:
 *
 *   {"name": "micro-{guest_page_size}-{mem_backing}", "env": "micro",
 *    "knobs": {"mem": "256M"},
 *    "axes": {"guest_page_size": ["4k", "2m"], "mem_backing": ["anon", "thp"]},
 *    "zip": [{"cpus": [1, 2], "pin": ["vcpu0=1", "vcpu0=0,vcpu1=1"]}],
 *    "exclude": [{"guest_page_size": "2m", "mem_backing": "anon"}]}
 *
 * "axes" are crossed; each "zip" group varies its keys together (equal
 * lengths) and is crossed with the rest; "exclude" drops every point that
 * matches all key/value pairs of a rule. Axis keys are knob names or
 * "host.<tuner key>". The name template's {key} placeholders take the
 * point's values; without placeholders "-value" is appended per axis. */
#ifndef BENCH_MATRIX_H
#define BENCH_MATRIX_H

#include <jansson.h>
#include <stddef.h>

/* One expanded point: the template's knobs/host merged with the point. */
struct matrix_point {
	char *name;
	json_t *knobs;   /* owned */
	json_t *host;    /* owned */
};

/* Expand tmpl (already type-checked by the scenario parser). path is the
 * template's JSON path, for messages. Returns the number of points (>= 0)
 * in *out (caller frees with matrix_points_free), -1 with err on a bad
 * zip group or a name placeholder that names no key. */
long matrix_expand(json_t *tmpl, const char *path, struct matrix_point **out,
		   char *err, size_t errlen);
void matrix_points_free(struct matrix_point *p, size_t n);

#endif
