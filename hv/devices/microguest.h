/* The micro-guest's device side: hypercalls on MICRO_PORT_HC and fault
 * reports on MICRO_PORT_FAULT (ABI in hv/boot/micro_abi.h). The decoding
 * functions are pure, for the unit tests. */
#ifndef HV_DEVICES_MICROGUEST_H
#define HV_DEVICES_MICROGUEST_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "hv/boot/micro_abi.h"
#include "hv/memory.h"

struct vm;
struct vcpu;

/* Resolve a guest buffer [gpa, gpa + len) for a hypercall. Returns
 * MICRO_HC_OK and the host pointer, MICRO_HC_E2BIG when len exceeds
 * MICRO_HC_MAX_LEN, MICRO_HC_EFAULT when it is not wholly guest RAM. */
int64_t micro_hc_buffer(const struct guest_mem *mem, uint64_t gpa, uint64_t len,
			const void **out);

/* Parse one result line (docs/results-schema.md §1). Returns a new object,
 * or NULL with the reason in err. `value` may be null only when
 * extra.available is false (a measurement the host cannot make). */
json_t *micro_result_parse(const char *buf, size_t len, char *err, size_t errlen);

/* Counters shared by the hypercall and fault paths. */
struct micro_counters {
	uint64_t hypercalls, writes, results, bad_requests;
	uint64_t ring0_entries, faults_skipped;
	uint64_t probe_rip, probe_len, probe_vector;
};
extern struct micro_counters micro_counters;

/* A fault stub wrote `vector` to MICRO_PORT_FAULT: skip an expected fault or
 * end the guest with a report (vector, error code, RIP, CR2). */
void micro_fault_report(struct vcpu *vcpu, unsigned vector);

#define MICRO_FAULT_EXIT_STATUS  3   /* hv's exit status after a guest fault */

#endif
