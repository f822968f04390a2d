/* Plots by gnuplot: each call appends to one script (PNG via pngcairo,
 * then SVG of the same plot), report_plots_run runs gnuplot once as a
 * child process and moves the finished files into place atomically. Data
 * travel inline as datablocks, so no temp data files are left behind. */
#ifndef REPORTS_PLOT_H
#define REPORTS_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "reports/attribution.h"

struct report_plots {
	char *dir;          /* output directory (plots go into dir/plots) */
	char *script;       /* the gnuplot script being built */
	size_t len;
	FILE *f;
	char **names;       /* "plots/NAME" without extension */
	size_t n;
};

/* Returns 0, or -1 with a reason in err (cannot create dir/plots). */
int report_plots_begin(struct report_plots *p, const char *dir, char *err,
		       size_t errlen);
/* Grouped bars with error bars: ncat categories by nser series;
 * val/lo/hi are ncat * nser (row = category), NAN = missing. refline
 * draws a dashed line at that y (NAN for none). */
void report_plots_bars(struct report_plots *p, const char *name,
		       const char *title, const char *ylabel, size_t ncat,
		       const char *const *cats, size_t nser,
		       const char *const *sers, const double *val,
		       const double *lo, const double *hi, double refline);
void report_plots_waterfall(struct report_plots *p, const char *name,
			    const char *title, const struct attribution_step *st,
			    size_t n);
/* Lines with error bars: series s has pts[s] points starting at offset
 * off[s] in x/y/lo/hi. x_bytes formats the x axis as sizes (log2). */
void report_plots_lines(struct report_plots *p, const char *name,
			const char *title, const char *xlabel,
			const char *ylabel, int x_bytes, size_t nser,
			const char *const *sers, const size_t *off,
			const size_t *pts, const double *x, const double *y,
			const double *lo, const double *hi);
/* A run series (x = run 1..n, labels under the axis) with change points
 * (index of the first run of each new segment) marked. */
void report_plots_series(struct report_plots *p, const char *name,
			 const char *title, const char *ylabel, size_t n,
			 const char *const *xlabels, const double *y,
			 const double *lo, const double *hi, const size_t *cp,
			 size_t ncp);
/* Run gnuplot; on success every plot exists as dir/plots/NAME.png and
 * .svg. Returns 0, or -1 with the reason in err. Frees the script. */
int report_plots_run(struct report_plots *p, char *err, size_t errlen);
void report_plots_free(struct report_plots *p);

#endif
