/*
 * Frame Relay LMI STATUS ENQUIRY parsing and STATUS building (see
 * fr_lmi.h; ANSI T1.617 Annex D, ITU-T Q.933 Annex A, Cisco LMI; shared
 * spec network.md §10.3).
 */
#include "net/fr_lmi.h"

#include <errno.h>
#include <string.h>

#define LMI_UI 0x03
#define LMI_PD_Q933 0x08  /* protocol discriminator, ANSI and Q.933 */
#define LMI_PD_CISCO 0x09
#define LMI_CALL_REF 0x00
#define LMI_STATUS_ENQUIRY 0x75
#define LMI_STATUS 0x7D
#define LMI_ANSI_SHIFT 0x95 /* locking shift to codeset 5 */

#define REPORT_FULL 0x00
#define REPORT_LIV 0x01 /* link integrity verification only */

/* Information element identifiers per dialect. */
struct lmi_ies {
    uint8_t report, liv, pvc, pvc_len;
};
static const struct lmi_ies ies_ansi = {0x01, 0x03, 0x07, 3};
static const struct lmi_ies ies_q933 = {0x51, 0x53, 0x57, 3};
static const struct lmi_ies ies_cisco = {0x01, 0x03, 0x07, 6};

/* Header of an enquiry; the reply has LMI_STATUS at offset 5. */
static const uint8_t hdr_ansi[] = {0x00, 0x01, LMI_UI, LMI_PD_Q933,
                                   LMI_CALL_REF, LMI_STATUS_ENQUIRY,
                                   LMI_ANSI_SHIFT};
static const uint8_t hdr_q933[] = {0x00, 0x01, LMI_UI, LMI_PD_Q933,
                                   LMI_CALL_REF, LMI_STATUS_ENQUIRY};
static const uint8_t hdr_cisco[] = {0xFC, 0xF1, LMI_UI, LMI_PD_CISCO,
                                    LMI_CALL_REF, LMI_STATUS_ENQUIRY};
#define MSG_TYPE_OFFSET 5

static int starts_with(const uint8_t *f, size_t len, const uint8_t *h,
                       size_t hlen)
{
    /* The message must be longer than its header (spec §10.3). */
    return len > hlen && !memcmp(f, h, hlen);
}

enum fr_lmi_type fr_lmi_classify(const uint8_t *frame, size_t len)
{
    if (starts_with(frame, len, hdr_ansi, sizeof(hdr_ansi))) {
        return FR_LMI_ANSI;
    }
    if (starts_with(frame, len, hdr_q933, sizeof(hdr_q933))) {
        return FR_LMI_Q933A;
    }
    if (starts_with(frame, len, hdr_cisco, sizeof(hdr_cisco))) {
        return FR_LMI_CISCO;
    }
    return FR_LMI_NONE;
}

static void put_pvc(uint8_t *p, const struct lmi_ies *ies, unsigned dlci)
{
    p[0] = ies->pvc;
    p[1] = ies->pvc_len;
    p[2] = (uint8_t)((dlci >> 4) & 0x3F);               /* ext 0, spare 0 */
    p[3] = (uint8_t)(0x80 | (dlci & 0x0F) << 3);        /* ext 1 */
    p[4] = 0x82;                                        /* ext 1, Active */
    if (ies->pvc_len == 6) {
        p[5] = p[6] = p[7] = 0; /* Cisco: bandwidth, not policed */
    }
}

int fr_lmi_reply(enum fr_lmi_type type, const uint8_t *req, size_t len,
                 uint8_t *seq, const uint16_t *dlcis, size_t ndlcis,
                 uint8_t *out, size_t size)
{
    const uint8_t *hdr;
    size_t hlen;
    const struct lmi_ies *ies;
    switch (type) {
    case FR_LMI_ANSI:
        hdr = hdr_ansi, hlen = sizeof(hdr_ansi), ies = &ies_ansi;
        break;
    case FR_LMI_Q933A:
        hdr = hdr_q933, hlen = sizeof(hdr_q933), ies = &ies_q933;
        break;
    case FR_LMI_CISCO:
        hdr = hdr_cisco, hlen = sizeof(hdr_cisco), ies = &ies_cisco;
        break;
    default:
        return -EINVAL;
    }
    if (!starts_with(req, len, hdr, hlen)) {
        return -EBADMSG;
    }
    size_t need = hlen + 3 + 4 + ndlcis * (2u + ies->pvc_len);
    if (need > size) {
        return -ENOBUFS;
    }

    /* Parse the IEs while a whole IE header and one byte remain. */
    int report = -1, have_liv = 0;
    uint8_t rsn_req = 0, ssn_req = 0;
    size_t o = hlen, w = hlen;
    memcpy(out, hdr, hlen);
    out[MSG_TYPE_OFFSET] = LMI_STATUS;
    while (len - o >= 3) {
        uint8_t id = req[o], ilen = req[o + 1];
        if (o + 2 + ilen > len) {
            return -EBADMSG; /* IE runs past the end */
        }
        if (id == ies->report && report < 0) {
            if (ilen != 1 || req[o + 2] > REPORT_LIV) {
                return -EBADMSG;
            }
            report = req[o + 2];
            out[w++] = ies->report;
            out[w++] = 1;
            out[w++] = (uint8_t)report;
        } else if (id == ies->liv && !have_liv) {
            if (ilen != 2) {
                return -EBADMSG;
            }
            ssn_req = req[o + 2];
            rsn_req = req[o + 3];
            have_liv = 1;
            out[w++] = ies->liv;
            out[w++] = 2;
            out[w++] = 0; /* filled below */
            out[w++] = ssn_req;
        } else {
            break; /* unknown or repeated IE: stop, answer what was seen */
        }
        o += 2 + ilen;
    }
    if (report < 0 || !have_liv) {
        return -EBADMSG;
    }

    if (*seq != rsn_req) {
        *seq = rsn_req; /* resynchronise */
    }
    if (++*seq == 0) {
        *seq = 1;
    }
    for (size_t i = hlen; i < w; i += 2 + out[i + 1]) {
        if (out[i] == ies->liv) {
            out[i + 2] = *seq;
        }
    }
    if (report == REPORT_FULL) {
        for (size_t i = 0; i < ndlcis; i++) {
            put_pvc(out + w, ies, dlcis[i]);
            w += 2u + ies->pvc_len;
        }
    }
    return (int)w;
}
