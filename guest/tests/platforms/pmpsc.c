/*
 * pmpsc: frames echoed through a GT-96100 MPSC channel (see pmpsc.h).
 * Descriptor bits: shared spec c3600-c2691-c37xx.md §4.4 (GT-96100 SDMA
 * descriptors: word 1 OWN, first, last, error summary).
 */
#include "pmpsc.h"

#include "pio.h"
#include "tio.h"

#define NRX 4
#define BUF 1536

#define G_OWN 0x80000000u
#define G_F 0x00020000u
#define G_L 0x00010000u
#define G_ES 0x00008000u
#define SDCM_TXD 0x00800000u

const unsigned pp_wic_port0_mpsc[3] = {1, 4, 5};

static uint8_t rxbuf[NRX][BUF] __attribute__((aligned(16)));
static uint8_t txbuf[BUF] __attribute__((aligned(16)));
static volatile uint32_t rxd[NRX][4] __attribute__((aligned(16)));
static volatile uint32_t txd[4] __attribute__((aligned(16)));

static uint32_t phys(const volatile void *p)
{
    return (uint32_t)(uintptr_t)p & 0x1FFFFFFFu;
}

void pp_mpsc_echo(unsigned ch, unsigned trailer, unsigned echoes,
                  void (*seen)(uint8_t *tx, unsigned len, unsigned n))
{
    unsigned sdma = ch * 0x10000;
    gt_wr(ch * 0x8000 + 0xA00, 0); /* main configuration: mode 0 */
    for (int i = 0; i < NRX; i++) {
        rxd[i][0] = (uint32_t)BUF << 16;
        rxd[i][1] = G_OWN;
        rxd[i][2] = phys(rxd[(i + 1) % NRX]);
        rxd[i][3] = phys(rxbuf[i]);
    }
    gt_wr(sdma + 0x8910, phys(rxd[0]));
    t_printf("started\n");
    for (unsigned n = 0, next = 0; n < echoes;) {
        volatile uint32_t *r = rxd[next];
        if (r[1] & G_OWN)
            continue;
        unsigned count = r[0] & 0xFFFF;
        if ((r[1] & (G_F | G_L | G_ES)) == (G_F | G_L) && count > trailer &&
            count - trailer <= BUF) {
            unsigned len = count - trailer;
            for (unsigned i = 0; i < len; i++)
                txbuf[i] = rxbuf[next][i];
            seen(txbuf, len, n++);
            while (txd[1] & G_OWN)
                ;
            txd[0] = (uint32_t)len << 16;
            txd[2] = 0;
            txd[3] = phys(txbuf);
            txd[1] = G_OWN | G_F | G_L;
            gt_wr(sdma + 0xC914, phys(txd));
            gt_wr(sdma + 0xC910, phys(txd));
            gt_wr(sdma + 0x0908, SDCM_TXD);
        }
        r[0] = (uint32_t)BUF << 16;
        r[1] = G_OWN;
        next = (next + 1) % NRX;
    }
    t_printf("echoed %u frames\n", echoes);
}
