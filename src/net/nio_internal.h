/*
 * What the NIO types (nio_*.c) and the filters share with the NIO core.
 * Not for consumers: they use nio.h.
 */
#ifndef NET_NIO_INTERNAL_H
#define NET_NIO_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "core/evloop.h"
#include "net/nio.h"
#include "net/nio_filter.h"

/* recv results other than a length (>= 0, 0 = empty datagram). */
#define NIO_RX_NONE (-EAGAIN)      /* nothing (more) to read */
#define NIO_RX_OVERSIZE (-EMSGSIZE) /* consumed, longer than NIO_MAX_FRAME */
#define NIO_RX_FOREIGN (-EPERM)    /* consumed, from an unexpected source */
#define NIO_RX_CLOSED (-ECONNRESET) /* stream peer gone: stop listening */

/* Frames read per readiness event before other fds get their turn. */
#define NIO_RX_BUDGET 64
/* Datagrams read by one recv_many call (one recvmmsg), each in its own
 * slot of NIO_RX_HEADROOM + NIO_RX_DGRAM bytes; a datagram coalesced by
 * UDP GRO holds several frames, which count against the budget one by
 * one. */
#define NIO_RX_BATCH 32
/* Room for one datagram in a recv_many slot: the largest UDP payload
 * (65535 - 8 bytes of UDP header, IPv6; 65507 over IPv4) fits, so a
 * coalesced datagram is never cut. */
#define NIO_RX_DGRAM 65536
/* Frames the loop thread queues per NIO before one send_many call
 * (sendmmsg); the same batch size as receiving. */
#define NIO_TX_BATCH 32
/* Bytes of queued frames per NIO: 32 frames of up to 2 KB (an Ethernet
 * frame with tags fits); a larger frame flushes the queue first. */
#define NIO_TXQ_BYTES 65536

struct mmsghdr;

/* What recv_many read into one buffer. */
struct nio_rx_dgram {
    ssize_t len;     /* bytes in the buffer, or an NIO_RX_* drop reason */
    uint32_t seg;    /* > 0: frames of seg bytes each, the last one possibly
                      * shorter (coalesced by UDP GRO); 0: one frame */
    uint32_t frames; /* frames it stands for: what a drop counts */
};

struct nio_ops {
    enum nio_type type;
    /* One frame out; the length or a negative errno. */
    ssize_t (*send)(struct nio *nio, const void *frame, size_t len);
    /* One frame into buf (size NIO_MAX_FRAME); see NIO_RX_* above. NULL for
     * types that deliver through their own readiness handler. */
    ssize_t (*recv)(struct nio *nio, uint8_t *buf, size_t size);
    /*
     * Optional: up to n datagrams at once into bufs[i] (NIO_RX_DGRAM bytes
     * each); res[i] describes datagram i (one frame, or several coalesced
     * ones; a single frame longer than NIO_MAX_FRAME is NIO_RX_OVERSIZE).
     * Returns how many entries were filled (> 0), or NIO_RX_NONE / a
     * negative errno when nothing was read. Fewer than n filled means the
     * socket is empty.
     */
    int (*recv_many)(struct nio *nio, uint8_t *const bufs[],
                     struct nio_rx_dgram res[], int n);
    /*
     * Optional: send the n frames of m (one iovec each, msg_name NULL) in
     * order; the type fills in the destination (and may send runs of
     * frames as one segmented datagram). Returns how many frames went out
     * (> 0) or a negative errno for the first one.
     */
    int (*send_many)(struct nio *nio, struct mmsghdr *m, unsigned n);
    /* Readiness of the fd when recv is not enough (gen_eth); loop thread. */
    void (*rx_ready)(struct nio *nio);
    /* Readiness of fd_aux (udp: the datagrams the connected socket does
     * not take); loop thread. */
    void (*aux_ready)(struct nio *nio);
    /* Release the OS resource (fd is closed by the core afterwards). */
    void (*close)(struct nio *nio);
    /* Hypervisor create command (without "nio "), or -ENOTSUP. */
    int (*describe)(const struct nio *nio, char *buf, size_t size);
};

struct nio_filter_ops;

struct nio_filter_slot {
    const struct nio_filter_ops *ops; /* bound filter, NULL: never bound */
    void *state;                      /* NULL: inactive (passes all) */
};

struct nio_filter_ops {
    const char *name;
    /* Build a new state from the arguments; -EINVAL on bad arguments. */
    int (*setup)(struct nio *nio, void **state, int argc, char *const argv[]);
    void (*free)(void *state);
    /* Nonzero: pass. Runs with the NIO's filter lock held. */
    int (*pass)(struct nio *nio, void *state, enum nio_dir dir,
                const uint8_t *frame, size_t len);
};

struct nio_udp {
    struct sockaddr_storage remote;
    socklen_t remote_len; /* 0: not connected (udp_auto) */
    unsigned lport, rport;
    char *rhost;
    /* Segmentation offload (nio_udp.c), loop thread after creation. */
    int gso;           /* runs of frames may leave as one UDP_SEGMENT send */
    size_t gso_max;    /* longest frame sent segmented (path MTU) */
    int gro;           /* UDP_GRO on: a datagram may hold several frames */
    /* fd is connected to remote (udp): the kernel takes only the peer's
     * datagrams to the address it chose, sends need no destination;
     * fd_aux gets the others (nio_udp.c). */
    int connected;
};

struct nio_unix {
    char *local, *remote; /* remote: for vde, the switch's data socket */
    struct sockaddr_storage raddr;
    socklen_t raddr_len;
    int ctl_fd; /* vde control connection, -1 otherwise */
    char *ctl;
};

struct nio_stream {
    /* Reassembly of length-prefixed frames (tcp). */
    uint8_t hdr[4];
    size_t have_hdr, want, have;
    uint8_t *buf;
    pthread_mutex_t tx_lock; /* one writer at a time keeps frames whole */
    char *host, *port;
};

struct nio {
    char *name;
    const struct nio_ops *ops;
    struct evloop *ev;
    struct logger *log;
    int fd;         /* -1: none (null, unconnected fifo) */
    int fd_watched; /* fd registered with the event loop (loop thread) */
    /* A second fd the type reads with aux_ready (-1: none), registered and
     * unregistered with fd, closed by the core. */
    int fd_aux;
    int fd_aux_watched;

    /* Receive side, touched on the loop thread only. */
    nio_rx_fn rx_fn;
    void *rx_arg;
    uint8_t *rxbuf;    /* rx_slots slots of rx_slot bytes (mmap) */
    unsigned rx_slots; /* NIO_RX_BATCH with recv_many, else 1 */
    size_t rx_slot;    /* NIO_RX_DGRAM_SLOT with recv_many, else NIO_RX_SLOT */

    /* Frames the loop thread sent during a round of fd callbacks, handed
     * to the OS at the end of the round (loop thread only). */
    struct nio_txq *txq; /* allocated at the first queued frame */
    struct ev_defer tx_flush;

    atomic_uint users;
    atomic_int debug;

    atomic_uint_fast64_t pkts_in, pkts_out, bytes_in, bytes_out;
    atomic_uint_fast64_t drop_oversize, drop_empty, drop_foreign,
        drop_filter, tx_errors, rx_errors;

    /* Filters: the lock is taken only while some slot has state. */
    pthread_mutex_t filter_lock;
    atomic_int filters_active;
    struct nio_filter_slot slots[3];

    /* Bandwidth window (spec §6.2), under bw_lock when bw_kbps != 0. */
    pthread_mutex_t bw_lock;
    atomic_uint bw_kbps;
    uint64_t bw_slot_bytes[10];
    uint64_t bw_total;
    uint64_t bw_slot_time; /* ms of the current slot's start */
    unsigned bw_slot;

    union {
        struct nio_udp udp;
        struct nio_unix un;
        struct nio_stream tcp;
        struct {
            char dev[64];
        } tap;
        struct {
            char ifname[64];
            int ifindex;
        } eth;
        struct {
            char ifname[64];
            void *pcap; /* pcap_t */
        } gen;
        struct {
            struct nio *peer;
        } fifo;
    } u;
};

/* One receive slot: headroom, frame, rounded up to a cache line. */
#define NIO_RX_SLOT ((NIO_RX_HEADROOM + NIO_MAX_FRAME + 63) & ~(size_t)63)
/* The same for recv_many: headroom and a whole datagram. */
#define NIO_RX_DGRAM_SLOT \
    ((NIO_RX_HEADROOM + NIO_RX_DGRAM + 63) & ~(size_t)63)

/* Allocate and name an NIO of the given type (fd -1). */
int nio_alloc(struct nio **out, const struct nio_ops *ops, struct evloop *ev,
              struct logger *lg, const char *name);
/* Free an NIO that never became visible (creation failed). */
void nio_free_failed(struct nio *nio);
/* Set the fd once known (fifo crossconnect); registers it if listened to. */
int nio_attach_fd(struct nio *nio, int fd);

/*
 * Hand a received frame (in nio->rxbuf + NIO_RX_HEADROOM, or elsewhere:
 * it is then copied there) through debug, RX/BOTH filters, counters and
 * the handler. Loop thread only.
 */
void nio_deliver(struct nio *nio, const uint8_t *frame, size_t len);

/* Log "NIO '<name>': <message>". */
void nio_log(const struct nio *nio, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Make fd non-blocking and close-on-exec; 0 or -errno. */
int nio_fd_nonblock(int fd);

/* Filter slots (nio_filter.c). Return nonzero to pass. */
int nio_filter_run(struct nio *nio, enum nio_dir dir, const uint8_t *frame,
                   size_t len);
void nio_filter_free_all(struct nio *nio);

extern const struct nio_filter_ops nio_filter_freq_drop;
extern const struct nio_filter_ops nio_filter_capture;

#endif
