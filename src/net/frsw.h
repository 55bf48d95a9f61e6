/*
 * Frame Relay switch (shared spec network.md §10): unidirectional PVCs
 * (input NIO, input DLCI) -> (output NIO, output DLCI) with a 2-byte Q.922
 * address rewrite that keeps C/R, FECN, BECN and DE, and the network side
 * of LMI on every input NIO (fr_lmi.h: ANSI Annex D, Q.933 Annex A and
 * Cisco LMI, all reactive; no T392/N392/N393 procedures, as the
 * reference).
 *
 * An NIO is listened to while it is the input of at least one VC (an
 * output-only NIO gets no LMI answers, as the reference). Frames are
 * switched on the event loop thread; management is thread-safe.
 *
 * Differences from the reference (spec §13): DLCIs are validated (1 to
 * 1023), frames shorter than 2 bytes are dropped, a rejected create_vc
 * leaves existing VCs alone (the reference stopped listening to the
 * input NIO), Q.933 Annex A and Cisco LMI are answered.
 */
#ifndef NET_FRSW_H
#define NET_FRSW_H

#include <stdint.h>

struct logger;
struct nio;
struct frsw;

struct frsw_vc_info {
    struct nio *in;
    unsigned in_dlci;
    struct nio *out;
    unsigned out_dlci;
    uint64_t frames; /* switched on this VC */
};

struct frsw_stats {
    uint64_t frames;  /* received on input NIOs */
    uint64_t switched;
    uint64_t lmi_replies;
    uint64_t dropped; /* no VC, runts, invalid LMI */
};

int frsw_create(struct frsw **out, struct logger *lg, const char *name);
/* Deletes every VC (releasing the NIOs) and frees the switch. */
void frsw_destroy(struct frsw *sw);
const char *frsw_name(const struct frsw *sw);
int frsw_rename(struct frsw *sw, const char *name);

/*
 * -EINVAL: DLCI outside 1..1023 or NULL NIO; -EEXIST: (in, in_dlci)
 * already switched; -EBUSY: the input NIO has another receiver.
 */
int frsw_create_vc(struct frsw *sw, struct nio *in, unsigned in_dlci,
                   struct nio *out, unsigned out_dlci);
/* All four values must match; -ENOENT otherwise. */
int frsw_delete_vc(struct frsw *sw, struct nio *in, unsigned in_dlci,
                   struct nio *out, unsigned out_dlci);
/* VCs by input NIO then input DLCI. */
void frsw_foreach_vc(struct frsw *sw,
                     void (*fn)(void *arg, const struct frsw_vc_info *vc),
                     void *arg);

/* LMI dialects answered (FR_LMI_* mask; default all). */
void frsw_set_lmi_types(struct frsw *sw, unsigned mask);

void frsw_get_stats(struct frsw *sw, struct frsw_stats *st);

#endif
