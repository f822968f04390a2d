/* A freestanding snprintf subset for workloads: %d %i %u %x %s %c %%, the
 * l/ll/z length modifiers, and %f / %g for doubles (printed as JSON
 * numbers: fixed with up to 6 significant decimals, or d.dddddde±N). No
 * libc, so the micro-guest and the native build share it. */
#include <stdarg.h>

#include "wl.h"

struct out {
	char *buf;
	size_t n, pos;
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->n)
		o->buf[o->pos] = c;
	o->pos++;
}

static void puts_(struct out *o, const char *s)
{
	while (*s)
		put(o, *s++);
}

static void put_u64(struct out *o, uint64_t v, unsigned base)
{
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (i)
		put(o, tmp[--i]);
}

static void put_frac(struct out *o, double frac, int digits)
{
	char tmp[20];
	uint64_t scale = 1, f;
	int i;

	for (i = 0; i < digits; i++)
		scale *= 10;
	f = (uint64_t)(frac * (double)scale + 0.5);
	if (f >= scale)
		f = scale - 1;
	for (i = digits - 1; i >= 0; i--) {
		tmp[i] = (char)('0' + f % 10);
		f /= 10;
	}
	/* trim trailing zeros */
	while (digits > 0 && tmp[digits - 1] == '0')
		digits--;
	if (!digits)
		return;
	put(o, '.');
	for (i = 0; i < digits; i++)
		put(o, tmp[i]);
}

static void put_double(struct out *o, double v)
{
	int exp = 0;

	if (v != v) {
		puts_(o, "null");
		return;
	}
	if (v < 0) {
		put(o, '-');
		v = -v;
	}
	if (v > 1.7e308) {
		puts_(o, "1e308");
		return;
	}
	if (v != 0 && (v >= 1e15 || v < 1e-3)) {
		while (v >= 10) {
			v /= 10;
			exp++;
		}
		while (v < 1) {
			v *= 10;
			exp--;
		}
		put_u64(o, (uint64_t)v, 10);
		put_frac(o, v - (double)(uint64_t)v, 6);
		put(o, 'e');
		if (exp < 0) {
			put(o, '-');
			exp = -exp;
		}
		put_u64(o, (uint64_t)exp, 10);
		return;
	}
	{
		uint64_t ip = (uint64_t)v;
		double frac = v - (double)ip;
		int digits = ip >= 100000 ? 1 : ip >= 100 ? 3 : 6;

		/* round first, so 9.9999999 prints as 10 */
		double scale = 1;
		for (int i = 0; i < digits; i++)
			scale *= 10;
		if ((uint64_t)(frac * scale + 0.5) >= (uint64_t)scale) {
			ip++;
			frac = 0;
		}
		put_u64(o, ip, 10);
		put_frac(o, frac, digits);
	}
}

static int vfmt(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = { buf, n, 0 };

	for (; *fmt; fmt++) {
		int lng = 0, zu = 0;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		while (*fmt == 'l' || *fmt == 'z') {
			if (*fmt == 'z')
				zu = 1;
			else
				lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd': case 'i': {
			int64_t v = zu || lng ? va_arg(ap, int64_t) : va_arg(ap, int);

			if (v < 0) {
				put(&o, '-');
				put_u64(&o, -(uint64_t)v, 10);
			} else {
				put_u64(&o, (uint64_t)v, 10);
			}
			break;
		}
		case 'u': case 'x':
			put_u64(&o, zu || lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned),
				*fmt == 'x' ? 16 : 10);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			puts_(&o, s ? s : "(null)");
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'f': case 'g':
			put_double(&o, va_arg(ap, double));
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '?');
			if (!*fmt)
				fmt--;
		}
	}
	if (n)
		buf[o.pos < n ? o.pos : n - 1] = 0;
	return (int)o.pos;
}

int wl_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfmt(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

void wl_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfmt(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	wl_write(buf, r < (int)sizeof(buf) ? (size_t)r : sizeof(buf) - 1);
}
