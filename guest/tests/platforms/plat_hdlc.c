/*
 * plat_hdlc: HDLC frames through port 0 of the first fitted WIC and back
 * (GT-96100 routers). The WIC comes from the I/O FPGA's presence bits,
 * its port is the MPSC channel the spec assigns it, and the frames move
 * through that channel's SDMA rings in RAM: every frame received is sent
 * back as it came; after three the probe prints what it saw and stops.
 * The test binds the WIC port to a UDP NIO (test_platforms.py).
 *
 * Shared spec c3600-c2691-c37xx.md §4.9 (WIC presence at FPGA 0x12, or
 * 0x100004 on the 3745, bits 0-2, 0 = fitted; WIC w port 0 = MPSC channel
 * 1, 4, 5), §4.4 "Serial" (MPSC n main config low at n * 0x8000 + 0xA00,
 * mode 0 = HDLC; SDMA group 0 channel n at n * 0x10000: 0x0908 command,
 * bit 23 transmits the chain, 0x8910 current RX descriptor, 0xC910 /
 * 0xC914 current / first TX descriptor; RX byte count + 2 for the CRC).
 */
#include "pio.h"
#include "platform.h"
#include "tio.h"

#define NRX 4
#define BUF 1536
#define ECHOES 3

#define G_OWN 0x80000000u
#define G_F 0x00020000u
#define G_L 0x00010000u
#define G_ES 0x00008000u
#define SDCM_TXD 0x00800000u

static uint8_t rxbuf[NRX][BUF] __attribute__((aligned(16)));
static uint8_t txbuf[BUF] __attribute__((aligned(16)));
static volatile uint32_t rxd[NRX][4] __attribute__((aligned(16)));
static volatile uint32_t txd[4] __attribute__((aligned(16)));

static const unsigned wic_port0_mpsc[3] = {1, 4, 5};

static uint32_t phys(const volatile void *p)
{
    return (uint32_t)(uintptr_t)p & 0x1FFFFFFFu;
}

void test_main(void)
{
    if (pp_init() < 0) {
        t_printf("unknown platform id %x\n", pp.id);
        return;
    }
    t_printf("platform %s\n", pp.name);
    if (pp.family != PP_GT96K) {
        t_printf("no MPSC\n");
        return;
    }
    unsigned reg = pp.id == PLATFORM_C3745 ? 0x100004 : 0x12;
    unsigned presence = rd16(pp.fpga + reg);
    int wic = -1;
    for (int w = 2; w >= 0; w--)
        if (!(presence & (1u << w)))
            wic = w;
    if (wic < 0) {
        t_printf("no WIC\n");
        return;
    }
    unsigned ch = wic_port0_mpsc[wic];
    unsigned sdma = ch * 0x10000;
    t_printf("WIC %d port 0: MPSC channel %u\n", wic, ch);
    gt_wr(ch * 0x8000 + 0xA00, 0); /* HDLC */
    for (int i = 0; i < NRX; i++) {
        rxd[i][0] = (uint32_t)BUF << 16;
        rxd[i][1] = G_OWN;
        rxd[i][2] = phys(rxd[(i + 1) % NRX]);
        rxd[i][3] = phys(rxbuf[i]);
    }
    gt_wr(sdma + 0x8910, phys(rxd[0]));
    t_printf("started\n");
    for (unsigned n = 0, next = 0; n < ECHOES;) {
        volatile uint32_t *r = rxd[next];
        if (r[1] & G_OWN)
            continue;
        unsigned count = r[0] & 0xFFFF;
        if ((r[1] & (G_F | G_L | G_ES)) == (G_F | G_L) && count > 2 &&
            count - 2 <= BUF) {
            unsigned len = count - 2;
            for (unsigned i = 0; i < len; i++)
                txbuf[i] = rxbuf[next][i];
            t_printf("frame %u: %u bytes, address %02x, protocol "
                     "%02x%02x\n", n++, len, txbuf[0], txbuf[2], txbuf[3]);
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
    t_printf("echoed %u frames\n", ECHOES);
}
