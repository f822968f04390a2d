/* Minimal host protocols for the vnet micro-guest: ARP (RFC 826), IPv4
 * (RFC 791) and ICMP echo (RFC 792), as pure functions over frame bytes
 * (workloads/lib/net_proto.c). No other header needed, so the unit test
 * (tests/unit/test_net_proto.c) builds them on the host. */
#ifndef WL_NETPROTO_H
#define WL_NETPROTO_H

#include <stddef.h>
#include <stdint.h>

#define VNET_FRAME_MAX      1514   /* Ethernet header + 1500-byte MTU */
#define ETH_HLEN            14
#define ETH_P_IP            0x0800
#define ETH_P_ARP           0x0806
#define ETH_P_TEST          0x88b5 /* IEEE 802 local experimental ethertype */

enum netp_kind { NETP_NONE, NETP_ARP, NETP_ICMP };

/* RFC 1071 Internet checksum of n bytes (the one's complement of the
 * one's complement sum, in network byte order as stored). */
uint16_t netp_csum(const void *p, size_t n);
/* If `in` (len bytes, Ethernet header on) is an ARP request for `ip` or a
 * well-formed ICMP echo request to `ip`, build the reply in `out` (room
 * for VNET_FRAME_MAX bytes) and return its length, with *kind set; else
 * return 0. `ip` is in network byte order as four bytes. */
uint32_t netp_respond(const uint8_t mac[6], const uint8_t ip[4], const uint8_t *in,
		      uint32_t len, uint8_t *out, enum netp_kind *kind);
/* Parse "a.b.c.d" and "xx:xx:xx:xx:xx:xx": 0 or -1. */
int netp_parse_ip(const char *s, uint8_t ip[4]);
int netp_parse_mac(const char *s, uint8_t mac[6]);

#endif
