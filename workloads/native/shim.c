/* The native shim: the system interface of workloads/include/wl.h on
 * Linux, so a workload's object file runs unchanged on the host (and in
 * the Linux guest, where wl_env() says which one). Console
 * and results go to stdout; the TSC rate is calibrated against
 * CLOCK_MONOTONIC_RAW; allocation is mmap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "wl.h"

#define SHIM_CALIBRATE_NS  50000000ULL

static uint64_t shim_tsc_khz;

static uint64_t shim_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t shim_calibrate(void)
{
	uint64_t t0 = shim_now_ns(), c0 = wl_rdtsc(), t1, c1;

	do
		t1 = shim_now_ns();
	while (t1 - t0 < SHIM_CALIBRATE_NS);
	c1 = wl_rdtsc();
	return (c1 - c0) * 1000000ULL / (t1 - t0);
}

void wl_write(const char *s, size_t n)
{
	fwrite(s, 1, n, stdout);
	fflush(stdout);
}

void wl_exit(int status)
{
	fflush(stdout);
	exit(status);
}

uint64_t wl_tsc_khz(void)
{
	return shim_tsc_khz;
}

void *wl_alloc(size_t size, size_t align)
{
	size_t len;
	uintptr_t p;
	void *m;

	if (align < 64)
		align = 64;
	len = size + align;
	m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	p = ((uintptr_t)m + align - 1) & ~(uintptr_t)(align - 1);
	return (void *)p;
}

uint64_t wl_page_size(void)
{
	return 4096;
}

void wl_result(const char *line, size_t len)
{
	fwrite(line, 1, len, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

/* The same static binary runs on the host and in the Linux guest image,
 * whose /init exports HVPERF_ENV from the kernel command line
 * (hvperf.env=linux under hv, qemu under QEMU; the harness's config env). */
const char *wl_env(void)
{
	const char *e = getenv("HVPERF_ENV");

	if (e && (!strcmp(e, "linux") || !strcmp(e, "qemu")))
		return e;
	return "native";
}

int wl_expect_fault(const void *rip, size_t len, unsigned vector)
{
	(void)rip; (void)len; (void)vector;
	return -1;
}

uint64_t wl_fault_count(void)
{
	return 0;
}

volatile void *wl_mmio(uint64_t gpa, size_t len)
{
	(void)gpa; (void)len;
	return NULL;
}

int main(int argc, char **argv)
{
	shim_tsc_khz = shim_calibrate();
	return wl_main(argc, argv);
}
