/* vnet: virtio-net (virtio 1.2 §5.1) from a micro-guest, polled.
 *   ip=A.B.C.D    our IPv4 address: ARP requests for it (RFC 826) and ICMP
 *                 echo requests to it (RFC 792) are answered (10.211.0.2)
 *   seconds=S     run at most S seconds (10); with no rx/tx phase asked
 *                 for, just answer for S seconds
 *   rx=N          rx phase: count test frames (ethertype 0x88b5, payload
 *                 'D' + seq) until N arrived or an end frame ('E' + number
 *                 sent) comes: frames/s between the first and the last
 *   tx=N size=B dst=MAC
 *                 tx phase, after the rx phase: send N test frames of B
 *                 bytes (60..1514, Ethernet header included) to dst,
 *                 then 3 end frames: frames/s from the first send to the
 *                 last buffer the device returned
 * Console: "vnet: ready mac=.. ip=..", "vnet: rx done", "vnet: tx done".
 * Results: frames_per_sec per {dir, size}, replies per {proto}. */
#include "wl.h"
#include "wl_net.h"

struct vnet_run {
	struct vnet n;
	uint8_t ip[4], dst[6];
	uint64_t rx_want, tx_want, tx_size;
	uint64_t arp, icmp, other;
	/* rx phase */
	uint64_t rx_got, rx_sent_peer, rx_bytes, rx_t0, rx_t1;
	int rx_done;
	/* tx phase */
	uint64_t tx_sent, tx_t0, tx_t1, tx_kicks0;
	int tx_done;
};

static void vnet_test_frame(struct vnet_run *r, uint8_t *f, uint32_t len, char kind, uint64_t v)
{
	for (int i = 0; i < 6; i++) {
		f[i] = r->dst[i];
		f[6 + i] = r->n.mac[i];
	}
	f[12] = ETH_P_TEST >> 8;
	f[13] = ETH_P_TEST & 0xff;
	f[14] = (uint8_t)kind;
	for (int i = 0; i < 4; i++)
		f[15 + i] = (uint8_t)(v >> (24 - 8 * i));
	for (uint32_t i = 19; i < len; i++)
		f[i] = (uint8_t)i;
}

static void vnet_count_test(struct vnet_run *r, const uint8_t *f, uint32_t len)
{
	uint64_t now = wl_rdtsc();

	if (r->rx_done || len < 19)
		return;
	if (f[14] == 'E') {
		r->rx_sent_peer = (uint64_t)f[15] << 24 | f[16] << 16 | f[17] << 8 | f[18];
		r->rx_done = 1;
		return;
	}
	if (f[14] != 'D')
		return;
	if (!r->rx_got)
		r->rx_t0 = now;
	r->rx_t1 = now;
	r->rx_got++;
	r->rx_bytes += len;
	if (r->rx_got >= r->rx_want)
		r->rx_done = 1;
}

static void vnet_handle(struct vnet_run *r, const uint8_t *f, uint32_t len)
{
	enum netp_kind kind;
	uint8_t *out;
	uint32_t n;

	if (len >= ETH_HLEN && f[12] == (ETH_P_TEST >> 8) && f[13] == (ETH_P_TEST & 0xff)) {
		vnet_count_test(r, f, len);
		return;
	}
	out = vnet_tx_buf(&r->n);
	if (!out)
		return;   /* every tx buffer in flight: the peer will retry */
	n = netp_respond(r->n.mac, r->ip, f, len, out, &kind);
	if (n) {
		vnet_tx_send(&r->n, out, n);
		if (kind == NETP_ARP)
			r->arp++;
		else
			r->icmp++;
	} else {
		vnet_tx_free_unused(&r->n, out);
		r->other++;
	}
}

/* The tx phase: keep the transmit queue full, one kick per batch. */
static void vnet_tx_pump(struct vnet_run *r)
{
	uint8_t *f;

	if (!r->tx_t0) {
		r->tx_t0 = wl_rdtsc();
		r->tx_kicks0 = r->n.txq.kicks;
	}
	while (r->tx_sent < r->tx_want + 3 && (f = vnet_tx_buf(&r->n))) {
		bool end = r->tx_sent >= r->tx_want;

		vnet_test_frame(r, f, end ? 60 : (uint32_t)r->tx_size, end ? 'E' : 'D',
				end ? r->tx_want : r->tx_sent);
		vnet_tx_send(&r->n, f, end ? 60 : (uint32_t)r->tx_size);
		r->tx_sent++;
	}
	vq_kick(&r->n.txq);
	vnet_tx_reap(&r->n);
	if (r->tx_sent == r->tx_want + 3 && r->n.nr_tx_free == r->n.txq.num) {
		r->tx_t1 = wl_rdtsc();
		r->tx_done = 1;
		wl_printf("vnet: tx done\n");
	}
}

/* rate = intervals / time: N frames timed from the first to the last
 * arrival span N-1 intervals; a send timed from before the first frame to
 * after the last completion spans N. */
static void vnet_emit_rate(const char *dir, uint64_t size, uint64_t frames, uint64_t intervals,
			   uint64_t bytes, uint64_t cycles, const char *more)
{
	char p[64], extra[256];
	double s = wl_seconds(cycles);

	wl_snprintf(p, sizeof(p), "{\"dir\":\"%s\",\"size\":%llu}", dir, (unsigned long long)size);
	wl_snprintf(extra, sizeof(extra), "{\"frames\":%llu,\"bytes\":%llu,\"seconds\":%f,"
		    "\"mbit_s\":%f%s}", (unsigned long long)frames, (unsigned long long)bytes, s,
		    s > 0 ? (double)bytes * 8 / s / 1e6 : 0.0, more);
	wl_emit("vnet", "frames_per_sec", s > 0 ? (double)intervals / s : 0.0, "frames/s", 1, p,
		extra);
}

static void vnet_report(struct vnet_run *r)
{
	char more[128];

	if (r->rx_want) {
		/* peer_sent: from the end frame (0 when all N came before it) */
		wl_snprintf(more, sizeof(more), ",\"peer_sent\":%llu,\"complete\":%s",
			    (unsigned long long)r->rx_sent_peer, r->rx_done ? "true" : "false");
		vnet_emit_rate("rx", r->rx_got ? r->rx_bytes / r->rx_got : 0, r->rx_got,
			       r->rx_got > 1 ? r->rx_got - 1 : 0, r->rx_bytes,
			       r->rx_t1 - r->rx_t0, more);
	}
	if (r->tx_want) {
		wl_snprintf(more, sizeof(more), ",\"kicks\":%llu,\"complete\":%s",
			    (unsigned long long)(r->n.txq.kicks - r->tx_kicks0),
			    r->tx_done ? "true" : "false");
		vnet_emit_rate("tx", r->tx_size, r->tx_done ? r->tx_want : 0,
			       r->tx_done ? r->tx_want : 0, r->tx_done ? r->tx_want * r->tx_size : 0,
			       r->tx_done ? r->tx_t1 - r->tx_t0 : 0, more);
	}
	wl_snprintf(more, sizeof(more), "{\"ignored\":%llu,\"rx_frames\":%llu,\"tx_frames\":%llu}",
		    (unsigned long long)r->other, (unsigned long long)r->n.rx_frames,
		    (unsigned long long)r->n.tx_frames);
	wl_emit("vnet", "replies", (double)r->arp, "frames", 1, "{\"proto\":\"arp\"}", more);
	wl_emit("vnet", "replies", (double)r->icmp, "frames", 1, "{\"proto\":\"icmp\"}", more);
}

static int vnet_args(struct vnet_run *r, int argc, char **argv)
{
	const char *dst = wl_arg_str(argc, argv, "dst", 0);

	r->rx_want = wl_arg_u64(argc, argv, "rx", 0);
	r->tx_want = wl_arg_u64(argc, argv, "tx", 0);
	r->tx_size = wl_arg_u64(argc, argv, "size", 1514);
	if (netp_parse_ip(wl_arg_str(argc, argv, "ip", "10.211.0.2"), r->ip)) {
		wl_printf("vnet: ip= must be a dotted IPv4 address\n");
		return -1;
	}
	if (r->tx_want && (!dst || netp_parse_mac(dst, r->dst) || r->tx_size < 60 ||
			   r->tx_size > VNET_FRAME_MAX || r->tx_want > 0x7fffffff)) {
		wl_printf("vnet: tx=N needs dst=XX:XX:XX:XX:XX:XX and size=60..1514\n");
		return -1;
	}
	return 0;
}

int wl_main(int argc, char **argv)
{
	struct vnet_run *r = wl_alloc(sizeof(*r), 64);
	uint64_t deadline;
	char err[128], mac[18];

	if (wl_strcmp(wl_env(), "micro")) {
		wl_emit_unavailable("vnet", "frames_per_sec", "frames/s", 0,
				    "virtio-net exists only inside a guest");
		return 0;
	}
	if (!r)
		return 2;
	wl_memset(r, 0, sizeof(*r));
	if (vnet_args(r, argc, argv))
		return 2;
	if (vnet_open(&r->n, 0, err, sizeof(err))) {
		wl_printf("vnet: %s\n", err);
		wl_emit_unavailable("vnet", "frames_per_sec", "frames/s", 0, err);
		return 0;
	}
	for (int i = 0; i < 6; i++) {
		mac[3 * i] = "0123456789abcdef"[r->n.mac[i] >> 4];
		mac[3 * i + 1] = "0123456789abcdef"[r->n.mac[i] & 15];
		mac[3 * i + 2] = i < 5 ? ':' : 0;
	}
	wl_printf("vnet: ready mac=%s ip=%u.%u.%u.%u queues=%u/%u\n", mac,
		  r->ip[0], r->ip[1], r->ip[2], r->ip[3], r->n.rxq.num, r->n.txq.num);
	r->rx_done = !r->rx_want;
	r->tx_done = !r->tx_want;
	deadline = wl_rdtsc() + wl_arg_u64(argc, argv, "seconds", 10) * wl_tsc_khz() * 1000;
	while (wl_rdtsc() < deadline) {
		int was_rx_done = r->rx_done;
		uint8_t *f;
		uint32_t len;
		void *c;

		while (vnet_rx(&r->n, &f, &len, &c)) {
			vnet_handle(r, f, len);
			vnet_rx_done(&r->n, c);
		}
		if (!was_rx_done && r->rx_done)
			wl_printf("vnet: rx done\n");
		if (r->rx_done && !r->tx_done)
			vnet_tx_pump(r);
		vnet_tx_reap(&r->n);
		vnet_kick(&r->n);
		if ((r->rx_want || r->tx_want) && r->rx_done && r->tx_done)
			break;
	}
	vnet_report(r);
	return vio_status(&r->n.dev) & VIO_S_NEEDS_RESET ? 1 : 0;
}
