/* Workload helpers shared by both builds: result lines, KEY=VALUE
 * arguments, strings, quantiles, time conversion. */
#include "wl.h"

size_t wl_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int wl_strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i] || !a[i])
			return (unsigned char)a[i] - (unsigned char)b[i];
	}
	return 0;
}

int wl_strcmp(const char *a, const char *b)
{
	return wl_strncmp(a, b, (size_t)-1);
}

void wl_memset(void *p, int c, size_t n)
{
	volatile unsigned char *q = p;

	while (n--)
		*q++ = (unsigned char)c;
}

void wl_emit(const char *workload, const char *metric, double value,
	     const char *unit, int higher_is_better, const char *params,
	     const char *extra)
{
	char line[2048];
	int n = wl_snprintf(line, sizeof(line),
			    "{\"workload\":\"%s\",\"metric\":\"%s\",\"value\":%g,"
			    "\"unit\":\"%s\",\"higher_is_better\":%s%s%s%s%s}",
			    workload, metric, value, unit,
			    higher_is_better ? "true" : "false",
			    params ? ",\"params\":" : "", params ? params : "",
			    extra ? ",\"extra\":" : "", extra ? extra : "");

	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	wl_result(line, (size_t)n);
}

void wl_emit_unavailable(const char *workload, const char *metric,
			 const char *unit, const char *params, const char *reason)
{
	char extra[1024];

	wl_snprintf(extra, sizeof(extra), "{\"available\":false,\"env\":\"%s\","
		    "\"reason\":\"%s\"}", wl_env(), reason);
	wl_emit(workload, metric, __builtin_nan(""), unit, 0, params, extra);
}

static const char *arg_find(int argc, char **argv, const char *key)
{
	size_t k = wl_strlen(key);

	for (int i = 1; i < argc; i++)
		if (!wl_strncmp(argv[i], key, k) && argv[i][k] == '=')
			return argv[i] + k + 1;
	return 0;
}

const char *wl_arg_str(int argc, char **argv, const char *key, const char *def)
{
	const char *v = arg_find(argc, argv, key);

	return v ? v : def;
}

uint64_t wl_arg_u64(int argc, char **argv, const char *key, uint64_t def)
{
	const char *v = arg_find(argc, argv, key);
	uint64_t x = 0;

	if (!v || *v < '0' || *v > '9')
		return def;
	while (*v >= '0' && *v <= '9')
		x = x * 10 + (uint64_t)(*v++ - '0');
	switch (*v) {
	case 'k': case 'K': x <<= 10; break;
	case 'm': case 'M': x <<= 20; break;
	case 'g': case 'G': x <<= 30; break;
	}
	return x;
}

void wl_sort(double *v, size_t n)
{
	/* insertion sort: sample arrays are small */
	for (size_t i = 1; i < n; i++) {
		double x = v[i];
		size_t j = i;

		while (j && v[j - 1] > x) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/* Linear interpolation between order statistics (type 7). */
double wl_quantile(const double *sorted, size_t n, double q)
{
	double pos, frac;
	size_t i;

	if (!n)
		return __builtin_nan("");
	pos = q * (double)(n - 1);
	i = (size_t)pos;
	frac = pos - (double)i;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

double wl_cycles_to_ns(double cycles)
{
	uint64_t khz = wl_tsc_khz();

	return khz ? cycles * 1e6 / (double)khz : __builtin_nan("");
}

double wl_seconds(uint64_t cycles)
{
	uint64_t khz = wl_tsc_khz();

	return khz ? (double)cycles / ((double)khz * 1e3) : __builtin_nan("");
}
