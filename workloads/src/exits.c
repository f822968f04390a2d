/* exits: the cost of the operations that leave the guest: CPUID, port I/O
 * to the null port 0xf6, MMIO read and write to the null region
 * 0xd0001000, a hypercall (vmmcall on AMD, vmcall on Intel), a ring-3
 * fault round trip through the runtime's ring-0 stub, and HLT with a
 * wake-up. Each is timed in `batches` batches of `ops` operations; one line
 * in cycles and one in ns per operation (median of batches, with p10/p90).
 * What cannot be measured in this environment is reported as unavailable
 * with the reason, never as a number. */
#include "wl.h"

#define EXITS_NULL_PORT  0xf6
#define EXITS_NULL_MMIO  0xd0001000ULL
#define EXITS_MAX_BATCH  256
#define VEC_UD 6
#define VEC_GP 13

/* Probe instructions at known addresses, so that hv can skip them if they
 * fault (MICRO_HC_EXPECT_FAULT); each is the first instruction. */
void exits_pio_read(void);
void exits_pio_write(void);
void exits_vmcall(void);
void exits_vmmcall(void);
void exits_ud2(void);
__asm__(".text\n"
	"exits_pio_read:  inb $0xf6, %al\n ret\n"
	"exits_pio_write: outb %al, $0xf6\n ret\n"
	"exits_vmcall:    vmcall\n ret\n"
	"exits_vmmcall:   vmmcall\n ret\n"
	"exits_ud2:       ud2\n ret\n");

struct exits_op {
	const char *name;
	void (*fn)(void);
	unsigned probe_len, probe_vector;   /* 0 = no probe needed */
};

static volatile uint32_t *exits_mmio;

static void exits_cpuid(void)
{
	uint32_t a = 0, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
}

static void exits_mmio_read(void)
{
	(void)*exits_mmio;
}

static void exits_mmio_write(void)
{
	*exits_mmio = 0;
}

static int exits_is_amd(void)
{
	uint32_t a = 0, b, c = 0, d;

	__asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return b == 0x68747541;   /* "Auth"enticAMD */
}

static void exits_measure(const struct exits_op *op, uint64_t batches, uint64_t ops)
{
	double cyc[EXITS_MAX_BATCH], ns[EXITS_MAX_BATCH];
	char params[64], extra[256];

	for (uint64_t b = 0; b < batches; b++) {
		uint64_t t0 = wl_rdtsc();

		for (uint64_t i = 0; i < ops; i++)
			op->fn();
		cyc[b] = (double)(wl_rdtsc() - t0) / (double)ops;
		ns[b] = wl_cycles_to_ns(cyc[b]);
	}
	wl_sort(cyc, batches);
	wl_sort(ns, batches);
	wl_snprintf(params, sizeof(params), "{\"op\":\"%s\"}", op->name);
	wl_snprintf(extra, sizeof(extra), "{\"p10\":%g,\"p90\":%g,\"batches\":%lu,"
		    "\"ops_per_batch\":%lu,\"env\":\"%s\"}", wl_quantile(cyc, batches, 0.1),
		    wl_quantile(cyc, batches, 0.9), (unsigned long)batches,
		    (unsigned long)ops, wl_env());
	wl_emit("exits", "cycles_per_op", wl_quantile(cyc, batches, 0.5), "cycles", 0,
		params, extra);
	wl_snprintf(extra, sizeof(extra), "{\"p10\":%g,\"p90\":%g,\"batches\":%lu,"
		    "\"ops_per_batch\":%lu,\"env\":\"%s\"}", wl_quantile(ns, batches, 0.1),
		    wl_quantile(ns, batches, 0.9), (unsigned long)batches,
		    (unsigned long)ops, wl_env());
	wl_emit("exits", "latency_ns", wl_quantile(ns, batches, 0.5), "ns", 0, params, extra);
}

static void exits_unavailable(const char *name, const char *reason)
{
	char params[64];

	wl_snprintf(params, sizeof(params), "{\"op\":\"%s\"}", name);
	wl_emit_unavailable("exits", "cycles_per_op", "cycles", params, reason);
}

/* Run the operation once with its fault armed; 1 if it faulted. */
static int exits_probe_faults(const struct exits_op *op)
{
	uint64_t before = wl_fault_count();

	if (wl_expect_fault((const void *)op->fn, op->probe_len, op->probe_vector))
		return -1;
	op->fn();
	wl_expect_fault(0, 0, op->probe_vector);
	return wl_fault_count() != before;
}

static void exits_guest(uint64_t batches, uint64_t ops)
{
	int amd = exits_is_amd();
	const struct exits_op cpuid = { "cpuid", exits_cpuid, 0, 0 };
	const struct exits_op pio[2] = {
		{ "pio_read", exits_pio_read, 2, VEC_GP },
		{ "pio_write", exits_pio_write, 2, VEC_GP },
	};
	const struct exits_op mmio[2] = {
		{ "mmio_read", exits_mmio_read, 0, 0 },
		{ "mmio_write", exits_mmio_write, 0, 0 },
	};
	const struct exits_op hc = { "hypercall", amd ? exits_vmmcall : exits_vmcall,
				     3, VEC_UD };
	const struct exits_op hc_gp = { "hypercall", hc.fn, 3, VEC_GP };
	const struct exits_op ud = { "fault_ud", exits_ud2, 2, VEC_UD };

	exits_measure(&cpuid, batches, ops);
	for (int i = 0; i < 2; i++) {
		if (exits_probe_faults(&pio[i]))
			exits_unavailable(pio[i].name, "ring-3 port I/O to 0xf6 raised #GP "
					  "on this KVM despite IOPL 3 and the TSS I/O bitmap");
		else
			exits_measure(&pio[i], batches, ops);
	}
	exits_mmio = wl_mmio(EXITS_NULL_MMIO, 4);
	for (int i = 0; i < 2; i++)
		exits_measure(&mmio[i], batches, ops);
	if (exits_probe_faults(&hc) || exits_probe_faults(&hc_gp))
		exits_unavailable("hypercall", amd ?
				  "vmmcall from guest ring 3 faults (#UD/#GP) on this KVM; "
				  "ring-0 hypercalls would run emulated here" :
				  "vmcall from guest ring 3 faults (#UD/#GP) on this KVM; "
				  "ring-0 hypercalls would run emulated here");
	else
		exits_measure(&hc, batches, ops);
	/* a ring-3 fault through the ring-0 stub to hv and back: the
	 * runtime's ring-0 entry cost */
	wl_expect_fault((const void *)ud.fn, ud.probe_len, ud.probe_vector);
	exits_measure(&ud, batches, ops);
	wl_expect_fault(0, 0, VEC_UD);
	exits_unavailable("hlt", "HLT is privileged: it needs guest ring 0 and a "
			  "wake-up interrupt, and this runtime runs the workload in ring 3 "
			  "with interrupts off (ring 0 is only the fault stubs, because "
			  "software KVMs emulate guest ring 0 instruction by instruction)");
}

static void exits_native(uint64_t batches, uint64_t ops)
{
	const struct exits_op cpuid = { "cpuid", exits_cpuid, 0, 0 };
	static const char *none[] = { "pio_read", "pio_write", "mmio_read", "mmio_write" };

	exits_measure(&cpuid, batches, ops);
	for (int i = 0; i < 4; i++)
		exits_unavailable(none[i], "natively there is no null device behind "
				  "port 0xf6 or 0xd0001000 (a guest-only measurement)");
	exits_unavailable("hypercall", "vmcall/vmmcall raise #UD outside a guest");
	exits_unavailable("fault_ud", "a guest-only measurement (the micro-guest's "
			  "ring-0 stub)");
	exits_unavailable("hlt", "HLT is privileged (ring 0)");
}

int wl_main(int argc, char **argv)
{
	uint64_t batches = wl_arg_u64(argc, argv, "batches", 31);
	uint64_t ops = wl_arg_u64(argc, argv, "ops", 200);

	if (batches < 3 || batches > EXITS_MAX_BATCH || !ops)
		return 2;
	if (!wl_strcmp(wl_env(), "micro"))
		exits_guest(batches, ops);
	else
		exits_native(batches, ops);
	return 0;
}
