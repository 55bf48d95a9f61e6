/*
 * Philips SCN2681 dual UART (console + AUX of the c7200 I/O FPGA).
 *
 * What is modelled (shared spec c7200.md §9):
 *  - THRA/THRB: the byte goes to the vtty at once; SR.TxRDY reads 1 always
 *    (§9.2), so polled output never waits, whatever the transmitter state.
 *  - RHRA/RHRB: the next byte from the vtty; the vtty's input queue is the
 *    receive FIFO. SR.RxRDY = input waiting.
 *  - ISR/IMR with the faithful 2681 level model allowed by §9.3:
 *    ISR.TxRDYx = transmitter x enabled (CR command), ISR.RxRDYx = input
 *    waiting and receive notification enabled (§9.4); the interrupt output
 *    is (ISR & IMR) != 0 while the console is enabled (§9.4). After reset
 *    both transmitters are disabled, so ISR reads 0x00 (observed, §9).
 *  - MR1/MR2 with the MR pointer, CSR, ACR, counter presets, OPCR and the
 *    output port are stored and read back where the chip allows it; the
 *    baud-rate generator, counter/timer and output pins have no effect.
 *
 * Choice about SRA: the reference lowers the interrupt on a read of SRA
 * (§9, §21). With a level model that is unnecessary (the level follows the
 * state), so reading SRA/SRB has no side effect here.
 *
 * CRx bit 3 (disable transmitter) makes the reference flush pending output
 * (§9); our output is never pending, so it only disables the transmitter.
 */
#include "dev/scn2681.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/vtty.h"

/* CR command fields, SCN2681 datasheet "Command register". */
#define CR_RX_ENABLE 0x01
#define CR_RX_DISABLE 0x02
#define CR_TX_ENABLE 0x04
#define CR_TX_DISABLE 0x08 /* c7200.md §9: the reference flushes output */
#define CR_MISC_SHIFT 4
#define CR_MISC_MASK 0x07
enum cr_misc {
    CR_MISC_NONE = 0,
    CR_MISC_RESET_MR = 1,
    CR_MISC_RESET_RX = 2,
    CR_MISC_RESET_TX = 3,
    CR_MISC_RESET_ERR = 4,
    CR_MISC_RESET_BRK_INT = 5,
    CR_MISC_START_BRK = 6,
    CR_MISC_STOP_BRK = 7,
};

static const char *const scn2681_read_names[SCN2681_NREGS] = {
    "MRA", "SRA", "rsvd2", "RHRA", "IPCR", "ISR", "CTU", "CTL",
    "MRB", "SRB", "rsvd10", "RHRB", "rsvd12", "IP", "START", "STOP",
};
static const char *const scn2681_write_names[SCN2681_NREGS] = {
    "MRA", "CSRA", "CRA", "THRA", "ACR", "IMR", "CTUR", "CTLR",
    "MRB", "CSRB", "CRB", "THRB", "rsvd12", "OPCR", "SOPR", "ROPR",
};

struct scn2681_chan {
    struct vtty *vt;
    uint8_t mr1;
    uint8_t mr2;
    uint8_t mr_ptr;     /* 0: next MR access is MR1, 1: MR2 */
    uint8_t csr;
    uint8_t tx_enabled; /* ISR.TxRDY source */
    uint8_t rx_enabled; /* CR receiver state; informational (see rx) */
};

struct scn2681 {
    pthread_mutex_t lock;
    struct logger *lg;
    struct irq_line irq;
    struct scn2681_chan chan[2];
    uint8_t imr;
    uint8_t acr;
    uint8_t ctur;
    uint8_t ctlr;
    uint8_t opcr;
    uint8_t opr;            /* output port register */
    uint8_t console_enabled; /* c7200.md §9.4 */
    uint8_t irq_level;      /* last level driven on the output */
    uint8_t logged[SCN2681_NREGS]; /* guest errors reported once */
};

const struct dev_field scn2681_fields[] = {
    {"mr1a", offsetof(struct scn2681, chan[0].mr1), 1},
    {"mr2a", offsetof(struct scn2681, chan[0].mr2), 1},
    {"mr_ptr_a", offsetof(struct scn2681, chan[0].mr_ptr), 1},
    {"csra", offsetof(struct scn2681, chan[0].csr), 1},
    {"tx_enabled_a", offsetof(struct scn2681, chan[0].tx_enabled), 1},
    {"rx_enabled_a", offsetof(struct scn2681, chan[0].rx_enabled), 1},
    {"mr1b", offsetof(struct scn2681, chan[1].mr1), 1},
    {"mr2b", offsetof(struct scn2681, chan[1].mr2), 1},
    {"mr_ptr_b", offsetof(struct scn2681, chan[1].mr_ptr), 1},
    {"csrb", offsetof(struct scn2681, chan[1].csr), 1},
    {"tx_enabled_b", offsetof(struct scn2681, chan[1].tx_enabled), 1},
    {"rx_enabled_b", offsetof(struct scn2681, chan[1].rx_enabled), 1},
    {"imr", offsetof(struct scn2681, imr), 1},
    {"acr", offsetof(struct scn2681, acr), 1},
    {"ctur", offsetof(struct scn2681, ctur), 1},
    {"ctlr", offsetof(struct scn2681, ctlr), 1},
    {"opcr", offsetof(struct scn2681, opcr), 1},
    {"opr", offsetof(struct scn2681, opr), 1},
    {"console_enabled", offsetof(struct scn2681, console_enabled), 1},
    {"irq_level", offsetof(struct scn2681, irq_level), 1},
    {NULL, 0, 0},
};

static int chan_has_input(const struct scn2681_chan *c)
{
    return c->vt ? vtty_has_input(c->vt) : 0;
}

/* ISR as the chip presents it (unmasked). Lock held. */
static uint8_t isr_locked(const struct scn2681 *s)
{
    uint8_t isr = 0;

    if (s->chan[0].tx_enabled) {
        isr |= SCN2681_INT_TXRDYA;
    }
    if (s->chan[1].tx_enabled) {
        isr |= SCN2681_INT_TXRDYB;
    }
    if (s->console_enabled && chan_has_input(&s->chan[0])) {
        isr |= SCN2681_INT_RXRDYA;
    }
    if (s->console_enabled && chan_has_input(&s->chan[1])) {
        isr |= SCN2681_INT_RXRDYB;
    }
    return isr;
}

/* Drive the output from the current state. Lock held, so levels from the
 * CPU and event-loop threads reach the line in the order they were
 * computed. */
static void update_irq_locked(struct scn2681 *s)
{
    int level = s->console_enabled && (isr_locked(s) & s->imr) != 0;

    if (level != s->irq_level) {
        s->irq_level = (uint8_t)level;
        irq_set(&s->irq, level);
    }
}

static void guest_error(struct scn2681 *s, unsigned reg, int is_write)
{
    if (reg < SCN2681_NREGS) {
        if (s->logged[reg]) {
            return;
        }
        s->logged[reg] = 1;
    }
    log_msg(s->lg, "SCN2681", "guest error: %s of %s register %u (%s)",
            is_write ? "write" : "read",
            reg < SCN2681_NREGS ? "reserved" : "nonexistent", reg,
            scn2681_reg_name(reg, is_write));
}

static void notify_cb(void *arg)
{
    scn2681_poll_input(arg);
}

static void reset_locked(struct scn2681 *s)
{
    for (int i = 0; i < 2; i++) {
        struct scn2681_chan *c = &s->chan[i];
        c->mr1 = c->mr2 = 0;
        c->mr_ptr = 0;
        c->csr = 0;
        c->tx_enabled = 0;
        c->rx_enabled = 0;
    }
    s->imr = s->acr = s->ctur = s->ctlr = s->opcr = s->opr = 0;
}

struct scn2681 *scn2681_create(struct vtty *chan_a, struct vtty *chan_b,
                               struct irq_line irq, struct logger *lg)
{
    struct scn2681 *s = calloc(1, sizeof(*s));

    if (!s) {
        errno = ENOMEM;
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    s->lg = lg;
    s->irq = irq;
    s->chan[0].vt = chan_a;
    s->chan[1].vt = chan_b;
    reset_locked(s);
    for (int i = 0; i < 2; i++) {
        if (s->chan[i].vt) {
            vtty_set_notify(s->chan[i].vt, notify_cb, s);
        }
    }
    return s;
}

void scn2681_destroy(struct scn2681 *s)
{
    if (!s) {
        return;
    }
    for (int i = 0; i < 2; i++) {
        if (s->chan[i].vt) {
            vtty_set_notify(s->chan[i].vt, NULL, NULL);
        }
    }
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void scn2681_reset(struct scn2681 *s)
{
    pthread_mutex_lock(&s->lock);
    reset_locked(s);
    update_irq_locked(s);
    pthread_mutex_unlock(&s->lock);
}

/* MR1x/MR2x through the MR pointer (datasheet: MR1 first, then MR2). */
static uint8_t *mr_access(struct scn2681_chan *c)
{
    uint8_t *mr = c->mr_ptr ? &c->mr2 : &c->mr1;
    c->mr_ptr = 1;
    return mr;
}

static uint8_t read_sr(const struct scn2681_chan *c)
{
    /* c7200.md §9: TxRDY always 1, RxRDY = input waiting, rest 0. */
    return SCN2681_SR_TXRDY | (chan_has_input(c) ? SCN2681_SR_RXRDY : 0);
}

static uint8_t read_rhr(struct scn2681 *s, struct scn2681_chan *c)
{
    int ch = c->vt ? vtty_getc(c->vt) : -1;

    update_irq_locked(s);
    return ch < 0 ? 0 : (uint8_t)ch;
}

uint8_t scn2681_read(struct scn2681 *s, unsigned reg)
{
    uint8_t v = 0;

    pthread_mutex_lock(&s->lock);
    switch (reg) {
    case SCN2681_MRA:
        v = *mr_access(&s->chan[0]);
        break;
    case SCN2681_MRB:
        v = *mr_access(&s->chan[1]);
        break;
    case SCN2681_SRA:
        v = read_sr(&s->chan[0]); /* no side effect: see file comment */
        break;
    case SCN2681_SRB:
        v = read_sr(&s->chan[1]);
        break;
    case SCN2681_RHRA:
        v = read_rhr(s, &s->chan[0]);
        break;
    case SCN2681_RHRB:
        v = read_rhr(s, &s->chan[1]);
        break;
    case SCN2681_ISR:
        v = isr_locked(s);
        break;
    case SCN2681_CTU:
        v = s->ctur; /* counter not running: reads its preset */
        break;
    case SCN2681_CTL:
        v = s->ctlr;
        break;
    case SCN2681_IPCR:
    case SCN2681_IP:
    case SCN2681_START:
    case SCN2681_STOP:
        break; /* no input pins, no counter: 0, c7200.md §9 "ignored" */
    default:
        guest_error(s, reg, 0);
        break;
    }
    pthread_mutex_unlock(&s->lock);
    return v;
}

static void do_command(struct scn2681 *s, struct scn2681_chan *c, uint8_t v)
{
    if (v & CR_RX_ENABLE) {
        c->rx_enabled = 1;
    }
    if (v & CR_RX_DISABLE) {
        c->rx_enabled = 0;
    }
    if (v & CR_TX_ENABLE) {
        c->tx_enabled = 1;
    }
    if (v & CR_TX_DISABLE) {
        c->tx_enabled = 0;
    }
    switch ((v >> CR_MISC_SHIFT) & CR_MISC_MASK) {
    case CR_MISC_RESET_MR:
        c->mr_ptr = 0;
        break;
    case CR_MISC_RESET_RX:
        c->rx_enabled = 0; /* the vtty queue is kept: nothing typed is lost */
        break;
    case CR_MISC_RESET_TX:
        c->tx_enabled = 0;
        break;
    default:
        break; /* error/break commands: no error or break state modelled */
    }
    update_irq_locked(s);
}

static void write_locked(struct scn2681 *s, unsigned reg, uint8_t v)
{
    switch (reg) {
    case SCN2681_MRA:
        *mr_access(&s->chan[0]) = v;
        break;
    case SCN2681_MRB:
        *mr_access(&s->chan[1]) = v;
        break;
    case SCN2681_SRA:
        s->chan[0].csr = v; /* no baud-rate emulation, c7200.md §9 */
        break;
    case SCN2681_SRB:
        s->chan[1].csr = v;
        break;
    case SCN2681_CRA:
        do_command(s, &s->chan[0], v);
        break;
    case SCN2681_CRB:
        do_command(s, &s->chan[1], v);
        break;
    case SCN2681_IPCR:
        s->acr = v;
        break;
    case SCN2681_ISR:
        s->imr = v;
        update_irq_locked(s);
        break;
    case SCN2681_CTU:
        s->ctur = v;
        break;
    case SCN2681_CTL:
        s->ctlr = v;
        break;
    case SCN2681_IP:
        s->opcr = v;
        break;
    case SCN2681_START:
        s->opr |= v;
        break;
    case SCN2681_STOP:
        s->opr &= (uint8_t)~v;
        break;
    default:
        guest_error(s, reg, 1);
        break;
    }
}

void scn2681_write(struct scn2681 *s, unsigned reg, uint8_t v)
{
    struct vtty *out = NULL;

    pthread_mutex_lock(&s->lock);
    if (reg == SCN2681_RHRA || reg == SCN2681_RHRB) {
        /* THR: sent at once (c7200.md §9.2), outside the lock below. */
        out = s->chan[reg == SCN2681_RHRB].vt;
    } else {
        write_locked(s, reg, v);
    }
    pthread_mutex_unlock(&s->lock);
    if (out) {
        vtty_putc(out, v);
    }
}

void scn2681_set_rx_enable(struct scn2681 *s, int on)
{
    pthread_mutex_lock(&s->lock);
    s->console_enabled = on ? 1 : 0;
    update_irq_locked(s);
    pthread_mutex_unlock(&s->lock);
}

void scn2681_poll_input(struct scn2681 *s)
{
    pthread_mutex_lock(&s->lock);
    update_irq_locked(s);
    pthread_mutex_unlock(&s->lock);
}

int scn2681_irq_level(struct scn2681 *s)
{
    pthread_mutex_lock(&s->lock);
    int level = s->irq_level;
    pthread_mutex_unlock(&s->lock);
    return level;
}

const char *scn2681_reg_name(unsigned reg, int is_write)
{
    if (reg >= SCN2681_NREGS) {
        return "?";
    }
    return is_write ? scn2681_write_names[reg] : scn2681_read_names[reg];
}
