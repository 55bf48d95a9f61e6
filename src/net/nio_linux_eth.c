/*
 * linux_eth NIO (shared spec network.md §2.6): an AF_PACKET raw socket
 * bound to one interface, promiscuous. Needs CAP_NET_RAW.
 *
 * Frames the host itself transmits on the interface are received too (as
 * in the reference: that is how host traffic reaches the emulation); the
 * NIO's own frames are not looped back by the kernel. Where the reference
 * lost 802.1Q tags that the kernel had moved into packet metadata (VLAN
 * receive offload), this NIO asks for that metadata (PACKET_AUXDATA) and
 * puts the tag back, so it behaves like gen_eth (§2.7).
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/nio_internal.h"

#define ETH_ADDRS_LEN 12 /* destination + source MAC */
#define VLAN_TAG_LEN 4

static ssize_t eth_send(struct nio *nio, const void *frame, size_t len)
{
    struct sockaddr_ll sa = {
        .sll_family = AF_PACKET,
        .sll_ifindex = nio->u.eth.ifindex,
        .sll_protocol = htons(ETH_P_ALL),
    };
    ssize_t r = sendto(nio->fd, frame, len, MSG_DONTWAIT,
                       (struct sockaddr *)&sa, sizeof(sa));
    return r < 0 ? -errno : r;
}

static ssize_t eth_recv(struct nio *nio, uint8_t *buf, size_t size)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } ctl;
    /* Read VLAN_TAG_LEN bytes further in so a tag can be re-inserted. */
    struct iovec iov = {.iov_base = buf + VLAN_TAG_LEN,
                        .iov_len = size - VLAN_TAG_LEN};
    struct msghdr mh = {.msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = ctl.buf,
                        .msg_controllen = sizeof(ctl.buf)};
    ssize_t r = recvmsg(nio->fd, &mh, MSG_TRUNC | MSG_DONTWAIT);
    if (r < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? NIO_RX_NONE
                                                         : -errno;
    }
    if ((size_t)r > size - VLAN_TAG_LEN) {
        return NIO_RX_OVERSIZE;
    }
    uint16_t tpid = 0, tci = 0;
    int tagged = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) {
            continue;
        }
        struct tpacket_auxdata aux;
        memcpy(&aux, CMSG_DATA(c), sizeof(aux));
        if ((aux.tp_status & TP_STATUS_VLAN_VALID) || aux.tp_vlan_tci) {
            tagged = 1;
            tci = aux.tp_vlan_tci;
            tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID)
                       ? aux.tp_vlan_tpid
                       : ETHERTYPE_VLAN;
        }
    }
    if (!tagged || r < ETH_ADDRS_LEN) {
        memmove(buf, buf + VLAN_TAG_LEN, (size_t)r);
        return r;
    }
    memmove(buf, buf + VLAN_TAG_LEN, ETH_ADDRS_LEN);
    buf[12] = (uint8_t)(tpid >> 8);
    buf[13] = (uint8_t)tpid;
    buf[14] = (uint8_t)(tci >> 8);
    buf[15] = (uint8_t)tci;
    return r + VLAN_TAG_LEN;
}

static int eth_describe(const struct nio *nio, char *buf, size_t size)
{
    return snprintf(buf, size, "create_linux_eth %s %s", nio->name,
                    nio->u.eth.ifname);
}

static const struct nio_ops eth_ops = {
    .type = NIO_TYPE_LINUX_ETH,
    .send = eth_send,
    .recv = eth_recv,
    .describe = eth_describe,
};

int nio_create_linux_eth(struct nio **out, struct evloop *ev,
                         struct logger *lg, const char *name,
                         const char *ifname)
{
    struct nio *nio;
    int rc = nio_alloc(&nio, &eth_ops, ev, lg, name);
    if (rc < 0) {
        return rc;
    }
    if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ) {
        nio_log(nio, "bad interface name '%s'", ifname ? ifname : "");
        nio_free_failed(nio);
        return -EINVAL;
    }
    snprintf(nio->u.eth.ifname, sizeof(nio->u.eth.ifname), "%s", ifname);
    nio->u.eth.ifindex = (int)if_nametoindex(ifname);
    if (!nio->u.eth.ifindex) {
        rc = -errno;
        nio_log(nio, "interface '%s': %s", ifname, strerror(errno));
        nio_free_failed(nio);
        return rc;
    }
    nio->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
                     htons(ETH_P_ALL));
    if (nio->fd < 0) {
        rc = -errno;
        nio_log(nio, "raw socket: %s%s", strerror(errno),
                errno == EPERM ? " (needs CAP_NET_RAW)" : "");
        nio_free_failed(nio);
        return rc;
    }
    struct sockaddr_ll sa = {
        .sll_family = AF_PACKET,
        .sll_ifindex = nio->u.eth.ifindex,
        .sll_protocol = htons(ETH_P_ALL),
    };
    struct packet_mreq mr = {.mr_ifindex = nio->u.eth.ifindex,
                             .mr_type = PACKET_MR_PROMISC};
    int one = 1;
    if (bind(nio->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        setsockopt(nio->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
                   sizeof(mr)) < 0 ||
        setsockopt(nio->fd, SOL_PACKET, PACKET_AUXDATA, &one,
                   sizeof(one)) < 0) {
        rc = -errno;
        nio_log(nio, "bind raw socket to '%s': %s", ifname, strerror(errno));
        nio_free_failed(nio);
        return rc;
    }
    *out = nio;
    return 0;
}
