/*
 * gen_eth NIO (shared spec network.md §2.7): a libpcap live handle on a
 * host interface, promiscuous, snapshot 65535, both directions.
 *
 * The reference gave each such NIO its own thread polling pcap_next()
 * with a 10 ms timeout. Here the handle runs in immediate mode and
 * non-blocking, and its selectable descriptor sits in the event loop like
 * any socket: a frame is handed on as soon as the kernel has it.
 * pcap_sendpacket() reports 0 on success; the NIO returns the length.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "net/nio_internal.h"

#define GEN_ETH_SNAPLEN 65535
#define GEN_ETH_TIMEOUT_MS 10 /* spec §2.7; immediate mode makes it moot */

static ssize_t gen_send(struct nio *nio, const void *frame, size_t len)
{
    if (pcap_sendpacket(nio->u.gen.pcap, frame, (int)len) < 0) {
        return -EIO;
    }
    return (ssize_t)len;
}

static void gen_packet(u_char *user, const struct pcap_pkthdr *h,
                       const u_char *bytes)
{
    struct nio *nio = (struct nio *)user;
    if (h->caplen < h->len) {
        /* Cut by the snapshot length, so beyond NIO_MAX_FRAME anyway. */
        atomic_fetch_add(&nio->drop_oversize, 1);
        return;
    }
    nio_deliver(nio, bytes, h->caplen);
}

static void gen_ready(struct nio *nio)
{
    /* -1 would be an error, 0 nothing left: both end this round. */
    pcap_dispatch(nio->u.gen.pcap, NIO_RX_BUDGET, gen_packet, (u_char *)nio);
}

static void gen_close(struct nio *nio)
{
    if (nio->u.gen.pcap) {
        pcap_close(nio->u.gen.pcap);
        nio->u.gen.pcap = NULL;
    }
    nio->fd = -1; /* owned by pcap */
}

static int gen_describe(const struct nio *nio, char *buf, size_t size)
{
    return snprintf(buf, size, "create_gen_eth %s %s", nio->name,
                    nio->u.gen.ifname);
}

static const struct nio_ops gen_ops = {
    .type = NIO_TYPE_GEN_ETH,
    .send = gen_send,
    .rx_ready = gen_ready,
    .close = gen_close,
    .describe = gen_describe,
};

int nio_create_gen_eth(struct nio **out, struct evloop *ev,
                       struct logger *lg, const char *name,
                       const char *ifname)
{
    struct nio *nio;
    int rc = nio_alloc(&nio, &gen_ops, ev, lg, name);
    if (rc < 0) {
        return rc;
    }
    if (!ifname || !*ifname ||
        strlen(ifname) >= sizeof(nio->u.gen.ifname)) {
        nio_log(nio, "bad interface name '%s'", ifname ? ifname : "");
        nio_free_failed(nio);
        return -EINVAL;
    }
    snprintf(nio->u.gen.ifname, sizeof(nio->u.gen.ifname), "%s", ifname);
    char err[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create(ifname, err);
    if (!p) {
        nio_log(nio, "pcap on '%s': %s", ifname, err);
        nio_free_failed(nio);
        return -ENODEV;
    }
    nio->u.gen.pcap = p;
    pcap_set_snaplen(p, GEN_ETH_SNAPLEN);
    pcap_set_promisc(p, 1);
    pcap_set_timeout(p, GEN_ETH_TIMEOUT_MS);
    pcap_set_immediate_mode(p, 1);
    int st = pcap_activate(p);
    if (st < 0) {
        nio_log(nio, "pcap on '%s': %s", ifname, pcap_geterr(p));
        nio_free_failed(nio);
        return st == PCAP_ERROR_PERM_DENIED ? -EPERM : -ENODEV;
    }
    pcap_setdirection(p, PCAP_D_INOUT);
    if (pcap_setnonblock(p, 1, err) < 0) {
        nio_log(nio, "pcap non-blocking: %s", err);
        nio_free_failed(nio);
        return -EIO;
    }
    nio->fd = pcap_get_selectable_fd(p);
    if (nio->fd < 0) {
        nio_log(nio, "pcap on '%s' has no selectable descriptor", ifname);
        nio_free_failed(nio);
        return -ENOTSUP;
    }
    *out = nio;
    return 0;
}
