/*
 * Broadcom BCM5605 L2 switch of the NM-16ESW (shared spec devices.md
 * §3.12). See bcm5605.h.
 */
#include "dev/bcm5605.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "dev/card_chip.h"
#include "dev/nic.h"
#include "dev/pci_bus.h"
#include "net/nio.h"

#define SW_PORTS 32
#define MAX_FRAME 2048 /* devices.md §1.5 */
#define DW_WORDS 21
#define REG_SLOTS 512
#define AGE_MS 15000 /* devices.md §3.12: ageing every 15 s */

/* Register window (devices.md §3.12) */
#define R_SCHAN 0x050
#define R_104 0x104
#define R_TX_RING 0x110
#define R_RX_RING 0x114
#define R_LINK 0x140
#define R_INTR 0x144
#define R_INTR_MASK 0x148
#define R_MII_IN 0x158
#define R_MII_OUT 0x15C
#define R_DW0 0x800

#define INTR_LINK 0x010
#define INTR_TX_END 0x100
#define INTR_RX_AVAIL 0x200
#define INTR_RX_END 0x400

/* S-channel commands and message opcodes */
#define SCHAN_EXEC 0x80
#define SCHAN_MII_READ 0x90
#define SCHAN_MII_WRITE 0x91
#define SCHAN_LINKSCAN 0x13
#define OP_SHIFT 26
#define OP_READ_MEM 0x07
#define OP_READ_MEM_ACK 0x08
#define OP_WRITE_MEM 0x09
#define OP_WRITE_MEM_ACK 0x0A
#define OP_READ_REG 0x0B
#define OP_READ_REG_ACK 0x0C
#define OP_WRITE_REG 0x0D
#define OP_WRITE_REG_ACK 0x0E
#define OP_ARL_INSERT 0x0F
#define OP_ARL_INSERT_DONE 0x10
#define OP_ARL_DELETE 0x11
#define OP_ARL_DELETE_DONE 0x12
#define OP_ARL_LOOKUP 0x19

/* Tables (addresses with the copy bits masked) */
#define T_ARLCNT 0x01000000u
#define T_ARL 0x02000000u
#define T_PTABLE 0x03000000u
#define T_VTABLE 0x05000000u
#define T_TTR 0x06000000u
#define T_TBMAP 0x06010000u
#define T_MARL 0x08000000u
#define T_COPY_MASK 0x00300000u
#define ARL_SIZE 8192

/* Field bits */
#define BMAP_MASK 0x1FFFFFFFu
#define ARL_KEY_MASK 0x0FFFFFFFu /* VLAN 27:16, MAC bytes 0-1 15:0 */
#define ARL_CPU 0x80000000u
#define ARL_STATIC 0x00000008u
#define ARL_HIT 0x00000010u
#define ARL_TRUNK 0x00000100u
#define ARL_TGID_SHIFT 9
#define ARL_PORT_SHIFT 15
#define PT_TRUNK 0x08000000u
#define PT_TGID_SHIFT 24
#define PT_DISCARD_SHIFT 14
#define PT_MIRROR 0x20000000u
#define MIRROR_ENABLE 0x40u
#define TXD_NEOP 0x00040000u
#define TXD_SWITCH 0x00800000u
#define DESC_RING_CONT 0x80000000u
#define DESC_SIZE 32
#define REG_MIRROR_TO 0x80006u
#define REG_MIRROR_EGRESS 0x8000Du

static const uint8_t front_to_sw[BCM5605_FRONT_PORTS] = {
    2, 0, 6, 4, 10, 8, 14, 12, 3, 1, 7, 5, 11, 9, 15, 13};

struct bcm5605 {
    struct device dev;
    pthread_mutex_t lock;
    char name[64];
    struct physmap *pm;
    struct logger *lg;
    struct irq_line irq;
    struct tx_kick kick;
    int irq_level;
    struct nio *nio[SW_PORTS];
    struct bcm5605_stats st[SW_PORTS];

    uint32_t schan_res;
    uint32_t dw[DW_WORDS];
    uint32_t tx_ring, tx_cur, rx_ring, rx_cur, intr_mask;
    int tx_end, rx_end, mii_intr;
    uint32_t mii_in, mii_out;
    uint16_t phy0[SW_PORTS];
    uint32_t mirror_to, mirror_egress;

    uint32_t arl_cnt;
    uint32_t arl[ARL_SIZE][3];
    uint32_t marl[256][5];
    uint32_t ptable[32][6];
    uint32_t vtable[256][4];
    uint32_t ttr[6][3];
    uint32_t tbmap[6];
    unsigned trunk_last[6];
    struct {
        uint32_t addr, value;
        int used;
    } regs[REG_SLOTS];

    uint8_t txbuf[MAX_FRAME];
    size_t txlen;
    uint64_t last_age_ms;
    unsigned logged;
};

/* A frame going through the switch. */
struct pkt {
    const uint8_t *data;
    size_t len;
    unsigned ingress;
    int orig_vlan; /* -1 untagged, 0 from the CPU with a port bitmap */
    unsigned vlan;
    const uint32_t *ventry;
    uint32_t egress, ut, filter;
    int to_cpu_done;
};

unsigned bcm5605_switch_port(unsigned front_port)
{
    return front_port < BCM5605_FRONT_PORTS ? front_to_sw[front_port] : 0;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void bcm_log(struct bcm5605 *b, const char *what, uint32_t v)
{
    if (b->logged < 32) {
        b->logged++;
        log_msg(b->lg, "BCM5605", "%s: %s 0x%08x", b->name, what, v);
    }
}

static void intr_assert(struct bcm5605 *b)
{
    b->irq_level = 1; /* driven when the lock is released */
}

/* --------------------------------------------------------- registers */

static uint32_t *reg_slot(struct bcm5605 *b, uint32_t addr, int create)
{
    unsigned h = (addr ^ (addr >> 16)) % REG_SLOTS;
    for (unsigned i = 0; i < REG_SLOTS; i++) {
        unsigned k = (h + i) % REG_SLOTS;
        if (b->regs[k].used && b->regs[k].addr == addr)
            return &b->regs[k].value;
        if (!b->regs[k].used) {
            if (!create)
                return NULL;
            b->regs[k].used = 1;
            b->regs[k].addr = addr;
            return &b->regs[k].value;
        }
    }
    return NULL;
}

/* A table entry by address and index (copies alias copy 0), or NULL. */
static uint32_t *table_entry(struct bcm5605 *b, uint32_t addr,
                             uint32_t index, unsigned *nwords)
{
    switch (addr & ~T_COPY_MASK) {
    case T_ARLCNT:
        *nwords = 1;
        return index == 0 ? &b->arl_cnt : NULL;
    case T_ARL:
        *nwords = 3;
        return index < ARL_SIZE ? b->arl[index] : NULL;
    case T_MARL:
        *nwords = 5;
        return index >= 1 && index < 256 ? b->marl[index] : NULL;
    case T_PTABLE:
        *nwords = 6;
        return index < 32 ? b->ptable[index] : NULL;
    case T_VTABLE:
        *nwords = 4;
        return index >= 1 && index < 256 ? b->vtable[index] : NULL;
    case T_TTR:
        *nwords = 3;
        return index < 6 ? b->ttr[index] : NULL;
    case T_TBMAP:
        *nwords = 1;
        return index < 6 ? &b->tbmap[index] : NULL;
    default:
        return NULL;
    }
}

/* ---------------------------------------------------------------- ARL */

static void arl_key(const uint8_t *mac, unsigned vlan, uint32_t key[2])
{
    key[0] = (uint32_t)mac[2] << 24 | (uint32_t)mac[3] << 16 |
             (uint32_t)mac[4] << 8 | mac[5];
    key[1] = (uint32_t)mac[0] << 8 | mac[1] | (vlan & 0xFFFu) << 16;
}

/* Entries live at 0 .. count-2 (count word = entries + 1). */
static unsigned arl_entries(const struct bcm5605 *b)
{
    return b->arl_cnt >= 1 ? b->arl_cnt - 1 : 0;
}

static int arl_find(struct bcm5605 *b, const uint32_t key[2])
{
    for (unsigned i = 0; i < arl_entries(b) && i < ARL_SIZE; i++)
        if (b->arl[i][0] == key[0] &&
            (b->arl[i][1] & ARL_KEY_MASK) == key[1])
            return (int)i;
    return -1;
}

static int marl_find(struct bcm5605 *b, const uint32_t key[2])
{
    for (unsigned i = 1; i < 256; i++)
        if (b->marl[i][0] == key[0] &&
            (b->marl[i][1] & ARL_KEY_MASK) == key[1])
            return (int)i;
    return -1;
}

/* Index of a new entry, or -1 when the table is full / uninitialised. */
static int arl_new(struct bcm5605 *b)
{
    if (b->arl_cnt == 0 || b->arl_cnt - 1 >= ARL_SIZE - 1)
        return -1;
    return (int)(b->arl_cnt - 1);
}

static void arl_remove(struct bcm5605 *b, unsigned i)
{
    unsigned last = arl_entries(b) - 1;
    memcpy(b->arl[i], b->arl[last], sizeof(b->arl[i]));
    memset(b->arl[last], 0, sizeof(b->arl[last]));
    b->arl_cnt--;
}

static void arl_insert_cmd(struct bcm5605 *b)
{
    uint32_t key[2] = {b->dw[1], b->dw[2] & ARL_KEY_MASK};
    int i = arl_find(b, key);
    if (i < 0) {
        i = arl_new(b);
        if (i < 0)
            return;
        b->arl_cnt++;
    }
    b->arl[i][0] = b->dw[1];
    b->arl[i][1] = b->dw[2];
    b->arl[i][2] = b->dw[3];
    b->dw[1] = (uint32_t)i;
}

static void arl_delete_cmd(struct bcm5605 *b)
{
    uint32_t key[2] = {b->dw[1], b->dw[2] & ARL_KEY_MASK};
    int i = arl_find(b, key);
    if (i >= 0) {
        arl_remove(b, (unsigned)i);
        b->dw[1] = (uint32_t)i;
    }
}

/* devices.md §3.12: non-static entries not hit since the last pass go. */
static void arl_age(struct bcm5605 *b)
{
    for (unsigned i = 0; i < arl_entries(b);) {
        uint32_t *e = b->arl[i];
        if (e[2] & ARL_STATIC) {
            i++;
        } else if (!(e[2] & ARL_HIT)) {
            arl_remove(b, i);
        } else {
            e[2] &= ~ARL_HIT;
            i++;
        }
    }
}

/* ------------------------------------------------------------- S-channel */

static void gen_cmd(struct bcm5605 *b)
{
    unsigned nw;
    uint32_t *e;
    switch (b->dw[0] >> OP_SHIFT) {
    case OP_READ_MEM:
        e = table_entry(b, b->dw[1] & 0xFFFF0000u, b->dw[1] & 0xFFFF, &nw);
        for (unsigned i = 1; i < DW_WORDS; i++)
            b->dw[i] = e && i <= nw ? e[i - 1] : 0;
        b->dw[0] = OP_READ_MEM_ACK << OP_SHIFT;
        return;
    case OP_WRITE_MEM:
        e = table_entry(b, b->dw[1] & 0xFFFF0000u, b->dw[1] & 0xFFFF, &nw);
        for (unsigned i = 0; e && i < nw; i++)
            e[i] = b->dw[i + 2];
        b->dw[0] = OP_WRITE_MEM_ACK << OP_SHIFT;
        return;
    case OP_READ_REG: {
        uint32_t *r = reg_slot(b, b->dw[1], 0);
        b->dw[1] = r ? *r : 0;
        b->dw[0] = OP_READ_REG_ACK << OP_SHIFT;
        return;
    }
    case OP_WRITE_REG: {
        uint32_t *r = reg_slot(b, b->dw[1], 1);
        if (r)
            *r = b->dw[2];
        else
            bcm_log(b, "register store full, dropped", b->dw[1]);
        if (b->dw[1] == REG_MIRROR_TO)
            b->mirror_to = b->dw[2];
        else if (b->dw[1] == REG_MIRROR_EGRESS)
            b->mirror_egress = b->dw[2];
        b->dw[0] = OP_WRITE_REG_ACK << OP_SHIFT;
        return;
    }
    case OP_ARL_INSERT:
        b->dw[0] = OP_ARL_INSERT_DONE << OP_SHIFT;
        arl_insert_cmd(b);
        return;
    case OP_ARL_DELETE:
        b->dw[0] = OP_ARL_DELETE_DONE << OP_SHIFT;
        arl_delete_cmd(b);
        return;
    case OP_ARL_LOOKUP: /* devices.md §3.12 [gap]: no lookup */
        b->dw[0] = OP_READ_MEM_ACK << OP_SHIFT;
        return;
    default:
        bcm_log(b, "unknown S-channel message", b->dw[0]);
        return;
    }
}

static int phy_up(const struct bcm5605 *b, unsigned port)
{
    return !(b->phy0[port] & 0x0400); /* isolate bit */
}

static void mii_cmd(struct bcm5605 *b, int write)
{
    unsigned port = (b->mii_in >> 16) & 0xFF, reg = (b->mii_in >> 24) & 0xFF;
    if (port >= SW_PORTS || reg >= 32)
        return;
    if (write) {
        if (reg == 0) {
            if ((b->mii_in ^ b->phy0[port]) & 0x0400) {
                b->mii_intr = 1; /* link change, reported once */
                intr_assert(b);
            }
            b->phy0[port] = (uint16_t)b->mii_in;
        }
        return;
    }
    switch (reg) {
    case 0: b->mii_out = b->phy0[port] & ~0x8200u; break;
    case 1: b->mii_out = b->nio[port] && phy_up(b, port) ? 0x782C : 0; break;
    case 2: b->mii_out = 0x0040; break;
    case 3: b->mii_out = 0x61D4; break;
    case 4: b->mii_out = 0x01E1; break;
    case 5: b->mii_out = 0x41E1; break;
    default: b->mii_out = 0; break;
    }
}

static void schan(struct bcm5605 *b, uint32_t cmd)
{
    switch (cmd) {
    case SCHAN_EXEC:
        gen_cmd(b);
        b->schan_res = 0x00008002;
        return;
    case SCHAN_MII_READ:
    case SCHAN_MII_WRITE:
        mii_cmd(b, cmd == SCHAN_MII_WRITE);
        b->schan_res = 0x00048000;
        return;
    case SCHAN_LINKSCAN:
        b->schan_res = 0;
        return;
    default:
        b->schan_res = 0xFFFFFFFFu;
        return;
    }
}

/* ---------------------------------------------------------- forwarding */

static const uint32_t *vlan_entry(struct bcm5605 *b, unsigned vlan)
{
    for (unsigned i = 1; i < 256; i++)
        if ((b->vtable[i][0] & 0xFFF) == vlan)
            return b->vtable[i];
    return NULL;
}

static void out(struct bcm5605 *b, unsigned port, const uint8_t *f,
                size_t len)
{
    if (port < SW_PORTS && b->nio[port] && nio_send(b->nio[port], f, len) >= 0)
        b->st[port].tx_frames++;
    else if (port < SW_PORTS)
        b->st[port].tx_dropped++;
}

static void mirror(struct bcm5605 *b, const struct pkt *p)
{
    if (b->mirror_to & MIRROR_ENABLE)
        out(b, b->mirror_to & 0x3F, p->data, p->len);
}

/* The frame with an 802.1Q tag (VLAN, priority 0) after the addresses. */
static size_t push_tag(const struct pkt *p, uint8_t *dst)
{
    memcpy(dst, p->data, 12);
    dst[12] = 0x81;
    dst[13] = 0x00;
    dst[14] = (uint8_t)(p->vlan >> 8);
    dst[15] = (uint8_t)p->vlan;
    memcpy(dst + 16, p->data + 12, p->len - 12);
    return p->len + 4;
}

/* devices.md §3.12 step 9: into the CPU's RX ring, always tagged. */
static void to_cpu(struct bcm5605 *b, struct pkt *p)
{
    if (p->to_cpu_done)
        return;
    p->to_cpu_done = 1;
    if (!b->rx_cur || b->rx_end) {
        b->st[p->ingress].rx_dropped++;
        return;
    }
    uint32_t buf = nic_dma_read32(b->pm, b->rx_cur);
    uint32_t ctl = nic_dma_read32(b->pm, b->rx_cur + 4);
    uint8_t tagged[MAX_FRAME + 4];
    const uint8_t *f = p->data;
    size_t len = p->len;
    if (p->orig_vlan == -1) {
        len = push_tag(p, tagged);
        f = tagged;
    }
    if (len > (ctl & 0x7FF)) { /* must fit one buffer */
        b->st[p->ingress].rx_dropped++;
        return;
    }
    nic_dma_write(b->pm, buf, f, len);
    nic_dma_write32(b->pm, b->rx_cur + 0x14,
                    0x40000000u + (uint32_t)(len + ETH_FCS_LEN));
    nic_dma_write32(b->pm, b->rx_cur + 0x18, 0x100 + p->ingress);
    if (!(ctl & DESC_RING_CONT))
        b->rx_end = 1; /* latched until IOS writes the ring address */
    else
        b->rx_cur += DESC_SIZE;
    intr_assert(b);
}

static int trunk_port(struct bcm5605 *b, unsigned tgid)
{
    const uint32_t *t = b->ttr[tgid];
    unsigned n = (t[1] >> 18) & 0xF;
    if (!n)
        return -1;
    unsigned k = (b->trunk_last[tgid] + 1) % n;
    b->trunk_last[tgid] = k;
    return k < 5 ? (int)((t[0] >> (6 * k)) & 0x3F)
                 : (int)((t[1] >> (6 * (k - 5))) & 0x3F);
}

/* Destination lookup (step 7). 0 when the frame goes nowhere. */
static int dst_lookup(struct bcm5605 *b, struct pkt *p)
{
    uint32_t key[2];
    arl_key(p->data, p->vlan, key);
    int mcast = nic_eth_is_group(p->data);
    int i = mcast ? marl_find(b, key) : arl_find(b, key);
    if (i < 0) { /* flood to the VLAN and the CPU */
        p->egress = (p->ventry[1] & BMAP_MASK) | 1u << BCM5605_CPU_PORT;
        p->ut = p->ventry[2] & BMAP_MASK;
        return 1;
    }
    const uint32_t *e = mcast ? b->marl[i] : b->arl[i];
    if (e[1] & ARL_CPU)
        to_cpu(b, p);
    if (mcast) {
        p->egress = e[2] & BMAP_MASK;
        p->ut = e[3] & BMAP_MASK;
    } else {
        int port = (e[2] & ARL_TRUNK)
                       ? trunk_port(b, (e[2] >> ARL_TGID_SHIFT) & 7)
                       : (int)((e[2] >> ARL_PORT_SHIFT) & 0x3F);
        if (port < 0)
            return 0;
        p->egress = 1u << port;
        p->ut = p->ventry[2] & BMAP_MASK;
    }
    return p->egress != 0;
}

static void forward(struct bcm5605 *b, struct pkt *p)
{
    uint8_t rw[MAX_FRAME + 4];
    p->egress &= ~p->filter;
    if (!p->egress)
        return;
    if (p->egress & b->mirror_egress)
        mirror(b, p);
    if (p->egress & (1u << BCM5605_CPU_PORT))
        to_cpu(b, p);
    for (unsigned i = 0; i < BCM5605_FRONT_PORTS; i++) {
        if (!(p->egress & (1u << i)))
            continue;
        /* one copy per trunk */
        if (b->ptable[i][0] & PT_TRUNK)
            p->egress &= ~b->tbmap[(b->ptable[i][0] >> PT_TGID_SHIFT) & 7];
        int untagged = (p->ut >> i) & 1;
        if (p->orig_vlan == 0 || (p->orig_vlan == -1) == untagged) {
            out(b, i, p->data, p->len);
        } else if (p->orig_vlan == -1) {
            out(b, i, rw, push_tag(p, rw));
        } else if (p->len >= 16) { /* tagged in, untagged out: pop */
            memcpy(rw, p->data, 12);
            memcpy(rw + 12, p->data + 16, p->len - 16);
            out(b, i, rw, p->len - 4);
        }
    }
}

static void learn(struct bcm5605 *b, struct pkt *p)
{
    const uint8_t *src = p->data + 6;
    if (nic_eth_is_group(src))
        return;
    const uint32_t *pt = b->ptable[p->ingress];
    int trunk = (pt[0] & PT_TRUNK) != 0;
    unsigned tgid = (pt[0] >> PT_TGID_SHIFT) & 7;
    if (trunk && tgid < 6)
        p->filter |= b->tbmap[tgid] & 0x0FFFFFFF;
    uint32_t key[2];
    arl_key(src, p->vlan, key);
    int i = arl_find(b, key);
    if (i >= 0) {
        uint32_t *e = b->arl[i];
        unsigned old = (e[2] >> ARL_PORT_SHIFT) & 0x3F;
        if (old != p->ingress) { /* the station moved (or a trunk sibling) */
            if (trunk && tgid < 6 && (b->tbmap[tgid] & (1u << old)))
                e[2] |= ARL_HIT;
            else if (trunk)
                e[2] &= ~ARL_HIT;
            else
                e[2] &= ~(ARL_TRUNK | ARL_HIT | 7u << ARL_TGID_SHIFT);
            e[2] = (e[2] & ~(0x3Fu << ARL_PORT_SHIFT)) |
                   p->ingress << ARL_PORT_SHIFT;
        } else {
            e[2] |= ARL_HIT;
        }
        return;
    }
    if ((i = arl_new(b)) < 0)
        return;
    b->arl[i][0] = key[0];
    b->arl[i][1] = key[1];
    b->arl[i][2] = ARL_HIT | p->ingress << ARL_PORT_SHIFT |
                   (trunk ? ARL_TRUNK | tgid << ARL_TGID_SHIFT : 0);
    b->arl_cnt++;
}

static int is_bpdu(const uint8_t *m)
{
    static const uint8_t stp[5] = {0x01, 0x80, 0xC2, 0x00, 0x00};
    static const uint8_t pvst[6] = {0x01, 0x00, 0x0C, 0xCC, 0xCC, 0xCD};
    static const uint8_t cdp[6] = {0x01, 0x00, 0x0C, 0xCC, 0xCC, 0xCC};
    return (!memcmp(m, stp, 5) && m[5] < 0x10) || !memcmp(m, pvst, 6) ||
           !memcmp(m, cdp, 6);
}

static unsigned tag_vlan(const uint8_t *f, size_t len, int *tagged)
{
    *tagged = len >= 16 && f[12] == 0x81 && f[13] == 0x00;
    return *tagged ? ((unsigned)f[14] << 8 | f[15]) & 0xFFF : 0;
}

/* A frame from a front port (devices.md §3.12 "Frame switching"). */
static void rx_locked(struct bcm5605 *b, unsigned port, const uint8_t *f,
                      size_t len)
{
    const uint32_t *pt = b->ptable[port];
    struct pkt p = {.data = f, .len = len, .ingress = port,
                    .filter = 1u << port};
    int tagged;
    unsigned v = tag_vlan(f, len, &tagged);
    p.orig_vlan = tagged ? (int)v : -1;
    p.vlan = tagged ? v : pt[0] & 0xFFF;
    if (!(p.ventry = vlan_entry(b, p.vlan)))
        return;
    if (is_bpdu(f)) {
        p.egress = 1u << BCM5605_CPU_PORT;
        forward(b, &p);
        return;
    }
    if (!(p.ventry[1] & (1u << port)))
        return;
    if (!tagged && ((pt[0] >> PT_DISCARD_SHIFT) & 0x3F))
        return;
    if (pt[1] & PT_MIRROR)
        mirror(b, &p);
    learn(b, &p);
    if (dst_lookup(b, &p))
        forward(b, &p);
}

/* ------------------------------------------------------- CPU transmit */

static int tx_one_locked(struct bcm5605 *b)
{
    if (!b->tx_cur || b->tx_end)
        return 0;
    uint32_t w0 = nic_dma_read32(b->pm, b->tx_cur);
    uint32_t w1 = nic_dma_read32(b->pm, b->tx_cur + 4);
    uint32_t w2 = nic_dma_read32(b->pm, b->tx_cur + 8);
    size_t n = w1 & 0x7FF;
    int sent = 0;
    if (b->txlen + n < sizeof(b->txbuf)) {
        nic_dma_read(b->pm, w0, b->txbuf + b->txlen, n);
        b->txlen += n;
        if (!(w1 & TXD_NEOP)) {
            /* IOS leaves room for the FCS: the last 4 bytes go */
            struct pkt p = {.data = b->txbuf, .ingress = BCM5605_CPU_PORT,
                            .filter = 1u << BCM5605_CPU_PORT,
                            .to_cpu_done = 1};
            p.len = b->txlen >= 4 ? b->txlen - 4 : 0;
            if (w2 & TXD_SWITCH) {
                int tagged;
                p.vlan = tag_vlan(p.data, p.len, &tagged);
                p.orig_vlan = (int)p.vlan;
                if (tagged && (p.ventry = vlan_entry(b, p.vlan)) &&
                    dst_lookup(b, &p))
                    forward(b, &p);
            } else {
                p.orig_vlan = 0;
                p.egress = w2;
                forward(b, &p);
            }
            b->txlen = 0;
            sent = 1;
        }
    } else {
        b->txlen = 0; /* oversize: the frame is dropped */
    }
    if (!(w1 & DESC_RING_CONT)) {
        b->tx_end = 1; /* latched until IOS writes the ring address */
        intr_assert(b);
    } else {
        b->tx_cur += DESC_SIZE;
    }
    return sent ? 1 : 2; /* 2: descriptor used, frame not done */
}

/* ------------------------------------------------------------ plumbing */

/*
 * A scan has work: the CPU's transmit ring is not at its end, or a learnt
 * (not static) address waits for its ageing. Lock held.
 */
static int tx_on_locked(const struct bcm5605 *b)
{
    if (b->tx_cur && !b->tx_end)
        return 1;
    for (unsigned i = 0; i < arl_entries(b) && i < ARL_SIZE; i++)
        if (!(b->arl[i][2] & ARL_STATIC))
            return 1;
    return 0;
}

int bcm5605_tx_on(struct bcm5605 *b)
{
    pthread_mutex_lock(&b->lock);
    int on = tx_on_locked(b);
    pthread_mutex_unlock(&b->lock);
    return on;
}

/* Unlock, drive the interrupt, wake the card layer's scan if it has
 * work (a ring written, an address learnt). */
static void unlock(struct bcm5605 *b)
{
    int level = b->irq_level;
    int on = tx_on_locked(b);
    pthread_mutex_unlock(&b->lock);
    if (level)
        irq_set(&b->irq, 1);
    if (on)
        tx_kick(&b->kick);
}

int bcm5605_tx_poll(struct bcm5605 *b)
{
    int sent = 0;
    pthread_mutex_lock(&b->lock);
    for (unsigned budget = 256; budget; budget--) {
        int r = tx_one_locked(b);
        if (!r)
            break;
        sent += r == 1;
    }
    uint64_t t = now_ms();
    if (t - b->last_age_ms >= AGE_MS) {
        b->last_age_ms = t;
        arl_age(b);
    }
    unlock(b);
    return sent;
}

void bcm5605_receive(struct bcm5605 *b, unsigned front_port,
                     const uint8_t *frame, size_t len)
{
    if (front_port >= BCM5605_FRONT_PORTS || len < ETH_HLEN ||
        len > MAX_FRAME)
        return;
    unsigned port = front_to_sw[front_port];
    pthread_mutex_lock(&b->lock);
    b->st[port].rx_frames++;
    rx_locked(b, port, frame, len);
    unlock(b);
}

static uint64_t bcm_read(struct device *dev, uint64_t off, unsigned size)
{
    struct bcm5605 *b = DEV_CONTAINER(dev, struct bcm5605, dev);
    uint32_t v = 0;
    int lower = 0;
    pthread_mutex_lock(&b->lock);
    switch (off) {
    case R_SCHAN: v = b->schan_res; break;
    case R_TX_RING: v = b->tx_ring; break;
    case R_RX_RING: v = b->rx_ring; break;
    case R_LINK:
        for (unsigned p = 0; p < BCM5605_FRONT_PORTS; p++)
            if (phy_up(b, p))
                v |= 1u << p;
        break;
    case R_INTR:
        v = INTR_RX_AVAIL | (b->tx_end ? INTR_TX_END : 0) |
            (b->rx_end ? INTR_RX_END : 0) | (b->mii_intr ? INTR_LINK : 0);
        b->mii_intr = 0;
        b->irq_level = 0;
        lower = 1;
        break;
    case R_INTR_MASK: v = b->intr_mask; break;
    case R_MII_OUT: v = b->mii_out; break;
    default:
        if (off >= R_DW0 && off < R_DW0 + 4 * DW_WORDS && !(off & 3))
            v = b->dw[(off - R_DW0) / 4];
        break;
    }
    pthread_mutex_unlock(&b->lock);
    if (lower)
        irq_set(&b->irq, 0);
    return v;
}

static void bcm_write(struct device *dev, uint64_t off, unsigned size,
                      uint64_t value)
{
    struct bcm5605 *b = DEV_CONTAINER(dev, struct bcm5605, dev);
    uint32_t v = (uint32_t)value;
    pthread_mutex_lock(&b->lock);
    switch (off) {
    case R_SCHAN: schan(b, v); break;
    case R_104: break;
    case R_TX_RING: b->tx_ring = b->tx_cur = v; b->tx_end = 0; break;
    case R_RX_RING: b->rx_ring = b->rx_cur = v; b->rx_end = 0; break;
    case R_INTR_MASK: b->intr_mask = v; break;
    case R_MII_IN: b->mii_in = v; break;
    default:
        if (off >= R_DW0 && off < R_DW0 + 4 * DW_WORDS && !(off & 3))
            b->dw[(off - R_DW0) / 4] = v;
        break;
    }
    unlock(b);
}

static void bcm_reset(struct device *dev)
{
    struct bcm5605 *b = DEV_CONTAINER(dev, struct bcm5605, dev);
    pthread_mutex_lock(&b->lock);
    b->schan_res = 0;
    memset(b->dw, 0, sizeof(b->dw));
    b->tx_ring = b->tx_cur = b->rx_ring = b->rx_cur = b->intr_mask = 0;
    b->tx_end = b->rx_end = b->mii_intr = 0;
    b->mii_in = b->mii_out = 0;
    memset(b->phy0, 0, sizeof(b->phy0));
    b->mirror_to = b->mirror_egress = 0;
    b->arl_cnt = 0;
    memset(b->arl, 0, sizeof(b->arl));
    memset(b->marl, 0, sizeof(b->marl));
    memset(b->ptable, 0, sizeof(b->ptable));
    memset(b->vtable, 0, sizeof(b->vtable));
    memset(b->ttr, 0, sizeof(b->ttr));
    memset(b->tbmap, 0, sizeof(b->tbmap));
    memset(b->trunk_last, 0, sizeof(b->trunk_last));
    memset(b->regs, 0, sizeof(b->regs));
    b->txlen = 0;
    b->irq_level = 0;
    pthread_mutex_unlock(&b->lock);
    irq_set(&b->irq, 0);
}

#define BCM_FIELD(f) {#f, offsetof(struct bcm5605, f), \
                      sizeof(((struct bcm5605 *)0)->f)}

static const struct dev_field bcm_fields[] = {
    BCM_FIELD(schan_res), BCM_FIELD(dw), BCM_FIELD(tx_ring),
    BCM_FIELD(tx_cur), BCM_FIELD(rx_ring), BCM_FIELD(rx_cur),
    BCM_FIELD(intr_mask), BCM_FIELD(tx_end), BCM_FIELD(rx_end),
    BCM_FIELD(mii_intr), BCM_FIELD(mii_in), BCM_FIELD(mii_out),
    BCM_FIELD(phy0), BCM_FIELD(mirror_to), BCM_FIELD(mirror_egress),
    BCM_FIELD(arl_cnt), BCM_FIELD(arl), BCM_FIELD(marl),
    BCM_FIELD(ptable), BCM_FIELD(vtable), BCM_FIELD(ttr),
    BCM_FIELD(tbmap), BCM_FIELD(trunk_last), BCM_FIELD(regs),
    BCM_FIELD(txbuf), BCM_FIELD(txlen), BCM_FIELD(irq_level),
    {NULL, 0, 0},
};

/* Restored from a snapshot: the periodic scan runs while it has work. */
static void bcm_loaded(struct device *dev)
{
    struct bcm5605 *b = DEV_CONTAINER(dev, struct bcm5605, dev);
    if (bcm5605_tx_on(b))
        tx_kick(&b->kick);
}

static const struct device_ops bcm_ops = {
    .loaded = bcm_loaded,
    .read = bcm_read,
    .write = bcm_write,
    .reset = bcm_reset,
    .fields = bcm_fields,
};

static void nio_rx(struct nio *nio, uint8_t *frame, size_t len, void *arg)
{
    struct bcm5605 *b = arg;
    for (unsigned i = 0; i < BCM5605_FRONT_PORTS; i++) {
        pthread_mutex_lock(&b->lock);
        int mine = b->nio[front_to_sw[i]] == nio;
        pthread_mutex_unlock(&b->lock);
        if (mine) {
            bcm5605_receive(b, i, frame, len);
            return;
        }
    }
}

int bcm5605_set_nio(struct bcm5605 *b, unsigned front_port, struct nio *nio)
{
    if (front_port >= BCM5605_FRONT_PORTS)
        return -EINVAL;
    return nic_nio_swap(&b->lock, &b->nio[front_to_sw[front_port]], nio,
                        nio_rx, b);
}

void bcm5605_get_stats(struct bcm5605 *b, unsigned front_port,
                       struct bcm5605_stats *st)
{
    pthread_mutex_lock(&b->lock);
    *st = front_port < BCM5605_FRONT_PORTS ? b->st[front_to_sw[front_port]]
                                           : (struct bcm5605_stats){0};
    pthread_mutex_unlock(&b->lock);
}

void bcm5605_pci_config(struct bcm5605 *b, struct pci_dev_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->name = b->name;
    cfg->vendor_id = BCM5605_PCI_VENDOR;
    cfg->device_id = BCM5605_PCI_DEVICE;
    cfg->mode = PCI_HDR_PLATFORM;
    cfg->bar[0].size = BCM5605_WINDOW_SIZE;
    cfg->bar[0].window = &b->dev;
}

int bcm5605_create(const struct bcm5605_config *c, struct bcm5605 **out)
{
    if (!c || !c->pm)
        return -EINVAL;
    struct bcm5605 *b = calloc(1, sizeof(*b));
    if (!b)
        return -ENOMEM;
    snprintf(b->name, sizeof(b->name), "%s", c->name ? c->name : "bcm5605");
    b->dev.name = b->name;
    b->dev.ops = &bcm_ops;
    pthread_mutex_init(&b->lock, NULL);
    b->pm = c->pm;
    b->lg = c->lg;
    b->irq = c->irq;
    b->kick = c->kick;
    b->last_age_ms = now_ms();
    *out = b;
    return 0;
}

void bcm5605_destroy(struct bcm5605 *b)
{
    if (!b)
        return;
    for (unsigned i = 0; i < BCM5605_FRONT_PORTS; i++)
        bcm5605_set_nio(b, i, NULL);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

struct device *bcm5605_device(struct bcm5605 *b)
{
    return &b->dev;
}

/* ======================================================== card layers */

static int card_create(const struct card_chip_config *c, void **out)
{
    struct bcm5605_config bc = {.name = c->name, .pm = c->pm, .lg = c->lg,
                                .irq = c->irq, .kick = c->kick};
    return bcm5605_create(&bc, (struct bcm5605 **)out);
}

static int card_set_nio(void *chip, unsigned ch, struct nio *nio)
{
    return bcm5605_set_nio(chip, ch, nio);
}

static void card_stats(void *chip, unsigned ch, struct nic_stats *st)
{
    struct bcm5605_stats s;
    bcm5605_get_stats(chip, ch, &s);
    st->rx_frames = s.rx_frames;
    st->rx_dropped = s.rx_dropped;
    st->tx_frames = s.tx_frames;
    st->tx_dropped = s.tx_dropped;
}

CARD_CHIP_ADAPTERS(bcm5605)
CARD_CHIP_PCI_ADAPTER(bcm5605)

const struct card_chip_ops bcm5605_card = {
    .what = "BCM5605",
    .create = card_create,
    .destroy = bcm5605_card_destroy,
    .pci_config = bcm5605_card_pci,
    .device = bcm5605_card_device,
    .set_nio = card_set_nio,
    .tx_poll = bcm5605_card_tx_poll,
    .tx_on = bcm5605_card_tx_on,
    .stats = card_stats,
};
