/* hvperf report RESULTS [--format html|md|txt] [--out DIR] */
#include "reports/report.h"
#include "bench/command.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct report_fill {
	const struct rdoc *d;
	enum report_format f;
	const char *dir;
};

static int report__fill(FILE *f, const void *arg)
{
	const struct report_fill *a = arg;

	return rdoc_render(a->d, a->f, f, a->dir);
}

/* Default output directory: the one holding the results file. */
static char *report__dir_of(const char *path)
{
	char *d = strdup(path), *slash;

	if (!d)
		return NULL;
	slash = strrchr(d, '/');
	if (!slash) {
		free(d);
		return strdup(".");
	}
	if (slash == d)
		slash[1] = 0;
	else
		*slash = 0;
	return d;
}

static int report_usage(const char *why)
{
	fprintf(stderr, "hvperf report: %s\nusage: hvperf report RESULTS "
		"[--format html|md|txt] [--out DIR]\n", why);
	return 2;
}

static int cmd_report(int argc, char **argv)
{
	enum report_format fmt = REPORT_HTML;
	const char *in = NULL, *out = NULL;
	struct report_results r;
	struct report_plots plots, *pp = NULL;
	struct rdoc d;
	char err[512], *dir, path[4096], title[256];
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			if (report_format_parse(argv[++i], &fmt))
				return report_usage("--format must be html, md or txt");
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (argv[i][0] == '-' || in) {
			return report_usage("unexpected argument");
		} else {
			in = argv[i];
		}
	}
	if (!in)
		return report_usage("missing RESULTS");
	if (report_results_load(in, &r, err, sizeof(err))) {
		fprintf(stderr, "hvperf report: %s\n", err);
		return 2;
	}
	if (!r.ns) {
		fprintf(stderr, "hvperf report: %s: no samples to report\n", r.path);
		report_results_free(&r);
		return 2;
	}
	dir = out ? strdup(out) : report__dir_of(r.path);
	if (!dir || (mkdir(dir, 0755) && errno != EEXIST)) {
		fprintf(stderr, "hvperf report: %s: %s\n", dir ? dir : out, strerror(errno));
		free(dir);
		report_results_free(&r);
		return 2;
	}
	/* plain text has nowhere to show a picture */
	if (fmt != REPORT_TXT) {
		if (report_plots_begin(&plots, dir, err, sizeof(err))) {
			fprintf(stderr, "hvperf report: %s\n", err);
			rc = 2;
			goto out;
		}
		pp = &plots;
	}
	snprintf(title, sizeof(title), "hvperf report: run %s", r.id);
	rdoc_init(&d, title);
	report_host_section(&d, &r);
	for (int l = 0; l < 4; l++)
		report_layer_section(&d, &r, report_layer_order[l], pp);
	for (size_t i = 0; i < r.ns; i++) {
		int known = 0;

		for (int l = 0; l < 4; l++)
			known |= !strcmp(r.s[i].layer, report_layer_order[l]);
		for (size_t j = 0; j < i && !known; j++)
			known = !strcmp(r.s[j].layer, r.s[i].layer);
		if (!known)
			report_layer_section(&d, &r, r.s[i].layer, pp);
	}
	if (pp && report_plots_run(pp, err, sizeof(err))) {
		/* the report is still worth having; say why its plots are missing */
		fprintf(stderr, "hvperf report: plots unavailable: %s\n", err);
		rdoc_para(&d, "Plots unavailable: %s", err);
		rc = 1;
	}
	snprintf(path, sizeof(path), "%s/report.%s", dir, report_format_ext(fmt));
	if (report_write_atomic(path, report__fill,
				&(struct report_fill){&d, fmt, dir})) {
		fprintf(stderr, "hvperf report: %s: %s\n", path, strerror(errno));
		rc = 2;
	} else {
		printf("wrote %s%s\n", path, pp && rc == 0 ? " (plots in plots/)" : "");
	}
	rdoc_free(&d);
out:
	if (pp)
		report_plots_free(pp);
	free(dir);
	report_results_free(&r);
	return rc;
}

HVPERF_COMMAND("report", cmd_report, "RESULTS [--format html|md|txt] [--out DIR]",
	       "report per layer: ratios to native with CIs, attribution, counters, plots");
