/*
 * Philips SCN2681 dual UART: the c7200 console (channel A) and AUX port
 * (channel B), seen by IOS inside the I/O FPGA (shared spec c7200.md §9).
 *
 * The chip exposes 16 byte-wide registers (index 0..15; the I/O FPGA maps
 * register n at its offset 0x404 + 8n) and one interrupt output (CPU line 5
 * on the c7200, wired by the machine). Each channel talks to a host virtual
 * terminal (core/vtty.h); a NULL vtty is a port with nothing attached.
 *
 * Interrupt model: a faithful 2681 level model (allowed by c7200.md §9.3).
 * ISR TxRDYx is set while channel x's transmitter is enabled (output goes
 * out at once, so an enabled transmitter is always ready); ISR RxRDYx is set
 * while input is waiting on channel x and receive notification is enabled
 * (§9.4). The output level is (ISR & IMR) != 0, gated by the §9.4 console
 * enable condition.
 *
 * Threads: scn2681_read/scn2681_write come from the CPU thread,
 * scn2681_poll_input from the event-loop thread (the vtty notify callback
 * registered at create); all state is behind one mutex.
 */
#ifndef DEV_SCN2681_H
#define DEV_SCN2681_H

#include <stdint.h>

#include "dev/device.h"

struct logger;
struct scn2681;
struct vtty;

/* Register indices (read name / write name), SCN2681 datasheet table 1. */
enum scn2681_reg {
    SCN2681_MRA = 0,      /* MR1A/MR2A        | MR1A/MR2A */
    SCN2681_SRA = 1,      /* SRA              | CSRA */
    SCN2681_CRA = 2,      /* (reserved)       | CRA */
    SCN2681_RHRA = 3,     /* RHRA             | THRA */
    SCN2681_IPCR = 4,     /* IPCR             | ACR */
    SCN2681_ISR = 5,      /* ISR              | IMR */
    SCN2681_CTU = 6,      /* CTU              | CTUR */
    SCN2681_CTL = 7,      /* CTL              | CTLR */
    SCN2681_MRB = 8,      /* MR1B/MR2B        | MR1B/MR2B */
    SCN2681_SRB = 9,      /* SRB              | CSRB */
    SCN2681_CRB = 10,     /* (reserved)       | CRB */
    SCN2681_RHRB = 11,    /* RHRB             | THRB */
    SCN2681_RSVD = 12,    /* (reserved)       | (reserved) */
    SCN2681_IP = 13,      /* IP               | OPCR */
    SCN2681_START = 14,   /* start counter    | set output bits */
    SCN2681_STOP = 15,    /* stop counter     | reset output bits */
    SCN2681_NREGS = 16,
};

/* ISR / IMR bits, c7200.md §9 and SCN2681 datasheet. */
#define SCN2681_INT_TXRDYA 0x01
#define SCN2681_INT_RXRDYA 0x02
#define SCN2681_INT_TXRDYB 0x10
#define SCN2681_INT_RXRDYB 0x20

/* SR bits, c7200.md §9 (only these two are ever set). */
#define SCN2681_SR_RXRDY 0x01
#define SCN2681_SR_TXRDY 0x04

/*
 * Creates the chip in its reset state and registers for input
 * notification on both vttys. Returns NULL (errno = ENOMEM) on failure.
 * Receive notification starts disabled: call scn2681_set_rx_enable().
 */
struct scn2681 *scn2681_create(struct vtty *chan_a, struct vtty *chan_b,
                               struct irq_line irq, struct logger *lg);
/*
 * Unregisters from the vttys (which the caller still owns) and frees. No
 * notification may be running at that point: destroy after the event loop
 * stopped delivering input for these vttys (or from the loop thread).
 */
void scn2681_destroy(struct scn2681 *s);
/* Power-on state: MR pointers, IMR, transmitters disabled; drops the line. */
void scn2681_reset(struct scn2681 *s);

uint8_t scn2681_read(struct scn2681 *s, unsigned reg);
void scn2681_write(struct scn2681 *s, unsigned reg, uint8_t v);

/* c7200.md §9.4: receive notification and interrupts only when enabled. */
void scn2681_set_rx_enable(struct scn2681 *s, int on);
/* A vtty got input (any thread): re-evaluate RxRDY and the line. */
void scn2681_poll_input(struct scn2681 *s);
/* Current level of the interrupt output (tests, debug dumps). */
int scn2681_irq_level(struct scn2681 *s);

/* Datasheet register name for tracing ("SRA", "CSRA"...), "?" past 15. */
const char *scn2681_reg_name(unsigned reg, int is_write);

/* State description, offsets into the chip structure. */
extern const struct dev_field scn2681_fields[];

#endif
