/* Micro-guest hypercalls: the ring-3 workload (IOPL 3) fills struct
 * micro_hc in the shared page and writes the operation to the hypercall
 * page (MICRO_HC_MMIO_GPA) or, where ring-3 port I/O works, MICRO_PORT_HC.
 * Every pointer and length in the request is guest-supplied and checked.
 * Registered only for micro-guests (--guest micro:NAME). */
#include <stdio.h>
#include <string.h>

#include "hv/device.h"
#include "hv/devices/microguest.h"
#include "hv/log.h"
#include "hv/vm.h"

struct micro_counters micro_counters;

int64_t micro_hc_buffer(const struct guest_mem *mem, uint64_t gpa, uint64_t len,
			const void **out)
{
	if (len > MICRO_HC_MAX_LEN)
		return MICRO_HC_E2BIG;
	*out = guest_ptr(mem, gpa, len ? len : 1);
	return *out ? MICRO_HC_OK : MICRO_HC_EFAULT;
}

static int is_available(json_t *o)
{
	json_t *a = json_object_get(json_object_get(o, "extra"), "available");

	return !json_is_false(a);
}

json_t *micro_result_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *o, *v;

	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		snprintf(err, errlen, "not JSON: %s", je.text);
		return NULL;
	}
	v = json_object_get(o, "value");
	if (!json_is_object(o) ||
	    !json_is_string(json_object_get(o, "workload")) ||
	    !json_is_string(json_object_get(o, "metric")) ||
	    !json_is_string(json_object_get(o, "unit")) ||
	    !json_is_boolean(json_object_get(o, "higher_is_better"))) {
		snprintf(err, errlen, "needs string workload, metric, unit and bool "
			 "higher_is_better");
		json_decref(o);
		return NULL;
	}
	if (!(json_is_number(v) || (json_is_null(v) && !is_available(o)))) {
		snprintf(err, errlen, "value must be a number (null only with "
			 "extra.available false)");
		json_decref(o);
		return NULL;
	}
	return o;
}

static int64_t hc_write(struct vm *vm, const struct micro_hc *req)
{
	const void *p;
	int64_t rc = micro_hc_buffer(&vm->mem, req->arg0, req->arg1, &p);

	if (rc)
		return rc;
	fwrite(p, 1, req->arg1, stdout);
	fflush(stdout);
	micro_counters.writes++;
	return MICRO_HC_OK;
}

static int64_t hc_result(struct vm *vm, const struct micro_hc *req)
{
	char err[200];
	const void *p;
	size_t len;
	json_t *o;
	int64_t rc = micro_hc_buffer(&vm->mem, req->arg0, req->arg1, &p);

	if (rc)
		return rc;
	o = micro_result_parse(p, req->arg1, err, sizeof(err));
	if (!o) {
		guest_warn_once("micro-guest result line rejected: %s", err);
		return MICRO_HC_EINVAL;
	}
	if (!vm->micro_results)
		vm->micro_results = json_array();
	/* print the line as the guest wrote it (already validated) */
	len = req->arg1;
	while (len && (((const char *)p)[len - 1] == '\n' || ((const char *)p)[len - 1] == '\r'))
		len--;
	fwrite(p, 1, len, stdout);
	fputc('\n', stdout);
	fflush(stdout);
	json_array_append_new(vm->micro_results, o);
	micro_counters.results++;
	return MICRO_HC_OK;
}

static void micro_hc_io(struct vcpu *vcpu, void *opaque, uint64_t off,
			uint8_t *data, uint32_t len, bool is_write)
{
	struct vm *vm = opaque;
	struct micro_hc *shared = guest_ptr(&vm->mem, MICRO_SHARED_GPA + MICRO_HC_OFFSET,
					    sizeof(*shared));
	struct micro_hc req;
	uint32_t op = 0;
	int64_t ret;

	(void)vcpu; (void)off;
	if (!is_write) {
		memset(data, 0xff, len);
		return;
	}
	memcpy(&op, data, len < 4 ? len : 4);
	memcpy(&req, shared, sizeof(req));   /* one snapshot of the request */
	micro_counters.hypercalls++;
	switch (op) {
	case MICRO_HC_WRITE:
		ret = hc_write(vm, &req);
		break;
	case MICRO_HC_RESULT:
		ret = hc_result(vm, &req);
		break;
	case MICRO_HC_EXIT:
		vm_request_exit(vm, VM_EXIT_MICRO, (int)(req.arg0 & 0xff),
				"micro-guest exited with status %d", (int)(req.arg0 & 0xff));
		ret = MICRO_HC_OK;
		break;
	case MICRO_HC_EXPECT_FAULT:
		if (req.arg1 > 15 || (req.arg2 != 6 && req.arg2 != 13)) {
			ret = MICRO_HC_EINVAL;
			break;
		}
		micro_counters.probe_len = req.arg1;
		micro_counters.probe_vector = req.arg2;
		micro_counters.probe_rip = req.arg0;
		ret = MICRO_HC_OK;
		break;
	default:
		guest_warn_once("micro-guest: unknown hypercall %u", op);
		ret = MICRO_HC_EINVAL;
	}
	if (ret)
		micro_counters.bad_requests++;
	shared->ret = ret;
}

static void micro_fault_io(struct vcpu *vcpu, void *opaque, uint64_t off,
			   uint8_t *data, uint32_t len, bool is_write)
{
	(void)opaque; (void)off; (void)len;
	if (!is_write) {
		memset(data, 0xff, len);
		return;
	}
	micro_counters.ring0_entries++;
	micro_fault_report(vcpu, data[0]);
}

static json_t *micro_stats(void *opaque)
{
	struct micro_counters *c = opaque;

	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
			 "hypercalls", (json_int_t)c->hypercalls,
			 "console_writes", (json_int_t)c->writes,
			 "results", (json_int_t)c->results,
			 "bad_requests", (json_int_t)c->bad_requests,
			 "ring0_entries", (json_int_t)c->ring0_entries,
			 "faults_skipped", (json_int_t)c->faults_skipped);
}

static int microguest__init(struct vm *vm)
{
	if (!vm->cfg->micro)
		return 0;
	if (io_bus_register(&vm->mmio, MICRO_HC_MMIO_GPA, 0x1000, micro_hc_io, vm,
			    "micro-hc") ||
	    io_bus_register(&vm->pio, MICRO_PORT_HC, 1, micro_hc_io, vm, "micro-hc") ||
	    io_bus_register(&vm->pio, MICRO_PORT_FAULT, 1, micro_fault_io, vm,
			    "micro-fault")) {
		fprintf(stderr, "hv: micro-guest ports overlap another device\n");
		return -1;
	}
	vm_add_stats_source(vm, "microguest", micro_stats, &micro_counters);
	return 0;
}
hv_device_init(microguest__init, DEV_LEVEL_PLATFORM);
