/*
 * The capture filter (shared spec network.md §7.3-§7.5): every frame that
 * passes its slot is appended to a classic libpcap savefile (microsecond
 * timestamps, snapshot length 65535, link type from a DLT name) and the
 * file is flushed after each record, so a reader (GNS3 streams it into
 * Wireshark) sees frames at once. Unlike the reference, the file header
 * is flushed at setup, so a capture that saw nothing is still a valid
 * file.
 *
 * ATM NIOs carry raw 53-byte cells; captured under atm_rfc1483 (LINKTYPE
 * 100, as libpcap maps DLT 11) analyzers misread them. Kept as the
 * reference does, since GNS3 offers exactly that name (§7.5, §13).
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "net/nio_internal.h"

#define CAPTURE_SNAPLEN 65535

struct capture {
    pcap_t *dead;
    pcap_dumper_t *dumper;
};

int nio_capture_dlt(const char *name)
{
    if (!name) {
        return -ENOENT;
    }
    /* libpcap knows the names without the DLT_ prefix, in any case. */
    int dlt = pcap_datalink_name_to_val(name);
    return dlt < 0 ? -ENOENT : dlt;
}

static void capture_free(void *state)
{
    struct capture *c = state;
    if (c->dumper) {
        pcap_dump_close(c->dumper);
    }
    if (c->dead) {
        pcap_close(c->dead);
    }
    free(c);
}

static int capture_setup(struct nio *nio, void **state, int argc,
                         char *const argv[])
{
    if (argc != 2) {
        return -EINVAL;
    }
    int dlt = nio_capture_dlt(argv[0]);
    if (dlt < 0) {
        nio_log(nio, "unknown link type %s, assuming Ethernet.", argv[0]);
        dlt = DLT_EN10MB;
    }
    struct capture *c = calloc(1, sizeof(*c));
    if (!c) {
        return -ENOMEM;
    }
    c->dead = pcap_open_dead(dlt, CAPTURE_SNAPLEN);
    if (!c->dead) {
        free(c);
        return -ENOMEM;
    }
    c->dumper = pcap_dump_open(c->dead, argv[1]);
    if (!c->dumper) {
        nio_log(nio, "cannot open capture file '%s': %s", argv[1],
                pcap_geterr(c->dead));
        capture_free(c);
        return -EIO;
    }
    pcap_dump_flush(c->dumper);
    nio_log(nio, "capturing to '%s' (link type %s)", argv[1], argv[0]);
    *state = c;
    return 0;
}

static int capture_pass(struct nio *nio, void *state, enum nio_dir dir,
                        const uint8_t *frame, size_t len)
{
    (void)nio;
    (void)dir;
    struct capture *c = state;
    struct pcap_pkthdr h;
    gettimeofday(&h.ts, NULL);
    h.len = (bpf_u_int32)len;
    h.caplen = (bpf_u_int32)(len < CAPTURE_SNAPLEN ? len : CAPTURE_SNAPLEN);
    pcap_dump((u_char *)c->dumper, &h, frame);
    pcap_dump_flush(c->dumper);
    return 1;
}

const struct nio_filter_ops nio_filter_capture = {
    .name = "capture",
    .setup = capture_setup,
    .free = capture_free,
    .pass = capture_pass,
};
