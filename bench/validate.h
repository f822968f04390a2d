/* Checks on a results.json document (bench/validate.c, hvperf validate). */
#ifndef BENCH_VALIDATE_H
#define BENCH_VALIDATE_H

#include <jansson.h>
#include <stddef.h>

struct validate_summary {
	size_t samples, vm_samples, configs, skipped, failures;
	const char *pmu_reason;      /* borrowed from the document */
};

/* 0 when valid, else -1 with the first problem (JSON path first) in err. */
int validate_results(json_t *res, struct validate_summary *sum, char *err,
		     size_t len);

#endif
