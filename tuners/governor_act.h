/* Carry out the governor's actions (see governor_policy.h). Host switches
 * go through tuner_apply (journaled, restored on exit). */
#ifndef TUNERS_GOVERNOR_ACT_H
#define TUNERS_GOVERNOR_ACT_H

#include <stddef.h>

#include "tuners/governor_config.h"
#include "tuners/governor_observe.h"
#include "tuners/governor_policy.h"

/* Host preparation at start (a swap file for zswap and swap to use). */
int gov_host_setup(const struct gov_host_config *h, char *err, size_t errlen);
/* 0, or -1 with a one-line reason. */
int gov_act_apply(const struct gov_config *c, const struct gov_probe *probes,
		  const struct gov_action *a, char *err, size_t errlen);

#endif
