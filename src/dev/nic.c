/*
 * Helpers shared by the network chip models: DMA, NIO ports, PCI identity,
 * Ethernet conventions, clause 22 management frames. See nic.h.
 */
#include "dev/nic.h"

#include <string.h>

#include "dev/pci_bus.h"
#include "mem/physmap.h"

/* ================================================================ DMA */

uint32_t nic_dma_read32(struct physmap *pm, uint32_t addr)
{
    return (uint32_t)physmap_read(pm, addr, 4, 0);
}

void nic_dma_write32(struct physmap *pm, uint32_t addr, uint32_t value)
{
    physmap_write(pm, addr, 4, value, 0);
}

void nic_dma_read(struct physmap *pm, uint32_t addr, void *buf, size_t len)
{
    if (physmap_copy_from(pm, addr, buf, len) == 0) {
        return;
    }
    /* Not plain RAM all along (a swapped view, a hole): byte accesses. */
    uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)physmap_read(pm, (uint32_t)(addr + i), 1, 0);
    }
}

void nic_dma_write(struct physmap *pm, uint32_t addr, const void *buf,
                   size_t len)
{
    if (physmap_copy_to(pm, addr, buf, len) == 0) {
        return;
    }
    const uint8_t *p = buf;
    for (size_t i = 0; i < len; i++) {
        physmap_write(pm, (uint32_t)(addr + i), 1, p[i], 0);
    }
}

/* =========================================================== NIO side */

int nic_nio_swap(pthread_mutex_t *lock, struct nio **slot, struct nio *nio,
                 nio_rx_fn rx, void *arg)
{
    pthread_mutex_lock(lock);
    struct nio *old = *slot;
    pthread_mutex_unlock(lock);
    if (old == nio) {
        return 0;
    }
    if (old) {
        nio_clear_rx(old); /* waits for a running handler */
    }
    int rc = nio ? nio_set_rx(nio, rx, arg) : 0;
    pthread_mutex_lock(lock);
    *slot = rc == 0 ? nio : NULL;
    pthread_mutex_unlock(lock);
    return rc;
}

static void port_rx(struct nio *nio, uint8_t *frame, size_t len, void *arg)
{
    (void)nio;
    nic_port_receive(arg, frame, len);
}

void nic_port_init(struct nic_port *p, pthread_mutex_t *lock,
                   nic_rx_locked_fn rx_locked, void *chip)
{
    memset(p, 0, sizeof(*p));
    p->lock = lock;
    p->rx_locked = rx_locked;
    p->chip = chip;
}

int nic_port_attach(struct nic_port *p, struct nio *nio)
{
    return nic_nio_swap(p->lock, &p->nio, nio, port_rx, p);
}

struct nio *nic_port_nio(struct nic_port *p)
{
    pthread_mutex_lock(p->lock);
    struct nio *n = p->nio;
    pthread_mutex_unlock(p->lock);
    return n;
}

void nic_port_receive(struct nic_port *p, const uint8_t *frame, size_t len)
{
    pthread_mutex_lock(p->lock);
    if (p->rx_locked(p->chip, frame, len)) {
        p->st.rx_frames++;
        p->st.rx_bytes += len;
    } else {
        p->st.rx_dropped++;
    }
    pthread_mutex_unlock(p->lock);
}

void nic_port_get_stats(struct nic_port *p, struct nic_stats *st)
{
    pthread_mutex_lock(p->lock);
    *st = p->st;
    pthread_mutex_unlock(p->lock);
}

int nic_port_may_transmit(const struct nic_port *p)
{
    return !p->nio || nio_may_transmit(p->nio);
}

void nic_port_send_locked(struct nic_port *p, const uint8_t *frame,
                          size_t len)
{
    if (p->nio && nio_send(p->nio, frame, len) >= 0) {
        p->st.tx_frames++;
        p->st.tx_bytes += len;
    } else {
        p->st.tx_dropped++; /* refused, or no cable: the frame is lost */
    }
}

/* ================================================================ PCI */

void nic_pci_config(struct pci_dev_config *cfg, const struct nic_pci_id *id,
                    const char *name, struct device *window)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->name = name;
    cfg->vendor_id = id->vendor_id;
    cfg->device_id = id->device_id;
    cfg->class_rev = id->class_rev;
    cfg->mode = PCI_HDR_PLATFORM;
    cfg->bar[id->bar].size = id->size;
    cfg->bar[id->bar].window = window;
}

/* =========================================================== Ethernet */

uint32_t nic_crc32(const uint8_t *p, size_t len)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
        }
    }
    return ~c;
}

/* devices.md §1.6: 802.3 header, 3-byte LLC, 9-byte ISL header. */
#define ISL_OUTER_HDR (ETH_HLEN + 3 + 9)
#define ISL_HDR_LEN 12 /* LLC + ISL header, counted in the length field */

void nic_isl_rewrite(uint8_t *frame, size_t len)
{
    static const uint8_t isl_dst[ETH_ALEN] = {0x01, 0x00, 0x0C,
                                              0x00, 0x10, 0x00};
    if (len < ETH_HLEN || memcmp(frame, isl_dst, ETH_ALEN) != 0) {
        return;
    }
    size_t field = (size_t)frame[12] << 8 | frame[13];
    if (field < ISL_HDR_LEN + 4) {
        return;
    }
    size_t inner = field - (ISL_HDR_LEN + 4);
    if (ISL_OUTER_HDR + inner > len || len < 4) {
        return;
    }
    frame[4] = 0x00;
    uint32_t crc = nic_crc32(frame + ISL_OUTER_HDR, inner);
    frame[len - 4] = (uint8_t)crc;
    frame[len - 3] = (uint8_t)(crc >> 8);
    frame[len - 2] = (uint8_t)(crc >> 16);
    frame[len - 1] = (uint8_t)(crc >> 24);
}

/* ================================================== clause 22 decoder */

enum mii_state {
    MII_IDLE,      /* preamble: 1s */
    MII_START,     /* got the 0 of the start pattern */
    MII_OP1,       /* got start 01: first opcode bit */
    MII_OP_READ,   /* got opcode 1: expect 0 */
    MII_OP_WRITE,  /* got opcode 0: expect 1 */
    MII_PHY,       /* 5 PHY address bits */
    MII_REG,       /* 5 register bits */
    MII_TA1,       /* write: turnaround 1 */
    MII_TA2,       /* write: turnaround 0 */
    MII_DATA,      /* write: 16 data bits */
};

void nic_mii_reset(struct nic_mii *m)
{
    m->state = MII_IDLE;
    m->nbits = 0;
    m->phy = m->reg = 0;
    m->data = 0;
    m->out = 0;
}

static void mii_op_done(struct nic_mii *m, int is_read)
{
    if (is_read) {
        uint16_t v = m->phy_read ? m->phy_read(m->ctx, m->phy, m->reg) : 0;
        m->out = (uint32_t)v << 15; /* bit 31: the turnaround clock */
        m->state = MII_IDLE;
    } else {
        m->state = MII_TA1;
    }
}

void nic_mii_clock_in(struct nic_mii *m, int bit)
{
    bit = bit ? 1 : 0;
    switch (m->state) {
    case MII_IDLE:
        if (!bit) {
            m->state = MII_START;
        }
        break;
    case MII_START:
        m->state = bit ? MII_OP1 : MII_IDLE;
        break;
    case MII_OP1:
        m->state = bit ? MII_OP_READ : MII_OP_WRITE;
        break;
    case MII_OP_READ:
    case MII_OP_WRITE:
        /* read = 10, write = 01 */
        if (bit == (m->state == MII_OP_WRITE)) {
            m->data = m->state == MII_OP_READ; /* remembers the opcode */
            m->phy = m->reg = 0;
            m->nbits = 0;
            m->state = MII_PHY;
        } else {
            m->state = MII_IDLE;
        }
        break;
    case MII_PHY:
        m->phy = (uint8_t)(m->phy << 1 | bit);
        if (++m->nbits == 5) {
            m->nbits = 0;
            m->state = MII_REG;
        }
        break;
    case MII_REG:
        m->reg = (uint8_t)(m->reg << 1 | bit);
        if (++m->nbits == 5) {
            m->nbits = 0;
            mii_op_done(m, m->data == 1);
        }
        break;
    case MII_TA1:
        m->state = bit ? MII_TA2 : MII_IDLE;
        break;
    case MII_TA2:
        if (bit) {
            m->state = MII_IDLE;
        } else {
            m->state = MII_DATA;
            m->data = 0;
            m->nbits = 0;
        }
        break;
    case MII_DATA:
        m->data = (uint16_t)(m->data << 1 | bit);
        if (++m->nbits == 16) {
            if (m->phy_write) {
                m->phy_write(m->ctx, m->phy, m->reg, m->data);
            }
            m->state = MII_IDLE;
        }
        break;
    default:
        m->state = MII_IDLE;
        break;
    }
}

int nic_mii_clock_out(struct nic_mii *m)
{
    int bit = (m->out >> 31) & 1;
    m->out <<= 1;
    return bit;
}
