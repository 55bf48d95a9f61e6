/*
 * TAP NIO (shared spec network.md §2.5): a Linux TUN/TAP device in TAP
 * mode without the packet-information header, so each read or write is
 * one bare Ethernet frame. The interface is not brought up here.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "net/nio_internal.h"

static ssize_t tap_send(struct nio *nio, const void *frame, size_t len)
{
    ssize_t r = write(nio->fd, frame, len);
    return r < 0 ? -errno : r;
}

static ssize_t tap_recv(struct nio *nio, uint8_t *buf, size_t size)
{
    ssize_t r = read(nio->fd, buf, size);
    if (r < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? NIO_RX_NONE
                                                         : -errno;
    }
    return r;
}

static int tap_describe(const struct nio *nio, char *buf, size_t size)
{
    return snprintf(buf, size, "create_tap %s %s", nio->name,
                    nio->u.tap.dev);
}

static const struct nio_ops tap_ops = {
    .type = NIO_TYPE_TAP,
    .send = tap_send,
    .recv = tap_recv,
    .describe = tap_describe,
};

int nio_create_tap(struct nio **out, struct evloop *ev, struct logger *lg,
                   const char *name, const char *dev)
{
    struct nio *nio;
    int rc = nio_alloc(&nio, &tap_ops, ev, lg, name);
    if (rc < 0) {
        return rc;
    }
    if (!dev || strlen(dev) >= sizeof(nio->u.tap.dev)) {
        nio_log(nio, "TAP device name too long");
        nio_free_failed(nio);
        return -ENAMETOOLONG;
    }
    nio->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (nio->fd < 0) {
        rc = -errno;
        nio_log(nio, "open /dev/net/tun: %s", strerror(errno));
        nio_free_failed(nio);
        return rc;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    /* Kernel names are at most 15 characters (spec §2.5: truncated). */
    snprintf(ifr.ifr_name, IFNAMSIZ, "%.*s", IFNAMSIZ - 1, dev);
    if (ioctl(nio->fd, TUNSETIFF, &ifr) < 0) {
        rc = -errno;
        nio_log(nio, "create TAP '%s': %s%s", dev, strerror(errno),
                errno == EPERM ? " (needs CAP_NET_ADMIN)" : "");
        nio_free_failed(nio);
        return rc;
    }
    snprintf(nio->u.tap.dev, sizeof(nio->u.tap.dev), "%s", ifr.ifr_name);
    *out = nio;
    return 0;
}
