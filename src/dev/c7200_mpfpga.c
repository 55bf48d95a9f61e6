/*
 * Cisco 7200 midplane FPGA: network interrupt aggregation, PA power
 * status, bay EEPROM ports, power-supply enables and OIR status
 * (shared spec c7200.md §4.2, §6.1, §8, §20).
 *
 * Registers (offset from base, 32-bit values in the low-order bits of any
 * access size, c7200.md §0):
 *   0x10-0x13 R   network status, bays 0/1/3/4 (every offset: whole word)
 *   0x18-0x1B R   network status, bays 2/5/6
 *   0x20/0x28 R/W network masks
 *   0x38      R/W TDM status: reads 0, writes ignored
 *   0x40      R   PA management status (any access lowers line 3)
 *   0x48      R   unknown: 0xFFFFFFFF
 *   0x50      R   PA power status, recomputed on every read
 *   0x58      R/W PA control (scratch)
 *   0x60/0x68 R/W EEPROM ports (0x68 bits 0-1: power supplies)
 *   0x70      R/W1C error/OIR status; any access lowers line 6
 *   0x78      R/W error enable: reads 0, writes ignored
 *   0x7B      W   unknown, written often by IOS: ignored
 * Other offsets read 0 and ignore writes (logged once per offset).
 */
#include "dev/c7200_mpfpga.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/log.h"

#define NET_GROUPS 3 /* 0x10/0x20, 0x18/0x28, bay 7 (I/O FPGA 0x294/0x2A4) */

/* Bay -> (status group, first bit), c7200.md §4.2. */
static const struct {
    uint8_t group;
    uint8_t base;
} bay_net_bits[C7200_MPFPGA_NBAYS] = {
    [0] = {0, 0},  [1] = {0, 8},  [4] = {0, 16}, [3] = {0, 24},
    [2] = {1, 8},  [6] = {1, 16}, [5] = {1, 24}, [7] = {2, 24},
};

/* Position of a bay's power nibble in 0x50, c7200.md §8 (bay 7: I/O FPGA). */
static const uint8_t bay_power_shift[7] = {0, 8, 12, 24, 16, 28, 20};
#define PA_POWER_GOOD 0x6u         /* 3.3 V + 5 V good, §8 0x50 */
#define PA_MGMT_MASK 0x66666600u   /* §8 0x40: powered nibbles of bays 1-6 */
#define BAY7_STATUS_BITS 0xFF000000u /* §4.2: bits 24-31 */
#define BAY7_OIR_BIT (UINT32_C(1) << 24) /* §20: I/O FPGA 0x2F4 */
#define PS_BITS 0x3u               /* §8 0x68 bits 0-1 */

/* EEPROM wiring of 0x60 / 0x68 (c7200.md §6.1), for absent ports. */
static const struct eeprom_wire wires_0134[] = {{1, 6}, {9, 14}, {17, 22},
                                               {25, 30}};
static const struct eeprom_wire wires_256[] = {{9, 14}, {17, 22}, {25, 30}};

struct eeprom_port {
    struct eeprom_port_ops ops;
    int present;
    uint32_t latch; /* used only when no ops are attached */
};

struct c7200_mpfpga {
    struct device dev;
    pthread_mutex_t lock;
    struct logger *lg;
    struct irq_line net_irq, pa_mgmt_irq, oir_irq;
    void (*power_off)(void *ctx);
    void *ctx;
    struct eeprom_port eeprom[2];

    uint32_t net_status[NET_GROUPS];
    uint32_t net_mask[NET_GROUPS];
    uint8_t bay_present[C7200_MPFPGA_NBAYS];
    uint32_t pa_status_last; /* value of the last 0x50 read, for 0x40 */
    uint32_t pa_control;
    uint32_t power_supplies;
    uint32_t err_status;      /* 0x70 */
    uint32_t bay7_oir_status; /* I/O FPGA 0x2F4 */
    uint8_t net_level;
    uint8_t oir_level;
    uint8_t logged[C7200_MPFPGA_SIZE / 8];
    uint8_t logged_outside;
};

static const struct dev_field mpfpga_fields[] = {
    {"net_status0", offsetof(struct c7200_mpfpga, net_status[0]), 4},
    {"net_status1", offsetof(struct c7200_mpfpga, net_status[1]), 4},
    {"net_status_bay7", offsetof(struct c7200_mpfpga, net_status[2]), 4},
    {"net_mask0", offsetof(struct c7200_mpfpga, net_mask[0]), 4},
    {"net_mask1", offsetof(struct c7200_mpfpga, net_mask[1]), 4},
    {"net_mask_bay7", offsetof(struct c7200_mpfpga, net_mask[2]), 4},
    {"bay_present", offsetof(struct c7200_mpfpga, bay_present),
     C7200_MPFPGA_NBAYS},
    {"pa_status_last", offsetof(struct c7200_mpfpga, pa_status_last), 4},
    {"pa_control", offsetof(struct c7200_mpfpga, pa_control), 4},
    {"power_supplies", offsetof(struct c7200_mpfpga, power_supplies), 4},
    {"eeprom0134_latch", offsetof(struct c7200_mpfpga, eeprom[0].latch), 4},
    {"eeprom256_latch", offsetof(struct c7200_mpfpga, eeprom[1].latch), 4},
    {"err_status", offsetof(struct c7200_mpfpga, err_status), 4},
    {"bay7_oir_status", offsetof(struct c7200_mpfpga, bay7_oir_status), 4},
    {"net_level", offsetof(struct c7200_mpfpga, net_level), 1},
    {"oir_level", offsetof(struct c7200_mpfpga, oir_level), 1},
    {NULL, 0, 0},
};

static struct c7200_mpfpga *to_mp(struct device *d)
{
    return DEV_CONTAINER(d, struct c7200_mpfpga, dev);
}

static uint64_t size_mask(uint64_t v, unsigned size)
{
    return size >= 8 ? v : v & ((UINT64_C(1) << (size * 8)) - 1);
}

static void guest_error(struct c7200_mpfpga *mp, uint64_t off, int is_write)
{
    if (off < C7200_MPFPGA_SIZE) {
        uint8_t bit = (uint8_t)(1u << (off & 7));
        if (mp->logged[off >> 3] & bit) {
            return;
        }
        mp->logged[off >> 3] |= bit;
    } else {
        if (mp->logged_outside) {
            return;
        }
        mp->logged_outside = 1;
    }
    log_msg(mp->lg, "MP_FPGA", "guest error: %s at unknown offset 0x%llx",
            is_write ? "write" : "read", (unsigned long long)off);
}

/* Line 2 = OR over groups of (status & mask) != 0, §4.2. Lock held. */
static void update_net_irq_locked(struct c7200_mpfpga *mp)
{
    uint32_t pending = 0;

    for (int g = 0; g < NET_GROUPS; g++) {
        pending |= mp->net_status[g] & mp->net_mask[g];
    }
    int level = pending != 0;
    if (level != mp->net_level) {
        mp->net_level = (uint8_t)level;
        irq_set(&mp->net_irq, level);
    }
}

static void set_oir_irq_locked(struct c7200_mpfpga *mp, int level)
{
    if (level != mp->oir_level) {
        mp->oir_level = (uint8_t)level;
        irq_set(&mp->oir_irq, level);
    }
}

/* 0x10: with a card in bay 7 the bay-0 byte summarises bay 7, §4.2. */
static uint32_t net_status0_locked(const struct c7200_mpfpga *mp)
{
    uint32_t v = mp->net_status[0];

    if (mp->bay_present[7]) {
        v &= ~UINT32_C(0xFF);
        v |= mp->net_status[2] ? 0xFF : 0x00;
    }
    return v;
}

/* 0x50, §8: bay 0 always powered, bays 1-6 when they hold a card. */
static uint32_t pa_status_locked(const struct c7200_mpfpga *mp)
{
    uint32_t v = PA_POWER_GOOD << bay_power_shift[0];

    for (int bay = 1; bay <= 6; bay++) {
        if (mp->bay_present[bay]) {
            v |= PA_POWER_GOOD << bay_power_shift[bay];
        }
    }
    return v;
}

static uint32_t eeprom_read(struct eeprom_port *p, const struct eeprom_wire *w,
                            unsigned n)
{
    if (p->present) {
        return p->ops.read ? p->ops.read(p->ops.ctx) : 0;
    }
    return eeprom_port_absent_read(p->latch, w, n);
}

static void eeprom_write(struct eeprom_port *p, uint32_t v)
{
    if (p->present) {
        if (p->ops.write) {
            p->ops.write(p->ops.ctx, v);
        }
    } else {
        p->latch = v;
    }
}

static void set_port(struct eeprom_port *p, const struct eeprom_port_ops *ops)
{
    p->present = ops != NULL;
    if (ops) {
        p->ops = *ops;
    }
}

static uint32_t read_locked(struct c7200_mpfpga *mp, uint64_t off)
{
    switch (off) {
    case C7200_MPFPGA_NET_STATUS0:
    case C7200_MPFPGA_NET_STATUS0 + 1:
    case C7200_MPFPGA_NET_STATUS0 + 2:
    case C7200_MPFPGA_NET_STATUS0 + 3:
        return net_status0_locked(mp); /* whole word at each, §8, §21 */
    case C7200_MPFPGA_NET_STATUS1:
    case C7200_MPFPGA_NET_STATUS1 + 1:
    case C7200_MPFPGA_NET_STATUS1 + 2:
    case C7200_MPFPGA_NET_STATUS1 + 3:
        return mp->net_status[1];
    case C7200_MPFPGA_NET_MASK0:
        return mp->net_mask[0];
    case C7200_MPFPGA_NET_MASK1:
        return mp->net_mask[1];
    case C7200_MPFPGA_TDM_STATUS:
    case C7200_MPFPGA_ERR_ENABLE:
        return 0;
    case C7200_MPFPGA_PA_MGMT_STATUS:
        irq_set(&mp->pa_mgmt_irq, 0); /* any access clears line 3, §8 */
        return PA_MGMT_MASK & mp->pa_status_last;
    case C7200_MPFPGA_UNKNOWN_48:
        return 0xFFFFFFFFu; /* §8 */
    case C7200_MPFPGA_PA_STATUS:
        mp->pa_status_last = pa_status_locked(mp);
        return mp->pa_status_last;
    case C7200_MPFPGA_PA_CONTROL:
        return mp->pa_control;
    case C7200_MPFPGA_EEPROM_0134:
        return eeprom_read(&mp->eeprom[0], wires_0134, 4);
    case C7200_MPFPGA_EEPROM_256:
        return eeprom_read(&mp->eeprom[1], wires_256, 3) |
               mp->power_supplies;
    case C7200_MPFPGA_ERR_STATUS:
        set_oir_irq_locked(mp, 0); /* §8 0x70 */
        return mp->err_status;
    default:
        guest_error(mp, off, 0);
        return 0;
    }
}

static uint64_t mpfpga_read(struct device *d, uint64_t off, unsigned size)
{
    struct c7200_mpfpga *mp = to_mp(d);

    pthread_mutex_lock(&mp->lock);
    uint32_t v = read_locked(mp, off);
    pthread_mutex_unlock(&mp->lock);
    return size_mask(v, size);
}

/* Returns nonzero when the guest asked for power-off (§8 0x68). */
static int write_locked(struct c7200_mpfpga *mp, uint64_t off, uint32_t v)
{
    switch (off) {
    case C7200_MPFPGA_NET_MASK0:
        mp->net_mask[0] = v;
        update_net_irq_locked(mp);
        break;
    case C7200_MPFPGA_NET_MASK1:
        mp->net_mask[1] = v;
        update_net_irq_locked(mp);
        break;
    case C7200_MPFPGA_TDM_STATUS:
    case C7200_MPFPGA_ERR_ENABLE:
    case C7200_MPFPGA_UNKNOWN_7B:
        break; /* ignored, §8 */
    case C7200_MPFPGA_PA_MGMT_STATUS:
        irq_set(&mp->pa_mgmt_irq, 0);
        break;
    case C7200_MPFPGA_PA_CONTROL:
        mp->pa_control = v;
        break;
    case C7200_MPFPGA_EEPROM_0134:
        eeprom_write(&mp->eeprom[0], v);
        break;
    case C7200_MPFPGA_EEPROM_256:
        eeprom_write(&mp->eeprom[1], v);
        mp->power_supplies = v & PS_BITS;
        return (v & PS_BITS) == 0;
    case C7200_MPFPGA_ERR_STATUS:
        mp->err_status &= ~v;
        set_oir_irq_locked(mp, 0);
        break;
    default:
        guest_error(mp, off, 1);
        break;
    }
    return 0;
}

static void mpfpga_write(struct device *d, uint64_t off, unsigned size,
                         uint64_t value)
{
    struct c7200_mpfpga *mp = to_mp(d);

    pthread_mutex_lock(&mp->lock);
    int power_off = write_locked(mp, off, (uint32_t)size_mask(value, size));
    pthread_mutex_unlock(&mp->lock);
    if (power_off) {
        log_msg(mp->lg, "MP_FPGA", "both power supplies disabled: power off");
        if (mp->power_off) {
            mp->power_off(mp->ctx);
        }
    }
}

static void mpfpga_reset(struct device *d)
{
    struct c7200_mpfpga *mp = to_mp(d);

    pthread_mutex_lock(&mp->lock);
    /* Status bits are wires driven by devices; they survive a reset. */
    for (int g = 0; g < NET_GROUPS; g++) {
        mp->net_mask[g] = 0;
    }
    mp->pa_status_last = 0;
    mp->pa_control = 0;
    mp->power_supplies = PS_BITS; /* both present at start, §7.1 */
    mp->eeprom[0].latch = mp->eeprom[1].latch = 0;
    mp->err_status = 0;
    mp->bay7_oir_status = 0;
    update_net_irq_locked(mp);
    set_oir_irq_locked(mp, 0);
    pthread_mutex_unlock(&mp->lock);
}

static void mpfpga_destroy(struct device *d)
{
    struct c7200_mpfpga *mp = to_mp(d);

    pthread_mutex_destroy(&mp->lock);
    free(mp);
}

static const struct device_ops mpfpga_ops = {
    .read = mpfpga_read,
    .write = mpfpga_write,
    .reset = mpfpga_reset,
    .destroy = mpfpga_destroy,
    .fields = mpfpga_fields,
};

struct c7200_mpfpga *c7200_mpfpga_create(const struct c7200_mpfpga_config *c)
{
    struct c7200_mpfpga *mp = calloc(1, sizeof(*mp));

    if (!mp) {
        errno = ENOMEM;
        return NULL;
    }
    mp->dev.name = "c7200_mpfpga";
    mp->dev.ops = &mpfpga_ops;
    pthread_mutex_init(&mp->lock, NULL);
    mp->lg = c->lg;
    mp->net_irq = c->net_irq;
    mp->pa_mgmt_irq = c->pa_mgmt_irq;
    mp->oir_irq = c->oir_irq;
    mp->power_off = c->power_off;
    mp->ctx = c->ctx;
    set_port(&mp->eeprom[0], c->eeprom_bays_0134);
    set_port(&mp->eeprom[1], c->eeprom_bays_256);
    mp->power_supplies = PS_BITS;
    return mp;
}

void c7200_mpfpga_destroy(struct c7200_mpfpga *mp)
{
    if (mp) {
        mpfpga_destroy(&mp->dev);
    }
}

struct device *c7200_mpfpga_device(struct c7200_mpfpga *mp)
{
    return &mp->dev;
}

void c7200_mpfpga_set_eeprom_port(struct c7200_mpfpga *mp,
                                  enum c7200_mpfpga_eeprom which,
                                  const struct eeprom_port_ops *ops)
{
    if ((unsigned)which > C7200_MPFPGA_EEPROM_BAYS_256) {
        return;
    }
    pthread_mutex_lock(&mp->lock);
    set_port(&mp->eeprom[which], ops);
    pthread_mutex_unlock(&mp->lock);
}

int c7200_mpfpga_net_irq(struct c7200_mpfpga *mp, int bay, int port,
                         int level)
{
    if (bay < 0 || bay >= C7200_MPFPGA_NBAYS || port < 0 || port > 7) {
        return -EINVAL;
    }
    uint32_t bit = UINT32_C(1) << (bay_net_bits[bay].base + port);
    int g = bay_net_bits[bay].group;

    pthread_mutex_lock(&mp->lock);
    if (level) {
        mp->net_status[g] |= bit;
    } else {
        mp->net_status[g] &= ~bit;
    }
    update_net_irq_locked(mp);
    pthread_mutex_unlock(&mp->lock);
    return 0;
}

int c7200_mpfpga_set_bay_present(struct c7200_mpfpga *mp, int bay,
                                 int present)
{
    if (bay < 0 || bay >= C7200_MPFPGA_NBAYS) {
        return -EINVAL;
    }
    pthread_mutex_lock(&mp->lock);
    mp->bay_present[bay] = present ? 1 : 0;
    pthread_mutex_unlock(&mp->lock);
    return 0;
}

int c7200_mpfpga_oir_event(struct c7200_mpfpga *mp, int bay)
{
    if (bay < 1 || bay >= C7200_MPFPGA_NBAYS) {
        return -EINVAL;
    }
    pthread_mutex_lock(&mp->lock);
    if (bay == 7) {
        mp->err_status |= 1; /* §20: bay 7 -> bit 0 plus I/O FPGA detail */
        mp->bay7_oir_status |= BAY7_OIR_BIT;
    } else {
        mp->err_status |= UINT32_C(1) << bay;
    }
    set_oir_irq_locked(mp, 1);
    pthread_mutex_unlock(&mp->lock);
    return 0;
}

unsigned c7200_mpfpga_power_supplies(struct c7200_mpfpga *mp)
{
    pthread_mutex_lock(&mp->lock);
    unsigned ps = mp->power_supplies;
    pthread_mutex_unlock(&mp->lock);
    return ps;
}

void c7200_mpfpga_set_power_supplies(struct c7200_mpfpga *mp, unsigned ps)
{
    pthread_mutex_lock(&mp->lock);
    mp->power_supplies = ps & PS_BITS;
    pthread_mutex_unlock(&mp->lock);
}

uint32_t c7200_mpfpga_bay7_net_status(struct c7200_mpfpga *mp)
{
    pthread_mutex_lock(&mp->lock);
    uint32_t v = mp->net_status[2] & BAY7_STATUS_BITS;
    pthread_mutex_unlock(&mp->lock);
    return v;
}

uint32_t c7200_mpfpga_bay7_net_mask(struct c7200_mpfpga *mp)
{
    pthread_mutex_lock(&mp->lock);
    uint32_t v = mp->net_mask[2];
    pthread_mutex_unlock(&mp->lock);
    return v;
}

void c7200_mpfpga_bay7_set_net_mask(struct c7200_mpfpga *mp, uint32_t m)
{
    pthread_mutex_lock(&mp->lock);
    mp->net_mask[2] = m;
    update_net_irq_locked(mp);
    pthread_mutex_unlock(&mp->lock);
}

uint32_t c7200_mpfpga_bay7_pa_status(struct c7200_mpfpga *mp)
{
    pthread_mutex_lock(&mp->lock);
    uint32_t v = mp->bay_present[7] ? PA_POWER_GOOD << 24 : 0; /* §7 0x2D4 */
    pthread_mutex_unlock(&mp->lock);
    return v;
}

uint32_t c7200_mpfpga_bay7_oir_status(struct c7200_mpfpga *mp)
{
    pthread_mutex_lock(&mp->lock);
    uint32_t v = mp->bay7_oir_status;
    pthread_mutex_unlock(&mp->lock);
    return v;
}

void c7200_mpfpga_bay7_oir_clear(struct c7200_mpfpga *mp, uint32_t bits)
{
    pthread_mutex_lock(&mp->lock);
    mp->bay7_oir_status &= ~bits;
    pthread_mutex_unlock(&mp->lock);
}

int c7200_mpfpga_net_irq_level(struct c7200_mpfpga *mp)
{
    pthread_mutex_lock(&mp->lock);
    int v = mp->net_level;
    pthread_mutex_unlock(&mp->lock);
    return v;
}

int c7200_mpfpga_oir_irq_level(struct c7200_mpfpga *mp)
{
    pthread_mutex_lock(&mp->lock);
    int v = mp->oir_level;
    pthread_mutex_unlock(&mp->lock);
    return v;
}
