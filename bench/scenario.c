/* Scenario parsing: the document's shape (keys, types), then matrix
 * expansion and the per-configuration checks. Every error is one line:
 * "FILE: $.path: problem". */
#include "bench/scenario.h"
#include "bench/matrix.h"
#include "bench/scenario_knobs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scen_ctx {
	const char *file;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 3, 4)))
static int scen__fail(struct scen_ctx *x, const char *path, const char *fmt, ...)
{
	va_list ap;
	int o = snprintf(x->err, x->errlen, "%s: %s: ", x->file, path);

	va_start(ap, fmt);
	if (o >= 0 && (size_t)o < x->errlen)
		vsnprintf(x->err + o, x->errlen - o, fmt, ap);
	va_end(ap);
	return -1;
}

/* Reject keys not in the NULL-terminated list. */
static int scen__keys(struct scen_ctx *x, json_t *obj, const char *path,
		      const char *const *allowed)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		const char *const *a;

		for (a = allowed; *a && strcmp(*a, k); a++)
			;
		if (!*a)
			return scen__fail(x, path, "unknown key \"%s\"", k);
	}
	return 0;
}

static int scen__int(struct scen_ctx *x, json_t *o, const char *key,
		     const char *path, int lo, int hi, int *out)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (!json_is_integer(v))
		return scen__fail(x, path, "%s must be an integer", key);
	if (json_integer_value(v) < lo || json_integer_value(v) > hi)
		return scen__fail(x, path, "%s must be between %d and %d", key, lo, hi);
	*out = (int)json_integer_value(v);
	return 0;
}

static int scen__repeat(struct scen_ctx *x, json_t *r, struct scenario *s)
{
	static const char *const keys[] = {"min", "warmup", "max", "max_rel_spread", NULL};
	const char *p = "$.repetitions";
	json_t *t;

	s->rep = (struct scenario_repeat){.min = 5, .warmup = 1, .max = 15,
					  .max_rel_spread = 0.05};
	if (!r)
		return 0;
	if (!json_is_object(r))
		return scen__fail(x, p, "must be an object");
	if (scen__keys(x, r, p, keys) ||
	    scen__int(x, r, "min", p, 1, 1000, &s->rep.min) ||
	    scen__int(x, r, "warmup", p, 0, 100, &s->rep.warmup))
		return -1;
	if (s->rep.max < s->rep.min)
		s->rep.max = s->rep.min;
	if (scen__int(x, r, "max", p, 1, 1000, &s->rep.max))
		return -1;
	if (s->rep.max < s->rep.min)
		return scen__fail(x, p, "max (%d) is below min (%d)", s->rep.max, s->rep.min);
	t = json_object_get(r, "max_rel_spread");
	if (t && (!json_is_number(t) || json_number_value(t) < 0))
		return scen__fail(x, p, "max_rel_spread must be a number >= 0");
	if (t)
		s->rep.max_rel_spread = json_number_value(t);
	return 0;
}

static int scen__workloads(struct scen_ctx *x, json_t *ws, const struct manifest *m,
			   struct scenario *s)
{
	static const char *const keys[] = {"name", "args", NULL};
	char p[64];
	size_t i, j;
	json_t *w, *a;

	if (!json_is_array(ws) || !json_array_size(ws))
		return scen__fail(x, "$.workloads", "must be a non-empty array");
	s->workloads = calloc(json_array_size(ws), sizeof(*s->workloads));
	json_array_foreach(ws, i, w) {
		struct scenario_workload *sw = &s->workloads[i];

		snprintf(p, sizeof(p), "$.workloads[%zu]", i);
		if (json_is_string(w)) {
			sw->name = json_string_value(w);
		} else if (json_is_object(w)) {
			if (scen__keys(x, w, p, keys))
				return -1;
			sw->name = json_string_value(json_object_get(w, "name"));
			sw->args = json_object_get(w, "args");
			if (!sw->name)
				return scen__fail(x, p, "name must be a string");
			if (sw->args && !json_is_array(sw->args))
				return scen__fail(x, p, "args must be an array of strings");
			json_array_foreach(sw->args, j, a)
				if (!json_is_string(a))
					return scen__fail(x, p, "args[%zu] must be a string", j);
		} else {
			return scen__fail(x, p, "must be a workload name or {\"name\", \"args\"}");
		}
		if (m && !manifest_find(m, sw->name))
			return scen__fail(x, p, "unknown workload \"%s\" (not in the workload manifest)",
					  sw->name);
		for (j = 0; j < i; j++)
			if (!strcmp(s->workloads[j].name, sw->name))
				return scen__fail(x, p, "workload \"%s\" listed twice", sw->name);
		s->nr_workloads++;
	}
	return 0;
}

/* An axis key is a knob or host.<tuner key>; its values are checked as
 * that knob would be. */
static int scen__axis(struct scen_ctx *x, const char *p, const char *key,
		      json_t *vals, unsigned env)
{
	char q[256], why[256];
	size_t i;
	json_t *v;

	if (!json_is_array(vals) || !json_array_size(vals))
		return scen__fail(x, p, "%s must be a non-empty array", key);
	if (!strncmp(key, "host.", 5) && !scenario_host_key_known(key + 5))
		return scen__fail(x, p, "%s: unknown host setting (see tuners/tuner.h)", key);
	json_array_foreach(vals, i, v) {
		snprintf(q, sizeof(q), "%s.%s[%zu]", p, key, i);
		if (!strncmp(key, "host.", 5)) {
			if (!json_is_string(v))
				return scen__fail(x, q, "host settings must be strings");
		} else if (scenario_knob_check(key, v, env, why, sizeof(why))) {
			return scen__fail(x, q, "%s", why);
		}
	}
	return 0;
}

static int scen__template(struct scen_ctx *x, json_t *t, size_t idx)
{
	static const char *const keys[] = {"name", "description", "env", "backend",
		"knobs", "host", "axes", "zip", "exclude", "counters", NULL};
	char p[64], q[128];
	const char *env = json_string_value(json_object_get(t, "env"));
	const char *backend = json_string_value(json_object_get(t, "backend"));
	json_t *o, *v, *g;
	const char *k;
	unsigned bit;
	size_t i;

	snprintf(p, sizeof(p), "$.configurations[%zu]", idx);
	if (!json_is_object(t))
		return scen__fail(x, p, "must be an object");
	if (scen__keys(x, t, p, keys))
		return -1;
	if (!env || !strcmp(env, "qemu") || !(bit = env_from_name(env)))
		return scen__fail(x, p, "env must be one of native, micro, linux");
	if (json_object_get(t, "name") && !json_is_string(json_object_get(t, "name")))
		return scen__fail(x, p, "name must be a string");
	if (json_object_get(t, "counters") && !json_is_boolean(json_object_get(t, "counters")))
		return scen__fail(x, p, "counters must be true or false");
	if (json_object_get(t, "backend") &&
	    (!backend || (strcmp(backend, "hv") && strcmp(backend, "qemu"))))
		return scen__fail(x, p, "backend must be \"hv\" or \"qemu\"");
	if (backend && !strcmp(backend, "qemu")) {
		if (bit != ENV_LINUX)
			return scen__fail(x, p, "backend qemu runs Linux guests only (env is %s)", env);
		bit = ENV_QEMU;
	}
	o = json_object_get(t, "knobs");
	if (o && !json_is_object(o))
		return scen__fail(x, p, "knobs must be an object");
	json_object_foreach(o, k, v) {
		char why[256];

		snprintf(q, sizeof(q), "%s.knobs.%s", p, k);
		if (scenario_knob_check(k, v, bit, why, sizeof(why)))
			return scen__fail(x, q, "%s", why);
	}
	o = json_object_get(t, "host");
	if (o && !json_is_object(o))
		return scen__fail(x, p, "host must be an object");
	json_object_foreach(o, k, v) {
		snprintf(q, sizeof(q), "%s.host.%s", p, k);
		if (!scenario_host_key_known(k))
			return scen__fail(x, q, "unknown host setting (see tuners/tuner.h)");
		if (!json_is_string(v))
			return scen__fail(x, q, "must be a string");
	}
	o = json_object_get(t, "axes");
	if (o && !json_is_object(o))
		return scen__fail(x, p, "axes must be an object");
	snprintf(q, sizeof(q), "%s.axes", p);
	json_object_foreach(o, k, v)
		if (scen__axis(x, q, k, v, bit))
			return -1;
	o = json_object_get(t, "zip");
	if (o && !json_is_array(o))
		return scen__fail(x, p, "zip must be an array of objects");
	json_array_foreach(o, i, g) {
		snprintf(q, sizeof(q), "%s.zip[%zu]", p, i);
		if (!json_is_object(g) || !json_object_size(g))
			return scen__fail(x, q, "must be a non-empty object of arrays");
		json_object_foreach(g, k, v)
			if (scen__axis(x, q, k, v, bit))
				return -1;
	}
	o = json_object_get(t, "exclude");
	if (o && !json_is_array(o))
		return scen__fail(x, p, "exclude must be an array of objects");
	json_array_foreach(o, i, g)
		if (!json_is_object(g) || !json_object_size(g)) {
			snprintf(q, sizeof(q), "%s.exclude[%zu]", p, i);
			return scen__fail(x, q, "must be a non-empty object");
		}
	return 0;
}

static int scen__configs(struct scen_ctx *x, json_t *cs, struct scenario *s)
{
	size_t i, cap = 0;
	json_t *t;

	if (!json_is_array(cs) || !json_array_size(cs))
		return scen__fail(x, "$.configurations", "must be a non-empty array");
	json_array_foreach(cs, i, t) {
		struct matrix_point *pts;
		char p[64], why[512];
		const char *env, *backend;
		long n;

		if (scen__template(x, t, i))
			return -1;
		snprintf(p, sizeof(p), "$.configurations[%zu]", i);
		n = matrix_expand(t, p, &pts, why, sizeof(why));
		if (n < 0 && !strncmp(why, p, strlen(p)))
			return scen__fail(x, p, "%s", why + strlen(p) + 1);
		if (n < 0)
			return scen__fail(x, p, "%s", why);
		if (n == 0)
			return scen__fail(x, p, "every point of the matrix is excluded");
		env = json_string_value(json_object_get(t, "env"));
		backend = json_string_value(json_object_get(t, "backend"));
		if (backend && !strcmp(backend, "qemu"))
			env = "qemu";
		for (long j = 0; j < n; j++) {
			struct scenario_config *c;

			if (s->nr_configs == cap) {
				cap = cap ? cap * 2 : 16;
				s->configs = realloc(s->configs, cap * sizeof(*s->configs));
			}
			c = &s->configs[s->nr_configs++];
			*c = (struct scenario_config){.name = pts[j].name, .env = env,
				.knobs = pts[j].knobs, .host = pts[j].host,
				.origin = strdup(p),
				.counters = !json_is_false(json_object_get(t, "counters"))};
			pts[j] = (struct matrix_point){0};
			if (scenario_check_config(c, why, sizeof(why))) {
				matrix_points_free(pts, n);
				return scen__fail(x, p, "configuration \"%s\": %s", c->name, why);
			}
			for (size_t k = 0; k + 1 < s->nr_configs; k++)
				if (!strcmp(s->configs[k].name, c->name)) {
					matrix_points_free(pts, n);
					return scen__fail(x, p, "configuration name \"%s\" is used twice",
							  c->name);
				}
		}
		matrix_points_free(pts, n);
	}
	return 0;
}

/* The tools image (Debian's fio, stress-ng, iperf3) unpacks into guest RAM:
 * with 256M its second archive does not unpack (silently at loglevel=4) and the
 * workload is missing; 512M works (tests/virtbox/harness_*.sh). */
#define TOOLS_IMAGE_MIN_MEM (512LL << 20)

static int scen__tools_mem(struct scen_ctx *x, const struct manifest *m,
			   const struct scenario *s)
{
	for (size_t i = 0; m && i < s->nr_configs; i++) {
		const struct scenario_config *c = &s->configs[i];
		const char *mem_s = json_string_value(json_object_get(c->knobs, "mem"));
		long long mem = mem_s ? scenario_parse_size(mem_s) : 256LL << 20;

		if (strcmp(c->env, "linux") && strcmp(c->env, "qemu"))
			continue;
		for (size_t w = 0; w < s->nr_workloads; w++) {
			const struct manifest_entry *e = manifest_find(m, s->workloads[w].name);

			if (e && e->image && !strcmp(e->image, "tools") && mem < TOOLS_IMAGE_MIN_MEM)
				return scen__fail(x, c->origin,
						  "configuration \"%s\": knobs.mem: %s is too small for "
						  "workload %s (the tools image is tested with 512M; 256M cannot unpack it)", c->name,
						  mem_s ? mem_s : "256M (the default)", e->name);
		}
	}
	return 0;
}

int scenario_parse(json_t *doc, const char *path, const struct manifest *m,
		   struct scenario *s, char *err, size_t errlen)
{
	static const char *const keys[] = {"name", "description", "workloads",
		"configurations", "repetitions", "timeout_s", NULL};
	struct scen_ctx x = {path, err, errlen};
	json_t *t;

	memset(s, 0, sizeof(*s));
	s->doc = json_incref(doc);
	s->timeout_s = 600;
	if (!json_is_object(doc)) {
		scen__fail(&x, "$", "a scenario must be a JSON object");
		goto fail;
	}
	if (scen__keys(&x, doc, "$", keys))
		goto fail;
	if (json_object_get(doc, "name") && !json_is_string(json_object_get(doc, "name"))) {
		scen__fail(&x, "$.name", "must be a string");
		goto fail;
	}
	t = json_object_get(doc, "timeout_s");
	if (t && (!json_is_number(t) || json_number_value(t) <= 0)) {
		scen__fail(&x, "$.timeout_s", "must be a number > 0");
		goto fail;
	}
	if (t)
		s->timeout_s = json_number_value(t);
	if (scen__workloads(&x, json_object_get(doc, "workloads"), m, s) ||
	    scen__configs(&x, json_object_get(doc, "configurations"), s) ||
	    scen__repeat(&x, json_object_get(doc, "repetitions"), s) ||
	    scen__tools_mem(&x, m, s))
		goto fail;
	return 0;
fail:
	scenario_free(s);
	return -1;
}

int scenario_load(const char *path, const struct manifest *m,
		  struct scenario *s, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	int rc;

	memset(s, 0, sizeof(*s));
	if (!doc) {
		snprintf(err, errlen, "%s: line %d column %d: %s", path, je.line,
			 je.column, je.text);
		return -1;
	}
	rc = scenario_parse(doc, path, m, s, err, errlen);
	json_decref(doc);
	return rc;
}

void scenario_free(struct scenario *s)
{
	for (size_t i = 0; i < s->nr_configs; i++) {
		free(s->configs[i].name);
		free(s->configs[i].origin);
		json_decref(s->configs[i].knobs);
		json_decref(s->configs[i].host);
	}
	free(s->configs);
	free(s->workloads);
	json_decref(s->doc);
	memset(s, 0, sizeof(*s));
}
