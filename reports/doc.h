/* A report as a list of blocks (headings, paragraphs, tables, plots) that
 * one of three renderers turns into HTML, Markdown or plain text, so every
 * command formats its findings once. */
#ifndef REPORTS_DOC_H
#define REPORTS_DOC_H

#include <stddef.h>
#include <stdio.h>

enum report_format { REPORT_TXT, REPORT_MD, REPORT_HTML };

/* "txt", "md" or "html"; returns 0, or -1 for anything else. */
int report_format_parse(const char *s, enum report_format *f);
const char *report_format_ext(enum report_format f);

enum rdoc_kind { RDOC_HEADING, RDOC_PARA, RDOC_TABLE, RDOC_IMAGE };

struct rdoc_block {
	enum rdoc_kind kind;
	int level;              /* heading level 1..3 */
	char *text;             /* heading/paragraph text, image caption */
	size_t ncols, nrows;    /* table: row 0 is the header */
	char **cells;
	char *png, *svg;        /* image paths relative to the output dir */
};

struct rdoc {
	char *title;
	struct rdoc_block **b;
	size_t nb;
};

void rdoc_init(struct rdoc *d, const char *title);
void rdoc_free(struct rdoc *d);
void rdoc_heading(struct rdoc *d, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rdoc_para(struct rdoc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A table with ncols columns; the header names follow as ncols strings. */
struct rdoc_block *rdoc_table(struct rdoc *d, size_t ncols, ...);
/* Append one row: ncols strings (copied). */
void rdoc_row(struct rdoc_block *t, ...);
void rdoc_image(struct rdoc *d, const char *png, const char *svg,
		const char *caption);

/* Render to out; dir is where image paths are relative to (HTML reads the
 * PNGs from there to embed them). Returns 0, or -1 on a write error. */
int rdoc_render(const struct rdoc *d, enum report_format f, FILE *out,
		const char *dir);
int rdoc_render_txt(const struct rdoc *d, FILE *out);
int rdoc_render_md(const struct rdoc *d, FILE *out);
int rdoc_render_html(const struct rdoc *d, FILE *out, const char *dir);

/* Write a file atomically: render into a temp file beside path, fsync,
 * rename. Returns 0, or -1 with errno set. */
int report_write_atomic(const char *path,
			int (*fill)(FILE *f, const void *arg), const void *arg);

#endif
