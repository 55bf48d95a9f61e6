/*
 * Cisco 3745 I/O FPGA (shared spec c3600-c2691-c37xx.md §4.7). See
 * c3745_iofpga.h.
 */
#include "dev/c3745_iofpga.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/log.h"
#include "dev/gtfam_iofpga.h"
#include "dev/nmc93cx6.h"
#include "dev/wic_eeprom.h"

#define REG_EMPTY_00 0x000000
#define REG_EMPTY_04 0x000004
#define REG_PSU 0x00000A
#define REG_FAN 0x00000C
#define REG_SYS_EEPROM 0x00000E
#define REG_CF_PRESENT 0x000012
#define REG_TDM 0x000014 /* 0x00FF: no "TDM FPGA download failed" */
#define REG_NET0 0x000020
#define REG_NET1 0x000022
#define REG_NM_MGMT 0x000026
#define REG_OIR 0x000028
#define REG_IO_MASK1 0x00002A
#define REG_IO_MASK2 0x00002C
#define REG_NM_EEPROM1 0x000040 /* + 2 (slot - 1) */
#define REG_AIM0 0x000048
#define REG_AIM1 0x00004A
#define REG_NM_PRESENT 0x00004E
#define REG_WIC 0x100004 /* read: presence; write: select */
#define REG_WIC_06 0x100006
#define REG_WIC_DATA 0x100008

/* §4.7 0x4E: presence bit of slots 1-4 */
static const uint8_t nm_present_bit[5] = {0, 8, 0, 12, 4};

struct c3745_iofpga {
    struct device dev;
    struct c3745_iofpga_config cfg;
    pthread_mutex_t lock;
    uint16_t net[2];
    uint16_t oir;
    uint16_t io_mask[2];
    struct wic_eeprom_port wic;
    uint8_t logged;
};

static const struct dev_field c3745_iofpga_fields[] = {
    {"net", offsetof(struct c3745_iofpga, net), sizeof(uint16_t[2])},
    {"oir", offsetof(struct c3745_iofpga, oir), 2},
    {"io_mask", offsetof(struct c3745_iofpga, io_mask), sizeof(uint16_t[2])},
    /* the WIC port without its image pointers (host side) */
    {"wic_select", offsetof(struct c3745_iofpga, wic.select), 2},
    {"wic_cmd", offsetof(struct c3745_iofpga, wic.cmd), sizeof(uint16_t[2])},
    {"wic_pos", offsetof(struct c3745_iofpga, wic.pos), 1},
    {"wic_valid", offsetof(struct c3745_iofpga, wic.valid), 1},
    {NULL, 0, 0},
};

static struct nmc93cx6_group *nm_group(struct c3745_iofpga *f, uint64_t off)
{
    if (off < REG_NM_EEPROM1 || off > REG_NM_EEPROM1 + 6 || (off & 1))
        return NULL;
    return f->cfg.nm_eeprom[1 + (off - REG_NM_EEPROM1) / 2];
}

static int is_nm_port(uint64_t off)
{
    return off >= REG_NM_EEPROM1 && off <= REG_NM_EEPROM1 + 6 && !(off & 1);
}

static uint64_t c3745_iofpga_read(struct device *dev, uint64_t off,
                                  unsigned size)
{
    struct c3745_iofpga *f = DEV_CONTAINER(dev, struct c3745_iofpga, dev);
    uint64_t v = 0;
    pthread_mutex_lock(&f->lock);
    if (is_nm_port(off)) {
        struct nmc93cx6_group *g = nm_group(f, off);
        v = g ? nmc93cx6_read(g) : 0xFFFF;
        pthread_mutex_unlock(&f->lock);
        return v;
    }
    switch (off) {
    case REG_EMPTY_00:
    case REG_EMPTY_04:
    case REG_AIM0:
    case REG_AIM1:
        v = 0xFFFF;
        break;
    case REG_PSU:
    case REG_FAN:
        v = 0;
        break;
    case REG_SYS_EEPROM: v = nmc93cx6_read(f->cfg.sys_eeprom); break;
    case REG_CF_PRESENT:
        v = iofpga_cf_present(f->cfg.disk0_present, f->cfg.disk1_present);
        break;
    case REG_TDM:
    case REG_NM_MGMT:
        v = 0x00FF;
        break;
    case REG_NET0: v = f->net[0]; break;
    case REG_NET1: v = f->net[1]; break;
    case REG_OIR: v = f->oir; break;
    case REG_IO_MASK1: v = f->io_mask[0]; break;
    case REG_IO_MASK2: v = f->io_mask[1]; break;
    case REG_NM_PRESENT:
        v = 0xFFFF;
        for (unsigned s = 1; s <= 4; s++) {
            struct nmc93cx6_group *g = f->cfg.nm_eeprom[s];
            if (g && nmc93cx6_present(g, 0) == 1)
                v &= ~(1u << nm_present_bit[s]);
        }
        break;
    case REG_WIC: v = wic_eeprom_presence(&f->wic); break;
    case REG_WIC_06: v = 0x0004; break;
    case REG_WIC_DATA: v = wic_eeprom_data_read(&f->wic); break;
    default:
        if (f->logged < 32) {
            f->logged++;
            log_msg(f->cfg.lg, "C3745_IOFPGA", "read of unmodelled offset "
                    "0x%06llx returns 0", (unsigned long long)off);
        }
        break;
    }
    pthread_mutex_unlock(&f->lock);
    return v;
}

static void c3745_iofpga_write(struct device *dev, uint64_t off,
                               unsigned size, uint64_t v)
{
    struct c3745_iofpga *f = DEV_CONTAINER(dev, struct c3745_iofpga, dev);
    int lower_oir = 0;
    pthread_mutex_lock(&f->lock);
    if (is_nm_port(off)) {
        struct nmc93cx6_group *g = nm_group(f, off);
        if (g)
            nmc93cx6_write(g, (uint32_t)v);
        pthread_mutex_unlock(&f->lock);
        return;
    }
    switch (off) {
    case REG_SYS_EEPROM: nmc93cx6_write(f->cfg.sys_eeprom, (uint32_t)v); break;
    case REG_OIR:
        f->oir &= (uint16_t)~v; /* write 1 to clear */
        lower_oir = f->oir == 0;
        break;
    case REG_IO_MASK1: f->io_mask[0] = (uint16_t)v; break;
    case REG_IO_MASK2: f->io_mask[1] = (uint16_t)v; break;
    case REG_WIC: wic_eeprom_select(&f->wic, (uint16_t)v); break;
    case REG_WIC_DATA: wic_eeprom_data_write(&f->wic, (uint16_t)v); break;
    default:
        if (f->logged < 32) {
            f->logged++;
            log_msg(f->cfg.lg, "C3745_IOFPGA", "write of 0x%llx to "
                    "unmodelled offset 0x%06llx ignored",
                    (unsigned long long)v, (unsigned long long)off);
        }
        break;
    }
    pthread_mutex_unlock(&f->lock);
    if (lower_oir)
        irq_set(&f->cfg.oir_irq, 0);
}

static void c3745_iofpga_reset(struct device *dev)
{
    struct c3745_iofpga *f = DEV_CONTAINER(dev, struct c3745_iofpga, dev);
    pthread_mutex_lock(&f->lock);
    f->oir = 0;
    f->io_mask[0] = f->io_mask[1] = 0;
    wic_eeprom_reset(&f->wic);
    pthread_mutex_unlock(&f->lock);
    irq_set(&f->cfg.oir_irq, 0);
}

static const struct device_ops c3745_iofpga_ops = {
    .read = c3745_iofpga_read,
    .write = c3745_iofpga_write,
    .reset = c3745_iofpga_reset,
    .fields = c3745_iofpga_fields,
};

void c3745_iofpga_set_net_irq(struct c3745_iofpga *f, unsigned slot,
                              unsigned port, int level)
{
    unsigned reg, bit;
    if (slot == 0 && port < 16) {
        reg = 0;
        bit = port;
    } else if (slot >= 1 && slot <= 4 && port < 4) {
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

void c3745_iofpga_oir_event(struct c3745_iofpga *f, unsigned slot)
{
    if (slot < 1 || slot > 4)
        return;
    pthread_mutex_lock(&f->lock);
    f->oir = (uint16_t)(1u << (slot - 1));
    pthread_mutex_unlock(&f->lock);
    irq_set(&f->cfg.oir_irq, 1);
}

uint16_t c3745_iofpga_net_status(struct c3745_iofpga *f, unsigned index)
{
    pthread_mutex_lock(&f->lock);
    uint16_t v = iofpga_netint_status(f->net, index);
    pthread_mutex_unlock(&f->lock);
    return v;
}

int c3745_iofpga_create(const struct c3745_iofpga_config *c,
                        struct c3745_iofpga **out)
{
    if (!c || !c->sys_eeprom)
        return -EINVAL;
    struct c3745_iofpga *f = calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    f->dev.name = "iofpga";
    f->dev.ops = &c3745_iofpga_ops;
    f->cfg = *c;
    pthread_mutex_init(&f->lock, NULL);
    iofpga_netint_reset(f->net);
    f->wic.images = c->wic_images;
    *out = f;
    return 0;
}

void c3745_iofpga_destroy(struct c3745_iofpga *f)
{
    if (!f)
        return;
    pthread_mutex_destroy(&f->lock);
    free(f);
}

struct device *c3745_iofpga_device(struct c3745_iofpga *f)
{
    return &f->dev;
}
