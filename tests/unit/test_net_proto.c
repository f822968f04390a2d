/* The vnet micro-guest's protocol code (workloads/lib/net_proto.c), built
 * on the host: RFC 1071 checksum, ARP replies (RFC 826), ICMP echo replies
 * (RFC 792), and hostile frames that must get no answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "workloads/lib/net_proto.c"

static const uint8_t our_mac[6] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };
static const uint8_t our_ip[4] = { 10, 211, 0, 2 };
static const uint8_t peer_mac[6] = { 0x16, 0xe2, 0x94, 0x6b, 0x64, 0xbb };
static const uint8_t peer_ip[4] = { 10, 211, 0, 1 };

static void test_csum_rfc1071_example(void **state)
{
	/* RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2 */
	const uint8_t w[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	const uint8_t odd[3] = { 0x01, 0x02, 0x03 };

	(void)state;
	assert_int_equal(netp_csum(w, sizeof(w)), (uint16_t)~0xddf2);
	/* odd length: the last byte is the high half of a padded word */
	assert_int_equal(netp_csum(odd, sizeof(odd)), (uint16_t)~(0x0102 + 0x0300));
}

static uint32_t arp_request(uint8_t *f, const uint8_t target[4], uint16_t op)
{
	memset(f, 0xff, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = 0x08; f[13] = 0x06;
	f[14] = 0; f[15] = 1; f[16] = 0x08; f[17] = 0x00; f[18] = 6; f[19] = 4;
	f[20] = 0; f[21] = (uint8_t)op;
	memcpy(f + 22, peer_mac, 6);
	memcpy(f + 28, peer_ip, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, target, 4);
	return 42;
}

static void test_arp_reply(void **state)
{
	uint8_t in[64], out[VNET_FRAME_MAX];
	enum netp_kind k;
	uint32_t n = arp_request(in, our_ip, 1);

	(void)state;
	assert_int_equal(netp_respond(our_mac, our_ip, in, n, out, &k), 42);
	assert_int_equal(k, NETP_ARP);
	assert_memory_equal(out, peer_mac, 6);          /* to the asker */
	assert_memory_equal(out + 6, our_mac, 6);
	assert_int_equal(out[21], 2);                   /* ARP reply */
	assert_memory_equal(out + 22, our_mac, 6);      /* sha: us */
	assert_memory_equal(out + 28, our_ip, 4);       /* spa */
	assert_memory_equal(out + 32, peer_mac, 6);     /* tha: the asker */
	assert_memory_equal(out + 38, peer_ip, 4);      /* tpa */
}

static void test_arp_ignored(void **state)
{
	const uint8_t other[4] = { 10, 211, 0, 3 };
	uint8_t in[64], out[VNET_FRAME_MAX];
	enum netp_kind k;

	(void)state;
	arp_request(in, other, 1);
	assert_int_equal(netp_respond(our_mac, our_ip, in, 42, out, &k), 0);
	assert_int_equal(k, NETP_NONE);
	arp_request(in, our_ip, 2);                     /* a reply, not a request */
	assert_int_equal(netp_respond(our_mac, our_ip, in, 42, out, &k), 0);
	arp_request(in, our_ip, 1);
	assert_int_equal(netp_respond(our_mac, our_ip, in, 41, out, &k), 0);  /* short */
	in[18] = 8;                                     /* hlen 8 */
	assert_int_equal(netp_respond(our_mac, our_ip, in, 42, out, &k), 0);
}

/* An IPv4 echo request with `data` payload bytes; returns the frame length. */
static uint32_t echo_request(uint8_t *f, const uint8_t dst[4], uint32_t data)
{
	uint8_t *ip = f + 14, *ic = ip + 20;
	uint32_t tot = 20 + 8 + data;

	memcpy(f, our_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = 0x08; f[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45; ip[2] = (uint8_t)(tot >> 8); ip[3] = (uint8_t)tot;
	ip[6] = 0x40;                                    /* DF */
	ip[8] = 64; ip[9] = 1;
	memcpy(ip + 12, peer_ip, 4);
	memcpy(ip + 16, dst, 4);
	put16(ip + 10, netp_csum(ip, 20));
	ic[0] = 8; ic[1] = 0; ic[2] = ic[3] = 0;
	ic[4] = 0x12; ic[5] = 0x34; ic[6] = 0; ic[7] = 7;  /* id, seq */
	for (uint32_t i = 0; i < data; i++)
		ic[8 + i] = (uint8_t)(i * 7);
	put16(ic + 2, netp_csum(ic, 8 + data));
	return 14 + tot;
}

static void test_icmp_echo_reply(void **state)
{
	uint8_t in[VNET_FRAME_MAX], out[VNET_FRAME_MAX];
	uint32_t n = echo_request(in, our_ip, 56);
	enum netp_kind k;

	(void)state;
	assert_int_equal(netp_respond(our_mac, our_ip, in, n, out, &k), n);
	assert_int_equal(k, NETP_ICMP);
	assert_memory_equal(out, peer_mac, 6);
	assert_memory_equal(out + 6, our_mac, 6);
	assert_memory_equal(out + 14 + 12, our_ip, 4);
	assert_memory_equal(out + 14 + 16, peer_ip, 4);
	assert_int_equal(netp_csum(out + 14, 20), 0);            /* valid IP header */
	assert_int_equal(out[34], 0);                            /* echo reply */
	assert_int_equal(netp_csum(out + 34, n - 34), 0);        /* valid ICMP */
	assert_memory_equal(out + 38, in + 38, n - 38);          /* id, seq, data */
	/* trailing Ethernet padding is allowed: the IP length decides */
	assert_int_equal(netp_respond(our_mac, our_ip, in, n + 10, out, &k), n);
}

static void test_icmp_hostile(void **state)
{
	const uint8_t other[4] = { 10, 211, 0, 9 };
	uint8_t in[VNET_FRAME_MAX + 16], out[VNET_FRAME_MAX];
	enum netp_kind k;
	uint32_t n;

	(void)state;
	n = echo_request(in, other, 8);
	assert_int_equal(netp_respond(our_mac, our_ip, in, n, out, &k), 0);   /* not ours */
	n = echo_request(in, our_ip, 8);
	assert_int_equal(netp_respond(our_mac, our_ip, in, n - 1, out, &k), 0); /* truncated */
	in[14 + 10] ^= 1;                                                      /* IP csum */
	assert_int_equal(netp_respond(our_mac, our_ip, in, n, out, &k), 0);
	n = echo_request(in, our_ip, 8);
	in[14 + 20 + 9] ^= 1;                                                  /* ICMP csum */
	assert_int_equal(netp_respond(our_mac, our_ip, in, n, out, &k), 0);
	n = echo_request(in, our_ip, 8);
	in[14 + 6] = 0x20;                                                     /* MF */
	put16(in + 14 + 10, 0);
	put16(in + 14 + 10, netp_csum(in + 14, 20));
	assert_int_equal(netp_respond(our_mac, our_ip, in, n, out, &k), 0);
	n = echo_request(in, our_ip, 8);
	in[14] = 0x44;                                                         /* ihl 16 bytes */
	assert_int_equal(netp_respond(our_mac, our_ip, in, n, out, &k), 0);
	n = echo_request(in, our_ip, 1472);                                    /* 1514 bytes */
	assert_int_equal(netp_respond(our_mac, our_ip, in, n, out, &k), n);
	assert_int_equal(netp_respond(our_mac, our_ip, in, n + 1, out, &k), 0); /* too long */
	assert_int_equal(netp_respond(our_mac, our_ip, in, 13, out, &k), 0);
}

static void test_parse(void **state)
{
	uint8_t ip[4], mac[6];

	(void)state;
	assert_int_equal(netp_parse_ip("10.211.0.2", ip), 0);
	assert_memory_equal(ip, our_ip, 4);
	assert_int_equal(netp_parse_ip("10.211.0.256", ip), -1);
	assert_int_equal(netp_parse_ip("10.211.0", ip), -1);
	assert_int_equal(netp_parse_ip("10.211.0.2.", ip), -1);
	assert_int_equal(netp_parse_ip("1..2.3", ip), -1);
	assert_int_equal(netp_parse_mac("52:54:00:AA:bb:cc", mac), 0);
	assert_memory_equal(mac, our_mac, 6);
	assert_int_equal(netp_parse_mac("52:54:00:aa:bb", mac), -1);
	assert_int_equal(netp_parse_mac("52:54:00:aa:bb:cg", mac), -1);
	assert_int_equal(netp_parse_mac("52:54:00:aa:bb:cc:", mac), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_rfc1071_example),
		cmocka_unit_test(test_arp_reply),
		cmocka_unit_test(test_arp_ignored),
		cmocka_unit_test(test_icmp_echo_reply),
		cmocka_unit_test(test_icmp_hostile),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
