/* Number formatting shared by the report renderers. Each writes into buf
 * and returns it, so calls can sit inside printf arguments. */
#ifndef REPORTS_FMT_H
#define REPORTS_FMT_H

#include <stddef.h>

/* Binary size: 16K, 4M, 1.5G; "n/a" for NAN. */
char *report_fmt_size(char *buf, size_t len, double bytes);
/* Value with SI suffix and 4 significant digits: 1.19G, 84.2, 305k. */
char *report_fmt_si(char *buf, size_t len, double v);
/* Signed percentage of a fraction: +12.3%, -4.0%; "n/a" for NAN. */
char *report_fmt_pct(char *buf, size_t len, double frac);
/* Parse a size such as 64G, 512M, 1.5T, 4096 (bytes). Returns 0 or -1. */
int report_parse_size(const char *s, double *bytes);

#endif
