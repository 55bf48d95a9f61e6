/*
 * Cisco 3600 I/O FPGA: 3620/3640 (shared spec c3600-c2691-c37xx.md §3.6)
 * and 3660 (§3.7) register maps. See c3600_iofpga.h.
 */
#include "dev/c3600_iofpga.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/log.h"
#include "dev/nmc93cx6.h"

/* Registers common to both maps (§3.6, §3.7). */
#define REG_FLASH_WE 0x00008     /* reads 0xFF: bootflash writable */
#define REG_FLASH_SIZE 0x0000A   /* reads 0x1000: 8 MB SIMM */
#define REG_WATCHDOG 0x0000C     /* IOS writes 0x7D00 periodically */
#define REG_IO_MASK 0x20008      /* plain storage (`show c3600`) */
#define REG_CHASSIS 0x30000      /* chassis type in bits 5-7 */
#define REG_ENV 0x30004          /* environment status */

/* 3620/3640 (§3.6). */
#define REG_MB_EEPROM 0x0000E
#define REG_OIR_CTRL 0x10004
#define REG_NM_PRESENT 0x10006
#define REG_NM_EEPROM 0x10008
#define REG_NET_SLOT1 0x20000 /* ..0x20003: slots 1, 0, 3, 2 */
#define REG_NM_MGMT 0x20004
#define REG_EXT_STATUS 0x20006
#define REG_LATCH 0x30002

/* 3660 (§3.7). */
#define REG_BP_EEPROM 0x10000
#define REG_3660_OIR 0x10004
#define REG_3660_NM_PRESENT_1_4 0x10006
#define REG_3660_NM_PRESENT_5_6 0x10008
#define REG_3660_NM_EEPROM_1 0x1000A /* ..0x1000F: slots 1-6 */
#define REG_3660_NET 0x10010
#define REG_3660_NM_MGMT 0x10014
#define REG_3660_SLOT_MASK 0x10016
#define REG_3660_FAN_PSU 0x10018
#define REG_3660_ENV2 0x1001A
#define REG_3660_OIR_SM 0x10020 /* 0x10020, 0x10022, 0x10024 */
#define REG_3660_EMPTY 0x20000  /* 0x20000, 0x20002, 0x20004 */
#define REG_3660_SLOT0_EEPROM 0x20006
#define REG_3660_EXT_STATUS 0x2000A
#define REG_3660_NET_SLOT0 0x20010
#define REG_3660_30008 0x30008

#define ENV_OK 0x21           /* §3.6 0x30004 */
#define BP_ENTERPRISE 0x80    /* §3.7: backplane reads have bit 7 set */
#define EXT_OIR_PENDING 0x40  /* §3.7 0x2000A bit 6 */

/* Network interrupt bit of (slot, port): §3.6 (one word) and §3.7 (slot 0
 * in the second word). */
static const uint8_t net_base_3620[4] = {16, 24, 0, 8};
static const uint8_t net_base_3660[C3600_IOFPGA_SLOTS] = {0,  24, 16, 28,
                                                          20, 8,  0};
/* §3.7 presence masks, slots 1-6. */
static const uint16_t nm_mask_3660[6] = {0xF0FF, 0xFFF0, 0x0FFF,
                                         0xFF0F, 0xF0FF, 0xFFF0};
/* §3.7 OIR value per slot 1-6. */
static const uint16_t oir_value_3660[6] = {0x0900, 0x0009, 0x0A00,
                                           0x000A, 0x0C00, 0x000C};

struct c3600_iofpga {
    struct device dev;
    struct c3600_iofpga_config cfg;
    pthread_mutex_t lock;
    uint32_t net[2];    /* status words, see c3600_iofpga_net_status() */
    unsigned nm_sel;    /* 3620/3640 EEPROM slot select */
    uint8_t io_mask;
    uint16_t latch;     /* 0x30002 */
    uint16_t oir;       /* 3660 pending OIR bits */
    uint8_t logged;
};

static const struct dev_field c3600_iofpga_fields[] = {
    {"net", offsetof(struct c3600_iofpga, net), sizeof(uint32_t[2])},
    {"nm_sel", offsetof(struct c3600_iofpga, nm_sel), sizeof(unsigned)},
    {"io_mask", offsetof(struct c3600_iofpga, io_mask), 1},
    {"latch", offsetof(struct c3600_iofpga, latch), 2},
    {"oir", offsetof(struct c3600_iofpga, oir), 2},
    {NULL, 0, 0},
};

static int is_3660(const struct c3600_iofpga *f)
{
    return f->cfg.chassis == C3600_CHASSIS_3660;
}

static unsigned nslots(const struct c3600_iofpga *f)
{
    return is_3660(f) ? C3600_IOFPGA_SLOTS : 4;
}

static int slot_present(const struct c3600_iofpga *f, unsigned slot)
{
    struct nmc93cx6_group *g = f->cfg.nm_eeprom[slot];
    return g && nmc93cx6_present(g, 0) == 1;
}

/* EEPROM port of a slot (NULL: no socket, reads idle). */
static uint32_t nm_port_read(struct c3600_iofpga *f, unsigned slot)
{
    struct nmc93cx6_group *g = slot < C3600_IOFPGA_SLOTS
                                   ? f->cfg.nm_eeprom[slot] : NULL;
    return g ? nmc93cx6_read(g) : 0;
}

static void nm_port_write(struct c3600_iofpga *f, unsigned slot, uint32_t v)
{
    struct nmc93cx6_group *g = slot < C3600_IOFPGA_SLOTS
                                   ? f->cfg.nm_eeprom[slot] : NULL;
    if (g)
        nmc93cx6_write(g, v);
}

/* §3.6 0x10006: active low, 0x1111 << slot cleared for each card. */
static uint32_t nm_present_3620(const struct c3600_iofpga *f)
{
    uint32_t v = 0xFFFF;
    for (unsigned i = 0; i < 4; i++)
        if (slot_present(f, i))
            v &= ~(0x1111u << i);
    return v;
}

/* §3.7 0x10006 (slots 1-4) and 0x10008 (slots 5-6). */
static uint32_t nm_present_3660(const struct c3600_iofpga *f, unsigned first,
                                unsigned last)
{
    uint32_t v = 0xFFFF;
    for (unsigned i = first; i <= last; i++)
        if (slot_present(f, i))
            v &= nm_mask_3660[i - 1];
    return v;
}

static void log_unknown(struct c3600_iofpga *f, uint64_t off, int is_write)
{
    if (f->logged >= 32)
        return;
    f->logged++;
    log_msg(f->cfg.lg, "C3600_IOFPGA", "%s of unmodelled offset 0x%05llx "
            "(%s)", is_write ? "write" : "read", (unsigned long long)off,
            is_write ? "ignored" : "reads 0");
}

/* ---------------------------------------------------- 3620 / 3640 map */

static int read_3620(struct c3600_iofpga *f, uint64_t off, uint64_t *v)
{
    switch (off) {
    case REG_MB_EEPROM:
        *v = nmc93cx6_read(f->cfg.chassis_eeprom);
        return 1;
    case REG_OIR_CTRL:
        *v = 0;
        return 1;
    case REG_NM_PRESENT:
        *v = nm_present_3620(f);
        return 1;
    case REG_NM_EEPROM:
        *v = nm_port_read(f, f->nm_sel);
        return 1;
    case REG_NET_SLOT1:
    case REG_NET_SLOT1 + 1:
    case REG_NET_SLOT1 + 2:
    case REG_NET_SLOT1 + 3:
        /* §3.6: the byte of slots 1, 0, 3, 2 in the low-order bits */
        *v = f->net[0] >> (24 - 8 * (unsigned)(off - REG_NET_SLOT1));
        return 1;
    case REG_NM_MGMT:
        *v = 0;
        irq_set(&f->cfg.mgmt_irq, 0);
        return 1;
    case REG_EXT_STATUS:
        *v = 0;
        irq_set(&f->cfg.ext_irq, 0);
        return 1;
    case REG_LATCH:
        *v = 0;
        return 1;
    default:
        return 0;
    }
}

static int write_3620(struct c3600_iofpga *f, uint64_t off, uint64_t v)
{
    switch (off) {
    case REG_MB_EEPROM:
        nmc93cx6_write(f->cfg.chassis_eeprom, (uint32_t)v);
        return 1;
    case REG_NM_EEPROM:
        f->nm_sel = (unsigned)v & 3; /* §6.2: latched on every write */
        nm_port_write(f, f->nm_sel, (uint32_t)v);
        return 1;
    case REG_LATCH:
        f->latch = (uint16_t)v;
        return 1;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------ 3660 map */

static int read_3660(struct c3600_iofpga *f, uint64_t off, uint64_t *v)
{
    if (off >= REG_3660_NM_EEPROM_1 && off < REG_3660_NM_EEPROM_1 + 6) {
        *v = nm_port_read(f, (unsigned)(off - REG_3660_NM_EEPROM_1) + 1);
        return 1;
    }
    switch (off) {
    case REG_BP_EEPROM:
        *v = nmc93cx6_read(f->cfg.chassis_eeprom) | BP_ENTERPRISE;
        return 1;
    case REG_3660_OIR:
        *v = f->oir;
        return 1;
    case REG_3660_NM_PRESENT_1_4:
        *v = nm_present_3660(f, 1, 4);
        return 1;
    case REG_3660_NM_PRESENT_5_6:
        *v = nm_present_3660(f, 5, 6);
        return 1;
    case REG_3660_NET:
        *v = f->net[0];
        return 1;
    case REG_3660_NM_MGMT:
        *v = 0;
        irq_set(&f->cfg.mgmt_irq, 0);
        return 1;
    case REG_3660_SLOT_MASK:
        *v = 0x12;
        return 1;
    case REG_3660_FAN_PSU:
    case REG_3660_ENV2:
    case REG_3660_OIR_SM:
    case REG_3660_OIR_SM + 2:
    case REG_3660_OIR_SM + 4:
        *v = 0;
        return 1;
    case REG_3660_EMPTY:
    case REG_3660_EMPTY + 2:
    case REG_3660_EMPTY + 4:
        *v = 0xFFFF;
        return 1;
    case REG_3660_SLOT0_EEPROM:
        *v = nm_port_read(f, 0);
        return 1;
    case REG_3660_EXT_STATUS:
        *v = f->oir ? EXT_OIR_PENDING : 0;
        irq_set(&f->cfg.ext_irq, 0);
        return 1;
    case REG_3660_NET_SLOT0:
        *v = f->net[1];
        return 1;
    case REG_3660_30008:
        *v = 0xFF;
        return 1;
    default:
        return 0;
    }
}

static int write_3660(struct c3600_iofpga *f, uint64_t off, uint64_t v)
{
    if (off >= REG_3660_NM_EEPROM_1 && off < REG_3660_NM_EEPROM_1 + 6) {
        nm_port_write(f, (unsigned)(off - REG_3660_NM_EEPROM_1) + 1,
                      (uint32_t)v);
        return 1;
    }
    switch (off) {
    case REG_BP_EEPROM:
        nmc93cx6_write(f->cfg.chassis_eeprom, (uint32_t)v);
        return 1;
    case REG_3660_OIR:
        f->oir &= (uint16_t)~v; /* write 1 to clear */
        return 1;
    case REG_3660_SLOT0_EEPROM:
        nm_port_write(f, 0, (uint32_t)v);
        return 1;
    default:
        return 0;
    }
}

/* ---------------------------------------------------------- the window */

static uint64_t c3600_iofpga_read(struct device *dev, uint64_t off,
                                  unsigned size)
{
    struct c3600_iofpga *f = DEV_CONTAINER(dev, struct c3600_iofpga, dev);
    uint64_t v = 0;
    pthread_mutex_lock(&f->lock);
    int done = is_3660(f) ? read_3660(f, off, &v) : read_3620(f, off, &v);
    if (!done) {
        switch (off) {
        case REG_FLASH_WE: v = 0xFF; break;
        case REG_FLASH_SIZE: v = 0x1000; break;
        case REG_IO_MASK: v = f->io_mask; break;
        case REG_CHASSIS:
            v = f->cfg.chassis == C3600_CHASSIS_3620   ? 0x80
                : f->cfg.chassis == C3600_CHASSIS_3640 ? 0x00
                                                       : 0x60;
            break;
        case REG_ENV: v = ENV_OK; break;
        default: log_unknown(f, off, 0); break;
        }
    }
    pthread_mutex_unlock(&f->lock);
    return v;
}

static void c3600_iofpga_write(struct device *dev, uint64_t off,
                               unsigned size, uint64_t v)
{
    struct c3600_iofpga *f = DEV_CONTAINER(dev, struct c3600_iofpga, dev);
    pthread_mutex_lock(&f->lock);
    int done = is_3660(f) ? write_3660(f, off, v) : write_3620(f, off, v);
    if (!done) {
        switch (off) {
        case REG_WATCHDOG: break;
        case REG_IO_MASK: f->io_mask = (uint8_t)v; break;
        default: log_unknown(f, off, 1); break;
        }
    }
    pthread_mutex_unlock(&f->lock);
}

static void c3600_iofpga_reset(struct device *dev)
{
    struct c3600_iofpga *f = DEV_CONTAINER(dev, struct c3600_iofpga, dev);
    pthread_mutex_lock(&f->lock);
    f->nm_sel = 0;
    f->io_mask = 0;
    f->latch = 0;
    f->oir = 0;
    pthread_mutex_unlock(&f->lock);
    /* The network status words follow the chips' lines: not reset here. */
    irq_set(&f->cfg.mgmt_irq, 0);
    irq_set(&f->cfg.ext_irq, 0);
}

static const struct device_ops c3600_iofpga_ops = {
    .read = c3600_iofpga_read,
    .write = c3600_iofpga_write,
    .reset = c3600_iofpga_reset,
    .fields = c3600_iofpga_fields,
};

/* ----------------------------------------------------------- interrupts */

void c3600_iofpga_set_net_irq(struct c3600_iofpga *f, unsigned slot,
                              unsigned port, int level)
{
    if (slot >= nslots(f) || port >= C3600_IOFPGA_PORTS)
        return;
    unsigned word = 0, bit;
    if (is_3660(f)) {
        word = slot == 0 ? 1 : 0;
        bit = net_base_3660[slot] + port;
    } else {
        bit = net_base_3620[slot] + port;
    }
    pthread_mutex_lock(&f->lock);
    if (level)
        f->net[word] |= 1u << bit;
    else
        f->net[word] &= ~(1u << bit);
    int any = f->net[0] || f->net[1];
    pthread_mutex_unlock(&f->lock);
    irq_set(&f->cfg.net_irq, any);
}

void c3600_iofpga_oir_event(struct c3600_iofpga *f, unsigned slot)
{
    if (!is_3660(f) || slot < 1 || slot > 6)
        return;
    pthread_mutex_lock(&f->lock);
    f->oir = oir_value_3660[slot - 1];
    pthread_mutex_unlock(&f->lock);
    irq_set(&f->cfg.ext_irq, 1);
}

uint32_t c3600_iofpga_net_status(struct c3600_iofpga *f, unsigned index)
{
    pthread_mutex_lock(&f->lock);
    uint32_t v = index < 2 ? f->net[index] : 0;
    pthread_mutex_unlock(&f->lock);
    return v;
}

/* ----------------------------------------------------------- life cycle */

int c3600_iofpga_create(const struct c3600_iofpga_config *c,
                        struct c3600_iofpga **out)
{
    if (!c || !c->chassis_eeprom || c->chassis > C3600_CHASSIS_3660)
        return -EINVAL;
    struct c3600_iofpga *f = calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    f->dev.name = "iofpga";
    f->dev.ops = &c3600_iofpga_ops;
    f->cfg = *c;
    pthread_mutex_init(&f->lock, NULL);
    *out = f;
    return 0;
}

void c3600_iofpga_destroy(struct c3600_iofpga *f)
{
    if (!f)
        return;
    pthread_mutex_destroy(&f->lock);
    free(f);
}

struct device *c3600_iofpga_device(struct c3600_iofpga *f)
{
    return &f->dev;
}
