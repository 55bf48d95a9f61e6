/*
 * serial.h - encapsulations of synchronous serial interfaces: Cisco HDLC
 * with SLARP keepalives, PPP (LCP + IPCP, RFC 1661/1332), Frame Relay
 * (RFC 2427 / Cisco encapsulation, LMI ANSI T1.617 Annex D, Q.933 Annex A
 * and Cisco, Inverse ARP RFC 2390, static maps). On the wire (NIO) a frame
 * is what lies between the HDLC flags, without FCS (devices.md §1.7).
 */
#ifndef FW_SERIAL_H
#define FW_SERIAL_H

#include <stddef.h>
#include <stdint.h>

struct iface;

/* A frame received on a serial interface (driver poll context). */
void serial_input(struct iface *ifp, const uint8_t *frame, size_t len);
/* Sends an IP datagram towards nexthop; 0, or -1 if it cannot be sent. */
int serial_output_ip(struct iface *ifp, uint32_t nexthop, const uint8_t *pkt,
                     size_t len);
/* Line protocol as the encapsulation sees it (carrier assumed up). */
int serial_line_up(struct iface *ifp);
/* Encapsulation or carrier changed: restart the protocol machines. */
void serial_reset(struct iface *ifp);
/* Once a second: keepalives, LMI, PPP timers. */
void serial_periodic(void);
/* Peer address learnt by IPCP (0 if none). */
uint32_t serial_ppp_peer(struct iface *ifp);

void serial_show_iface(struct iface *ifp);
void show_frame_relay_map(void);
void show_frame_relay_pvc(void);
void show_frame_relay_lmi(void);

#endif
