/* ovcload: the latency-sensitive load of the overcommit study. Allocates
 * `size` bytes and for `seconds` writes random pages of its first `hot`
 * bytes, one 8-byte store per operation, timing each. Pages are first
 * touched at an even pace over `fill_s` seconds (0: all before the timed
 * part), so the working set grows the way a VM's does; operations only go
 * to pages already touched. Every `window_ms` it prints one result line (operations per
 * second and the window's p50/p99 latency), so a reclaim that happens
 * mid-run shows up in time; at the end the whole run's figures.
 * Latencies go into a log-scale histogram (HIST_SUB buckets per power of
 * two: quantiles are good to about 100/HIST_SUB %). */
#include "wl.h"

#define PAGE        4096
#define HIST_SUB    8
#define HIST_BITS   40
#define HIST_N      (HIST_BITS * HIST_SUB)
#define MAX_WINDOWS 100000

static uint64_t hist_win[HIST_N], hist_all[HIST_N];

static unsigned hist_bucket(uint64_t c)
{
	unsigned b = 0, sub;

	if (c < 2)
		return 0;
	while ((c >> b) > 1 && b < HIST_BITS - 1)
		b++;
	/* the HIST_SUB-th of the way between 2^b and 2^(b+1) */
	sub = b >= 3 ? (unsigned)((c >> (b - 3)) & (HIST_SUB - 1)) :
		       (unsigned)((c << (3 - b)) & (HIST_SUB - 1));
	return b * HIST_SUB + sub;
}

static double hist_value(unsigned i)
{
	double lo = (double)(1ull << (i / HIST_SUB));

	return lo + lo * ((double)(i % HIST_SUB) + 0.5) / HIST_SUB;
}

static double hist_quantile(const uint64_t *h, uint64_t n, double q)
{
	uint64_t want = (uint64_t)(q * (double)n), seen = 0;

	for (unsigned i = 0; i < HIST_N; i++) {
		seen += h[i];
		if (seen > want)
			return wl_cycles_to_ns(hist_value(i));
	}
	return wl_cycles_to_ns(hist_value(HIST_N - 1));
}

static void emit(const char *scope, double t_s, uint64_t ops, double secs,
		 const uint64_t *h, uint64_t size, uint64_t hot)
{
	char params[96], extra[224];

	wl_snprintf(params, sizeof(params), "{\"size\":%lu,\"hot\":%lu,\"scope\":\"%s\"}",
		    (unsigned long)size, (unsigned long)hot, scope);
	wl_snprintf(extra, sizeof(extra), "{\"t_s\":%g,\"ops\":%lu,\"p50_ns\":%g,"
		    "\"p99_ns\":%g,\"p999_ns\":%g,\"env\":\"%s\"}", t_s,
		    (unsigned long)ops, hist_quantile(h, ops, 0.5),
		    hist_quantile(h, ops, 0.99), hist_quantile(h, ops, 0.999), wl_env());
	wl_emit("ovcload", "ops_per_sec", secs > 0 ? (double)ops / secs : 0, "ops/s", 1,
		params, extra);
}

/* touch pages [from, to): compressible content, not identical pages */
static uint64_t fill_pages(volatile uint64_t *p, uint64_t from, uint64_t to)
{
	for (uint64_t i = from; i < to; i++)
		for (uint64_t w = 0; w < PAGE / sizeof(uint64_t); w += 64)
			p[i * (PAGE / sizeof(uint64_t)) + w] = i * 0x100 + w;
	return to;
}

int wl_main(int argc, char **argv)
{
	uint64_t size = wl_arg_u64(argc, argv, "size", 128 << 20);
	uint64_t hot = wl_arg_u64(argc, argv, "hot", size);
	uint64_t seconds = wl_arg_u64(argc, argv, "seconds", 10);
	uint64_t window_ms = wl_arg_u64(argc, argv, "window_ms", 250);
	uint64_t fill_s = wl_arg_u64(argc, argv, "fill_s", 0), filled = 0;
	uint64_t seed = 0x9e3779b97f4a7c15ULL, pages, hot_pages, ops = 0, all = 0;
	uint64_t t_start, t_win, win_cycles, end_cycles;
	volatile uint64_t *p = wl_alloc(size, PAGE);

	pages = size / PAGE;
	hot_pages = (hot < size ? hot : size) / PAGE;
	if (!p || !hot_pages || !window_ms || !seconds) {
		wl_printf("ovcload: cannot allocate %lu bytes (or hot/seconds/window_ms is 0)\n",
			  (unsigned long)size);
		return 1;
	}
	win_cycles = wl_tsc_khz() * window_ms;
	end_cycles = wl_tsc_khz() * 1000 * seconds;
	if (!fill_s)
		filled = fill_pages(p, 0, pages);
	t_start = t_win = wl_rdtsc();
	for (uint64_t now = t_start; now - t_start < end_cycles;) {
		uint64_t due = fill_s ? (uint64_t)((double)pages * wl_seconds(now - t_start) /
						   (double)fill_s) : pages;
		uint64_t reach, pg, t0, t1;

		if (due > pages)
			due = pages;
		if (filled < due)
			filled = fill_pages(p, filled, due);
		reach = filled < hot_pages ? filled : hot_pages;
		if (!reach) {
			now = wl_rdtsc();
			continue;
		}
		pg = wl_rand(&seed) % reach;
		t0 = wl_rdtsc();

		p[pg * (PAGE / sizeof(uint64_t)) + (t0 & 7) * 8] = t0;
		t1 = wl_rdtsc();
		hist_win[hist_bucket(t1 - t0)]++;
		hist_all[hist_bucket(t1 - t0)]++;
		ops++;
		all++;
		now = t1;
		if (now - t_win >= win_cycles) {
			emit("window", wl_seconds(now - t_start), ops, wl_seconds(now - t_win),
			     hist_win, size, hot);
			wl_memset(hist_win, 0, sizeof(hist_win));
			ops = 0;
			t_win = now;
		}
	}
	emit("run", wl_seconds(wl_rdtsc() - t_start), all, wl_seconds(wl_rdtsc() - t_start),
	     hist_all, size, hot);
	return 0;
}
