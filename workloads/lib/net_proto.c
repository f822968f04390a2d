/* The minimal host protocols of the vnet micro-guest: answer ARP requests
 * for our IPv4 address (RFC 826) and ICMP echo requests to it (RFC 792,
 * inside IPv4, RFC 791). Frames arrive from a hostile network: every
 * length and header field is checked before use, and anything we do not
 * answer is simply not answered. Pure functions, no wl.h: the unit test
 * (tests/unit/test_net_proto.c) compiles this file on the host. */
#include "../include/wl_netproto.h"

#define ARP_LEN          28      /* Ethernet/IPv4 ARP packet (RFC 826) */
#define ARP_HTYPE_ETH    1
#define ARP_OP_REQUEST   1
#define ARP_OP_REPLY     2
#define IP_PROTO_ICMP    1
#define IP_MF            0x2000  /* flags/fragment offset field (RFC 791) */
#define IP_OFFMASK       0x1fff
#define ICMP_ECHOREPLY   0
#define ICMP_ECHO        8
#define ICMP_HLEN        8
#define IP_TTL_DEFAULT   64

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void copy(uint8_t *d, const uint8_t *s, size_t n)
{
	while (n--)
		*d++ = *s++;
}

static int same(const uint8_t *a, const uint8_t *b, size_t n)
{
	while (n--)
		if (*a++ != *b++)
			return 0;
	return 1;
}

uint16_t netp_csum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t sum = 0;

	/* RFC 1071 §4.1: 16-bit words in network order, odd byte padded */
	for (; n > 1; n -= 2, b += 2)
		sum += get16(b);
	if (n)
		sum += (uint32_t)b[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void eth_reply_header(uint8_t *out, const uint8_t *in, const uint8_t mac[6])
{
	copy(out, in + 6, 6);   /* destination: who asked */
	copy(out + 6, mac, 6);
	copy(out + 12, in + 12, 2);
}

/* RFC 826 "Packet Reception": an Ethernet/IPv4 request whose target
 * protocol address is ours gets a reply with our hardware address. */
static uint32_t netp_arp(const uint8_t mac[6], const uint8_t ip[4], const uint8_t *in,
			 uint32_t len, uint8_t *out)
{
	const uint8_t *a = in + ETH_HLEN;
	uint8_t *r = out + ETH_HLEN;

	if (len < ETH_HLEN + ARP_LEN || get16(a) != ARP_HTYPE_ETH ||
	    get16(a + 2) != ETH_P_IP || a[4] != 6 || a[5] != 4 ||
	    get16(a + 6) != ARP_OP_REQUEST || !same(a + 24, ip, 4))
		return 0;
	eth_reply_header(out, in, mac);
	copy(r, a, 6);                  /* htype, ptype, hlen, plen */
	put16(r + 6, ARP_OP_REPLY);
	copy(r + 8, mac, 6);            /* sender: us */
	copy(r + 14, ip, 4);
	copy(r + 18, a + 8, 10);        /* target: the requester's sha, spa */
	return ETH_HLEN + ARP_LEN;
}

/* RFC 792 "Echo or Echo Reply Message": the reply carries the request's
 * identifier, sequence number and data; addresses swap (RFC 1122
 * §3.2.2.6). Fragments, options-bearing headers longer than the packet,
 * bad checksums and echo requests to other addresses are ignored. */
static uint32_t netp_icmp(const uint8_t mac[6], const uint8_t ip[4], const uint8_t *in,
			  uint32_t len, uint8_t *out)
{
	const uint8_t *h = in + ETH_HLEN;
	uint32_t ihl, tot, icmp_len;
	uint8_t *r = out + ETH_HLEN;

	if (len < ETH_HLEN + 20 || h[0] >> 4 != 4)
		return 0;
	ihl = (uint32_t)(h[0] & 15) * 4;
	tot = get16(h + 2);
	if (ihl < 20 || tot < ihl + ICMP_HLEN || tot > len - ETH_HLEN ||
	    ETH_HLEN + tot > VNET_FRAME_MAX || h[9] != IP_PROTO_ICMP ||
	    (get16(h + 6) & (IP_MF | IP_OFFMASK)) || !same(h + 16, ip, 4) ||
	    netp_csum(h, ihl) != 0)
		return 0;
	icmp_len = tot - ihl;
	if (h[ihl] != ICMP_ECHO || h[ihl + 1] != 0 || netp_csum(h + ihl, icmp_len) != 0)
		return 0;
	eth_reply_header(out, in, mac);
	copy(r, h, tot);
	r[8] = IP_TTL_DEFAULT;
	copy(r + 12, ip, 4);            /* source: us */
	copy(r + 16, h + 12, 4);        /* destination: the requester */
	put16(r + 10, 0);
	put16(r + 10, netp_csum(r, ihl));
	r[ihl] = ICMP_ECHOREPLY;
	put16(r + ihl + 2, 0);
	put16(r + ihl + 2, netp_csum(r + ihl, icmp_len));
	return ETH_HLEN + tot;
}

uint32_t netp_respond(const uint8_t mac[6], const uint8_t ip[4], const uint8_t *in,
		      uint32_t len, uint8_t *out, enum netp_kind *kind)
{
	uint32_t n = 0;

	*kind = NETP_NONE;
	if (len < ETH_HLEN || len > VNET_FRAME_MAX)
		return 0;
	switch (get16(in + 12)) {
	case ETH_P_ARP:
		if ((n = netp_arp(mac, ip, in, len, out)))
			*kind = NETP_ARP;
		break;
	case ETH_P_IP:
		if ((n = netp_icmp(mac, ip, in, len, out)))
			*kind = NETP_ICMP;
		break;
	}
	return n;
}

int netp_parse_ip(const char *s, uint8_t ip[4])
{
	for (int i = 0; i < 4; i++) {
		unsigned v = 0, digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*s++ - '0');
			digits++;
		}
		if (!digits || digits > 3 || v > 255 || *s != (i < 3 ? '.' : '\0'))
			return -1;
		ip[i] = (uint8_t)v;
		s++;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

int netp_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

		if (lo < 0 || s[2] != (i < 5 ? ':' : '\0'))
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 3;
	}
	return 0;
}
