/*
 * Helpers for the network unit tests: an event loop pumped in the test
 * thread, and "probe" ports: a fifo NIO pair whose far end records every
 * frame it receives, so a switch port can be driven and observed without
 * host sockets.
 */
#ifndef TESTS_NET_HARNESS_H
#define TESTS_NET_HARNESS_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/evloop.h"
#include "net/nio.h"

#define PROBE_MAX_FRAMES 64

struct probe_frame {
    size_t len;
    uint8_t data[2048];
};

struct probe {
    struct nio *port; /* give this one to the switch */
    struct nio *peer; /* the test sends and observes here */
    size_t n;
    struct probe_frame frames[PROBE_MAX_FRAMES];
};

static void harness_stop(void *arg)
{
    evloop_stop(arg);
}

/* Run the loop in this thread for ms milliseconds. */
static inline void pump(struct evloop *ev, unsigned ms)
{
    evloop_add_timer(ev, ms, 0, harness_stop, ev);
    evloop_run(ev);
}

static void probe_rx(struct nio *nio, uint8_t *frame, size_t len, void *arg)
{
    struct probe *p = arg;
    (void)nio;
    if (p->n < PROBE_MAX_FRAMES) {
        struct probe_frame *f = &p->frames[p->n++];
        f->len = len < sizeof(f->data) ? len : sizeof(f->data);
        memcpy(f->data, frame, f->len);
    }
}

static inline int probe_init(struct probe *p, struct evloop *ev,
                             const char *name)
{
    char peer[64];
    memset(p, 0, sizeof(*p));
    snprintf(peer, sizeof(peer), "%s-peer", name);
    int rc = nio_create_fifo(&p->port, ev, NULL, name);
    if (rc == 0) {
        rc = nio_create_fifo(&p->peer, ev, NULL, peer);
    }
    if (rc == 0) {
        rc = nio_fifo_crossconnect(p->port, p->peer);
    }
    if (rc == 0) {
        rc = nio_set_rx(p->peer, probe_rx, p);
    }
    return rc;
}

static inline void probe_fini(struct probe *p)
{
    nio_destroy(p->peer);
    nio_destroy(p->port);
}

static inline void probe_reset(struct probe *p)
{
    p->n = 0;
}

static inline int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Parse hex digit pairs ("ff ff 0200") into buf; returns the length. */
static inline size_t hex2bin(const char *hex, uint8_t *buf, size_t size)
{
    size_t n = 0;
    int hi = -1;
    for (; *hex && n < size; hex++) {
        int v = hexval(*hex);
        if (v < 0) {
            continue;
        }
        if (hi < 0) {
            hi = v;
        } else {
            buf[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return n;
}

#endif
