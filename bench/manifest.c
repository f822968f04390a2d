/* workloads/manifest.json reader (format: workloads/README.md). */
#include "bench/manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned env_from_name(const char *name)
{
	static const struct { const char *n; unsigned bit; } envs[] = {
		{"native", ENV_NATIVE}, {"micro", ENV_MICRO},
		{"linux", ENV_LINUX}, {"qemu", ENV_QEMU},
	};

	for (size_t i = 0; name && i < sizeof(envs) / sizeof(envs[0]); i++)
		if (!strcmp(name, envs[i].n))
			return envs[i].bit;
	return 0;
}

static int manifest__strings(json_t *a)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return 0;
	json_array_foreach(a, i, v)
		if (!json_is_string(v))
			return 0;
	return 1;
}

int manifest_parse(json_t *doc, const char *path, struct manifest *m,
		   char *err, size_t errlen)
{
	json_t *list = json_object_get(doc, "workloads"), *w;
	size_t i;

	memset(m, 0, sizeof(*m));
	if (!json_is_array(list)) {
		snprintf(err, errlen, "%s: $.workloads: missing or not an array", path);
		return -1;
	}
	m->doc = json_incref(doc);
	m->e = calloc(json_array_size(list) + 1, sizeof(*m->e));
	json_array_foreach(list, i, w) {
		struct manifest_entry *e = &m->e[m->n];
		json_t *envs = json_object_get(w, "envs"), *ev;
		size_t j;

		e->name = json_string_value(json_object_get(w, "name"));
		e->layer = json_string_value(json_object_get(w, "layer"));
		e->description = json_string_value(json_object_get(w, "description"));
		e->args = json_object_get(w, "args");
		e->quick_args = json_object_get(w, "quick_args");
		e->image = json_string_value(json_object_get(w, "image"));
		if (!e->name || !e->layer) {
			snprintf(err, errlen, "%s: $.workloads[%zu]: needs string name and layer",
				 path, i);
			goto fail;
		}
		if ((e->args && !manifest__strings(e->args)) ||
		    (e->quick_args && !manifest__strings(e->quick_args))) {
			snprintf(err, errlen, "%s: $.workloads[%zu]: args must be arrays of strings",
				 path, i);
			goto fail;
		}
		json_array_foreach(envs, j, ev) {
			unsigned bit = env_from_name(json_string_value(ev));

			/* a Linux-guest workload runs under both backends */
			e->envs |= bit == ENV_LINUX ? (ENV_LINUX | ENV_QEMU) : bit;
		}
		m->n++;
	}
	return 0;
fail:
	manifest_free(m);
	return -1;
}

int manifest_load(const char *path, struct manifest *m, char *err, size_t errlen)
{
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	int rc;

	if (!doc) {
		memset(m, 0, sizeof(*m));
		snprintf(err, errlen, "%s: line %d: %s", path, je.line, je.text);
		return -1;
	}
	rc = manifest_parse(doc, path, m, err, errlen);
	json_decref(doc);
	return rc;
}

const struct manifest_entry *manifest_find(const struct manifest *m,
					   const char *name)
{
	for (size_t i = 0; m && i < m->n; i++)
		if (!strcmp(m->e[i].name, name))
			return &m->e[i];
	return NULL;
}

void manifest_free(struct manifest *m)
{
	free(m->e);
	json_decref(m->doc);
	memset(m, 0, sizeof(*m));
}
