/*
 * NMC93C46 serial EEPROM group: the state machine of shared spec c7200.md
 * §6.2, one instance per chip, all chips sharing one register latch.
 *
 * Per chip: idle -> (CS 0->1) waiting for a command -> (9 bits "1 1 0
 * a0..a5" on SK rising edges) shifting data out -> (16 more rising edges,
 * LSB first) idle again until CS drops and rises. Every register write
 * first forces DO high; only a rising SK edge while shifting can pull it
 * low, so DO is meaningful between that write and the next one (§6.2).
 */
#include "dev/nmc93cx6.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Command format, c7200.md §6.2: start bit, two opcode bits, 6 address
 * bits; collected bit i = the i-th bit received. */
#define CMD_BITS 9
#define CMD_OP_MASK 0x7u  /* start bit + opcode */
#define CMD_READ 0x3u     /* start 1, opcode bits 1 = 1 and 2 = 0 */
#define CMD_ADDR_SHIFT 3  /* first address bit received = address bit 0 */
#define CMD_ADDR_MASK 0x3Fu
#define DATA_BITS 16

enum chip_state {
    CHIP_IDLE = 0,
    CHIP_WAIT_CMD,
    CHIP_DATA_OUT,
};

struct chip {
    struct nmc93cx6_wire w;
    uint16_t words[NMC93C46_WORDS];
    uint8_t present;
    uint8_t state;    /* enum chip_state */
    uint8_t ncmd;     /* command bits collected so far */
    uint8_t dout_pos; /* next data bit to shift out */
    uint16_t cmd;     /* collected command bits; cleared by CS 0->1 only */
    uint8_t dout;     /* DO level */
};

struct nmc93cx6_group {
    pthread_mutex_t lock;
    uint32_t latch;
    unsigned nchips;
    struct chip chip[NMC93CX6_MAX_CHIPS];
};

static inline int bit(uint32_t v, unsigned pos)
{
    return (v >> pos) & 1u;
}

static void chip_idle(struct chip *c)
{
    c->state = CHIP_IDLE;
    c->ncmd = 0;
    c->dout_pos = 0;
    c->cmd = 0;
    c->dout = 1;
}

static void chip_empty(struct chip *c)
{
    memset(c->words, 0xFF, sizeof(c->words));
    c->present = 0;
}

static int wire_ok(const struct nmc93cx6_wire *w)
{
    if (w->cs > 31 || w->sk > 31 || w->di > 31 || w->dout > 31)
        return 0;
    uint32_t m = (UINT32_C(1) << w->cs) | (UINT32_C(1) << w->sk) |
                 (UINT32_C(1) << w->di) | (UINT32_C(1) << w->dout);
    return __builtin_popcount(m) == 4;
}

int nmc93cx6_group_create(const struct nmc93cx6_wire *wires, unsigned nchips,
                          struct nmc93cx6_group **out)
{
    *out = NULL;
    if (!wires || nchips == 0 || nchips > NMC93CX6_MAX_CHIPS)
        return -EINVAL;
    for (unsigned i = 0; i < nchips; i++)
        if (!wire_ok(&wires[i]))
            return -EINVAL;

    struct nmc93cx6_group *g = calloc(1, sizeof(*g));
    if (!g)
        return -ENOMEM;
    if (pthread_mutex_init(&g->lock, NULL) != 0) {
        free(g);
        return -ENOMEM;
    }
    g->nchips = nchips;
    for (unsigned i = 0; i < nchips; i++) {
        g->chip[i].w = wires[i];
        chip_empty(&g->chip[i]);
        chip_idle(&g->chip[i]);
    }
    *out = g;
    return 0;
}

void nmc93cx6_group_destroy(struct nmc93cx6_group *g)
{
    if (!g)
        return;
    pthread_mutex_destroy(&g->lock);
    free(g);
}

int nmc93cx6_load(struct nmc93cx6_group *g, unsigned chip,
                  const uint8_t *image, size_t len)
{
    if (!g || chip >= g->nchips || len > NMC93C46_BYTES)
        return -EINVAL;
    struct chip *c = &g->chip[chip];

    pthread_mutex_lock(&g->lock);
    chip_empty(c);
    if (image) {
        /* word w = byte 2w (high half) : byte 2w+1 (low half), §6.2 */
        for (size_t i = 0; i < len; i++) {
            unsigned shift = (i & 1) ? 0 : 8;
            uint16_t *wd = &c->words[i / 2];
            *wd = (uint16_t)((*wd & ~(0xFFu << shift)) |
                             ((unsigned)image[i] << shift));
        }
        c->present = 1;
    }
    pthread_mutex_unlock(&g->lock);
    return 0;
}

int nmc93cx6_present(struct nmc93cx6_group *g, unsigned chip)
{
    if (!g || chip >= g->nchips)
        return -EINVAL;
    pthread_mutex_lock(&g->lock);
    int p = g->chip[chip].present;
    pthread_mutex_unlock(&g->lock);
    return p;
}

int nmc93cx6_contents(struct nmc93cx6_group *g, unsigned chip,
                      uint8_t out[NMC93C46_BYTES])
{
    if (!g || chip >= g->nchips)
        return -EINVAL;
    pthread_mutex_lock(&g->lock);
    for (unsigned w = 0; w < NMC93C46_WORDS; w++) {
        out[2 * w] = (uint8_t)(g->chip[chip].words[w] >> 8);
        out[2 * w + 1] = (uint8_t)g->chip[chip].words[w];
    }
    pthread_mutex_unlock(&g->lock);
    return 0;
}

void nmc93cx6_reset(struct nmc93cx6_group *g)
{
    pthread_mutex_lock(&g->lock);
    g->latch = 0;
    for (unsigned i = 0; i < g->nchips; i++)
        chip_idle(&g->chip[i]);
    pthread_mutex_unlock(&g->lock);
}

/* One rising SK edge with data-in level di (§6.2 step 3). */
static void chip_clock(struct chip *c, int di)
{
    switch (c->state) {
    case CHIP_WAIT_CMD:
        if (c->ncmd == 0 && !di)
            return; /* still waiting for the start bit */
        /* A 1 sets its bit; nothing clears the register but CS 0->1, so
         * a command after an ignored one starts from the older bits. */
        if (di)
            c->cmd |= (uint16_t)(1u << c->ncmd);
        if (++c->ncmd < CMD_BITS)
            return;
        c->ncmd = 0;
        if ((c->cmd & CMD_OP_MASK) == CMD_READ) {
            c->state = CHIP_DATA_OUT;
            c->dout_pos = 0;
        }
        /* Any other opcode (EWEN, WRITE, ERASE...) is ignored: the
         * identification EEPROMs are read-only. */
        return;
    case CHIP_DATA_OUT: {
        unsigned addr = (c->cmd >> CMD_ADDR_SHIFT) & CMD_ADDR_MASK;
        c->dout = (uint8_t)((c->words[addr] >> c->dout_pos) & 1u);
        if (++c->dout_pos == DATA_BITS) {
            /* one word per CS cycle: ignore clocks until CS 0->1 */
            c->state = CHIP_IDLE;
            c->dout_pos = 0;
        }
        return;
    }
    default:
        return; /* idle */
    }
}

void nmc93cx6_write(struct nmc93cx6_group *g, uint32_t value)
{
    pthread_mutex_lock(&g->lock);
    uint32_t old = g->latch;
    for (unsigned i = 0; i < g->nchips; i++) {
        struct chip *c = &g->chip[i];
        const struct nmc93cx6_wire *w = &c->w;

        c->dout = 1; /* DO idles high on every write, §6.2 step 1 */
        int cs_old = bit(old, w->cs), cs_new = bit(value, w->cs);
        if (!cs_old && cs_new) {
            c->state = CHIP_WAIT_CMD;
            c->cmd = 0;
            c->ncmd = 0;
        } else if (cs_old && !cs_new) {
            c->state = CHIP_IDLE;
        }
        if (!bit(old, w->sk) && bit(value, w->sk))
            chip_clock(c, bit(value, w->di));
    }
    g->latch = value;
    pthread_mutex_unlock(&g->lock);
}

uint32_t nmc93cx6_read(struct nmc93cx6_group *g)
{
    pthread_mutex_lock(&g->lock);
    uint32_t v = g->latch;
    for (unsigned i = 0; i < g->nchips; i++) {
        const struct chip *c = &g->chip[i];
        if (!bit(g->latch, c->w.cs))
            continue; /* deselected: DO bit reads back as written */
        uint32_t m = UINT32_C(1) << c->w.dout;
        v = c->dout ? (v | m) : (v & ~m);
    }
    pthread_mutex_unlock(&g->lock);
    return v;
}

uint32_t nmc93cx6_port_read(void *ctx)
{
    return nmc93cx6_read(ctx);
}

void nmc93cx6_port_write(void *ctx, uint32_t value)
{
    nmc93cx6_write(ctx, value);
}
