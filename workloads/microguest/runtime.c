/* The micro-guest runtime: the system interface of workloads/include/wl.h
 * for a workload running in guest ring 3 under hv. Everything is a
 * hypercall (a 32-bit write of the operation to the hypercall page
 * MICRO_HC_MMIO_GPA, arguments in the shared page; it exits to hv without
 * entering guest ring 0) or plain memory:
 * time is RDTSC with hv's KVM_GET_TSC_KHZ, allocation is a bump allocator
 * over the RAM hv reported free in struct micro_info. */
#include "hv/boot/micro_abi.h"
#include "wl.h"

#define MG_MAX_ARGS 64

static volatile struct micro_info *mg_info;
static volatile struct micro_hc *mg_req;
static uint64_t mg_heap_next[2];
static char mg_args[MICRO_ARGS_MAX];

static int64_t mg_hc3(uint32_t op, uint64_t a0, uint64_t a1, uint64_t a2)
{
	mg_req->arg0 = a0;
	mg_req->arg1 = a1;
	mg_req->arg2 = a2;
	__asm__ volatile("movl %0, (%1)" :: "r"(op), "r"(MICRO_HC_MMIO_GPA) : "memory");
	return mg_req->ret;
}

static int64_t mg_hc(uint32_t op, uint64_t a0, uint64_t a1)
{
	return mg_hc3(op, a0, a1, 0);
}

void wl_write(const char *s, size_t n)
{
	while (n) {
		size_t k = n > MICRO_HC_MAX_LEN ? MICRO_HC_MAX_LEN : n;

		mg_hc(MICRO_HC_WRITE, (uint64_t)s, k);
		s += k;
		n -= k;
	}
}

void wl_exit(int status)
{
	for (;;)
		mg_hc(MICRO_HC_EXIT, (uint64_t)(status & 0xff), 0);
}

void wl_result(const char *line, size_t len)
{
	if (mg_hc(MICRO_HC_RESULT, (uint64_t)line, len))
		wl_printf("microguest: hv rejected a result line\n");
}

uint64_t wl_tsc_khz(void)
{
	return mg_info->tsc_khz;
}

uint64_t wl_page_size(void)
{
	return mg_info->page_size;
}

const char *wl_env(void)
{
	return "micro";
}

int wl_expect_fault(const void *rip, size_t len, unsigned vector)
{
	return mg_hc3(MICRO_HC_EXPECT_FAULT, (uint64_t)rip, len, vector) ? -1 : 0;
}

uint64_t wl_fault_count(void)
{
	return mg_info->fault_count;
}

volatile void *wl_mmio(uint64_t gpa, size_t len)
{
	if (gpa < mg_info->mmio_gpa || len > mg_info->mmio_size ||
	    gpa - mg_info->mmio_gpa > mg_info->mmio_size - len)
		return 0;
	return (volatile void *)gpa;   /* identity-mapped: VA == GPA */
}

/* Large allocations are aligned to the guest page size when the heap
 * allows, so a working set sits on pages of the size being measured. */
void *wl_alloc(size_t size, size_t align)
{
	uint64_t ps = mg_info->page_size;

	if (align < 64)
		align = 64;
	for (int pass = 0; pass < 2; pass++) {
		for (int r = 0; r < 2; r++) {
			uint64_t a = align, p;

			if (pass == 0 && size >= (2u << 20) && ps > a)
				a = ps;
			p = (mg_heap_next[r] + a - 1) & ~(a - 1);
			if (mg_info->heap_end[r] && p >= mg_heap_next[r] &&
			    p <= mg_info->heap_end[r] && size <= mg_info->heap_end[r] - p) {
				mg_heap_next[r] = p + size;
				return (void *)p;
			}
		}
	}
	return 0;
}

static int mg_split_args(char **argv)
{
	uint64_t len = mg_info->args_len;
	int argc = 0;
	char *p = mg_args;

	if (len >= sizeof(mg_args))
		len = sizeof(mg_args) - 1;
	for (uint64_t i = 0; i < len; i++)
		mg_args[i] = ((volatile char *)mg_info->args_gpa)[i];
	mg_args[len] = 0;
	while (*p && argc < MG_MAX_ARGS - 1) {
		while (*p == ' ')
			*p++ = 0;
		if (!*p)
			break;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	argv[argc] = 0;
	return argc;
}

void mg_start(volatile struct micro_info *info);
void mg_start(volatile struct micro_info *info)
{
	char *argv[MG_MAX_ARGS];
	int argc;

	mg_info = info;
	mg_req = (volatile struct micro_hc *)((uint64_t)info + MICRO_HC_OFFSET);
	if (info->magic != MICRO_INFO_MAGIC || info->version != MICRO_ABI_VERSION) {
		wl_printf("microguest: hv ABI mismatch\n");
		wl_exit(126);
	}
	mg_heap_next[0] = info->heap_start[0];
	mg_heap_next[1] = info->heap_start[1];
	argc = mg_split_args(argv);
	wl_exit(wl_main(argc, argv));
}
