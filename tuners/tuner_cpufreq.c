/* CPU frequency governor (cpufreq.governor), on every CPU that has one. */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tuners/knob.h"

#define GOV_GLOB "/sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor"

static int cpufreq_validate(const struct tuner_knob *k, const char *v,
			    char *err, size_t errlen)
{
	glob_t g;
	char avail[512], *text;
	int rc = 0;

	if (glob(GOV_GLOB, 0, NULL, &g) != 0) {
		snprintf(err, errlen, "%s: not present on this host (no cpufreq driver: "
			 "/sys/devices/system/cpu/cpu*/cpufreq is missing)", k->key);
		return -1;
	}
	snprintf(avail, sizeof(avail), "%.*savailable_governors",
		 (int)(strlen(g.gl_pathv[0]) - strlen("governor")), g.gl_pathv[0]);
	text = sysfs_read(avail);
	if (text && !sysfs_choice_valid(text, v)) {
		snprintf(err, errlen, "%s: '%s' is not one of: %s", k->key, v, text);
		rc = -1;
	}
	free(text);
	globfree(&g);
	return rc;
}

static int cpufreq_apply(const struct tuner_knob *k, const char *value,
			 char *err, size_t errlen)
{
	glob_t g;
	int rc = 0;

	if (glob(GOV_GLOB, 0, NULL, &g) != 0) {
		snprintf(err, errlen, "%s: not present on this host", k->key);
		return -1;
	}
	for (size_t i = 0; i < g.gl_pathc && rc == 0; i++) {
		char *prev = sysfs_read(g.gl_pathv[i]);

		if (!prev || tuner_journal(k->key, g.gl_pathv[i], prev, err, errlen) < 0)
			rc = -1;
		else if (sysfs_write(g.gl_pathv[i], value) < 0) {
			snprintf(err, errlen, "%s: %s: %s", k->key, g.gl_pathv[i], strerror(errno));
			rc = -1;
		}
		free(prev);
	}
	globfree(&g);
	return rc;
}

/* The governor of every CPU, or "mixed" when they differ. */
static char *cpufreq_get(const struct tuner_knob *k)
{
	glob_t g;
	char *first = NULL;

	(void)k;
	if (glob(GOV_GLOB, 0, NULL, &g) != 0)
		return NULL;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *v = sysfs_read(g.gl_pathv[i]);

		if (!first) {
			first = v;
			continue;
		}
		if (v && first && strcmp(v, first)) {
			free(first);
			first = strdup("mixed");
			free(v);
			break;
		}
		free(v);
	}
	globfree(&g);
	return first;
}

const struct tuner_knob tuner_cpufreq_knobs[] = {
	{.key = "cpufreq.governor",
	 .path = "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
	 .help = "CPU frequency governor of every CPU (performance, powersave, ...)",
	 .validate = cpufreq_validate, .apply = cpufreq_apply, .get = cpufreq_get},
	{0},
};
