/* netraw: raw Ethernet test frames on an interface (AF_PACKET), the host
 * side of the vnet micro-guest's throughput phases (workloads/src/vnet.c).
 * Frames use the IEEE 802 local experimental ethertype 0x88b5; payload
 * byte 0 is 'D' (data, then a 32-bit big-endian sequence number) or 'E'
 * (end, then the number of data frames sent).
 *
 *   netraw send IFACE DST_MAC COUNT SIZE [BURST]
 *       COUNT data frames of SIZE bytes (60..1514) in bursts of BURST (64)
 *       with a 1 ms pause after each (the tap's queue drops what the guest
 *       has not taken: no back-pressure), then 3 end frames 20 ms apart
 *   netraw recv IFACE SRC_MAC COUNT TIMEOUT_S
 *       count data frames from SRC_MAC until COUNT, an end frame, or the
 *       timeout; exit 0 when COUNT arrived
 * Each prints one line: frames, bytes, seconds (first to last frame),
 * frames/s and Mbit/s. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NETRAW_ETHERTYPE 0x88b5

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int parse_mac(const char *s, uint8_t m[6])
{
	unsigned v[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		m[i] = (uint8_t)v[i];
	return 0;
}

static int open_raw(const char *ifname, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(NETRAW_ETHERTYPE));

	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(NETRAW_ETHERTYPE);
	sll->sll_ifindex = (int)if_nametoindex(ifname);
	if (fd < 0 || !sll->sll_ifindex || bind(fd, (struct sockaddr *)sll, sizeof(*sll))) {
		fprintf(stderr, "netraw: %s: %s\n", ifname, strerror(errno));
		exit(2);
	}
	return fd;
}

static void report(const char *what, uint64_t frames, uint64_t bytes, double secs)
{
	/* N frames span N-1 intervals */
	double fps = secs > 0 && frames > 1 ? (frames - 1) / secs : 0;

	printf("netraw %s: frames=%llu bytes=%llu seconds=%.6f frames_per_sec=%.0f mbit_s=%.1f\n",
	       what, (unsigned long long)frames, (unsigned long long)bytes, secs, fps,
	       secs > 0 ? bytes * 8.0 / secs / 1e6 : 0.0);
}

static int netraw_send(const char *ifname, const uint8_t dst[6], uint64_t count, size_t size,
		       uint64_t burst)
{
	struct sockaddr_ll sll;
	int fd = open_raw(ifname, &sll);
	uint8_t f[1514] = { 0 };
	struct ifreq ifr = { 0 };
	double t0 = now_s(), t1;
	uint64_t sent = 0;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	memcpy(f, dst, 6);
	/* source: the interface's own address, as the kernel would use */
	if (!ioctl(fd, SIOCGIFHWADDR, &ifr))
		memcpy(f + 6, ifr.ifr_hwaddr.sa_data, 6);
	f[12] = NETRAW_ETHERTYPE >> 8;
	f[13] = NETRAW_ETHERTYPE & 0xff;
	for (size_t i = 19; i < size; i++)
		f[i] = (uint8_t)i;
	for (uint64_t i = 0; i < count; i++) {
		f[14] = 'D';
		f[15] = (uint8_t)(i >> 24);
		f[16] = (uint8_t)(i >> 16);
		f[17] = (uint8_t)(i >> 8);
		f[18] = (uint8_t)i;
		if (send(fd, f, size, 0) == (ssize_t)size)
			sent++;
		if (burst && (i + 1) % burst == 0)
			usleep(1000);
	}
	t1 = now_s();
	for (int k = 0; k < 3; k++) {
		usleep(20000);
		f[14] = 'E';
		f[15] = (uint8_t)(sent >> 24);
		f[16] = (uint8_t)(sent >> 16);
		f[17] = (uint8_t)(sent >> 8);
		f[18] = (uint8_t)sent;
		if (send(fd, f, 60, 0) < 0)
			perror("netraw: send end frame");
	}
	report("send", sent, sent * size, t1 - t0);
	close(fd);
	return sent == count ? 0 : 1;
}

static int netraw_recv(const char *ifname, const uint8_t src[6], uint64_t count, double timeout)
{
	struct sockaddr_ll sll;
	int fd = open_raw(ifname, &sll);
	uint8_t f[2048];
	double end = now_s() + timeout, t0 = 0, t1 = 0;
	uint64_t got = 0, bytes = 0;
	int rcvbuf = 64 << 20;

	/* the guest can send faster than we read: queue up to 64 MiB */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	while (got < count) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left = end - now_s();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			break;
		n = recv(fd, f, sizeof(f), 0);
		if (n < 19 || memcmp(f + 6, src, 6) ||
		    f[12] != (NETRAW_ETHERTYPE >> 8) || f[13] != (NETRAW_ETHERTYPE & 0xff))
			continue;
		if (f[14] == 'E')
			break;
		if (f[14] != 'D')
			continue;
		t1 = now_s();
		if (!got)
			t0 = t1;
		got++;
		bytes += (uint64_t)n;
	}
	report("recv", got, bytes, t1 - t0);
	close(fd);
	return got == count ? 0 : 1;
}

int main(int argc, char **argv)
{
	uint8_t mac[6];

	if (argc >= 6 && !strcmp(argv[1], "send") && !parse_mac(argv[3], mac)) {
		size_t size = strtoul(argv[5], NULL, 0);

		if (size >= 60 && size <= 1514)
			return netraw_send(argv[2], mac, strtoull(argv[4], NULL, 0), size,
					   argc > 6 ? strtoull(argv[6], NULL, 0) : 64);
	}
	if (argc == 6 && !strcmp(argv[1], "recv") && !parse_mac(argv[3], mac))
		return netraw_recv(argv[2], mac, strtoull(argv[4], NULL, 0), atof(argv[5]));
	fprintf(stderr, "usage: netraw send IFACE DST_MAC COUNT SIZE(60..1514) [BURST]\n"
			"       netraw recv IFACE SRC_MAC COUNT TIMEOUT_S\n");
	return 2;
}
