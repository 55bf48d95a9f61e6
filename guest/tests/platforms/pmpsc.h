/*
 * pmpsc: frames echoed through a GT-96100 MPSC channel and its SDMA rings
 * in RAM, for the WIC probes (plat_hdlc, plat_wenet).
 *
 * Shared spec c3600-c2691-c37xx.md §4.4 "Serial" (MPSC n main config low
 * at n * 0x8000 + 0xA00, mode 0; SDMA group 0 channel n at n * 0x10000:
 * 0x0908 command, bit 23 transmits the chain, 0x8910 current RX
 * descriptor, 0xC910 / 0xC914 current / first TX descriptor).
 */
#ifndef PMPSC_H
#define PMPSC_H

#include <stdint.h>

/* WIC w's port 0 is MPSC channel pp_wic_port0_mpsc[w] (§4.9). */
extern const unsigned pp_wic_port0_mpsc[3];

/*
 * Puts channel ch in mode 0, arms 4 receive buffers, prints "started",
 * then sends `echoes` frames back as they come: each is the received
 * bytes less `trailer` (what the channel counts past the frame: the CRC,
 * the Ethernet FCS), copied to the transmit buffer where seen(tx, len, n)
 * may rewrite it and prints its line. Ends with "echoed <n> frames".
 */
void pp_mpsc_echo(unsigned ch, unsigned trailer, unsigned echoes,
                  void (*seen)(uint8_t *tx, unsigned len, unsigned n));

#endif
