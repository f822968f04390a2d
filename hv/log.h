/* Logging for hv: setup failures are fatal and name the call that failed;
 * guest-triggered problems are logged (once where they could repeat) and
 * survived. */
#ifndef HV_LOG_H
#define HV_LOG_H

#include <stdbool.h>

#define HV_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Print "hv: <msg>" on stderr and exit(1). */
void die(const char *fmt, ...) HV_PRINTF(1, 2) __attribute__((noreturn));
/* As die(), appending ": strerror(errno)". */
void die_perror(const char *fmt, ...) HV_PRINTF(1, 2) __attribute__((noreturn));
void warnx_hv(const char *fmt, ...) HV_PRINTF(1, 2);
void info_hv(const char *fmt, ...) HV_PRINTF(1, 2);

/* Log a guest-caused problem at most once per call site. */
#define guest_warn_once(...)                                                   \
	do {                                                                   \
		static bool warned_;                                           \
		if (!__atomic_exchange_n(&warned_, true, __ATOMIC_RELAXED))    \
			warnx_hv(__VA_ARGS__);                                 \
	} while (0)

extern bool hv_quiet; /* --quiet: suppress info messages */

#endif
