/* vblk: 4 KiB random I/O and a data-pattern check through wl_blk, i.e.
 * through virtio-blk from a micro-guest and through O_DIRECT natively
 * (workloads/include/wl_blk.h), with identical request streams.
 *
 *   mode=bench   ops=randread,randwrite qds=1,32 ios=N span=BYTES seed=S
 *                one `iops` and one `latency_us` line per {op, qd}
 *   mode=pattern verify=SECTOR:COUNT (host-written, seed vseed)
 *                write=SECTOR:COUNT (ours, seed wseed, then FLUSH and read back)
 *                one `pattern_errors` line per check; exit 1 on any error
 * Pattern: 64-bit word j of sector s = (s << 32 | j << 16 | seed) ^ VBLK_MIX
 * (little-endian; seeds in decimal), so the host can write and check it (tests/lib/blkpattern.py). */
#include "wl.h"
#include "wl_blk.h"

#define VBLK_IO        4096
#define VBLK_MIX       0x9e3779b97f4a7c15ULL
#define VBLK_CHUNK     (64 * 1024)

static uint64_t vblk_word(uint64_t s, uint64_t j, uint64_t seed)
{
	return (s << 32 | j << 16 | (seed & 0xffff)) ^ VBLK_MIX;
}

static int vblk_wait(struct wl_blk *b)
{
	uint64_t tag;
	int st;

	wl_blk_submit(b);
	while (!wl_blk_reap(b, &tag, &st))
		;
	return st;
}

/* One synchronous request of up to VBLK_CHUNK bytes. */
static int vblk_io(struct wl_blk *b, enum wl_blk_op op, uint64_t sector, void *buf,
		   uint32_t len)
{
	if (wl_blk_queue(b, op, sector, buf, len, 0))
		return -1;
	return vblk_wait(b);
}

/* Check (or fill, when fill != 0) COUNT sectors from START; returns the
 * number of bad sectors (I/O errors count every sector of the request). */
static uint64_t vblk_range(struct wl_blk *b, uint64_t start, uint64_t count,
			   uint64_t seed, int fill, uint64_t *buf)
{
	uint64_t bad = 0;

	for (uint64_t s = start; s < start + count;) {
		uint64_t n = start + count - s, w = VBLK_CHUNK / WL_BLK_SECTOR;

		n = n < w ? n : w;
		if (fill) {
			for (uint64_t k = 0; k < n * 64; k++)
				buf[k] = vblk_word(s + k / 64, k % 64, seed);
			if (vblk_io(b, WL_BLK_WRITE, s, buf, (uint32_t)(n * WL_BLK_SECTOR)))
				bad += n;
		} else if (vblk_io(b, WL_BLK_READ, s, buf, (uint32_t)(n * WL_BLK_SECTOR))) {
			bad += n;
		} else {
			for (uint64_t i = 0; i < n; i++)
				for (uint64_t j = 0; j < 64; j++)
					if (buf[i * 64 + j] != vblk_word(s + i, j, seed)) {
						bad++;
						break;
					}
		}
		s += n;
	}
	return bad;
}

static int vblk_parse_range(const char *v, uint64_t *start, uint64_t *count)
{
	*start = *count = 0;
	if (!v || !*v)
		return 0;
	while (*v >= '0' && *v <= '9')
		*start = *start * 10 + (uint64_t)(*v++ - '0');
	if (*v++ != ':')
		return -1;
	while (*v >= '0' && *v <= '9')
		*count = *count * 10 + (uint64_t)(*v++ - '0');
	return *v ? -1 : 0;
}

static int vblk_pattern(struct wl_blk *b, int argc, char **argv)
{
	uint64_t vs, vc, ws, wc, bad, total = 0;
	uint64_t *buf = wl_alloc(VBLK_CHUNK, 4096);
	char id[64] = "", p[96], extra[160];

	if (!buf || vblk_parse_range(wl_arg_str(argc, argv, "verify", ""), &vs, &vc) ||
	    vblk_parse_range(wl_arg_str(argc, argv, "write", ""), &ws, &wc) ||
	    vs + vc > wl_blk_sectors(b) || ws + wc > wl_blk_sectors(b)) {
		wl_printf("vblk: bad verify=/write= range (SECTOR:COUNT inside %llu sectors)\n",
			  (unsigned long long)wl_blk_sectors(b));
		return 2;
	}
	if (wl_blk_id(b, id, sizeof(id)))
		wl_snprintf(id, sizeof(id), "(GET_ID failed)");
	if (vc) {
		bad = vblk_range(b, vs, vc, wl_arg_u64(argc, argv, "vseed", 0x4854), 0, buf);
		total += bad;
		wl_snprintf(p, sizeof(p), "{\"check\":\"host_written\",\"sectors\":%llu}",
			    (unsigned long long)vc);
		wl_snprintf(extra, sizeof(extra), "{\"first_sector\":%llu,\"id\":\"%s\"}",
			    (unsigned long long)vs, id);
		wl_emit("vblk", "pattern_errors", (double)bad, "sectors", 0, p, extra);
	}
	if (wc) {
		uint64_t seed = wl_arg_u64(argc, argv, "wseed", 0x4755);

		bad = vblk_range(b, ws, wc, seed, 1, buf);
		if (wl_blk_queue(b, WL_BLK_FLUSH, 0, 0, 0, 0) || vblk_wait(b))
			bad++;
		bad += vblk_range(b, ws, wc, seed, 0, buf);
		total += bad;
		wl_snprintf(p, sizeof(p), "{\"check\":\"guest_written\",\"sectors\":%llu}",
			    (unsigned long long)wc);
		wl_snprintf(extra, sizeof(extra), "{\"first_sector\":%llu,\"id\":\"%s\"}",
			    (unsigned long long)ws, id);
		wl_emit("vblk", "pattern_errors", (double)bad, "sectors", 0, p, extra);
	}
	return total ? 1 : 0;
}


/* Per-request state for the depth loop: the TSC at submission. */
struct vblk_point {
	const char *op;
	unsigned qd;
	uint64_t ios, done, slots;
	double *lat;
	uint64_t *t0;
};

static void vblk_issue(struct wl_blk *b, struct vblk_point *pt, enum wl_blk_op op,
		       uint8_t *bufs, uint64_t tag, uint64_t *rng, uint64_t blocks)
{
	uint64_t sector = wl_rand(rng) % blocks * (VBLK_IO / WL_BLK_SECTOR);

	pt->t0[tag] = wl_rdtsc();
	if (wl_blk_queue(b, op, sector, bufs + tag * VBLK_IO, VBLK_IO, tag)) {
		wl_printf("vblk: queue full at depth %u\n", pt->qd);
		wl_exit(3);
	}
}

/* Keep qd requests in flight until ios have completed; latency per
 * request from submission to the poll that saw it complete. */
static int vblk_run(struct wl_blk *b, struct vblk_point *pt, enum wl_blk_op op,
		    uint8_t *bufs, uint64_t *rng, uint64_t blocks, uint64_t *cycles)
{
	uint64_t issued = 0, t_start, tag;
	int st, errors = 0;

	pt->done = 0;
	t_start = wl_rdtsc();
	for (; issued < pt->qd && issued < pt->ios; issued++)
		vblk_issue(b, pt, op, bufs, issued, rng, blocks);
	wl_blk_submit(b);
	while (pt->done < pt->ios) {
		int got = 0;

		while (wl_blk_reap(b, &tag, &st)) {
			uint64_t now = wl_rdtsc();

			pt->lat[pt->done++] = wl_cycles_to_ns((double)(now - pt->t0[tag])) / 1000.0;
			errors += st != 0;
			got++;
			if (issued < pt->ios) {
				vblk_issue(b, pt, op, bufs, tag, rng, blocks);
				issued++;
			}
		}
		if (got)
			wl_blk_submit(b);
	}
	*cycles = wl_rdtsc() - t_start;
	return errors;
}

static void vblk_report(struct wl_blk *b, struct vblk_point *pt, uint64_t cycles,
			int errors, uint64_t kicks)
{
	char p[96], extra[400];
	double *l = pt->lat, iops = (double)pt->ios / wl_seconds(cycles);
	uint64_t n = pt->ios;

	wl_sort(l, n);
	wl_snprintf(p, sizeof(p), "{\"op\":\"%s\",\"qd\":%u}", pt->op, pt->qd);
	wl_snprintf(extra, sizeof(extra),
		    "{\"ios\":%llu,\"errors\":%d,\"path\":\"%s\",\"env\":\"%s\",\"kicks\":%llu,"
		    "\"lat_p50_us\":%g,\"lat_p99_us\":%g}",
		    (unsigned long long)n, errors, wl_blk_path(b, pt->qd), wl_env(),
		    (unsigned long long)kicks, wl_quantile(l, n, 0.5), wl_quantile(l, n, 0.99));
	wl_emit("vblk", "iops", iops, "iops", 1, p, extra);
	wl_snprintf(extra, sizeof(extra),
		    "{\"p10\":%g,\"p90\":%g,\"p99\":%g,\"p999\":%g,\"max\":%g,"
		    "\"path\":\"%s\"}", wl_quantile(l, n, 0.1), wl_quantile(l, n, 0.9),
		    wl_quantile(l, n, 0.99), wl_quantile(l, n, 0.999), l[n - 1],
		    wl_blk_path(b, pt->qd));
	wl_emit("vblk", "latency_us", wl_quantile(l, n, 0.5), "us", 0, p, extra);
}

static int vblk_bench(struct wl_blk *b, int argc, char **argv)
{
	const char *ops = wl_arg_str(argc, argv, "ops", "randread,randwrite");
	const char *qds = wl_arg_str(argc, argv, "qds", "1,32");
	uint64_t ios = wl_arg_u64(argc, argv, "ios", 20000);
	uint64_t span = wl_arg_u64(argc, argv, "span", wl_blk_sectors(b) * WL_BLK_SECTOR);
	uint64_t rng = wl_arg_u64(argc, argv, "seed", 12345) | 1, blocks, cycles, k0, k1, s;
	uint8_t *bufs = wl_alloc((uint64_t)WL_BLK_MAX_QD * VBLK_IO, 4096);
	struct vblk_point pt = { 0 };
	int rc = 0, e;

	if (span > wl_blk_sectors(b) * WL_BLK_SECTOR)
		span = wl_blk_sectors(b) * WL_BLK_SECTOR;
	blocks = span / VBLK_IO;
	pt.lat = wl_alloc(ios * sizeof(double), 64);
	pt.t0 = wl_alloc(WL_BLK_MAX_QD * sizeof(uint64_t), 64);
	if (!bufs || !pt.lat || !pt.t0 || !blocks || !ios) {
		wl_printf("vblk: out of memory, or a disk smaller than 4 KiB\n");
		return 2;
	}
	for (uint64_t i = 0; i < (uint64_t)WL_BLK_MAX_QD * VBLK_IO; i++)
		bufs[i] = (uint8_t)(i * 131 + 7);
	pt.ios = ios;
	for (const char *o = ops; *o;) {
		int wr = !wl_strncmp(o, "randwrite", 9);

		if (!wr && wl_strncmp(o, "randread", 8)) {
			wl_printf("vblk: ops= takes randread,randwrite\n");
			return 2;
		}
		pt.op = wr ? "randwrite" : "randread";
		for (const char *q = qds; *q;) {
			for (pt.qd = 0; *q >= '0' && *q <= '9'; q++)
				pt.qd = pt.qd * 10 + (unsigned)(*q - '0');
			if (*q == ',')
				q++;
			if (!pt.qd || pt.qd > WL_BLK_MAX_QD) {
				wl_printf("vblk: qds= takes depths 1..%d\n", WL_BLK_MAX_QD);
				return 2;
			}
			wl_blk_depth(b, pt.qd);
			wl_blk_counters(b, &k0, &s);
			e = vblk_run(b, &pt, wr ? WL_BLK_WRITE : WL_BLK_READ, bufs, &rng,
				     blocks, &cycles);
			wl_blk_counters(b, &k1, &s);
			vblk_report(b, &pt, cycles, e, k1 - k0);
			rc |= e;
		}
		o += wr ? 9 : 8;
		if (*o == ',')
			o++;
	}
	return rc ? 1 : 0;
}

int wl_main(int argc, char **argv)
{
	const char *mode = wl_arg_str(argc, argv, "mode", "bench");
	unsigned qd = (unsigned)wl_arg_u64(argc, argv, "maxqd", 32);
	char err[160];
	struct wl_blk *b = wl_blk_open(argc, argv, qd, err, sizeof(err));

	if (!b) {
		/* no disk is a result (unavailable, with the reason), not a crash:
		 * the harness runs every workload in every environment */
		wl_printf("vblk: %s\n", err);
		wl_emit_unavailable("vblk", "iops", "iops", 0, err);
		return 0;
	}
	if (!wl_strcmp(mode, "pattern"))
		return vblk_pattern(b, argc, argv);
	if (!wl_strcmp(mode, "bench"))
		return vblk_bench(b, argc, argv);
	wl_printf("vblk: mode=bench|pattern\n");
	return 2;
}
