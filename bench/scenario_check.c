/* Validation of configuration knobs: types, which environment takes which
 * knob, and combinations no host can run. The knobs map one to one onto
 * hv's flags (hv/config.h). */
#include "bench/scenario.h"
#include "bench/scenario_knobs.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum knob_type { K_STR, K_BOOL, K_INT, K_STRS };

#define HV_ENVS (ENV_MICRO | ENV_LINUX)

static const struct knob {
	const char *name;
	enum knob_type type;
	unsigned envs;
	const char *values[5];     /* allowed strings, NULL-terminated */
} knobs[] = {
	{"mem_backing", K_STR, HV_ENVS, {"anon", "thp", "hugetlb-2m", "hugetlb-1g"}},
	{"guest_page_size", K_STR, ENV_MICRO, {"4k", "2m", "1g"}},
	{"prefault", K_BOOL, HV_ENVS, {0}},
	{"ksm", K_BOOL, HV_ENVS, {0}},
	{"pin", K_STR, HV_ENVS, {0}},
	{"mem", K_STR, HV_ENVS | ENV_QEMU, {0}},
	{"cpus", K_INT, HV_ENVS | ENV_QEMU, {0}},
	{"numa_node", K_INT, HV_ENVS, {0}},
	{"cgroup", K_STR, HV_ENVS, {0}},
	{"disk", K_STRS, ENV_LINUX | ENV_QEMU, {0}},
	{"net", K_STRS, ENV_LINUX, {0}},
	{"balloon", K_STR, ENV_LINUX, {0}},
	{"vfio", K_STR, ENV_LINUX, {0}},
};

/* tuners/tuner.h documents these keys; tuner_apply validates values. */
static const char *const host_keys[] = {
	"hugepages.2m", "hugepages.1g", "thp.enabled", "thp.defrag",
	"ksm.run", "ksm.pages_to_scan", "ksm.sleep_millisecs",
	"ksm.merge_across_nodes", "ksm.use_zero_pages", "zswap.enabled",
	"zswap.compressor", "zswap.max_pool_percent", "zswap.zpool",
	"swap.file", "vm.swappiness", "cpufreq.governor",
};

static const char *const env_names[] = {"native", "micro", "linux", "qemu"};

static const struct knob *knob__find(const char *name)
{
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (!strcmp(knobs[i].name, name))
			return &knobs[i];
	return NULL;
}

int scenario_host_key_known(const char *key)
{
	for (size_t i = 0; i < sizeof(host_keys) / sizeof(host_keys[0]); i++)
		if (!strcmp(host_keys[i], key))
			return 1;
	return 0;
}

int scenario_knob_known(const char *key)
{
	return knob__find(key) != NULL;
}

long long scenario_parse_size(const char *s)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	v = strtoull(s, &end, 10);
	switch (toupper((unsigned char)*end)) {
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	case 'T': shift = 40; end++; break;
	}
	if (*end && !(toupper((unsigned char)end[0]) == 'B' && !end[1]))
		return -1;
	if (v == 0 || v > (1ULL << 62) >> shift)
		return -1;
	return (long long)(v << shift);
}

static int knob__pin_ok(const char *s)
{
	if (!strcmp(s, "auto"))
		return 1;
	/* vcpuN=CPU[,vcpuN=CPU...][,io=CPU] */
	while (*s) {
		int n = 0;

		sscanf(s, "vcpu%*u=%*u%n", &n);
		if (!n)
			sscanf(s, "io=%*u%n", &n);
		if (!n)
			return 0;
		s += n;
		if (*s == ',')
			s++;
		else if (*s)
			return 0;
	}
	return 1;
}

/* DOMAIN:BUS:DEV.FN or BUS:DEV.FN, hex, device 0-1f, function 0-7 */
static int knob__bdf_ok(const char *s)
{
	unsigned dom, bus, dev, fn;
	int n = 0;

	for (const char *p = s; *p; p++)
		if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
			return 0;
	if (!(sscanf(s, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn, &n) == 4 && !s[n]) &&
	    !(n = 0, sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) == 3 && !s[n]))
		return 0;
	return dev <= 0x1f && fn <= 7;
}

int scenario_knob_check(const char *key, json_t *v, unsigned env, char *why,
			size_t len)
{
	const struct knob *k = knob__find(key);
	size_t i;
	json_t *e;

	if (!k) {
		snprintf(why, len, "unknown knob '%s'", key);
		return -1;
	}
	if (env && !(k->envs & env)) {
		for (i = 0; i < 4 && !(env & (1u << i)); i++)
			;
		snprintf(why, len, "knob %s is not allowed for env %s", key,
			 i < 4 ? env_names[i] : "?");
		return -1;
	}
	switch (k->type) {
	case K_BOOL:
		if (!json_is_boolean(v))
			goto type;
		return 0;
	case K_INT:
		if (!json_is_integer(v))
			goto type;
		if (json_integer_value(v) < (strcmp(key, "cpus") ? 0 : 1) ||
		    json_integer_value(v) > 64) {
			snprintf(why, len, "%s %lld out of range", key,
				 (long long)json_integer_value(v));
			return -1;
		}
		return 0;
	case K_STRS:
		if (json_is_string(v))
			return 0;
		if (!json_is_array(v))
			goto type;
		json_array_foreach(v, i, e)
			if (!json_is_string(e))
				goto type;
		return 0;
	case K_STR:
		if (!json_is_string(v))
			goto type;
		break;
	}
	if (k->values[0]) {
		for (i = 0; i < 5 && k->values[i]; i++)
			if (!strcmp(k->values[i], json_string_value(v)))
				return 0;
		snprintf(why, len, "%s \"%s\" is not one of", key, json_string_value(v));
		for (i = 0; i < 5 && k->values[i]; i++)
			snprintf(why + strlen(why), len - strlen(why), " %s", k->values[i]);
		return -1;
	}
	if (!strcmp(key, "mem") && scenario_parse_size(json_string_value(v)) < 0) {
		snprintf(why, len, "mem \"%s\" is not a size like 256M or 1G",
			 json_string_value(v));
		return -1;
	}
	if (!strcmp(key, "vfio") && !knob__bdf_ok(json_string_value(v))) {
		snprintf(why, len, "vfio \"%s\" is not a PCI address like 0000:01:00.0",
			 json_string_value(v));
		return -1;
	}
	if (!strcmp(key, "pin") && !knob__pin_ok(json_string_value(v))) {
		snprintf(why, len, "pin \"%s\" is not auto or vcpuN=CPU,...",
			 json_string_value(v));
		return -1;
	}
	return 0;
type:
	snprintf(why, len, "%s must be %s", key,
		 k->type == K_BOOL ? "true or false" :
		 k->type == K_INT ? "an integer" :
		 k->type == K_STRS ? "a string or an array of strings" : "a string");
	return -1;
}

/* Combinations that cannot run anywhere. */
static int scenario__combos(const struct scenario_config *c, char *err,
			    size_t len)
{
	const char *backing = json_string_value(json_object_get(c->knobs, "mem_backing"));
	const char *mem_s = json_string_value(json_object_get(c->knobs, "mem"));
	long long mem = mem_s ? scenario_parse_size(mem_s) : 256LL << 20;
	json_t *cpus_j = json_object_get(c->knobs, "cpus");
	long long cpus = cpus_j ? json_integer_value(cpus_j) : 1;
	const char *pin = json_string_value(json_object_get(c->knobs, "pin"));

	if (backing && !strcmp(backing, "hugetlb-1g") && mem % (1LL << 30)) {
		snprintf(err, len, "knobs.mem: %s is not a multiple of 1G, which mem_backing hugetlb-1g needs",
			 mem_s ? mem_s : "256M (the default)");
		return -1;
	}
	if (backing && !strcmp(backing, "hugetlb-2m") && mem % (2LL << 20)) {
		snprintf(err, len, "knobs.mem: %s is not a multiple of 2M, which mem_backing hugetlb-2m needs",
			 mem_s);
		return -1;
	}
	/* hv refuses it: passthrough pins all guest RAM (docs/virtio.md) */
	if (json_object_get(c->knobs, "vfio") && json_object_get(c->knobs, "balloon")) {
		snprintf(err, len, "knobs: vfio and balloon cannot be combined (passthrough pins all guest RAM)");
		return -1;
	}
	for (const char *p = pin; p && (p = strstr(p, "vcpu")); p += 4) {
		long n = strtol(p + 4, NULL, 10);

		if (n >= cpus) {
			snprintf(err, len, "knobs.pin: vcpu%ld named but cpus is %lld",
				 n, cpus);
			return -1;
		}
	}
	return 0;
}

int scenario_check_config(const struct scenario_config *c, char *err,
			  size_t errlen)
{
	unsigned env = env_from_name(c->env);
	const char *k;
	json_t *v;
	char why[256];

	json_object_foreach(c->knobs, k, v)
		if (scenario_knob_check(k, v, env, why, sizeof(why))) {
			snprintf(err, errlen, "knobs.%s: %s", k, why);
			return -1;
		}
	json_object_foreach(c->host, k, v) {
		if (!scenario_host_key_known(k)) {
			snprintf(err, errlen, "host.%s: unknown host setting (see tuners/tuner.h)", k);
			return -1;
		}
		if (!json_is_string(v)) {
			snprintf(err, errlen, "host.%s: must be a string", k);
			return -1;
		}
	}
	return scenario__combos(c, err, errlen);
}
