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
 * 1, 4, 5), §4.4 "Serial" (mode 0 = HDLC, the rings of pmpsc.c; RX byte
 * count + 2 for the CRC).
 */
#include "pio.h"
#include "platform.h"
#include "pmpsc.h"
#include "tio.h"

#define ECHOES 3
#define CRC 2 /* counted by the channel past the frame (§4.4) */

static void seen(uint8_t *tx, unsigned len, unsigned n)
{
    t_printf("frame %u: %u bytes, address %02x, protocol %02x%02x\n", n,
             len, tx[0], tx[2], tx[3]);
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
    unsigned ch = pp_wic_port0_mpsc[wic];
    t_printf("WIC %d port 0: MPSC channel %u\n", wic, ch);
    pp_mpsc_echo(ch, CRC, ECHOES, seen); /* mode 0: HDLC */
}
