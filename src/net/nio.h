/*
 * NIO: a named, bidirectional, frame-oriented endpoint (shared spec
 * network.md §1-§6). Every emulated port, switch port, hub port and bridge
 * side is bound to one NIO. One frame is one datagram/read on the wire,
 * with nothing added (network.md §3.1).
 *
 * Threads (DESIGN.md "Events, not polling"):
 *  - nio_send() may be called from any thread; the frame goes to the OS at
 *    once (non-blocking: a full socket buffer loses the frame, it never
 *    stalls the caller). Exception: on the loop thread, while it runs the
 *    receive handlers of one wakeup (a switch forwarding), frames for a
 *    udp NIO are copied to a per-NIO queue and leave in order, in one
 *    sendmmsg() at the end of that round (or when 32 are queued).
 *  - The receive handler registered with nio_set_rx() runs on the event
 *    loop thread, one frame at a time, as soon as the OS has the frame
 *    (udp NIOs read up to 32 datagrams per recvmmsg()).
 *  - nio_set_rx()/nio_clear_rx() may be called from any thread; they run
 *    on the loop thread and wait for it. Never call them while holding a
 *    lock that a receive handler takes (network.md §1.5).
 *
 * Errors are negative errno values; the reason is also logged with the NIO
 * name (e.g. "NIO 'n1': bind UDP port 10000: Address already in use").
 */
#ifndef NET_NIO_H
#define NET_NIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct evloop;
struct logger;
struct nio;

/* Receive buffer per NIO (network.md §4); longer datagrams are dropped. */
#define NIO_MAX_FRAME 32768
/* Bytes before a received frame that its handler may overwrite. */
#define NIO_RX_HEADROOM 16

enum nio_type {
    NIO_TYPE_UDP,
    NIO_TYPE_UDP_AUTO,
    NIO_TYPE_UNIX,
    NIO_TYPE_VDE,
    NIO_TYPE_TAP,
    NIO_TYPE_LINUX_ETH,
    NIO_TYPE_GEN_ETH,
    NIO_TYPE_NULL,
    NIO_TYPE_FIFO,
    NIO_TYPE_TCP_CLI,
    NIO_TYPE_TCP_SER,
};

/*
 * Receive handler, called on the loop thread after the RX filters passed
 * and the frame was counted. frame points into the NIO's receive buffer:
 * the handler may modify it, and the NIO_RX_HEADROOM bytes before it, but
 * must not keep the pointer after returning.
 */
typedef void (*nio_rx_fn)(struct nio *nio, uint8_t *frame, size_t len,
                          void *arg);

/* ------------------------------------------------------------ creation */
/*
 * Every constructor: *out receives the NIO; ev is the process event loop
 * (owner of the receive side), lg the log for error messages (may be
 * NULL). Returns 0 or a negative errno.
 */

/* UDP tunnel: bind lport (0: the kernel picks one) on the wildcard address
 * of rhost's family, send to rhost:rport, accept only datagrams from
 * rhost:rport (others are counted in drop_foreign). network.md §2.1. */
int nio_create_udp(struct nio **out, struct evloop *ev, struct logger *lg,
                   const char *name, unsigned lport, const char *rhost,
                   unsigned rport);
/* UDP with the first free local port in [first, last] on laddr ("" or
 * NULL: any, dual stack); receives from anyone until connected. §2.2. */
int nio_create_udp_auto(struct nio **out, struct evloop *ev,
                        struct logger *lg, const char *name,
                        const char *laddr, unsigned first, unsigned last);
/* Once only (-EISCONN afterwards). */
int nio_udp_auto_connect(struct nio *nio, const char *rhost, unsigned rport);
/* Local port of a udp / udp_auto NIO, 0 for other types. */
unsigned nio_udp_local_port(const struct nio *nio);

/* UNIX datagram socket bound to local, sending to remote. §2.3. */
int nio_create_unix(struct nio **out, struct evloop *ev, struct logger *lg,
                    const char *name, const char *local, const char *remote);
/* Port of a vde_switch: control = its ctl socket, local = our data socket
 * path. §2.4. */
int nio_create_vde(struct nio **out, struct evloop *ev, struct logger *lg,
                   const char *name, const char *control, const char *local);
/* Linux TAP device (no packet-info header); "" lets the kernel name it. */
int nio_create_tap(struct nio **out, struct evloop *ev, struct logger *lg,
                   const char *name, const char *dev);
/* AF_PACKET raw socket on ifname, promiscuous. VLAN tags that the kernel
 * stripped into metadata are put back into the frame. §2.6. */
int nio_create_linux_eth(struct nio **out, struct evloop *ev,
                         struct logger *lg, const char *name,
                         const char *ifname);
/* libpcap live handle on ifname (immediate mode, on the event loop). */
int nio_create_gen_eth(struct nio **out, struct evloop *ev,
                       struct logger *lg, const char *name,
                       const char *ifname);
/* Discards what it is given, never receives. §2.10. */
int nio_create_null(struct nio **out, struct evloop *ev, struct logger *lg,
                    const char *name);
/* In-process pipe end; carries frames once crossconnected. §2.9. */
int nio_create_fifo(struct nio **out, struct evloop *ev, struct logger *lg,
                    const char *name);
int nio_fifo_crossconnect(struct nio *a, struct nio *b);
/* TCP stream with a 4-byte big-endian length before each frame (§2.8).
 * tcp_ser waits (blocking) for one client, like the reference. */
int nio_create_tcp_cli(struct nio **out, struct evloop *ev,
                       struct logger *lg, const char *name, const char *host,
                       const char *port);
int nio_create_tcp_ser(struct nio **out, struct evloop *ev,
                       struct logger *lg, const char *name, const char *port);

/*
 * Close the OS resource, free the filters (a capture is closed) and the
 * NIO. The receive handler is cleared first. The caller makes sure no
 * other thread still sends on it (see nio_hold()).
 */
void nio_destroy(struct nio *nio);

/* --------------------------------------------------------------- naming */
const char *nio_name(const struct nio *nio);
int nio_rename(struct nio *nio, const char *name);
enum nio_type nio_get_type(const struct nio *nio);
const char *nio_type_name(enum nio_type type);
/*
 * The hypervisor command that recreates this NIO ("create_udp n1 10000
 * 127.0.0.1 10001"), for save_config; -ENOTSUP for types that are not
 * saved (fifo, tcp). Returns the length or a negative errno.
 */
int nio_describe(const struct nio *nio, char *buf, size_t size);

/* ------------------------------------------------------------- traffic */
/*
 * Send one frame now, from any thread. Order: debug dump, TX filter, BOTH
 * filter, counters, OS send (network.md §1.3). Returns the length sent,
 * -ENXIO for a NULL nio ("no route"), -EPERM when a filter dropped it, or
 * the OS error (-EAGAIN when the socket buffer is full).
 */
ssize_t nio_send(struct nio *nio, const void *frame, size_t len);

/*
 * Make fn(arg) the receive handler. One consumer per NIO: a second
 * registration fails with -EBUSY (the reference silently kept the first).
 */
int nio_set_rx(struct nio *nio, nio_rx_fn fn, void *arg);
/* After it returns the handler is not running and will not run again. */
void nio_clear_rx(struct nio *nio);
int nio_has_rx(const struct nio *nio);

/*
 * Bindings (router port, switch port, VC...) hold a reference; the
 * hypervisor deletes an NIO only when nio_users() is 0 (spec §1.2).
 */
void nio_hold(struct nio *nio);
void nio_release(struct nio *nio);
unsigned nio_users(const struct nio *nio);

/* ---------------------------------------------------------- statistics */
struct nio_stats {
    uint64_t pkts_in, pkts_out, bytes_in, bytes_out; /* spec §6.1 */
    uint64_t drop_oversize; /* datagrams longer than NIO_MAX_FRAME */
    uint64_t drop_empty;    /* zero-length datagrams */
    uint64_t drop_foreign;  /* from another source than the remote */
    uint64_t drop_filter;   /* dropped by a filter (either direction) */
    uint64_t tx_errors;     /* the OS refused a counted frame */
    uint64_t rx_errors;     /* receive errors */
};
void nio_get_stats(const struct nio *nio, struct nio_stats *st);
void nio_reset_stats(struct nio *nio);

/* Hex-dump every frame sent and received on stdout when non-zero. */
void nio_set_debug(struct nio *nio, int level);

/*
 * Bandwidth limit in Kbit/s, 0 = none (spec §6.2): a 300 ms window of ten
 * 30 ms slots. Transmitters that honour it ask nio_may_transmit() before
 * taking a frame from their TX ring (back-pressure, never a drop).
 */
void nio_set_bandwidth(struct nio *nio, unsigned kbps);
unsigned nio_get_bandwidth(const struct nio *nio);
int nio_may_transmit(struct nio *nio);

#endif
