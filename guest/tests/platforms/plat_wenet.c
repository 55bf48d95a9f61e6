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
 * rings: pmpsc.c). On these routers the WIC-1ENET's frames are
 * Ethernet frames on that channel, whose received byte count includes
 * the 4 FCS bytes (devices.md §1.6).
 */
#include "pio.h"
#include "platform.h"
#include "pmpsc.h"
#include "tio.h"

#define ECHOES 3
#define FCS 4

static const uint16_t wic_select[3] = {0x1700, 0x1D00, 0x3500};

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

/* The frame goes back with its addresses swapped. */
static void seen(uint8_t *tx, unsigned len, unsigned n)
{
    for (unsigned i = 0; i < 6; i++) {
        uint8_t d = tx[i];
        tx[i] = tx[6 + i];
        tx[6 + i] = d;
    }
    t_printf("frame %u: %u bytes, type %02x%02x\n", n, len, tx[12], tx[13]);
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
    unsigned ch = pp_wic_port0_mpsc[wic];
    t_printf("WIC-1ENET in WIC %d: MPSC channel %u, field %02x len %u, MAC "
             "%02x:%02x:%02x:%02x:%02x:%02x\n", wic, ch, ee[55], ee[56],
             ee[57], ee[58], ee[59], ee[60], ee[61], ee[62]);
    pp_mpsc_echo(ch, FCS, ECHOES, seen);
}
