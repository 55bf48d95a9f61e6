/*
 * NS16552 dual UART (console + AUX of the c3600/c2691/c37xx). See
 * ns16552.h for the register window and the interrupt model.
 *
 * Modelled per channel (shared spec c3600-c2691-c37xx.md §2.7, PC16552D
 * datasheet): THR (to the vtty at once), RBR (the vtty's input queue is
 * the receive FIFO), IER, IIR, LCR with DLAB and the divisor latch, MCR
 * and SCR (stored), LSR (DR, THRE, TEMT), MSR (reads 0, as the
 * reference). FCR is stored and has no effect: characters never wait.
 */
#include "dev/ns16552.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/vtty.h"

#define NS16552_CHANNELS 2
#define NS16552_REGS 8

struct ns16552_chan {
    struct vtty *vt;
    uint8_t ier;
    uint8_t lcr;
    uint8_t mcr;
    uint8_t scr;
    uint8_t fcr;
    uint8_t dll;
    uint8_t dlm;
    uint8_t thre_pending; /* THR-empty interrupt condition, see .h */
};

struct ns16552 {
    struct device dev;
    pthread_mutex_t lock;
    struct logger *lg;
    struct irq_line irq;
    struct ns16552_chan chan[NS16552_CHANNELS];
    uint8_t irq_level;
    uint8_t logged;
};

static const struct dev_field ns16552_fields[] = {
    {"ier_a", offsetof(struct ns16552, chan[0].ier), 1},
    {"lcr_a", offsetof(struct ns16552, chan[0].lcr), 1},
    {"mcr_a", offsetof(struct ns16552, chan[0].mcr), 1},
    {"scr_a", offsetof(struct ns16552, chan[0].scr), 1},
    {"fcr_a", offsetof(struct ns16552, chan[0].fcr), 1},
    {"dll_a", offsetof(struct ns16552, chan[0].dll), 1},
    {"dlm_a", offsetof(struct ns16552, chan[0].dlm), 1},
    {"thre_a", offsetof(struct ns16552, chan[0].thre_pending), 1},
    {"ier_b", offsetof(struct ns16552, chan[1].ier), 1},
    {"lcr_b", offsetof(struct ns16552, chan[1].lcr), 1},
    {"mcr_b", offsetof(struct ns16552, chan[1].mcr), 1},
    {"scr_b", offsetof(struct ns16552, chan[1].scr), 1},
    {"fcr_b", offsetof(struct ns16552, chan[1].fcr), 1},
    {"dll_b", offsetof(struct ns16552, chan[1].dll), 1},
    {"dlm_b", offsetof(struct ns16552, chan[1].dlm), 1},
    {"thre_b", offsetof(struct ns16552, chan[1].thre_pending), 1},
    {"irq_level", offsetof(struct ns16552, irq_level), 1},
    {NULL, 0, 0},
};

static int chan_has_input(const struct ns16552_chan *c)
{
    return c->vt ? vtty_has_input(c->vt) : 0;
}

static int chan_irq(const struct ns16552_chan *c)
{
    return ((c->ier & NS16552_IER_ERBFI) && chan_has_input(c)) ||
           ((c->ier & NS16552_IER_ETBEI) && c->thre_pending);
}

/* Lock held; the line is driven outside the lock by the callers. */
static int level_locked(struct ns16552 *u)
{
    int level = 0;
    for (int i = 0; i < NS16552_CHANNELS; i++)
        level |= chan_irq(&u->chan[i]);
    u->irq_level = (uint8_t)level;
    return level;
}

static void update_irq(struct ns16552 *u)
{
    pthread_mutex_lock(&u->lock);
    int level = level_locked(u);
    pthread_mutex_unlock(&u->lock);
    irq_set(&u->irq, level);
}

static uint8_t chan_read(struct ns16552_chan *c, unsigned reg)
{
    int dlab = (c->lcr & NS16552_LCR_DLAB) != 0;
    switch (reg) {
    case NS16552_RBR_THR: {
        if (dlab)
            return c->dll;
        int ch = c->vt ? vtty_getc(c->vt) : -1;
        return ch < 0 ? 0 : (uint8_t)ch;
    }
    case NS16552_IER:
        return dlab ? c->dlm : c->ier;
    case NS16552_IIR_FCR:
        /* §2.7: receive data first, then THR empty (cleared by this
         * read), else nothing pending. */
        if (chan_has_input(c))
            return NS16552_IIR_RDA;
        if (c->thre_pending && (c->ier & NS16552_IER_ETBEI)) {
            c->thre_pending = 0;
            return NS16552_IIR_THRE;
        }
        return NS16552_IIR_NONE;
    case NS16552_LCR:
        return c->lcr;
    case NS16552_MCR:
        return c->mcr;
    case NS16552_LSR:
        return (uint8_t)(NS16552_LSR_THRE | NS16552_LSR_TEMT |
                         (chan_has_input(c) ? NS16552_LSR_DR : 0));
    case NS16552_MSR:
        return 0; /* §2.7: not modelled by the reference */
    default:
        return c->scr;
    }
}

static void chan_write(struct ns16552 *u, struct ns16552_chan *c,
                       unsigned reg, uint8_t v)
{
    int dlab = (c->lcr & NS16552_LCR_DLAB) != 0;
    switch (reg) {
    case NS16552_RBR_THR:
        if (dlab) {
            c->dll = v;
            return;
        }
        if (c->vt)
            vtty_putc(c->vt, v);
        c->thre_pending = 1; /* the byte left at once */
        return;
    case NS16552_IER:
        if (dlab) {
            c->dlm = v;
            return;
        }
        c->ier = v & 0x0F;
        if (v & NS16552_IER_ETBEI)
            c->thre_pending = 1; /* enabled with an empty THR */
        return;
    case NS16552_IIR_FCR:
        c->fcr = v;
        return;
    case NS16552_LCR:
        c->lcr = v;
        return;
    case NS16552_MCR:
        c->mcr = v;
        return;
    case NS16552_SCR:
        c->scr = v;
        return;
    default:
        if (!u->logged) {
            u->logged = 1;
            log_msg(u->lg, "NS16552", "guest error: write of 0x%02x to "
                    "read-only register %u ignored", v, reg);
        }
        return;
    }
}

static uint64_t ns16552_read(struct device *dev, uint64_t off, unsigned size)
{
    struct ns16552 *u = DEV_CONTAINER(dev, struct ns16552, dev);
    unsigned idx = (unsigned)(off / NS16552_STRIDE);
    if (idx >= NS16552_CHANNELS * NS16552_REGS)
        return 0;
    pthread_mutex_lock(&u->lock);
    uint8_t v = chan_read(&u->chan[idx / NS16552_REGS], idx % NS16552_REGS);
    int level = level_locked(u);
    pthread_mutex_unlock(&u->lock);
    irq_set(&u->irq, level);
    return v;
}

static void ns16552_write(struct device *dev, uint64_t off, unsigned size,
                          uint64_t value)
{
    struct ns16552 *u = DEV_CONTAINER(dev, struct ns16552, dev);
    unsigned idx = (unsigned)(off / NS16552_STRIDE);
    if (idx >= NS16552_CHANNELS * NS16552_REGS)
        return;
    pthread_mutex_lock(&u->lock);
    chan_write(u, &u->chan[idx / NS16552_REGS], idx % NS16552_REGS,
               (uint8_t)value);
    int level = level_locked(u);
    pthread_mutex_unlock(&u->lock);
    irq_set(&u->irq, level);
}

static void ns16552_reset(struct device *dev)
{
    struct ns16552 *u = DEV_CONTAINER(dev, struct ns16552, dev);
    pthread_mutex_lock(&u->lock);
    for (int i = 0; i < NS16552_CHANNELS; i++) {
        struct ns16552_chan *c = &u->chan[i];
        struct vtty *vt = c->vt;
        *c = (struct ns16552_chan){.vt = vt};
    }
    int level = level_locked(u);
    pthread_mutex_unlock(&u->lock);
    irq_set(&u->irq, level);
}

static const struct device_ops ns16552_ops = {
    .read = ns16552_read,
    .write = ns16552_write,
    .reset = ns16552_reset,
    .fields = ns16552_fields,
};

static void notify_cb(void *arg)
{
    ns16552_poll_input(arg);
}

void ns16552_poll_input(struct ns16552 *u)
{
    update_irq(u);
}

int ns16552_irq_level(struct ns16552 *u)
{
    pthread_mutex_lock(&u->lock);
    int l = u->irq_level;
    pthread_mutex_unlock(&u->lock);
    return l;
}

struct ns16552 *ns16552_create(struct vtty *chan_a, struct vtty *chan_b,
                               struct irq_line irq, struct logger *lg)
{
    struct ns16552 *u = calloc(1, sizeof(*u));
    if (!u)
        return NULL;
    u->dev.name = "ns16552";
    u->dev.ops = &ns16552_ops;
    pthread_mutex_init(&u->lock, NULL);
    u->lg = lg;
    u->irq = irq;
    u->chan[0].vt = chan_a;
    u->chan[1].vt = chan_b;
    for (int i = 0; i < NS16552_CHANNELS; i++)
        if (u->chan[i].vt)
            vtty_set_notify(u->chan[i].vt, notify_cb, u);
    return u;
}

void ns16552_destroy(struct ns16552 *u)
{
    if (!u)
        return;
    for (int i = 0; i < NS16552_CHANNELS; i++)
        if (u->chan[i].vt)
            vtty_set_notify(u->chan[i].vt, NULL, NULL);
    pthread_mutex_destroy(&u->lock);
    free(u);
}

struct device *ns16552_device(struct ns16552 *u)
{
    return &u->dev;
}
