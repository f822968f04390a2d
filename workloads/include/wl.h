/* The system interface every workload uses, implemented twice: by the
 * micro-guest runtime (workloads/microguest/runtime.c, hypercalls to hv)
 * and by the native shim (workloads/native/shim.c, Linux). Workload code
 * and this library are compiled once and linked into both programs, so
 * native and guest runs execute identical instructions. */
#ifndef WL_H
#define WL_H

#include <stddef.h>
#include <stdint.h>

/* Provided by each workload (workloads/src/NAME.c). */
int wl_main(int argc, char **argv);

/* --- system interface (runtime or shim) --- */
void wl_write(const char *s, size_t n);            /* console */
__attribute__((noreturn)) void wl_exit(int status);
uint64_t wl_tsc_khz(void);                         /* calibrated TSC rate */
void *wl_alloc(size_t size, size_t align);         /* NULL when exhausted */
uint64_t wl_page_size(void);                       /* guest page size (native: 4096) */
void wl_result(const char *line, size_t len);      /* one result JSON line */
const char *wl_env(void);  /* "micro", "native", or in a Linux guest "linux"/"qemu" */
/* Micro-guest only (natively they return -1 / NULL): arm hv to skip a
 * fault `vector` (6 #UD or 13 #GP) raised at `rip` (an instruction of
 * `len` bytes) and count it in wl_fault_count(). */
int wl_expect_fault(const void *rip, size_t len, unsigned vector);
uint64_t wl_fault_count(void);
/* The identity-mapped, user-accessible, uncached MMIO window (micro only). */
volatile void *wl_mmio(uint64_t gpa, size_t len);

static inline uint64_t wl_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
	return (uint64_t)hi << 32 | lo;
}

/* --- library (workloads/lib/, same objects in both builds) --- */
int wl_snprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void wl_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
size_t wl_strlen(const char *s);
int wl_strcmp(const char *a, const char *b);
int wl_strncmp(const char *a, const char *b, size_t n);
void wl_memset(void *p, int c, size_t n);

/* Emit one result line (docs/results-schema.md §1). params and extra are
 * JSON object texts or NULL. A NaN value prints as null: use it only with
 * extra {"available":false,"reason":...}. */
void wl_emit(const char *workload, const char *metric, double value,
	     const char *unit, int higher_is_better, const char *params,
	     const char *extra);
void wl_emit_unavailable(const char *workload, const char *metric,
			 const char *unit, const char *params, const char *reason);

/* Arguments are KEY=VALUE; sizes accept K, M, G suffixes. */
uint64_t wl_arg_u64(int argc, char **argv, const char *key, uint64_t def);
const char *wl_arg_str(int argc, char **argv, const char *key, const char *def);

/* Statistics over a sample array (sorted in place). */
void wl_sort(double *v, size_t n);
double wl_quantile(const double *sorted, size_t n, double q);

double wl_cycles_to_ns(double cycles);
double wl_seconds(uint64_t cycles);

/* A small deterministic PRNG (xorshift64*). */
static inline uint64_t wl_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

#endif
