/* Command-line parsing for `hv run`. Pure: fills a struct hv_config or
 * returns one line explaining what is wrong. */
#ifndef HV_CLI_H
#define HV_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "hv/config.h"

/* "512M", "2G", "4096", "1GiB" -> bytes. Returns 0 or -1 (garbage, zero,
 * overflow). */
int cli_parse_size(const char *s, uint64_t *out);
/* argv[0] is "run". Returns 0, or -1 with a message in err. The strings in
 * cfg point into argv or into memory owned by cfg (freed by cli_free). */
int cli_parse_run(int argc, char **argv, struct hv_config *cfg, char *err,
		  size_t errlen);
void cli_free(struct hv_config *cfg);
void cli_usage(void);

#endif
