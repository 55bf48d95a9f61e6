/*
 * platform.h - what a guest program needs to tell the MIPS platforms
 * apart and reach their console: the platform id the remote-control
 * device reports (register 0x02C, the same at 0xB6000000 on every
 * platform) and the console UART of each.
 *
 *   c7200              id 0x19  SCN2681 in the I/O FPGA (c7200.h)
 *   c3620, c3640       id 0x1E  NS16552 at physical 0x1E840000
 *   c3660              id 0x34  NS16552 at physical 0x1E840000
 *   c2691              id 0x66  NS16552 at physical 0x3C100000
 *   c3725              id 0x61  NS16552 at physical 0x3C100000
 *   c3745              id 0x69  NS16552 at physical 0x3C100000
 * (c7200.md §1; c3600-c2691-c37xx.md §1.1, §2.5, §2.7)
 *
 * NS16552 registers are bytes at an 8-byte stride, channel A (console) at
 * +0x00..+0x3F, channel B (AUX) at +0x40..+0x7F; they are accessed here as
 * 32-bit words holding the byte in their low-order bits (§2.7).
 *
 * The GT-96100 routers' devices above 512 MB (the DUART at 0x3C100000)
 * are out of KSEG1's reach: platform_console() maps the DUART's page
 * uncached at kseg2 address PLATFORM_UART_VA with one global TLB entry
 * (index PLATFORM_UART_TLB), as IOS maps its devices through the TLB.
 */
#ifndef GUEST_PLATFORM_H
#define GUEST_PLATFORM_H

#include "c7200.h"
#include "cp0.h"

#define PLATFORM_C7200      0x19
#define PLATFORM_C3620_3640 0x1E
#define PLATFORM_C3660      0x34
#define PLATFORM_C2691      0x66
#define PLATFORM_C3725      0x61
#define PLATFORM_C3745      0x69

#define C3600_DUART_BASE    0xBE840000 /* KSEG1, §3.2 */
#define GT96K_DUART_PHYS    0x3C100000 /* §4.2 */
#define PLATFORM_UART_VA    0xC0000000 /* kseg2, mapped by the TLB */
#define PLATFORM_UART_TLB   0

#define NS16552_RBR         0x00 /* read: receive buffer (index 0) */
#define NS16552_THR         0x00 /* write: transmit holding */
#define NS16552_IER         0x08 /* interrupt enable (index 1) */
#define NS16552_IIR         0x10 /* read: interrupt identification (2) */
#define NS16552_LCR         0x18 /* line control (3) */
#define NS16552_LSR         0x28 /* line status (5) */
#define NS16552_LSR_DR      0x01
#define NS16552_LSR_THRE    0x20

static inline unsigned platform_id(void)
{
    return REMOTE_REG(REMOTE_PLATFORM_ID);
}

/* One 4 KB page, uncached, global (R4000 manual, EntryLo: PFN 29:6,
 * C 5:3 = 2 uncached, D, V, G). */
static inline void platform_map_page(unsigned index, unsigned va,
                                     unsigned pa)
{
    mtc0(CP0_PAGEMASK, 0);
    mtc0(CP0_ENTRYHI, va & ~0x1FFFu);
    mtc0(CP0_ENTRYLO0, ((pa >> 12) << 6) | (2 << 3) | 0x4 | 0x2 | 0x1);
    mtc0(CP0_ENTRYLO1, 0x1);
    mtc0(CP0_INDEX, index);
    __asm__ volatile(".set push\n\t.set mips3\n\tnop\n\ttlbwi\n\tnop\n\t"
                     ".set pop" : : : "memory");
}

/* The console NS16552 of a platform, ready for use, or 0 for the c7200
 * and unknown ids. */
static inline unsigned platform_console(unsigned id)
{
    switch (id) {
    case PLATFORM_C3620_3640:
    case PLATFORM_C3660:
        return C3600_DUART_BASE;
    case PLATFORM_C2691:
    case PLATFORM_C3725:
    case PLATFORM_C3745:
        platform_map_page(PLATFORM_UART_TLB, PLATFORM_UART_VA,
                          GT96K_DUART_PHYS);
        return PLATFORM_UART_VA;
    default:
        return 0;
    }
}

static inline void ns16552_putc(unsigned base, int c)
{
    while ((MMIO32(base + NS16552_LSR) & NS16552_LSR_THRE) == 0)
        ;
    MMIO32(base + NS16552_THR) = (unsigned char)c;
}

#endif /* GUEST_PLATFORM_H */
