/*
 * Cisco 2691 / 3725 I/O FPGA (shared spec c3600-c2691-c37xx.md §4.6).
 * See c2691_iofpga.h.
 */
#include "dev/c2691_iofpga.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/log.h"
#include "dev/gtfam_iofpga.h"
#include "dev/nmc93cx6.h"
#include "dev/wic_eeprom.h"

#define REG_MB_EEPROM 0x0E
#define REG_WIC 0x12        /* read: WIC presence; write: WIC select */
#define REG_EMPTY_14 0x14
#define REG_EMPTY_18 0x18
#define REG_NM_PRESENT 0x20
#define REG_24 0x24
#define REG_NET0 0x26
#define REG_NET1 0x28
#define REG_EMPTY_2C 0x2C
#define REG_OIR 0x2E
#define REG_INT_MASK 0x30
#define REG_PLATFORM 0x36
#define REG_ENV 0x3A
#define REG_CF_PRESENT 0x3C
#define REG_WIC_40 0x40
#define REG_WIC_DATA 0x42
#define REG_NM1_EEPROM 0x44
#define REG_NM2_EEPROM 0x46
#define REG_AIM0 0x48
#define REG_AIM1 0x4A

#define PLATFORM_TYPE 0x80   /* §4.6: 4 in bits 5-7 */
#define ENV_OK 0x0020        /* input voltage OK, RPS present */
#define NM1_PRESENT 0x0008   /* §10 item 1: bit 3, not bit 7 */
#define NM2_PRESENT 0x0800

struct c2691_iofpga {
    struct device dev;
    struct c2691_iofpga_config cfg;
    pthread_mutex_t lock;
    uint16_t net[2];
    uint16_t int_mask;
    struct wic_eeprom_port wic;
    uint8_t logged;
};

static const struct dev_field c2691_iofpga_fields[] = {
    {"net", offsetof(struct c2691_iofpga, net), sizeof(uint16_t[2])},
    {"int_mask", offsetof(struct c2691_iofpga, int_mask), 2},
    /* the WIC port without its image pointers (host side) */
    {"wic_select", offsetof(struct c2691_iofpga, wic.select), 2},
    {"wic_cmd", offsetof(struct c2691_iofpga, wic.cmd), sizeof(uint16_t[2])},
    {"wic_pos", offsetof(struct c2691_iofpga, wic.pos), 1},
    {"wic_valid", offsetof(struct c2691_iofpga, wic.valid), 1},
    {NULL, 0, 0},
};

static int is_3725(const struct c2691_iofpga *f)
{
    return f->cfg.model == C2691_IOFPGA_3725;
}

static int nm_present(const struct c2691_iofpga *f, unsigned slot)
{
    struct nmc93cx6_group *g = f->cfg.nm_eeprom[slot];
    return g && nmc93cx6_present(g, 0) == 1;
}

static uint32_t port_read(struct nmc93cx6_group *g)
{
    return g ? nmc93cx6_read(g) : 0xFFFF;
}

static void port_write(struct nmc93cx6_group *g, uint32_t v)
{
    if (g)
        nmc93cx6_write(g, v);
}

static uint64_t c2691_iofpga_read(struct device *dev, uint64_t off,
                                  unsigned size)
{
    struct c2691_iofpga *f = DEV_CONTAINER(dev, struct c2691_iofpga, dev);
    uint64_t v = 0;
    pthread_mutex_lock(&f->lock);
    switch (off) {
    case REG_MB_EEPROM: v = nmc93cx6_read(f->cfg.mb_eeprom); break;
    case REG_WIC: v = wic_eeprom_presence(&f->wic); break;
    case REG_EMPTY_14:
    case REG_EMPTY_18:
    case REG_EMPTY_2C:
    case REG_OIR:
    case REG_AIM0:
    case REG_AIM1:
        v = 0xFFFF;
        break;
    case REG_NM_PRESENT:
        v = 0xFFFF;
        if (nm_present(f, 1))
            v &= ~NM1_PRESENT;
        if (is_3725(f) && nm_present(f, 2))
            v &= ~NM2_PRESENT;
        break;
    case REG_NET0: v = f->net[0]; break;
    case REG_NET1: v = f->net[1]; break;
    case REG_INT_MASK: v = f->int_mask; break;
    case REG_PLATFORM: v = PLATFORM_TYPE; break;
    case REG_ENV: v = ENV_OK; break;
    case REG_CF_PRESENT:
        v = iofpga_cf_present(f->cfg.disk0_present, f->cfg.disk1_present);
        break;
    case REG_WIC_40: v = 0x0004; break;
    case REG_WIC_DATA: v = wic_eeprom_data_read(&f->wic); break;
    case REG_NM1_EEPROM: v = port_read(f->cfg.nm_eeprom[1]); break;
    case REG_NM2_EEPROM:
        v = is_3725(f) ? port_read(f->cfg.nm_eeprom[2]) : 0;
        break;
    default:
        if (f->logged < 32) {
            f->logged++;
            log_msg(f->cfg.lg, "C2691_IOFPGA", "read of unmodelled offset "
                    "0x%02llx returns 0", (unsigned long long)off);
        }
        break;
    }
    pthread_mutex_unlock(&f->lock);
    return v;
}

static void c2691_iofpga_write(struct device *dev, uint64_t off,
                               unsigned size, uint64_t v)
{
    struct c2691_iofpga *f = DEV_CONTAINER(dev, struct c2691_iofpga, dev);
    pthread_mutex_lock(&f->lock);
    switch (off) {
    case REG_MB_EEPROM: nmc93cx6_write(f->cfg.mb_eeprom, (uint32_t)v); break;
    case REG_WIC: wic_eeprom_select(&f->wic, (uint16_t)v); break;
    case REG_WIC_DATA: wic_eeprom_data_write(&f->wic, (uint16_t)v); break;
    case REG_INT_MASK: f->int_mask = (uint16_t)v; break;
    case REG_NM1_EEPROM: port_write(f->cfg.nm_eeprom[1], (uint32_t)v); break;
    case REG_NM2_EEPROM:
        if (is_3725(f))
            port_write(f->cfg.nm_eeprom[2], (uint32_t)v);
        break;
    case REG_24:
        break;
    default:
        if (f->logged < 32) {
            f->logged++;
            log_msg(f->cfg.lg, "C2691_IOFPGA", "write of 0x%llx to "
                    "unmodelled offset 0x%02llx ignored",
                    (unsigned long long)v, (unsigned long long)off);
        }
        break;
    }
    pthread_mutex_unlock(&f->lock);
}

static void c2691_iofpga_reset(struct device *dev)
{
    struct c2691_iofpga *f = DEV_CONTAINER(dev, struct c2691_iofpga, dev);
    pthread_mutex_lock(&f->lock);
    f->int_mask = 0;
    wic_eeprom_reset(&f->wic);
    pthread_mutex_unlock(&f->lock);
}

static const struct device_ops c2691_iofpga_ops = {
    .read = c2691_iofpga_read,
    .write = c2691_iofpga_write,
    .reset = c2691_iofpga_reset,
    .fields = c2691_iofpga_fields,
};

void c2691_iofpga_set_net_irq(struct c2691_iofpga *f, unsigned slot,
                              unsigned port, int level)
{
    unsigned reg, bit;
    if (slot == 0 && port < 16) {
        reg = 0;
        bit = port;
    } else if (!is_3725(f) && slot == 1 && port < 8) {
        reg = 1; /* §4.6: 8 lines for the 2691's slot */
        bit = port;
    } else if (is_3725(f) && (slot == 1 || slot == 2) && port < 4) {
        reg = 1;
        bit = 4 * (slot - 1) + port;
    } else {
        return;
    }
    pthread_mutex_lock(&f->lock);
    int any = iofpga_netint_drive(f->net, reg, bit, level);
    pthread_mutex_unlock(&f->lock);
    irq_set(&f->cfg.net_irq, any);
}

uint16_t c2691_iofpga_net_status(struct c2691_iofpga *f, unsigned index)
{
    pthread_mutex_lock(&f->lock);
    uint16_t v = iofpga_netint_status(f->net, index);
    pthread_mutex_unlock(&f->lock);
    return v;
}

int c2691_iofpga_create(const struct c2691_iofpga_config *c,
                        struct c2691_iofpga **out)
{
    if (!c || !c->mb_eeprom)
        return -EINVAL;
    struct c2691_iofpga *f = calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    f->dev.name = "iofpga";
    f->dev.ops = &c2691_iofpga_ops;
    f->cfg = *c;
    pthread_mutex_init(&f->lock, NULL);
    iofpga_netint_reset(f->net);
    f->wic.images = c->wic_images;
    *out = f;
    return 0;
}

void c2691_iofpga_destroy(struct c2691_iofpga *f)
{
    if (!f)
        return;
    pthread_mutex_destroy(&f->lock);
    free(f);
}

struct device *c2691_iofpga_device(struct c2691_iofpga *f)
{
    return &f->dev;
}
