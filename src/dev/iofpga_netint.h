/*
 * The pair of network interrupt status registers of the GT-96100
 * routers' I/O FPGAs (shared spec c3600-c2691-c37xx.md §4.3): 0x26/0x28
 * on the 2691 and 3725 (§4.6), 0x20/0x22 on the 3745 (§4.7). One bit per
 * (slot, port) line, active low, 0xFFFF at reset; the CPU's network line
 * is asserted while either register differs from 0xFFFF. The FPGA maps a
 * line to its register and bit and holds its own lock around these.
 */
#ifndef DEV_IOFPGA_NETINT_H
#define DEV_IOFPGA_NETINT_H

#include <stdint.h>

#define IOFPGA_NETINT_IDLE 0xFFFFu /* no line asserted */

static inline void iofpga_netint_reset(uint16_t net[2])
{
    net[0] = net[1] = IOFPGA_NETINT_IDLE;
}

/* Drive a line (bit of register reg) to level; returns whether any line
 * is asserted now, the level of the CPU's network line. */
static inline int iofpga_netint_drive(uint16_t net[2], unsigned reg,
                                      unsigned bit, int level)
{
    if (level)
        net[reg] &= (uint16_t)~(1u << bit); /* active low */
    else
        net[reg] |= (uint16_t)(1u << bit);
    return net[0] != IOFPGA_NETINT_IDLE || net[1] != IOFPGA_NETINT_IDLE;
}

/* Status register index (0, 1) for tests and dumps; 0 past the pair. */
static inline uint16_t iofpga_netint_status(const uint16_t net[2],
                                            unsigned index)
{
    return index < 2 ? net[index] : 0;
}

#endif
