/*
 * Cisco Mueslix 4-channel serial controller (devices.md §3.6). See
 * mueslix.h.
 *
 * Window (32-bit values in the low-order bits of any access, except the
 * TPU memories which are plain big-endian byte storage):
 *   0x0000 R/W1C interrupt status   0x0010 R/W interrupt mask
 *   0x0014 R/W   channel enable mask (bit 2n TX, 2n+1 RX of channel n)
 *   0x0018 R     0x7F7F7F7F          0x0048 R 0      0x007C R 0x492
 *   0x0100 + 0x100 n  channel n block (below)
 *   0x2000-0x27FF TPU microcode, 0x2A00-0x2AFF X memory, 0x2B00-0x2BFF Y
 *   0x2C00 R/W TPU options, 0x2C24 W TPU command, 0x2C2C R 0xFFFF ("OK")
 * Channel block:
 *   +0x00 CRC control (0x08 CRC-16, 0x0A CRC-32)  +0x40/+0x44 clock
 *   shift/divisor  +0x60 R line signals  +0x64 R port status 0x7B
 *   +0x80/+0x84 TX ring start/end  +0x88/+0x8C RX ring start/end
 *   +0x90 R 0x11111111
 * Other offsets read 0 and ignore writes (guest error, logged once).
 */
#include "dev/mueslix.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "dev/card_chip.h"
#include "dev/nic.h"
#include "dev/nic_chip.h"
#include "dev/pci_bus.h"
#include "mem/physmap.h"
#include "net/nio.h"

/* Chip registers, devices.md §3.6 */
#define REG_IRQ_STATUS 0x0000
#define REG_IRQ_MASK 0x0010
#define REG_CHAN_ENABLE 0x0014
#define REG_CONST_18 0x0018
#define REG_CONST_48 0x0048
#define REG_CONST_7C 0x007C
#define REG_CHAN_BASE 0x0100
#define REG_CHAN_STRIDE 0x0100
#define REG_UCODE 0x2000
#define UCODE_SIZE 0x800
#define REG_XMEM 0x2A00
#define REG_YMEM 0x2B00
#define XYMEM_SIZE 0x100
#define REG_TPU_OPTIONS 0x2C00
#define REG_TPU_CMD 0x2C24
#define REG_TPU_CMD_RSP 0x2C2C

#define CONST_18 0x7F7F7F7Fu
#define CONST_7C 0x00000492u
#define TPU_RSP_OK 0x0000FFFFu /* IOS reads it as "command done" */

/* Channel block */
#define CH_CRC_CTRL 0x00
#define CH_CLK_SHIFT 0x40
#define CH_CLK_DIV 0x44
#define CH_SIGNALS 0x60
#define CH_PORT_STATUS 0x64
#define CH_TX_START 0x80
#define CH_TX_END 0x84
#define CH_RX_START 0x88
#define CH_RX_END 0x8C
#define CH_CONST_90 0x90

#define SIGNALS_UP 0xFFFFFFFFu
#define PORT_STATUS 0x7Bu /* cable type as `show controllers` reports it */
#define CONST_90 0x11111111u
#define CRC_CTRL_16 0x08
#define CRC_CTRL_32 0x0A
#define CLOCK_BASE 8064000u /* bit/s at shift 0, divisor 0 */

/* Interrupt status bits */
#define IRQ_TX(n) (0x01u << (n))
#define IRQ_RX(n) (0x10u << (n))
#define DEASSERT_AFTER_IDLE 3 /* devices.md §3.6 [quirk], kept for IOS */

/* Channel enable mask */
#define CHAN_TX_EN(n) (1u << (2 * (n)))
#define CHAN_RX_EN(n) (1u << (2 * (n) + 1))

/* TPU command word: opcode 19:12, channel 1:0 */
#define TPU_OPCODE(c) (((c) >> 12) & 0xFFu)
#define TPU_CHANNEL(c) ((c) & 3u)
#define TPU_ENABLE 0x00
#define TPU_NM_DISABLE 0x10
#define TPU_PA_DISABLE_A 0x30
#define TPU_PA_DISABLE_B 0x50

/* Descriptors: two big-endian words */
#define DESC_SIZE 8
#define D_OWN (1u << 31)
#define D_FS (1u << 30)
#define D_LS (1u << 29)
#define RX_OVERRUN (1u << 28)
#define D_LEN 0xFFFFu
#define TX_SUB_LEN(w) (((w) >> 24) & 3u)
#define TX_PAD(w) (((w) >> 22) & 3u)
#define TX_SUB (1u << 20)

#define MAX_FRAME 18000 /* devices.md §1.5 */
#define TX_POLL_FRAMES 16
#define RING_WALK_MAX 1024

struct mueslix_channel {
    struct mueslix *chip;
    unsigned id;
    struct nic_port port; /* NIO and counters */
    /* state */
    uint32_t enabled; /* by TPU command */
    uint32_t crc_ctrl;
    uint32_t crc_size;
    uint32_t clk_shift, clk_div;
    uint32_t clk_rate;
    uint32_t tx_start, tx_end, tx_current;
    uint32_t rx_start, rx_end, rx_current;
};

struct mueslix {
    struct nic_chip base; /* window, lock, name, DMA, IRQ, kick */
    enum mueslix_mode mode;
    uint8_t *txbuf; /* MAX_FRAME bytes, used under the lock */

    /* state (mueslix_fields) */
    uint32_t irq_status, irq_mask;
    uint32_t idle_evals;
    uint32_t chan_enable;
    uint32_t tpu_options;
    uint8_t ucode[UCODE_SIZE];
    uint8_t xmem[XYMEM_SIZE];
    uint8_t ymem[XYMEM_SIZE];
    struct mueslix_channel ch[MUESLIX_CHANNELS];

    uint8_t logged_bad_offset;
    uint8_t logged_cmd;
    uint8_t logged_ring;
    uint8_t logged_oversize;
};

/* A channel's state: enabled .. rx_current, twelve words. */
#define CH_STATE_SIZE                                                      \
    (offsetof(struct mueslix_channel, rx_current) + sizeof(uint32_t) -     \
     offsetof(struct mueslix_channel, enabled))
_Static_assert(CH_STATE_SIZE == 12 * sizeof(uint32_t),
               "a channel's saved state is twelve words");
#define CH_FIELD(n)                                                        \
    {"channel" #n, offsetof(struct mueslix, ch[n].enabled), CH_STATE_SIZE}

static const struct dev_field mueslix_fields[] = {
    {"irq_status", offsetof(struct mueslix, irq_status), 4},
    {"irq_mask", offsetof(struct mueslix, irq_mask), 4},
    {"idle_evals", offsetof(struct mueslix, idle_evals), 4},
    {"chan_enable", offsetof(struct mueslix, chan_enable), 4},
    {"tpu_options", offsetof(struct mueslix, tpu_options), 4},
    {"ucode", offsetof(struct mueslix, ucode), UCODE_SIZE},
    {"xmem", offsetof(struct mueslix, xmem), XYMEM_SIZE},
    {"ymem", offsetof(struct mueslix, ymem), XYMEM_SIZE},
    {"irq_level", offsetof(struct mueslix, base.irq_level), 1},
    CH_FIELD(0),
    CH_FIELD(1),
    CH_FIELD(2),
    CH_FIELD(3),
    {NULL, 0, 0},
};

static struct mueslix *to_mx(struct device *dev)
{
    return DEV_CONTAINER(dev, struct mueslix, base.dev);
}

static void guest_error(struct mueslix *m, const char *fmt, uint64_t a,
                        uint64_t b)
{
    if (!m->logged_bad_offset) {
        m->logged_bad_offset = 1;
        char msg[128];
        snprintf(msg, sizeof(msg), fmt, (unsigned long long)a,
                 (unsigned long long)b);
        log_msg(m->base.lg, "MUESLIX", "%s: guest error: %s", m->base.name,
                msg);
    }
}

/* ========================================================= interrupts */

/* Assert at once; deassert on every third idle evaluation [quirk]. */
static void update_irq_locked(struct mueslix *m)
{
    if (m->irq_status & m->irq_mask) {
        nic_chip_irq_locked(&m->base, 1);
        return;
    }
    if (++m->idle_evals == DEASSERT_AFTER_IDLE) {
        m->idle_evals = 0;
        nic_chip_irq_locked(&m->base, 0);
    }
}

/* ============================================================ channels */

static void apply_clock_locked(struct mueslix_channel *c)
{
    uint32_t shift = c->clk_shift == 8 ? 0 : c->clk_shift;
    c->clk_rate = shift < 32 ? (uint32_t)((CLOCK_BASE >> shift) /
                                          ((uint64_t)c->clk_div + 1))
                             : 0;
    if (c->port.nio) {
        nio_set_bandwidth(c->port.nio, (c->clk_rate + 1000) / 1000);
    }
}

static void set_crc_ctrl(struct mueslix_channel *c, uint32_t v)
{
    c->crc_ctrl = v;
    c->crc_size = v == CRC_CTRL_32 ? 4 : 2; /* 0x08 and others: CRC-16 */
}

/* The channel whose register block holds offset off, or NULL. */
static struct mueslix_channel *chan_at(struct mueslix *m, uint64_t off)
{
    if (off < REG_CHAN_BASE ||
        off >= REG_CHAN_BASE + MUESLIX_CHANNELS * REG_CHAN_STRIDE) {
        return NULL;
    }
    return &m->ch[(off - REG_CHAN_BASE) / REG_CHAN_STRIDE];
}

/* Offset of a channel register within its block. */
static unsigned chan_reg(uint64_t off)
{
    return (unsigned)(off & (REG_CHAN_STRIDE - 1));
}

static uint32_t chan_read(struct mueslix *m, struct mueslix_channel *c,
                          unsigned off)
{
    switch (off) {
    case CH_CRC_CTRL:
        return c->crc_ctrl;
    case CH_CLK_SHIFT:
        return c->clk_shift;
    case CH_CLK_DIV:
        return c->clk_div;
    case CH_SIGNALS:
        return c->port.nio ? SIGNALS_UP : 0; /* line state IOS sees */
    case CH_PORT_STATUS:
        return PORT_STATUS;
    case CH_TX_START:
        return c->tx_start;
    case CH_TX_END:
        return c->tx_end;
    case CH_RX_START:
        return c->rx_start;
    case CH_RX_END:
        return c->rx_end;
    case CH_CONST_90:
        return CONST_90;
    default:
        guest_error(m, "read of channel register at 0x%llx (channel %llu)",
                    off, c->id);
        return 0;
    }
}

static void chan_write(struct mueslix *m, struct mueslix_channel *c,
                       unsigned off, uint32_t v)
{
    switch (off) {
    case CH_CRC_CTRL:
        set_crc_ctrl(c, v);
        break;
    case CH_CLK_SHIFT:
        c->clk_shift = v;
        apply_clock_locked(c);
        break;
    case CH_CLK_DIV:
        c->clk_div = v;
        apply_clock_locked(c);
        break;
    case CH_TX_START:
        c->tx_start = c->tx_current = v;
        break;
    case CH_TX_END:
        c->tx_end = v;
        break;
    case CH_RX_START:
        c->rx_start = c->rx_current = v;
        break;
    case CH_RX_END:
        c->rx_end = v;
        break;
    case CH_SIGNALS:
    case CH_PORT_STATUS:
    case CH_CONST_90:
        break; /* read-only */
    default:
        guest_error(m, "write to channel register at 0x%llx (channel %llu)",
                    off, c->id);
        break;
    }
}

/* Ring walking, devices.md §3.6: mode 0 end = one past the last
 * descriptor, mode 1 end = the last descriptor. */
static uint32_t ring_next(const struct mueslix *m, uint32_t cur,
                          uint32_t start, uint32_t end)
{
    if (m->mode == MUESLIX_MODE_NM) {
        uint32_t next = cur + DESC_SIZE;
        return next == end ? start : next;
    }
    return cur == end ? start : cur + DESC_SIZE;
}

static void ring_error(struct mueslix *m, const char *what, unsigned ch,
                       uint32_t addr)
{
    if (!m->logged_ring) {
        m->logged_ring = 1;
        log_msg(m->base.lg, "MUESLIX", "%s: guest error: channel %u: %s at "
                "0x%08x", m->base.name, ch, what, addr);
    }
}

static void tpu_command(struct mueslix *m, uint32_t cmd)
{
    struct mueslix_channel *c = &m->ch[TPU_CHANNEL(cmd)];
    unsigned op = TPU_OPCODE(cmd);
    if (op == TPU_ENABLE) {
        c->enabled = 1;
    } else if ((m->mode == MUESLIX_MODE_NM && op == TPU_NM_DISABLE) ||
               (m->mode == MUESLIX_MODE_PA &&
                (op == TPU_PA_DISABLE_A || op == TPU_PA_DISABLE_B))) {
        c->enabled = 0;
    } else if (!m->logged_cmd) {
        m->logged_cmd = 1;
        log_msg(m->base.lg, "MUESLIX", "%s: unimplemented: TPU command 0x%05x "
                "(ignored)", m->base.name, cmd);
    }
}

/* ============================================================ receive */

/* devices.md §3.6 "Receive". Lock held. Returns 1 if stored. */
static int rx_frame_locked(struct mueslix *m, struct mueslix_channel *c,
                           const uint8_t *frame, size_t len)
{
    if (!c->rx_start || !c->enabled || !c->port.nio ||
        !(m->chan_enable & CHAN_RX_EN(c->id)) || len == 0) {
        return 0;
    }
    if (len > MAX_FRAME) {
        if (!m->logged_oversize) {
            m->logged_oversize = 1;
            log_msg(m->base.lg, "MUESLIX",
                    "%s: received frames longer than %d "
                    "bytes are dropped", m->base.name, MAX_FRAME);
        }
        return 0;
    }
    uint32_t first = c->rx_current;
    uint32_t w0 = nic_dma_read32(m->base.pm, first);
    if (!(w0 & D_OWN)) {
        return 0; /* ring full */
    }
    uint32_t addr = first;
    uint32_t first_word = 0;
    size_t done = 0;
    for (int n = 0;; n++) {
        uint32_t buf = nic_dma_read32(m->base.pm, addr + 4);
        size_t cnt = w0 & D_LEN;
        if (cnt > len - done) {
            cnt = len - done;
        }
        nic_dma_write(m->base.pm, buf, frame + done, cnt);
        done += cnt;
        uint32_t next = ring_next(m, addr, c->rx_start, c->rx_end);
        c->rx_current = next;
        uint32_t word;
        int last = 0;
        if (done == len) {
            /* reported length counts the CRC and one more byte */
            word = D_LS | (uint32_t)((cnt + c->crc_size + 1) & D_LEN);
            last = 1;
        } else {
            w0 = nic_dma_read32(m->base.pm, next);
            if (n + 1 >= RING_WALK_MAX || next == first || !(w0 & D_OWN)) {
                if (n + 1 >= RING_WALK_MAX || next == first) {
                    ring_error(m, "RX frame does not fit the ring", c->id,
                               addr);
                }
                word = D_LS | RX_OVERRUN | (uint32_t)cnt;
                last = 1;
            } else {
                word = (uint32_t)cnt;
            }
        }
        if (n == 0) {
            first_word = word;
        } else {
            nic_dma_write32(m->base.pm, addr, word);
        }
        if (last) {
            break;
        }
        addr = next;
    }
    nic_dma_write32(m->base.pm, first,
                    first_word | D_FS); /* handed back last */
    m->irq_status |= IRQ_RX(c->id);
    update_irq_locked(m);
    return 1;
}

/* The receive side of a channel's port. Lock held. */
static int port_rx_locked(void *chan, const uint8_t *frame, size_t len)
{
    struct mueslix_channel *c = chan;
    return rx_frame_locked(c->chip, c, frame, len);
}

void mueslix_receive(struct mueslix *m, unsigned channel,
                     const uint8_t *frame, size_t len)
{
    if (channel < MUESLIX_CHANNELS) {
        nic_port_receive(&m->ch[channel].port, frame, len);
    }
}

/* =========================================================== transmit */

static size_t tx_desc_len(const struct mueslix *m, uint32_t w0)
{
    if (m->mode == MUESLIX_MODE_NM) {
        return w0 & D_LEN;
    }
    size_t n = (size_t)(w0 & D_LEN) << 2; /* mode 1: in 32-bit words */
    if (w0 & TX_SUB) {
        size_t sub = TX_SUB_LEN(w0);
        n = n > sub ? n - sub : 0;
    }
    return n;
}

enum tx_result { TX_NONE, TX_DONE, TX_WAIT };

/* devices.md §3.6 "Transmit", one frame. Lock held. */
static enum tx_result tx_one_locked(struct mueslix *m,
                                    struct mueslix_channel *c)
{
    uint32_t first = c->tx_current;
    uint32_t w0 = nic_dma_read32(m->base.pm, first);
    if (!(w0 & D_OWN)) {
        return TX_NONE;
    }
    uint32_t consumed[RING_WALK_MAX];
    int nconsumed = 0;
    size_t len = 0;
    int truncated = 0;
    uint32_t addr = first;
    uint32_t cur = first;
    for (int n = 0;; n++) {
        size_t cnt = tx_desc_len(m, w0);
        if (len + cnt > MAX_FRAME) {
            truncated = 1;
        } else if (cnt) {
            nic_dma_read(m->base.pm, nic_dma_read32(m->base.pm, addr + 4),
                         m->txbuf + len, cnt);
            len += cnt;
        }
        if (n) {
            consumed[nconsumed++] = addr;
        }
        cur = ring_next(m, addr, c->tx_start, c->tx_end);
        if (w0 & D_LS) {
            break;
        }
        if (n + 1 >= RING_WALK_MAX || cur == first) {
            ring_error(m, "TX frame without a last descriptor", c->id, first);
            truncated = 1;
            break;
        }
        uint32_t nw0 = nic_dma_read32(m->base.pm, cur);
        if (!(nw0 & D_OWN)) {
            return TX_WAIT; /* rest of the frame not handed over yet */
        }
        addr = cur;
        w0 = nw0;
    }
    c->tx_current = cur;
    /* PAD of the last descriptor: valid bytes in the final word, 0 = 4 */
    size_t cut = (4 - TX_PAD(w0)) & 3;
    len = len > cut ? len - cut : 0;
    if (truncated || !len) {
        c->port.st.tx_dropped++;
    } else {
        nic_port_send_locked(&c->port, m->txbuf, len);
    }
    for (int i = 0; i < nconsumed; i++) {
        nic_dma_write32(m->base.pm, consumed[i], 0);
    }
    nic_dma_write32(m->base.pm, first, 0);
    m->irq_status |= IRQ_TX(c->id);
    return TX_DONE;
}

static int tx_scan_locked(struct mueslix *m)
{
    int sent = 0;
    for (unsigned i = 0; i < MUESLIX_CHANNELS; i++) {
        struct mueslix_channel *c = &m->ch[i];
        /* either enable bit will do for TX [quirk, harmless] */
        if (!c->tx_start || !c->enabled ||
            !(m->chan_enable & (CHAN_TX_EN(i) | CHAN_RX_EN(i)))) {
            continue;
        }
        for (int k = 0; k < TX_POLL_FRAMES; k++) {
            if (!nic_port_may_transmit(&c->port)) {
                break;
            }
            if (tx_one_locked(m, c) != TX_DONE) {
                break;
            }
            sent++;
        }
    }
    if (sent) {
        update_irq_locked(m);
    }
    return sent;
}

/* A scan may find frames (the channels tx_scan_locked looks at). Lock
 * held. */
static int tx_on_locked(const struct mueslix *m)
{
    for (unsigned i = 0; i < MUESLIX_CHANNELS; i++) {
        const struct mueslix_channel *c = &m->ch[i];
        if (c->tx_start && c->enabled &&
            (m->chan_enable & (CHAN_TX_EN(i) | CHAN_RX_EN(i)))) {
            return 1;
        }
    }
    return 0;
}

int mueslix_tx_on(struct mueslix *m)
{
    pthread_mutex_lock(&m->base.lock);
    int on = tx_on_locked(m);
    pthread_mutex_unlock(&m->base.lock);
    return on;
}

int mueslix_tx_poll(struct mueslix *m)
{
    pthread_mutex_lock(&m->base.lock);
    int n = tx_scan_locked(m);
    pthread_mutex_unlock(&m->base.lock);
    return n;
}

/* ========================================================== registers */

static uint8_t *tpu_memory(struct mueslix *m, uint64_t off, unsigned size)
{
    if (off >= REG_UCODE && off + size <= REG_UCODE + UCODE_SIZE) {
        return m->ucode + (off - REG_UCODE);
    }
    if (off >= REG_XMEM && off + size <= REG_XMEM + XYMEM_SIZE) {
        return m->xmem + (off - REG_XMEM);
    }
    if (off >= REG_YMEM && off + size <= REG_YMEM + XYMEM_SIZE) {
        return m->ymem + (off - REG_YMEM);
    }
    return NULL;
}

static uint64_t mueslix_read(struct device *dev, uint64_t off, unsigned size)
{
    struct mueslix *m = to_mx(dev);
    uint64_t v = 0;
    pthread_mutex_lock(&m->base.lock);
    uint8_t *mem = tpu_memory(m, off, size);
    if (mem) {
        for (unsigned i = 0; i < size; i++) {
            v = v << 8 | mem[i];
        }
        pthread_mutex_unlock(&m->base.lock);
        return v;
    }
    struct mueslix_channel *c = chan_at(m, off);
    if (c) {
        v = chan_read(m, c, chan_reg(off));
    } else {
        switch (off) {
        case REG_IRQ_STATUS:
            v = m->irq_status;
            break;
        case REG_IRQ_MASK:
            v = m->irq_mask;
            break;
        case REG_CHAN_ENABLE:
            v = m->chan_enable;
            break;
        case REG_CONST_18:
            v = CONST_18;
            break;
        case REG_CONST_48:
            v = 0;
            break;
        case REG_CONST_7C:
            v = CONST_7C;
            break;
        case REG_TPU_OPTIONS:
            v = m->tpu_options;
            break;
        case REG_TPU_CMD_RSP:
            v = TPU_RSP_OK;
            break;
        default:
            guest_error(m, "read at offset 0x%llx (size %llu)", off, size);
            break;
        }
    }
    pthread_mutex_unlock(&m->base.lock);
    return size >= 4 ? (uint32_t)v : v & ((1u << (size * 8)) - 1);
}

static void mueslix_write(struct device *dev, uint64_t off, unsigned size,
                          uint64_t value)
{
    struct mueslix *m = to_mx(dev);
    uint32_t v = (uint32_t)value;
    pthread_mutex_lock(&m->base.lock);
    uint8_t *mem = tpu_memory(m, off, size);
    if (mem) {
        for (unsigned i = size; i-- > 0;) {
            mem[i] = (uint8_t)value;
            value >>= 8;
        }
        pthread_mutex_unlock(&m->base.lock);
        return;
    }
    struct mueslix_channel *c = chan_at(m, off);
    if (c) {
        chan_write(m, c, chan_reg(off), v);
        /* the periodic scan runs while TX is on */
        nic_chip_unlock_kick(&m->base, tx_on_locked(m));
        return;
    }
    switch (off) {
    case REG_IRQ_STATUS:
        m->irq_status &= ~v; /* write one to clear */
        update_irq_locked(m);
        tx_scan_locked(m); /* the guest is servicing us: look at TX now */
        break;
    case REG_IRQ_MASK:
        m->irq_mask = v;
        update_irq_locked(m);
        break;
    case REG_CHAN_ENABLE:
        m->chan_enable = v;
        tx_scan_locked(m);
        break;
    case REG_TPU_OPTIONS:
        m->tpu_options = v;
        break;
    case REG_TPU_CMD:
        tpu_command(m, v);
        tx_scan_locked(m);
        break;
    case REG_CONST_18:
    case REG_CONST_48:
    case REG_CONST_7C:
    case REG_TPU_CMD_RSP:
        break; /* read-only */
    default:
        guest_error(m, "write at offset 0x%llx (value 0x%llx)", off, v);
        break;
    }
    nic_chip_unlock_kick(&m->base, tx_on_locked(m));
}

/* Restored from a snapshot: the periodic scan runs while TX is on. */
static void mueslix_loaded(struct device *dev)
{
    struct mueslix *m = to_mx(dev);
    nic_chip_kick_if(&m->base, mueslix_tx_on(m));
}

static void mueslix_reset(struct device *dev)
{
    struct mueslix *m = to_mx(dev);
    pthread_mutex_lock(&m->base.lock);
    m->irq_status = m->irq_mask = 0;
    m->idle_evals = 0;
    m->chan_enable = 0;
    m->tpu_options = 0;
    memset(m->ucode, 0, sizeof(m->ucode));
    memset(m->xmem, 0, sizeof(m->xmem));
    memset(m->ymem, 0, sizeof(m->ymem));
    for (unsigned i = 0; i < MUESLIX_CHANNELS; i++) {
        struct mueslix_channel *c = &m->ch[i];
        c->enabled = 0;
        set_crc_ctrl(c, 0);
        c->clk_shift = c->clk_div = c->clk_rate = 0;
        c->tx_start = c->tx_end = c->tx_current = 0;
        c->rx_start = c->rx_end = c->rx_current = 0;
        if (c->port.nio) {
            nio_set_bandwidth(c->port.nio, 0);
        }
    }
    nic_chip_irq_locked(&m->base, 0);
    pthread_mutex_unlock(&m->base.lock);
}

static const struct device_ops mueslix_ops = {
    .read = mueslix_read,
    .write = mueslix_write,
    .reset = mueslix_reset,
    .loaded = mueslix_loaded,
    .fields = mueslix_fields,
};

/* ========================================================== life cycle */

int mueslix_create(const struct mueslix_config *c, struct mueslix **out)
{
    if (!c || !c->pm) {
        return -EINVAL;
    }
    struct mueslix *m = calloc(1, sizeof(*m));
    if (m) {
        m->txbuf = malloc(MAX_FRAME);
    }
    if (!m || !m->txbuf) {
        free(m);
        return -ENOMEM;
    }
    nic_chip_init(&m->base, c->name, "mueslix", &mueslix_ops, c->pm, c->lg,
                  c->irq, c->kick);
    m->mode = c->mode;
    for (unsigned i = 0; i < MUESLIX_CHANNELS; i++) {
        m->ch[i].chip = m;
        m->ch[i].id = i;
        nic_port_init(&m->ch[i].port, &m->base.lock, port_rx_locked,
                      &m->ch[i]);
    }
    mueslix_reset(&m->base.dev);
    *out = m;
    return 0;
}

void mueslix_destroy(struct mueslix *m)
{
    if (!m) {
        return;
    }
    for (unsigned i = 0; i < MUESLIX_CHANNELS; i++) {
        mueslix_set_nio(m, i, NULL);
    }
    nic_chip_fini(&m->base);
    free(m->txbuf);
    free(m);
}

struct device *mueslix_device(struct mueslix *m)
{
    return &m->base.dev;
}

void mueslix_pci_config(struct mueslix *m, struct pci_dev_config *cfg)
{
    static const struct nic_pci_id id = {
        MUESLIX_PCI_VENDOR, MUESLIX_PCI_DEVICE, MUESLIX_PCI_CLASS,
        MUESLIX_REG_BAR, MUESLIX_WINDOW_SIZE,
    };
    nic_pci_config(cfg, &id, m->base.name, &m->base.dev);
}

int mueslix_set_nio(struct mueslix *m, unsigned channel, struct nio *nio)
{
    if (channel >= MUESLIX_CHANNELS) {
        return -EINVAL;
    }
    struct mueslix_channel *c = &m->ch[channel];
    struct nio *old = nic_port_nio(&c->port);
    if (old == nio) {
        return 0;
    }
    int rc = nic_port_attach(&c->port, nio);
    if (old) {
        nio_set_bandwidth(old, 0); /* the clock belonged to this port */
    }
    pthread_mutex_lock(&m->base.lock);
    if (c->port.nio && c->clk_rate) {
        nio_set_bandwidth(c->port.nio, (c->clk_rate + 1000) / 1000);
    }
    pthread_mutex_unlock(&m->base.lock);
    return rc;
}

struct nio *mueslix_nio(struct mueslix *m, unsigned channel)
{
    if (channel >= MUESLIX_CHANNELS) {
        return NULL;
    }
    return nic_port_nio(&m->ch[channel].port);
}

unsigned mueslix_clock_rate(struct mueslix *m, unsigned channel)
{
    if (channel >= MUESLIX_CHANNELS) {
        return 0;
    }
    pthread_mutex_lock(&m->base.lock);
    unsigned r = m->ch[channel].clk_rate;
    pthread_mutex_unlock(&m->base.lock);
    return r;
}

void mueslix_get_stats(struct mueslix *m, unsigned channel,
                       struct nic_stats *st)
{
    memset(st, 0, sizeof(*st));
    if (channel < MUESLIX_CHANNELS) {
        nic_port_get_stats(&m->ch[channel].port, st);
    }
}

void mueslix_dump(struct mueslix *m, FILE *out)
{
    pthread_mutex_lock(&m->base.lock);
    fprintf(out, "    interrupt status 0x%08x, mask 0x%08x, channel enable "
            "0x%08x, mode %d\n", m->irq_status, m->irq_mask, m->chan_enable,
            (int)m->mode);
    for (unsigned i = 0; i < MUESLIX_CHANNELS; i++) {
        const struct mueslix_channel *c = &m->ch[i];
        fprintf(out, "    channel %u: %s, CRC-%u, clock %u bit/s, TX "
                "0x%08x-0x%08x at 0x%08x, RX 0x%08x-0x%08x at 0x%08x\n", i,
                c->enabled ? "enabled" : "disabled", c->crc_size * 8,
                c->clk_rate, c->tx_start, c->tx_end, c->tx_current,
                c->rx_start, c->rx_end, c->rx_current);
    }
    pthread_mutex_unlock(&m->base.lock);
}

/* ======================================================== card layers */

static int card_create(const struct card_chip_config *c,
                       enum mueslix_mode mode, void **out)
{
    struct mueslix_config mc = {.name = c->name, .mode = mode, .pm = c->pm,
                                .lg = c->lg, .irq = c->irq, .kick = c->kick};
    return mueslix_create(&mc, (struct mueslix **)out);
}

static int card_create_pa(const struct card_chip_config *c, void **out)
{
    return card_create(c, MUESLIX_MODE_PA, out);
}

static int card_create_nm(const struct card_chip_config *c, void **out)
{
    return card_create(c, MUESLIX_MODE_NM, out);
}

CARD_CHIP_ADAPTERS(mueslix)
CARD_CHIP_PCI_ADAPTER(mueslix)
CARD_CHIP_CHANNEL_ADAPTERS(mueslix)

/* The two modes differ only in the mode they create. */
#define MUESLIX_CARD_OPS(create_fn)                                        \
    {                                                                      \
        .what = "Mueslix", .create = create_fn,                            \
        .destroy = mueslix_card_destroy, .pci_config = mueslix_card_pci,   \
        .device = mueslix_card_device, .set_nio = mueslix_card_set_nio,    \
        .tx_poll = mueslix_card_tx_poll, .tx_on = mueslix_card_tx_on,      \
        .stats = mueslix_card_stats,                                       \
    }

/* devices.md §3.6: the c7200 PAs run chip mode 1 */
const struct card_chip_ops mueslix_pa_card = MUESLIX_CARD_OPS(card_create_pa);

/* devices.md §3.6: the NM-4T runs chip mode 0 */
const struct card_chip_ops mueslix_nm_card = MUESLIX_CARD_OPS(card_create_nm);
