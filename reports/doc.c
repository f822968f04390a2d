/* The report document model and the plain-text renderer. */
#include "reports/doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int report_format_parse(const char *s, enum report_format *f)
{
	if (!strcmp(s, "txt") || !strcmp(s, "text"))
		*f = REPORT_TXT;
	else if (!strcmp(s, "md") || !strcmp(s, "markdown"))
		*f = REPORT_MD;
	else if (!strcmp(s, "html"))
		*f = REPORT_HTML;
	else
		return -1;
	return 0;
}

const char *report_format_ext(enum report_format f)
{
	return f == REPORT_HTML ? "html" : f == REPORT_MD ? "md" : "txt";
}

static void *rdoc__xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);

	if (!p) {
		fprintf(stderr, "hvperf: out of memory\n");
		exit(2);
	}
	return p;
}

static char *rdoc__xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p) {
		fprintf(stderr, "hvperf: out of memory\n");
		exit(2);
	}
	return p;
}

static struct rdoc_block *rdoc__add(struct rdoc *d, enum rdoc_kind kind)
{
	struct rdoc_block **nb = realloc(d->b, (d->nb + 1) * sizeof(*nb));

	if (!nb) {
		fprintf(stderr, "hvperf: out of memory\n");
		exit(2);
	}
	d->b = nb;
	d->b[d->nb] = rdoc__xcalloc(1, sizeof(**nb));
	d->b[d->nb]->kind = kind;
	return d->b[d->nb++];
}

void rdoc_init(struct rdoc *d, const char *title)
{
	memset(d, 0, sizeof(*d));
	d->title = rdoc__xstrdup(title);
}

void rdoc_free(struct rdoc *d)
{
	for (size_t i = 0; i < d->nb; i++) {
		struct rdoc_block *b = d->b[i];

		for (size_t c = 0; c < b->ncols * b->nrows; c++)
			free(b->cells[c]);
		free(b->cells);
		free(b->text);
		free(b->png);
		free(b->svg);
		free(b);
	}
	free(d->b);
	free(d->title);
	memset(d, 0, sizeof(*d));
}

static char *rdoc__vfmt(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0) {
		fprintf(stderr, "hvperf: out of memory\n");
		exit(2);
	}
	return s;
}

void rdoc_heading(struct rdoc *d, int level, const char *fmt, ...)
{
	struct rdoc_block *b = rdoc__add(d, RDOC_HEADING);
	va_list ap;

	va_start(ap, fmt);
	b->text = rdoc__vfmt(fmt, ap);
	va_end(ap);
	b->level = level;
}

void rdoc_para(struct rdoc *d, const char *fmt, ...)
{
	struct rdoc_block *b = rdoc__add(d, RDOC_PARA);
	va_list ap;

	va_start(ap, fmt);
	b->text = rdoc__vfmt(fmt, ap);
	va_end(ap);
}

static void rdoc__row_v(struct rdoc_block *t, va_list ap)
{
	char **cells = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*cells));

	if (!cells) {
		fprintf(stderr, "hvperf: out of memory\n");
		exit(2);
	}
	t->cells = cells;
	for (size_t c = 0; c < t->ncols; c++)
		cells[t->nrows * t->ncols + c] = rdoc__xstrdup(va_arg(ap, const char *));
	t->nrows++;
}

struct rdoc_block *rdoc_table(struct rdoc *d, size_t ncols, ...)
{
	struct rdoc_block *t = rdoc__add(d, RDOC_TABLE);
	va_list ap;

	t->ncols = ncols;
	va_start(ap, ncols);
	rdoc__row_v(t, ap);
	va_end(ap);
	return t;
}

void rdoc_row(struct rdoc_block *t, ...)
{
	va_list ap;

	va_start(ap, t);
	rdoc__row_v(t, ap);
	va_end(ap);
}

void rdoc_image(struct rdoc *d, const char *png, const char *svg,
		const char *caption)
{
	struct rdoc_block *b = rdoc__add(d, RDOC_IMAGE);

	b->png = rdoc__xstrdup(png);
	b->svg = svg ? rdoc__xstrdup(svg) : NULL;
	b->text = rdoc__xstrdup(caption);
}

int rdoc_render(const struct rdoc *d, enum report_format f, FILE *out,
		const char *dir)
{
	switch (f) {
	case REPORT_HTML:
		return rdoc_render_html(d, out, dir);
	case REPORT_MD:
		return rdoc_render_md(d, out);
	default:
		return rdoc_render_txt(d, out);
	}
}

/* Display width of UTF-8 text: count code points, not bytes. */
static size_t rdoc__width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void rdoc__txt_table(const struct rdoc_block *t, FILE *out)
{
	size_t w[32] = {0}, nc = t->ncols < 32 ? t->ncols : 32;

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < nc; c++) {
			size_t cw = rdoc__width(t->cells[r * t->ncols + c]);

			if (cw > w[c])
				w[c] = cw;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < nc; c++) {
			const char *s = t->cells[r * t->ncols + c];

			fprintf(out, "%s%s%*s", c ? "  " : "  ", s,
				c + 1 < nc ? (int)(w[c] - rdoc__width(s)) : 0, "");
		}
		fputc('\n', out);
		if (r == 0) {
			for (size_t c = 0; c < nc; c++) {
				fputs("  ", out);
				for (size_t i = 0; i < w[c]; i++)
					fputc('-', out);
			}
			fputc('\n', out);
		}
	}
}

int rdoc_render_txt(const struct rdoc *d, FILE *out)
{
	fprintf(out, "%s\n", d->title);
	for (size_t i = rdoc__width(d->title); i > 0; i--)
		fputc('=', out);
	fputs("\n\n", out);
	for (size_t i = 0; i < d->nb; i++) {
		const struct rdoc_block *b = d->b[i];

		switch (b->kind) {
		case RDOC_HEADING:
			fprintf(out, "%s\n", b->text);
			for (size_t k = rdoc__width(b->text); k > 0; k--)
				fputc(b->level <= 1 ? '=' : '-', out);
			fputs("\n\n", out);
			break;
		case RDOC_PARA:
			fprintf(out, "%s\n\n", b->text);
			break;
		case RDOC_TABLE:
			rdoc__txt_table(b, out);
			fputc('\n', out);
			break;
		case RDOC_IMAGE:
			fprintf(out, "[plot: %s%s%s] %s\n\n", b->png, b->svg ? ", " : "",
				b->svg ? b->svg : "", b->text);
			break;
		}
	}
	return ferror(out) ? -1 : 0;
}
