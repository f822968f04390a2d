/* Knob and host-setting tables shared by the scenario parser and checks
 * (bench/scenario_check.c). */
#ifndef BENCH_SCENARIO_KNOBS_H
#define BENCH_SCENARIO_KNOBS_H

#include <jansson.h>
#include <stddef.h>

int scenario_knob_known(const char *key);
int scenario_host_key_known(const char *key);
/* Type and range of one knob value; env is an enum env_bit (0: any env).
 * Returns 0, or -1 with the problem in why. */
int scenario_knob_check(const char *key, json_t *v, unsigned env, char *why,
			size_t len);

#endif
