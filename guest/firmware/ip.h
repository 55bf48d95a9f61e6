/*
 * ip.h - IPv4 over Ethernet: ARP, routing (connected + static), ICMP echo,
 * forwarding between interfaces, ping.
 */
#ifndef FW_IP_H
#define FW_IP_H

#include <stddef.h>
#include <stdint.h>

struct iface;

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
