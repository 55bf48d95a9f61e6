/*
 * Frame Relay PVC management, network (DCE) side, purely reactive: each
 * valid STATUS ENQUIRY gets one STATUS (shared spec network.md §10.3).
 *
 * Three dialects are answered; the reference answered only the first:
 *  - ANSI T1.617 Annex D: DLCI 0, protocol discriminator 0x08, locking
 *    shift 0x95, IEs 0x01 report type, 0x03 link integrity, 0x07 PVC
 *    status (3 octets). Byte-exact with the reference (§10.3 vectors).
 *  - ITU-T Q.933 Annex A: DLCI 0, discriminator 0x08, no shift, IEs 0x51,
 *    0x53, 0x57 with the same contents as ANSI.
 *  - Cisco LMI ("gang of four"): DLCI 1023 (address FC F1), discriminator
 *    0x09, IEs 0x01, 0x03, 0x07 with 6-octet PVC status (DLCI and status
 *    octets as ANSI, then 3 octets of bandwidth, sent as 0).
 * The request's IEs are echoed in the order they came; every PVC is
 * reported Active (New and Delete clear), by its input DLCI, ascending.
 *
 * Sequence numbers (§10.3): one 8-bit counter per port. If it differs from
 * the request's receive sequence number it is resynchronised to it; then
 * it is incremented, skipping 0. The STATUS carries send = counter,
 * receive = the request's send sequence number.
 */
#ifndef NET_FR_LMI_H
#define NET_FR_LMI_H

#include <stddef.h>
#include <stdint.h>

enum fr_lmi_type {
    FR_LMI_NONE = 0,
    FR_LMI_ANSI = 1,
    FR_LMI_Q933A = 2,
    FR_LMI_CISCO = 4,
};
#define FR_LMI_ALL (FR_LMI_ANSI | FR_LMI_Q933A | FR_LMI_CISCO)

#define FR_DLCI_LMI 0        /* ANSI and Q.933 Annex A */
#define FR_DLCI_CISCO_LMI 1023
#define FR_DLCI_MAX 1023     /* 2-byte Q.922 address: 10-bit DLCI */

/* Largest STATUS: header, two IEs, 8 bytes per PVC for 1024 DLCIs. */
#define FR_LMI_MAX_REPLY (16 + 8 * 1024)

/* DLCI of a 2-byte Q.922 address (spec §10.2); the frame has >= 2 bytes. */
static inline unsigned fr_dlci(const uint8_t *frame)
{
    return (unsigned)(frame[0] >> 2) << 4 | frame[1] >> 4;
}

/* Replace the DLCI, keeping C/R, EA, FECN, BECN and DE. */
static inline void fr_set_dlci(uint8_t *frame, unsigned dlci)
{
    frame[0] = (uint8_t)((frame[0] & 0x03) | ((dlci >> 4) & 0x3F) << 2);
    frame[1] = (uint8_t)((frame[1] & 0x0F) | (dlci & 0x0F) << 4);
}

/* Which dialect a frame's header announces (FR_LMI_NONE: not LMI). */
enum fr_lmi_type fr_lmi_classify(const uint8_t *frame, size_t len);

/*
 * Build the STATUS for a STATUS ENQUIRY of the given dialect. dlcis are
 * the port's PVCs in ascending order. *seq is the port's counter (updated
 * only when a reply is produced). Returns the reply length, or a negative
 * errno when the enquiry is invalid (-EBADMSG) or the reply does not fit.
 */
int fr_lmi_reply(enum fr_lmi_type type, const uint8_t *req, size_t len,
                 uint8_t *seq, const uint16_t *dlcis, size_t ndlcis,
                 uint8_t *out, size_t size);

#endif
