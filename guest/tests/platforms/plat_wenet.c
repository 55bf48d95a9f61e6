/*
 * plat_wenet: Ethernet frames through a WIC-1ENET and back (GT-96100
 * routers). The probe looks for the WIC by the hardware type in its
 * EEPROM, prints the MAC the emulator burned into it, then moves frames
 * through the MPSC channel of the WIC's port: every frame received is
 * sent back with its addresses swapped; after three the probe prints
 * what it saw and stops. The test binds the WIC's port to a UDP NIO
 * (test_platforms.py).
 *
 * Shared spec c3600-c2691-c37xx.md §4.9 (WIC presence at FPGA 0x12, or
 * 0x100004 on the 3745, bits 0-2, 0 = fitted; WIC EEPROM through the
 * select register (0x1700, 0x1D00, 0x3500) and the command port 0x42
 * (0x100008): 0x180 | byte offset, then 0, then a read of two bytes; WIC
 * w port 0 = MPSC channel 1, 4, 5), §5.2 (WIC-1ENET image: v4, field 0x40
 * = 0x0039, MAC field 0xCF with its data at byte 57), §4.4 "Serial" (SDMA
 * rings as plat_hdlc). On these routers the WIC-1ENET's frames are
 * Ethernet frames on that channel, whose received byte count includes
 * the 4 FCS bytes (devices.md §1.6).
 */
#include "pio.h"
#include "platform.h"
#include "tio.h"

#define NRX 4
#define BUF 1536
#define ECHOES 3
#define FCS 4

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
static const uint16_t wic_select[3] = {0x1700, 0x1D00, 0x3500};

static uint32_t phys(const volatile void *p)
{
    return (uint32_t)(uintptr_t)p & 0x1FFFFFFFu;
}

/* The first 64 bytes of WIC w's EEPROM (the command port's reach). */
static void wic_eeprom(unsigned sel, unsigned port, int w, uint8_t *b)
{
    wr16(sel, wic_select[w]);
    for (unsigned off = 0; off < 64; off += 2) {
        wr16(port, (uint16_t)(0x180 | off));
        wr16(port, 0);
        uint16_t v = rd16(port);
        b[off] = (uint8_t)(v >> 8);
        b[off + 1] = (uint8_t)v;
    }
    wr16(sel, 0);
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
    unsigned sel = pp.fpga + (pp.id == PLATFORM_C3745 ? 0x100004 : 0x12);
    unsigned port = pp.fpga + (pp.id == PLATFORM_C3745 ? 0x100008 : 0x42);
    unsigned presence = rd16(sel);
    uint8_t ee[64];
    int wic = -1;
    for (int w = 0; w < 3 && wic < 0; w++) {
        if (presence & (1u << w))
            continue;
        wic_eeprom(sel, port, w, ee);
        /* v4 (04 FF), first field 0x40 = hardware type 0x0039 */
        if (ee[0] == 0x04 && ee[2] == 0x40 && ee[3] == 0x00 &&
            ee[4] == 0x39)
            wic = w;
    }
    if (wic < 0) {
        t_printf("no WIC-1ENET\n");
        return;
    }
    unsigned ch = wic_port0_mpsc[wic];
    unsigned sdma = ch * 0x10000;
    t_printf("WIC-1ENET in WIC %d: MPSC channel %u, field %02x len %u, MAC "
             "%02x:%02x:%02x:%02x:%02x:%02x\n", wic, ch, ee[55], ee[56],
             ee[57], ee[58], ee[59], ee[60], ee[61], ee[62]);
    gt_wr(ch * 0x8000 + 0xA00, 0); /* main configuration: mode 0 */
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
        if ((r[1] & (G_F | G_L | G_ES)) == (G_F | G_L) && count > FCS &&
            count - FCS <= BUF) {
            unsigned len = count - FCS;
            const uint8_t *f = rxbuf[next];
            for (unsigned i = 0; i < len; i++)
                txbuf[i] = f[i];
            for (unsigned i = 0; i < 6; i++) {
                txbuf[i] = f[6 + i];
                txbuf[6 + i] = f[i];
            }
            t_printf("frame %u: %u bytes, type %02x%02x\n", n++, len,
                     f[12], f[13]);
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
