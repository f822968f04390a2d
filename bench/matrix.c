/* Matrix expansion: axes crossed, zip groups varied together, exclusions
 * dropped, names from a template. See bench/matrix.h for the format. */
#include "bench/matrix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One dimension of the odometer: nkeys keys that step together. */
struct matrix_dim {
	const char *keys[16];
	json_t *vals[16];      /* arrays, all of length len */
	size_t nkeys, len;
};

#define MATRIX_MAX_DIMS 32

static void matrix__set(json_t *knobs, json_t *host, const char *key,
			json_t *v)
{
	if (!strncmp(key, "host.", 5))
		json_object_set(host, key + 5, v);
	else
		json_object_set(knobs, key, v);
}

static json_t *matrix__get(json_t *knobs, json_t *host, const char *key)
{
	if (!strncmp(key, "host.", 5))
		return json_object_get(host, key + 5);
	return json_object_get(knobs, key);
}

/* Value as it appears in a configuration name. */
static void matrix__val_str(json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%g", json_real_value(v));
	else if (json_is_true(v))
		snprintf(buf, len, "on");
	else if (json_is_false(v))
		snprintf(buf, len, "off");
	else
		snprintf(buf, len, "?");
}

static int matrix__name(const char *tmpl, struct matrix_dim *d, size_t nd,
			const size_t *idx, json_t *knobs, json_t *host,
			char *out, size_t len, char *err, size_t errlen)
{
	char val[128];
	size_t o = 0;

	out[0] = 0;
	if (!strchr(tmpl, '{')) {
		o = snprintf(out, len, "%s", tmpl);
		for (size_t i = 0; i < nd && o < len; i++)
			for (size_t k = 0; k < d[i].nkeys && o < len; k++) {
				matrix__val_str(json_array_get(d[i].vals[k], idx[i]),
						val, sizeof(val));
				o += snprintf(out + o, len - o, "-%s", val);
			}
		return 0;
	}
	for (const char *p = tmpl; *p && o + 1 < len; p++) {
		const char *end;
		char key[128];
		json_t *v;

		if (*p != '{') {
			out[o++] = *p;
			continue;
		}
		end = strchr(p, '}');
		if (!end || (size_t)(end - p - 1) >= sizeof(key)) {
			snprintf(err, errlen, "unterminated '{' in name \"%s\"", tmpl);
			return -1;
		}
		memcpy(key, p + 1, end - p - 1);
		key[end - p - 1] = 0;
		v = matrix__get(knobs, host, key);
		if (!v) {
			snprintf(err, errlen, "name placeholder {%s} names no knob or axis", key);
			return -1;
		}
		matrix__val_str(v, val, sizeof(val));
		o += snprintf(out + o, len - o, "%s", val);
		p = end;
	}
	out[o < len ? o : len - 1] = 0;
	return 0;
}

static int matrix__excluded(json_t *excl, json_t *knobs, json_t *host)
{
	size_t i;
	json_t *rule;

	json_array_foreach(excl, i, rule) {
		const char *k;
		json_t *v;
		int all = 1;

		json_object_foreach(rule, k, v)
			if (!json_equal(matrix__get(knobs, host, k), v))
				all = 0;
		if (all)
			return 1;
	}
	return 0;
}

static int matrix__dims(json_t *tmpl, const char *path, struct matrix_dim *d,
			size_t *nd, char *err, size_t errlen)
{
	json_t *axes = json_object_get(tmpl, "axes"), *zip = json_object_get(tmpl, "zip");
	const char *k;
	json_t *v, *g;
	size_t i;

	*nd = 0;
	json_object_foreach(axes, k, v) {
		if (*nd >= MATRIX_MAX_DIMS)
			goto too_many;
		d[*nd] = (struct matrix_dim){.keys = {k}, .vals = {v}, .nkeys = 1,
					    .len = json_array_size(v)};
		(*nd)++;
	}
	json_array_foreach(zip, i, g) {
		struct matrix_dim *z;

		if (*nd >= MATRIX_MAX_DIMS)
			goto too_many;
		z = &d[*nd];
		*z = (struct matrix_dim){0};
		json_object_foreach(g, k, v) {
			if (z->nkeys >= 16) {
				snprintf(err, errlen, "%s.zip[%zu]: more than 16 keys", path, i);
				return -1;
			}
			if (z->nkeys && json_array_size(v) != z->len) {
				snprintf(err, errlen,
					 "%s.zip[%zu].%s: %zu values, but %s has %zu (zipped axes need equal lengths)",
					 path, i, k, json_array_size(v), z->keys[0], z->len);
				return -1;
			}
			z->keys[z->nkeys] = k;
			z->vals[z->nkeys++] = v;
			z->len = json_array_size(v);
		}
		(*nd)++;
	}
	return 0;
too_many:
	snprintf(err, errlen, "%s: more than %d axes", path, MATRIX_MAX_DIMS);
	return -1;
}

long matrix_expand(json_t *tmpl, const char *path, struct matrix_point **out,
		   char *err, size_t errlen)
{
	struct matrix_dim d[MATRIX_MAX_DIMS];
	size_t nd, idx[MATRIX_MAX_DIMS] = {0}, n = 0, cap = 0;
	struct matrix_point *pts = NULL;
	json_t *excl = json_object_get(tmpl, "exclude");
	const char *tname = json_string_value(json_object_get(tmpl, "name"));

	if (!tname)
		tname = json_string_value(json_object_get(tmpl, "env"));
	if (!tname)
		tname = "config";
	if (matrix__dims(tmpl, path, d, &nd, err, errlen))
		return -1;
	for (size_t i = 0; i < nd; i++)
		if (d[i].len == 0)
			goto done;   /* an empty axis: no points */
	for (;;) {
		json_t *knobs = json_deep_copy(json_object_get(tmpl, "knobs"));
		json_t *host = json_deep_copy(json_object_get(tmpl, "host"));
		char name[256];
		size_t i;

		if (!knobs)
			knobs = json_object();
		if (!host)
			host = json_object();
		for (i = 0; i < nd; i++)
			for (size_t k = 0; k < d[i].nkeys; k++)
				matrix__set(knobs, host, d[i].keys[k],
					    json_array_get(d[i].vals[k], idx[i]));
		if (matrix__excluded(excl, knobs, host)) {
			json_decref(knobs);
			json_decref(host);
		} else if (matrix__name(tname, d, nd, idx, knobs, host, name,
					sizeof(name), err, errlen)) {
			json_decref(knobs);
			json_decref(host);
			matrix_points_free(pts, n);
			return -1;
		} else {
			if (n == cap) {
				cap = cap ? cap * 2 : 8;
				pts = realloc(pts, cap * sizeof(*pts));
			}
			pts[n++] = (struct matrix_point){strdup(name), knobs, host};
		}
		/* odometer: the last axis varies fastest */
		for (i = nd; i-- > 0;) {
			if (++idx[i] < d[i].len)
				break;
			idx[i] = 0;
		}
		if (i == (size_t)-1)
			break;
	}
done:
	*out = pts;
	return (long)n;
}

void matrix_points_free(struct matrix_point *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].name);
		json_decref(p[i].knobs);
		json_decref(p[i].host);
	}
	free(p);
}
