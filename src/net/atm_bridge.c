/*
 * ATM bridge (atm_bridge.h; shared spec network.md §11.5). One lock guards
 * the configuration and the reassembly context; it is held while frames
 * are sent (non-blocking sends) and never while receivers are
 * (un)registered, which a separate management lock serialises.
 */
#include "net/atm_bridge.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "net/atm.h"
#include "net/dev_name.h"
#include "net/nio.h"

/* RFC 2684 §5.2: LLC SNAP, OUI 00-80-C2, PID 0x0007 (no FCS), pad. */
static const uint8_t rfc2684_bridged[] = {0xAA, 0xAA, 0x03, 0x00, 0x80,
                                          0xC2, 0x00, 0x07, 0x00, 0x00};
#define BRIDGED_HDR_LEN sizeof(rfc2684_bridged)

struct atm_bridge {
    char *name;
    struct logger *log;
    pthread_mutex_t lock, mgmt;
    int configured;
    struct nio *eth, *atm;
    unsigned vpi, vci;
    struct atm_bridge_stats stats;
    struct aal5_reasm reasm;
    uint8_t pdu[BRIDGED_HDR_LEN + NIO_MAX_FRAME];
};

static void emit_cell(void *arg, const uint8_t *cell)
{
    struct atm_bridge *br = arg;
    br->stats.cells_out++;
    nio_send(br->atm, cell, ATM_CELL_SIZE);
}

static void eth_rx(struct nio *nio, uint8_t *frame, size_t len, void *arg)
{
    struct atm_bridge *br = arg;
    (void)nio;
    pthread_mutex_lock(&br->lock);
    if (br->configured) {
        memcpy(br->pdu, rfc2684_bridged, BRIDGED_HDR_LEN);
        memcpy(br->pdu + BRIDGED_HDR_LEN, frame, len);
        br->stats.eth_frames++;
        if (aal5_segment(br->pdu, BRIDGED_HDR_LEN + len, br->vpi, br->vci,
                         emit_cell, br) < 0) {
            br->stats.dropped++;
        }
    }
    pthread_mutex_unlock(&br->lock);
}

static void atm_rx(struct nio *nio, uint8_t *cell, size_t len, void *arg)
{
    struct atm_bridge *br = arg;
    (void)nio;
    pthread_mutex_lock(&br->lock);
    if (!br->configured) {
        goto out;
    }
    if (len != ATM_CELL_SIZE) {
        br->stats.dropped++;
        goto out;
    }
    uint32_t w = atm_hdr_word(cell);
    if (atm_vpi(w) != br->vpi || atm_vci(w) != br->vci) {
        br->stats.dropped++;
        goto out;
    }
    br->stats.cells_in++;
    int plen = aal5_reasm_cell(&br->reasm, cell);
    if (plen == 0) {
        goto out;
    }
    if (plen < 0 || (size_t)plen <= BRIDGED_HDR_LEN ||
        memcmp(br->reasm.buf, rfc2684_bridged, BRIDGED_HDR_LEN) != 0) {
        br->stats.dropped++;
        goto out;
    }
    br->stats.pdus_in++;
    nio_send(br->eth, br->reasm.buf + BRIDGED_HDR_LEN,
             (size_t)plen - BRIDGED_HDR_LEN);
out:
    pthread_mutex_unlock(&br->lock);
}

int atm_bridge_create(struct atm_bridge **out, struct logger *lg,
                      const char *name)
{
    *out = NULL;
    if (!name || !*name) {
        return -EINVAL;
    }
    struct atm_bridge *br = calloc(1, sizeof(*br));
    if (!br || !(br->name = strdup(name))) {
        free(br);
        return -ENOMEM;
    }
    br->log = lg;
    pthread_mutex_init(&br->lock, NULL);
    pthread_mutex_init(&br->mgmt, NULL);
    *out = br;
    return 0;
}

void atm_bridge_destroy(struct atm_bridge *br)
{
    if (!br) {
        return;
    }
    atm_bridge_unconfigure(br);
    pthread_mutex_destroy(&br->lock);
    pthread_mutex_destroy(&br->mgmt);
    free(br->name);
    free(br);
}

const char *atm_bridge_name(const struct atm_bridge *br)
{
    return br->name;
}

int atm_bridge_rename(struct atm_bridge *br, const char *name)
{
    return dev_name_set(&br->lock, &br->name, name);
}

int atm_bridge_configure(struct atm_bridge *br, struct nio *eth,
                         struct nio *atm, unsigned vpi, unsigned vci)
{
    if (!eth || !atm || eth == atm || vpi > ATM_VPI_MAX ||
        vci > ATM_VCI_MAX) {
        return -EINVAL;
    }
    pthread_mutex_lock(&br->mgmt);
    if (br->configured) {
        pthread_mutex_unlock(&br->mgmt);
        return -EISCONN;
    }
    pthread_mutex_lock(&br->lock);
    br->eth = eth;
    br->atm = atm;
    br->vpi = vpi;
    br->vci = vci;
    br->reasm.len = 0;
    pthread_mutex_unlock(&br->lock);
    int rc = nio_set_rx(eth, eth_rx, br);
    if (rc == 0) {
        rc = nio_set_rx(atm, atm_rx, br);
        if (rc < 0) {
            nio_clear_rx(eth);
        }
    }
    if (rc == 0) {
        nio_hold(eth);
        nio_hold(atm);
        pthread_mutex_lock(&br->lock);
        br->configured = 1;
        pthread_mutex_unlock(&br->lock);
    } else {
        log_msg(br->log, "ATMBR", "bridge '%s': cannot listen to %s/%s",
                br->name, nio_name(eth), nio_name(atm));
    }
    pthread_mutex_unlock(&br->mgmt);
    return rc;
}

int atm_bridge_unconfigure(struct atm_bridge *br)
{
    pthread_mutex_lock(&br->mgmt);
    if (!br->configured) {
        pthread_mutex_unlock(&br->mgmt);
        return -ENOTCONN;
    }
    pthread_mutex_lock(&br->lock);
    br->configured = 0;
    pthread_mutex_unlock(&br->lock);
    nio_clear_rx(br->eth);
    nio_clear_rx(br->atm);
    nio_release(br->eth);
    nio_release(br->atm);
    pthread_mutex_lock(&br->lock);
    br->eth = br->atm = NULL;
    pthread_mutex_unlock(&br->lock);
    pthread_mutex_unlock(&br->mgmt);
    return 0;
}

int atm_bridge_get_config(struct atm_bridge *br, struct nio **eth,
                          struct nio **atm, unsigned *vpi, unsigned *vci)
{
    pthread_mutex_lock(&br->lock);
    int rc = br->configured ? 0 : -ENOTCONN;
    if (rc == 0) {
        *eth = br->eth;
        *atm = br->atm;
        *vpi = br->vpi;
        *vci = br->vci;
    }
    pthread_mutex_unlock(&br->lock);
    return rc;
}

void atm_bridge_get_stats(struct atm_bridge *br, struct atm_bridge_stats *st)
{
    pthread_mutex_lock(&br->lock);
    *st = br->stats;
    pthread_mutex_unlock(&br->lock);
}
