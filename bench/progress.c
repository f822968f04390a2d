/* Terminal and log progress of hvperf run. */
#include "bench/progress.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double progress__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, bool json)
{
	const char *ci = getenv("CI");

	p->tty = isatty(2) && !(ci && *ci && *ci != '0');
	p->json = json;
	p->start = progress__now();
	p->runs = 0;
}

void progress_run(struct progress *p, const char *config, const char *workload,
		  int repetition, bool warmup, size_t remaining)
{
	double el = progress__now() - p->start;
	double eta = p->runs ? el / p->runs * remaining : -1;

	if (p->json) {
		json_t *e = json_pack("{s:s, s:s, s:s, s:i, s:b, s:i, s:i, s:f}",
				      "event", "run", "config", config,
				      "workload", workload, "repetition", repetition,
				      "warmup", warmup, "done", (int)p->runs,
				      "remaining", (int)remaining, "eta_s", eta);
		char *s = json_dumps(e, JSON_COMPACT);

		printf("%s\n", s);
		fflush(stdout);
		free(s);
		json_decref(e);
	}
	if (!p->tty)
		return;
	fprintf(stderr, "\r\033[K[%zu/%zu] %s %s %s%d  ETA ", p->runs + 1,
		p->runs + remaining, config, workload, warmup ? "warm-up " : "rep ",
		repetition);
	if (eta < 0)
		fprintf(stderr, "?");
	else
		fprintf(stderr, "%dm%02ds", (int)eta / 60, (int)eta % 60);
	fflush(stderr);
}

void progress_ran(struct progress *p)
{
	p->runs++;
}

void progress_cell(struct progress *p, const char *config, const char *workload,
		   const char *summary)
{
	if (p->tty)
		fprintf(stderr, "\r\033[K");
	fprintf(stderr, "%-24s %-14s %s\n", config, workload, summary);
	if (p->json) {
		json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "event", "cell",
				      "config", config, "workload", workload,
				      "summary", summary);
		char *s = json_dumps(e, JSON_COMPACT);

		printf("%s\n", s);
		fflush(stdout);
		free(s);
		json_decref(e);
	}
}

void progress_end(struct progress *p, const char *dir)
{
	double el = progress__now() - p->start;

	if (p->tty)
		fprintf(stderr, "\r\033[K");
	fprintf(stderr, "hvperf run: %zu runs in %.1f s; results in %s/results.json\n",
		p->runs, el, dir);
}
