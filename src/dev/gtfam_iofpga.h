/*
 * What the I/O FPGAs of the GT-96100 routers share (shared spec
 * c3600-c2691-c37xx.md §4.6: 2691 and 3725, §4.7: 3745), whatever the
 * offsets:
 *  - the pair of network interrupt status registers (§4.3), 0x26/0x28 on
 *    the 2691 and 3725, 0x20/0x22 on the 3745: one bit per (slot, port)
 *    line, active low, 0xFFFF at reset; the CPU's network line is
 *    asserted while either register differs from 0xFFFF. The FPGA maps a
 *    line to its register and bit and holds its own lock around these;
 *  - the CompactFlash presence register, active low.
 */
#ifndef DEV_GTFAM_IOFPGA_H
#define DEV_GTFAM_IOFPGA_H

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

/* CompactFlash presence (§4.6 0x3C, §4.7 0x12): bit 1 the system card
 * (disk0), bit 0 the removable one (disk1), clear when present. */
static inline uint16_t iofpga_cf_present(int disk0, int disk1)
{
    uint16_t v = 0xFFFF;
    if (disk0)
        v &= (uint16_t)~0x0002u;
    if (disk1)
        v &= (uint16_t)~0x0001u;
    return v;
}

#endif
