#include "reports/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *plot__colors[] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
	"#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};
#define PLOT_NCOLORS (sizeof(plot__colors) / sizeof(plot__colors[0]))

/* A single-quoted gnuplot string ('' stands for one quote). */
static void plot__q(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		if (*s != '\n')
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* A double-quoted data label (no quotes or backslashes inside), cut at
 * PLOT_LABEL_MAX bytes so that tick labels stay inside the picture. */
#define PLOT_LABEL_MAX 34
static void plot__label(FILE *f, const char *s)
{
	size_t n = 0;

	fputc('"', f);
	for (; *s && n < PLOT_LABEL_MAX; s++)
		if (*s != '"' && *s != '\\' && *s != '\n') {
			fputc(*s, f);
			n++;
		}
	if (*s)
		fputs("...", f);
	fputc('"', f);
}

static void plot__num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.10g", v);
	else
		fputs(" ?", f);
}

int report_plots_begin(struct report_plots *p, const char *dir, char *err,
		       size_t errlen)
{
	char path[4096];

	memset(p, 0, sizeof(*p));
	snprintf(path, sizeof(path), "%s/plots", dir);
	if (mkdir(path, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	p->dir = strdup(dir);
	p->f = open_memstream(&p->script, &p->len);
	if (!p->dir || !p->f) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	fputs("set datafile missing '?'\n", p->f);
	return 0;
}

/* 'DIR/NAME.EXT.tmp' as a gnuplot string. */
static void plot__path(struct report_plots *p, const char *name, const char *ext)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s.%s.tmp", p->dir, name, ext);
	plot__q(p->f, path);
}

/* Open a plot: PNG terminal and output, remember the name. */
static void plot__open(struct report_plots *p, const char *name,
		       const char *title, int w, int h)
{
	char **nn = realloc(p->names, (p->n + 1) * sizeof(*nn));

	if (!nn || asprintf(&nn[p->n], "plots/%s", name) < 0) {
		fprintf(stderr, "hvperf: out of memory\n");
		exit(2);
	}
	p->names = nn;
	fprintf(p->f, "reset\nset datafile missing '?'\n"
		"set terminal pngcairo size %d,%d noenhanced font 'sans,10'\n"
		"set output ", w, h);
	plot__path(p, p->names[p->n], "png");
	fputs("\nset title ", p->f);
	plot__q(p->f, title);
	fputs("\nset grid ytics lc rgb '#dddddd'\nset key outside right top\n", p->f);
	p->n++;
}

/* Close a plot: the same plot again as SVG. */
static void plot__close(struct report_plots *p, int w, int h)
{
	fprintf(p->f, "set terminal svg size %d,%d noenhanced font 'sans,10'\n"
		"set output ", w, h);
	plot__path(p, p->names[p->n - 1], "svg");
	fputs("\nreplot\nunset output\n", p->f);
}

void report_plots_bars(struct report_plots *p, const char *name,
		       const char *title, const char *ylabel, size_t ncat,
		       const char *const *cats, size_t nser,
		       const char *const *sers, const double *val,
		       const double *lo, const double *hi, double refline)
{
	int w = 360 + (int)(ncat * nser) * 28;

	w = w < 760 ? 760 : w > 1800 ? 1800 : w;
	plot__open(p, name, title, w, 480);
	fputs("$bars << EOD\n", p->f);
	for (size_t c = 0; c < ncat; c++) {
		plot__label(p->f, cats[c]);
		for (size_t s = 0; s < nser; s++) {
			double v = val[c * nser + s];

			plot__num(p->f, v);
			plot__num(p->f, isfinite(lo[c * nser + s]) ? lo[c * nser + s] : v);
			plot__num(p->f, isfinite(hi[c * nser + s]) ? hi[c * nser + s] : v);
		}
		fputc('\n', p->f);
	}
	fputs("EOD\nset style data histogram\n"
	      "set style histogram errorbars gap 1 lw 1\n"
	      "set style fill solid 0.8 border -1\nset yrange [0:*]\n"
	      "set xtics rotate by -25 nomirror\nset bmargin 7\nset ylabel ", p->f);
	plot__q(p->f, ylabel);
	fputc('\n', p->f);
	if (isfinite(refline))
		fprintf(p->f, "set arrow 1 from graph 0, first %g to graph 1, first %g "
			"nohead dt 2 lc rgb 'black'\n", refline, refline);
	fputs("plot ", p->f);
	for (size_t s = 0; s < nser; s++) {
		fprintf(p->f, "%s$bars using %zu:%zu:%zu%s lc rgb '%s' title ",
			s ? ", " : "", 2 + 3 * s, 3 + 3 * s, 4 + 3 * s,
			s ? "" : ":xtic(1)", plot__colors[s % PLOT_NCOLORS]);
		plot__q(p->f, sers[s]);
	}
	fputc('\n', p->f);
	plot__close(p, w, 480);
}

void report_plots_waterfall(struct report_plots *p, const char *name,
			    const char *title, const struct attribution_step *st,
			    size_t n)
{
	double top = 1;

	plot__open(p, name, title, 860, 460);
	fputs("$wf << EOD\n", p->f);
	for (size_t i = 0; i < n; i++) {
		/* blue: the native reference, red: a loss, green: a gain */
		unsigned col = i == 0 ? 0x4e79a7 : st[i].to < st[i].from ? 0xe15759 : 0x59a14f;

		fprintf(p->f, "%zu", i);
		plot__num(p->f, st[i].from);
		plot__num(p->f, st[i].to);
		fprintf(p->f, " %u ", col);
		plot__label(p->f, st[i].label);
		fputc('\n', p->f);
		if (isfinite(st[i].to) && st[i].to > top)
			top = st[i].to;
	}
	fprintf(p->f, "EOD\nset style fill solid 0.8 border -1\n"
		"set xrange [-0.6:%zu.6]\nset yrange [0:%g]\n"
		"set xtics rotate by 30 right nomirror\nset bmargin 8\nset tmargin 3\nset lmargin 12\nset rmargin 6\nunset key\n"
		"set ylabel 'performance relative to native (1.0 = native)'\n"
		"plot $wf using 1:(($2+$3)/2):(0.35):(abs($3-$2)/2):4:xtic(5) "
		"with boxxyerror lc rgb variable, "
		"'' using 1:3:(sprintf('%%.2f', $3)) with labels offset 0,0.8\n",
		n - 1, top * 1.12);
	plot__close(p, 860, 480);
}

void report_plots_lines(struct report_plots *p, const char *name,
			const char *title, const char *xlabel,
			const char *ylabel, int x_bytes, size_t nser,
			const char *const *sers, const size_t *off,
			const size_t *pts, const double *x, const double *y,
			const double *lo, const double *hi)
{
	plot__open(p, name, title, 860, 480);
	fputs("$lines << EOD\n", p->f);
	for (size_t s = 0; s < nser; s++) {
		for (size_t i = off[s]; i < off[s] + pts[s]; i++) {
			plot__num(p->f, x[i]);
			plot__num(p->f, y[i]);
			plot__num(p->f, isfinite(lo[i]) ? lo[i] : y[i]);
			plot__num(p->f, isfinite(hi[i]) ? hi[i] : y[i]);
			fputc('\n', p->f);
		}
		fputs("\n\n", p->f);   /* two blank lines: next index */
	}
	fputs("EOD\nset xlabel ", p->f);
	plot__q(p->f, xlabel);
	fputs("\nset ylabel ", p->f);
	plot__q(p->f, ylabel);
	fputc('\n', p->f);
	if (x_bytes)
		fputs("set logscale x 2\nset format x '%.0b%B'\n", p->f);
	else
		fputs("set logscale x 2\n", p->f);
	fputs("plot ", p->f);
	for (size_t s = 0; s < nser; s++) {
		fprintf(p->f, "%s$lines index %zu using 1:2:3:4 with yerrorlines "
			"lw 2 pt 7 lc rgb '%s' title ", s ? ", " : "", s,
			plot__colors[s % PLOT_NCOLORS]);
		plot__q(p->f, sers[s]);
	}
	fputc('\n', p->f);
	plot__close(p, 860, 480);
}

void report_plots_series(struct report_plots *p, const char *name,
			 const char *title, const char *ylabel, size_t n,
			 const char *const *xlabels, const double *y,
			 const double *lo, const double *hi, const size_t *cp,
			 size_t ncp)
{
	plot__open(p, name, title, 860, 420);
	fputs("$s << EOD\n", p->f);
	for (size_t i = 0; i < n; i++) {
		fprintf(p->f, "%zu", i + 1);
		plot__num(p->f, y[i]);
		plot__num(p->f, isfinite(lo[i]) ? lo[i] : y[i]);
		plot__num(p->f, isfinite(hi[i]) ? hi[i] : y[i]);
		fputc(' ', p->f);
		plot__label(p->f, xlabels[i]);
		fputc('\n', p->f);
	}
	fputs("EOD\n", p->f);
	/* a change point at index k lies between runs k and k + 1 (1-based) */
	for (size_t i = 0; i < ncp; i++)
		fprintf(p->f, "set arrow %zu from %g, graph 0 to %g, graph 1 nohead "
			"lw 2 dt 2 lc rgb '#e15759'\n", i + 1, cp[i] + 0.5, cp[i] + 0.5);
	fprintf(p->f, "set xrange [0.5:%zu.5]\nset xtics rotate by -30 nomirror\n"
		"set bmargin 6\nunset key\nset ylabel ", n);
	plot__q(p->f, ylabel);
	fputs("\nplot $s using 1:2:3:4:xtic(5) with yerrorlines lw 2 pt 7 "
	      "lc rgb '#4e79a7'\n", p->f);
	plot__close(p, 860, 420);
}

static int plot__spawn(const char *script, const char *log, int *status)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = {"gnuplot", (char *)script, NULL};
	pid_t pid;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_TRUNC, 0);
	posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_APPEND, 0);
	rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc)
		return rc;
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return errno;
	return 0;
}

int report_plots_run(struct report_plots *p, char *err, size_t errlen)
{
	char script[4096], log[4096], line[256] = "", buf[256];
	int fd, status = 0, rc = -1, e;
	FILE *lf;

	fclose(p->f);
	p->f = NULL;
	snprintf(script, sizeof(script), "%s/plots/.plot.gp.XXXXXX", p->dir);
	snprintf(log, sizeof(log), "%s/plots/.plot.log", p->dir);
	fd = mkstemp(script);
	if (fd < 0 || write(fd, p->script, p->len) != (ssize_t)p->len) {
		snprintf(err, errlen, "%s: %s", script, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	close(open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644));
	e = plot__spawn(script, log, &status);
	if (e) {
		snprintf(err, errlen, "cannot run gnuplot: %s%s", strerror(e),
			 e == ENOENT ? " (install gnuplot-nox)" : "");
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		lf = fopen(log, "r");
		/* the last non-empty line is gnuplot's error */
		while (lf && fgets(buf, sizeof(buf), lf))
			if (buf[0] != '\n')
				memcpy(line, buf, sizeof(line));
		if (lf)
			fclose(lf);
		line[strcspn(line, "\n")] = 0;
		snprintf(err, errlen, "gnuplot failed (script kept at %s): %s", script, line);
		return -1;
	}
	for (size_t i = 0; i < p->n; i++)
		for (int k = 0; k < 2; k++) {
			char tmp[4200], fin[4096];
			const char *ext = k ? "svg" : "png";

			snprintf(fin, sizeof(fin), "%s/%s.%s", p->dir, p->names[i], ext);
			snprintf(tmp, sizeof(tmp), "%s.tmp", fin);
			if (rename(tmp, fin)) {
				snprintf(err, errlen, "gnuplot wrote no %s: %s", fin,
					 strerror(errno));
				goto out;
			}
		}
	rc = 0;
out:
	unlink(script);
	unlink(log);
	return rc;
}

void report_plots_free(struct report_plots *p)
{
	if (p->f)
		fclose(p->f);
	free(p->script);
	for (size_t i = 0; i < p->n; i++)
		free(p->names[i]);
	free(p->names);
	free(p->dir);
	memset(p, 0, sizeof(*p));
}
