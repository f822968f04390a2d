/* Load results.json and group its samples by key. The schema is checked
 * for what the reports rely on; anything else is passed through. */
#include "reports/results_load.h"
#include "reports/fmt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RESULTS_SCHEMA "hvperf-results/1"

static int results__fail(char *err, size_t len, const char *path,
			 const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, len, "%s: ", path);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < len)
		vsnprintf(err + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* "working_set=64M queue_depth=8" from a params object. */
static char *results__params_label(const char *workload, json_t *params)
{
	char buf[512], num[32];
	size_t off;
	const char *k;
	json_t *v;

	off = (size_t)snprintf(buf, sizeof(buf), "%s", workload);
	json_object_foreach(params, k, v) {
		const char *txt = num;

		if (json_is_string(v))
			txt = json_string_value(v);
		else if (json_is_number(v) && (strstr(k, "working_set") ||
					       strstr(k, "size") || strstr(k, "bytes")))
			report_fmt_size(num, sizeof(num), json_number_value(v));
		else if (json_is_number(v))
			snprintf(num, sizeof(num), "%g", json_number_value(v));
		else
			txt = "?";
		if (off < sizeof(buf))
			off += (size_t)snprintf(buf + off, sizeof(buf) - off, " %s=%s", k, txt);
	}
	return strdup(buf);
}

static const char *results__str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Check one sample; returns the problem or NULL. */
static const char *results__check_sample(json_t *s)
{
	json_t *cfg = json_object_get(s, "config");
	json_t *p = json_object_get(s, "params");

	if (!json_is_object(s))
		return "not an object";
	if (!results__str(s, "workload"))
		return "\"workload\" missing or not a string";
	if (!results__str(s, "metric"))
		return "\"metric\" missing or not a string";
	if (!json_is_number(json_object_get(s, "value")))
		return "\"value\" missing or not a number";
	if (!json_is_boolean(json_object_get(s, "higher_is_better")))
		return "\"higher_is_better\" missing or not a boolean";
	if (!json_is_object(cfg) || !results__str(cfg, "name") || !results__str(cfg, "env"))
		return "\"config\" needs string \"name\" and \"env\"";
	if (p && !json_is_object(p) && !json_is_null(p))
		return "\"params\" is not an object";
	return NULL;
}

static int results__add(struct report_results *r, json_t *s, size_t cap[1])
{
	json_t *cfg = json_object_get(s, "config");
	json_t *params = json_object_get(s, "params");
	struct report_series *se;
	char *key;

	if (!json_is_object(params))
		params = NULL;
	key = params ? json_dumps(params, JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
	if (!key)
		return -1;
	se = report_results_find(r, results__str(s, "workload"), key,
				 results__str(cfg, "name"), results__str(s, "metric"));
	if (se) {
		free(key);
	} else {
		if (r->ns == cap[0]) {
			size_t nc = cap[0] ? cap[0] * 2 : 32;
			struct report_series *ns = realloc(r->s, nc * sizeof(*ns));

			if (!ns) {
				free(key);
				return -1;
			}
			r->s = ns;
			cap[0] = nc;
		}
		se = &r->s[r->ns++];
		memset(se, 0, sizeof(*se));
		se->workload = results__str(s, "workload");
		se->metric = results__str(s, "metric");
		se->unit = results__str(s, "unit") ? results__str(s, "unit") : "";
		se->layer = results__str(s, "layer") ? results__str(s, "layer") : "other";
		se->config = results__str(cfg, "name");
		se->env = results__str(cfg, "env");
		se->knobs = json_object_get(cfg, "knobs");
		se->params = key;
		se->params_obj = params;
		se->higher_is_better = json_is_true(json_object_get(s, "higher_is_better"));
		se->label = results__params_label(se->workload, params);
		if (!se->label)
			return -1;
	}
	se->v = realloc(se->v, (se->n + 1) * sizeof(*se->v));
	se->samples = realloc(se->samples, (se->n + 1) * sizeof(*se->samples));
	if (!se->v || !se->samples)
		return -1;
	se->v[se->n] = json_number_value(json_object_get(s, "value"));
	se->samples[se->n++] = s;
	return 0;
}

static const char *results__pick_default(struct report_results *r)
{
	const char *d = results__str(r->scenario, "default_config");

	for (size_t i = 0; d && i < r->ns; i++)
		if (!strcmp(r->s[i].config, d) && strcmp(r->s[i].env, "native"))
			return r->s[i].config;
	for (size_t i = 0; i < r->ns; i++)
		if (strcmp(r->s[i].env, "native") && strstr(r->s[i].config, "default"))
			return r->s[i].config;
	for (size_t i = 0; i < r->ns; i++)
		if (strcmp(r->s[i].env, "native"))
			return r->s[i].config;
	return NULL;
}

int report_results_load(const char *path, struct report_results *r,
			char *err, size_t errlen)
{
	json_error_t je;
	json_t *run, *samples, *s;
	struct stat st;
	size_t i, cap = 0;
	const char *schema;

	memset(r, 0, sizeof(*r));
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (asprintf(&r->path, "%s/results.json", path) < 0)
			r->path = NULL;
	} else {
		r->path = strdup(path);
	}
	if (!r->path)
		return results__fail(err, errlen, path, "out of memory");
	r->root = json_load_file(r->path, JSON_REJECT_DUPLICATES, &je);
	if (!r->root) {
		if (je.line > 0)
			results__fail(err, errlen, r->path, "%s (line %d)", je.text, je.line);
		else
			results__fail(err, errlen, r->path, "%s", je.text);
		goto fail;
	}
	schema = results__str(r->root, "schema");
	if (!json_is_object(r->root) || !schema || strcmp(schema, RESULTS_SCHEMA)) {
		results__fail(err, errlen, r->path, "not a results file (\"schema\" is not \"%s\")",
			      RESULTS_SCHEMA);
		goto fail;
	}
	run = json_object_get(r->root, "run");
	samples = json_object_get(r->root, "samples");
	if (!json_is_object(run) || !json_is_array(samples)) {
		results__fail(err, errlen, r->path, "\"run\" must be an object and \"samples\" an array");
		goto fail;
	}
	r->id = results__str(run, "id") ? results__str(run, "id") : "";
	r->time = results__str(run, "time") ? results__str(run, "time") : "";
	r->host = json_object_get(run, "host");
	r->scenario = json_object_get(r->root, "scenario");
	r->skipped = json_object_get(r->root, "skipped");
	json_array_foreach(samples, i, s) {
		const char *why = results__check_sample(s);

		if (why) {
			results__fail(err, errlen, r->path, "samples[%zu]: %s", i, why);
			goto fail;
		}
		if (results__add(r, s, &cap)) {
			results__fail(err, errlen, r->path, "out of memory");
			goto fail;
		}
	}
	r->default_config = results__pick_default(r);
	return 0;
fail:
	report_results_free(r);
	return -1;
}

void report_results_free(struct report_results *r)
{
	for (size_t i = 0; i < r->ns; i++) {
		free(r->s[i].params);
		free(r->s[i].label);
		free(r->s[i].v);
		free(r->s[i].samples);
	}
	free(r->s);
	free(r->path);
	json_decref(r->root);
	memset(r, 0, sizeof(*r));
}

struct report_series *report_results_find(const struct report_results *r,
					  const char *workload,
					  const char *params,
					  const char *config,
					  const char *metric)
{
	for (size_t i = 0; i < r->ns; i++) {
		struct report_series *s = &r->s[i];

		if (!strcmp(s->workload, workload) && !strcmp(s->params, params) &&
		    !strcmp(s->config, config) && !strcmp(s->metric, metric))
			return s;
	}
	return NULL;
}

struct report_series *report_results_native(const struct report_results *r,
					    const struct report_series *s)
{
	for (size_t i = 0; i < r->ns; i++) {
		struct report_series *o = &r->s[i];

		if (!strcmp(o->env, "native") && !strcmp(o->workload, s->workload) &&
		    !strcmp(o->params, s->params) && !strcmp(o->metric, s->metric))
			return o;
	}
	return NULL;
}

size_t report_results_configs(const struct report_results *r,
			      const char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ns && n < max; i++) {
		size_t j = 0;

		while (j < n && strcmp(names[j], r->s[i].config))
			j++;
		if (j == n)
			names[n++] = r->s[i].config;
	}
	return n;
}

json_t *report_results_knobs(const struct report_results *r, const char *config,
			     const char **env)
{
	for (size_t i = 0; i < r->ns; i++)
		if (!strcmp(r->s[i].config, config)) {
			if (env)
				*env = r->s[i].env;
			return r->s[i].knobs;
		}
	return NULL;
}
