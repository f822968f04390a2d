/* HTML renderer: one self-contained file. PNG plots are embedded as base64
 * data URIs (RFC 2397, RFC 4648 section 4) and the style sheet is inline,
 * so the report opens offline and survives being mailed around. */
#include "reports/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char html__css[] =
	"body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;"
	"padding:0 1em;color:#1d1f21}"
	"h1{font-size:1.6em;border-bottom:2px solid #3465a4}"
	"h2{font-size:1.3em;margin-top:1.8em;border-bottom:1px solid #ccc}"
	"h3{font-size:1.1em;margin-top:1.4em}"
	"table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.92em}"
	"th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}"
	"th{background:#eef2f7}tr:nth-child(even) td{background:#fafafa}"
	"figure{margin:1em 0}figure img{max-width:100%;border:1px solid #ddd}"
	"figcaption{font-size:.9em;color:#555}"
	"p.note{color:#555}";

static void html__esc(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

static void html__base64(FILE *out, const unsigned char *p, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		fputc(tab[(v >> 18) & 63], out);
		fputc(tab[(v >> 12) & 63], out);
		fputc(i + 1 < n ? tab[(v >> 6) & 63] : '=', out);
		fputc(i + 2 < n ? tab[v & 63] : '=', out);
	}
}

/* Embed dir/png; a missing plot is said so in the page, not hidden. */
static void html__image(FILE *out, const struct rdoc_block *b, const char *dir)
{
	char path[4096];
	unsigned char *buf = NULL;
	long len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", b->png);
	f = fopen(path, "rb");
	if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len)) &&
	    fread(buf, 1, (size_t)len, f) == (size_t)len) {
		fputs("<figure><img alt=\"", out);
		html__esc(out, b->text);
		fputs("\" src=\"data:image/png;base64,", out);
		html__base64(out, buf, (size_t)len);
		fputs("\"><figcaption>", out);
		html__esc(out, b->text);
		fputs("</figcaption></figure>\n", out);
	} else {
		fputs("<p class=\"note\">plot unavailable: cannot read ", out);
		html__esc(out, b->png);
		fputs("</p>\n", out);
	}
	free(buf);
	if (f)
		fclose(f);
}

int rdoc_render_html(const struct rdoc *d, FILE *out, const char *dir)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width\"><title>", out);
	html__esc(out, d->title);
	fprintf(out, "</title><style>%s</style></head><body>\n<h1>", html__css);
	html__esc(out, d->title);
	fputs("</h1>\n", out);
	for (size_t i = 0; i < d->nb; i++) {
		const struct rdoc_block *b = d->b[i];

		switch (b->kind) {
		case RDOC_HEADING:
			fprintf(out, "<h%d>", b->level + 1);
			html__esc(out, b->text);
			fprintf(out, "</h%d>\n", b->level + 1);
			break;
		case RDOC_PARA:
			fputs("<p>", out);
			html__esc(out, b->text);
			fputs("</p>\n", out);
			break;
		case RDOC_TABLE:
			fputs("<table>\n", out);
			for (size_t r = 0; r < b->nrows; r++) {
				fputs("<tr>", out);
				for (size_t c = 0; c < b->ncols; c++) {
					fputs(r ? "<td>" : "<th>", out);
					html__esc(out, b->cells[r * b->ncols + c]);
					fputs(r ? "</td>" : "</th>", out);
				}
				fputs("</tr>\n", out);
			}
			fputs("</table>\n", out);
			break;
		case RDOC_IMAGE:
			html__image(out, b, dir);
			break;
		}
	}
	fputs("</body></html>\n", out);
	return ferror(out) ? -1 : 0;
}
