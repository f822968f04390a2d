#include "reports/fmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *report_fmt_size(char *buf, size_t len, double bytes)
{
	static const char units[] = "KMGTP";
	int u = -1;

	if (isnan(bytes)) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	while (fabs(bytes) >= 1024 && u < 4) {
		bytes /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%.0f", bytes);
	else
		snprintf(buf, len, "%.*f%c", bytes == floor(bytes) ? 0 : 1, bytes,
			 units[u]);
	return buf;
}

char *report_fmt_si(char *buf, size_t len, double v)
{
	static const char *suffix[] = {"", "k", "M", "G", "T"};
	int s = 0;

	if (isnan(v)) {
		snprintf(buf, len, "n/a");
		return buf;
	}
	while (fabs(v) >= 1000 && s < 4) {
		v /= 1000;
		s++;
	}
	snprintf(buf, len, "%.4g%s", v, suffix[s]);
	return buf;
}

char *report_fmt_pct(char *buf, size_t len, double frac)
{
	if (isnan(frac))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%+.1f%%", frac * 100);
	return buf;
}

int report_parse_size(const char *s, double *bytes)
{
	char *end;
	double v = strtod(s, &end);
	int shift = 0;

	if (end == s || !(v >= 0) || isinf(v))
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (shift && (*end == 'i' || *end == 'I'))
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end)
		return -1;
	*bytes = ldexp(v, shift);
	return 0;
}
