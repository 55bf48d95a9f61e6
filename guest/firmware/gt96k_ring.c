/*
 * gt96k_ring.c - the GT-96100's DMA descriptor rings (see gt96k_ring.h).
 */
#include "fw.h"

#include "drivers.h"
#include "gt96k_ring.h"

void gt_ring_alloc(struct gt_ring *g, int nrx, int ntx, int bufsz)
{
    g->nrx = nrx;
    g->ntx = ntx;
    g->bufsz = bufsz;
    g->rx = uncached(fw_alloc((size_t)nrx * sizeof(struct gt_desc)));
    g->tx = uncached(fw_alloc((size_t)ntx * sizeof(struct gt_desc)));
    g->rxbuf = uncached(fw_alloc((size_t)nrx * (size_t)bufsz));
    g->txbuf = uncached(fw_alloc((size_t)ntx * (size_t)bufsz));
}

void gt_ring_reset(struct gt_ring *g)
{
    for (int i = 0; i < g->nrx; i++) {
        g->rx[i].bytes = (uint32_t)g->bufsz << 16;
        g->rx[i].next = phys(&g->rx[(i + 1) % g->nrx]);
        g->rx[i].buf = phys(g->rxbuf + i * g->bufsz);
        g->rx[i].cmd = GD_OWN | GD_EI;
    }
    for (int i = 0; i < g->ntx; i++) {
        g->tx[i].bytes = 0;
        g->tx[i].cmd = 0;
        g->tx[i].next = phys(&g->tx[(i + 1) % g->ntx]);
        g->tx[i].buf = phys(g->txbuf + i * g->bufsz);
    }
    g->rx_next = g->tx_next = 0;
}

int gt_ring_tx(struct gt_ring *g, const uint8_t *frame, size_t len,
               uint32_t cmd)
{
    struct gt_desc *t = &g->tx[g->tx_next];
    if (len > (size_t)g->bufsz || (t->cmd & GD_OWN))
        return -1;
    memcpy(g->txbuf + g->tx_next * g->bufsz, frame, len);
    t->bytes = (uint32_t)len << 16;
    t->cmd = cmd;
    g->tx_next = (g->tx_next + 1) % g->ntx;
    return 0;
}

void gt_ring_poll(struct gt_ring *g, struct iface *ifp, uint32_t trailer,
                  void (*input)(struct iface *ifp, const uint8_t *frame,
                                size_t len))
{
    for (int k = 0; k < g->nrx; k++) {
        struct gt_desc *r = &g->rx[g->rx_next];
        uint32_t c = r->cmd;
        if (c & GD_OWN)
            break;
        uint32_t cnt = r->bytes & 0xFFFF;
        if ((c & (GD_F | GD_L | GD_ES)) == (GD_F | GD_L) && cnt > trailer &&
            cnt - trailer <= (uint32_t)g->bufsz)
            input(ifp, g->rxbuf + g->rx_next * g->bufsz, cnt - trailer);
        else
            ifp->in_drops++;
        r->bytes = (uint32_t)g->bufsz << 16;
        r->cmd = GD_OWN | GD_EI;
        g->rx_next = (g->rx_next + 1) % g->nrx;
    }
}
