/*
 * National Semiconductor NS16552 dual UART (two NS16550A channels): the
 * console (channel A) and AUX port (channel B) of the c3600, c2691, c3725
 * and c3745 (shared spec c3600-c2691-c37xx.md §2.7; PC16552D datasheet).
 *
 * What it exposes:
 *   - One register window: register n of channel c at byte offset
 *     (8 * c + n) * 8, i.e. an 8-byte stride, channel A at 0x00-0x3F and
 *     channel B at 0x40-0x7F. The byte value travels in the low-order bits
 *     of any access size (the platform decodes no byte lanes, §2.7).
 *   - One level interrupt output for both channels (CPU line 5).
 *
 * Each channel talks to a host virtual terminal (core/vtty.h); a NULL vtty
 * is a port with nothing attached. Output goes out at once, so the
 * transmitter is always empty (LSR THRE and TEMT read 1).
 *
 * Interrupts, datasheet level model: a channel requests an interrupt
 * while receive data waits and IER bit 0 is set, or while its "THR empty"
 * condition is pending and IER bit 1 is set. THR empty becomes pending on
 * every THR write (the byte leaves at once) and on every IER write with
 * bit 1 set (the 16550 raises THRE when the interrupt is enabled with an
 * empty THR); reading IIR while it reports THRE clears it. This is what
 * the reference approximates with a periodic re-assertion (§2.7) that
 * IOS's interrupt-driven console output depends on.
 *
 * IIR values as the reference reports them (§2.7): 0x04 receive data
 * available, else 0x02 THR empty, else 0x01 (no interrupt); no FIFO bits.
 *
 * Threads: register accesses come from the CPU thread, vtty input
 * notifications from the event loop; state is behind one mutex.
 */
#ifndef DEV_NS16552_H
#define DEV_NS16552_H

#include <stdint.h>

#include "dev/device.h"

struct logger;
struct ns16552;
struct vtty;

#define NS16552_WINDOW_SIZE 0x1000u /* c3600-c2691-c37xx.md §3.2, §4.2 */
#define NS16552_STRIDE 8             /* §2.7: register index = offset >> 3 */

/* Register indices within a channel (PC16552D datasheet, table 1). */
enum ns16552_reg {
    NS16552_RBR_THR = 0, /* RBR read, THR write; DLL with LCR.DLAB */
    NS16552_IER = 1,     /* DLM with LCR.DLAB */
    NS16552_IIR_FCR = 2, /* IIR read, FCR write */
    NS16552_LCR = 3,
    NS16552_MCR = 4,
    NS16552_LSR = 5,
    NS16552_MSR = 6,
    NS16552_SCR = 7,
};

#define NS16552_IER_ERBFI 0x01 /* receive data available */
#define NS16552_IER_ETBEI 0x02 /* transmitter holding register empty */
#define NS16552_IIR_NONE 0x01
#define NS16552_IIR_THRE 0x02
#define NS16552_IIR_RDA 0x04
#define NS16552_LCR_DLAB 0x80
#define NS16552_LSR_DR 0x01
#define NS16552_LSR_THRE 0x20
#define NS16552_LSR_TEMT 0x40

/*
 * Creates the chip in its reset state and registers for input
 * notification on both vttys. NULL (errno = ENOMEM) on failure.
 */
struct ns16552 *ns16552_create(struct vtty *chan_a, struct vtty *chan_b,
                               struct irq_line irq, struct logger *lg);
/* Unregisters from the vttys (still the caller's) and frees. */
void ns16552_destroy(struct ns16552 *u);
struct device *ns16552_device(struct ns16552 *u);

/* A vtty got input (any thread): re-evaluate the interrupt. */
void ns16552_poll_input(struct ns16552 *u);
/* Level of the interrupt output (tests, debug dumps). */
int ns16552_irq_level(struct ns16552 *u);

#endif
