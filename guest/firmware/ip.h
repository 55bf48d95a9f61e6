/*
 * ip.h - IPv4 over Ethernet: ARP, routing (connected + static), ICMP echo,
 * forwarding between interfaces, ping.
 */
#ifndef FW_IP_H
#define FW_IP_H

#include <stddef.h>
#include <stdint.h>

struct iface;

/* Fields of frames and packets, in network byte order (big-endian). */
static inline uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static inline void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* Frame received on an interface (driver poll context). */
void eth_input(struct iface *ifp, const uint8_t *frame, size_t len);

/* An IPv4 datagram received on an interface (any encapsulation). */
void ip_input_pkt(struct iface *ifp, const uint8_t *pkt, size_t len);

void ip_routes_changed(void);
void ip_ping(uint32_t dst, uint32_t count, uint32_t size, uint32_t timeout_s);
void ip_traceroute(uint32_t dst);
void ip_clear_arp(void);
void ip_periodic(void);  /* once a second: ARP aging, retries */

/* Route lookup: interface and next hop for dst (0 if none). */
struct iface *ip_route_lookup(uint32_t dst, uint32_t *nexthop);

#endif
