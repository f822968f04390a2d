/* Markdown renderer (GitHub-flavoured tables), fit for a PR comment. */
#include "reports/doc.h"

#include <string.h>

/* A cell must not break the table: escape '|' and flatten newlines. */
static void md__cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '\n')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

int rdoc_render_md(const struct rdoc *d, FILE *out)
{
	fprintf(out, "# %s\n\n", d->title);
	for (size_t i = 0; i < d->nb; i++) {
		const struct rdoc_block *b = d->b[i];

		switch (b->kind) {
		case RDOC_HEADING:
			fprintf(out, "%.*s %s\n\n", b->level + 1, "####", b->text);
			break;
		case RDOC_PARA:
			fprintf(out, "%s\n\n", b->text);
			break;
		case RDOC_TABLE:
			for (size_t r = 0; r < b->nrows; r++) {
				for (size_t c = 0; c < b->ncols; c++) {
					fputs("| ", out);
					md__cell(out, b->cells[r * b->ncols + c]);
					fputc(' ', out);
				}
				fputs("|\n", out);
				if (r == 0) {
					for (size_t c = 0; c < b->ncols; c++)
						fputs(c ? "|---" : "|---", out);
					fputs("|\n", out);
				}
			}
			fputc('\n', out);
			break;
		case RDOC_IMAGE:
			fprintf(out, "![%s](%s)", b->text, b->png);
			if (b->svg)
				fprintf(out, " ([SVG](%s))", b->svg);
			fputs("\n\n", out);
			break;
		}
	}
	return ferror(out) ? -1 : 0;
}
