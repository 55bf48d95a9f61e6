/*
 * Cisco 7200 I/O FPGA (shared spec c7200.md §7, §9).
 *
 * Registers (offset from base; values in the low-order bits of any access
 * size, c7200.md §0; only the exact offsets below are decoded):
 *   0x204 R/W I/O control: reads last write OR 0x04 ("NVRAM packed")
 *   0x20C W   DS1620 control: bits 0-3 RST of sensors 0-3, bit 4 CLK
 *   0x214 W   DS1620 data in (bit 0) and A/D multiplexer latch
 *   0x21C R/W CPU + midplane EEPROM port
 *   0x22C R   DS1620 data out, bit i = sensor i
 *   0x234 W   watchdog (ignored)
 *   0x23C R   bootflash SIMM descriptor 0x2704
 *   0x244 W   LEDs (ignored)
 *   0x254 R   environmental monitor 0xFFFFFFFF
 *   0x257 R   A/D converter (byte), per the 0x214 mux
 *   0x294 R   bay-7 network status        } state kept by the
 *   0x2A4 R/W bay-7 network mask          } midplane FPGA
 *   0x2D4 R   bay-7 PA power status       }
 *   0x2F4 R/W1C bay-7 OIR status          }
 *   0x2DC R/W PA control #2 (scratch)
 *   0x2E4 R/W bay-7 EEPROM port
 *   0x338 W   NPE-G1 only (ignored)
 *   0x388 R/W PEM EEPROM port
 *   0x390 R   FPGA version 0x0102 | 0x01000000 with an I/O card in bay 0
 *   0x3C0-0x3CF NPE-G2 environmental monitor: not modelled, read 0
 *   0x3D6 R   "PCMCIA status?" 0x33
 *   0x404 + 8n, n = 0..15: SCN2681 register n
 * Other offsets read 0 and ignore writes (logged once per offset).
 */
#include "dev/c7200_iofpga.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/log.h"
#include "dev/ds1620.h"
#include "dev/scn2681.h"

#define IO_CTRL_NVRAM_PACKED 0x04u     /* §7 0x204 bit 2 */
#define TEMP_CTRL_RST_MASK 0x0Fu       /* §7 0x20C bits 0-3 */
#define TEMP_CTRL_CLK 0x10u            /* §7 0x20C bit 4 */
#define BOOTFLASH_SIMM_8MB_1BANK 0x2704u /* §7 0x23C */
#define ENV_MON_VALUE 0xFFFFFFFFu      /* §7 0x254 */
#define FPGA_VERSION 0x0102u           /* §7 0x390 */
#define FPGA_IO_CARD_PRESENT 0x01000000u /* §7 0x390 */
#define PCMCIA_STATUS_VALUE 0x33u      /* §7 0x3D6 */
#define DUART_LAST (C7200_IOFPGA_DUART_BASE + 15 * C7200_IOFPGA_DUART_STRIDE)

/* A/D multiplexer selections and reading, c7200.md §7 0x257. */
#define AD_MUX_PS0 0x00
#define AD_MUX_PS1 0x02
#define AD_MUX_3V3 0x04
#define AD_MUX_12V 0x08
#define AD_MUX_5V 0x0A
#define AD_MUX_M12V 0x0C
#define AD_NOMINAL (1150 / 9) /* 127 */

/* EEPROM wiring (c7200.md §6.1), for ports with nothing attached. */
static const struct eeprom_wire wires_cpu_mp[] = {{2, 6}, {5, 7}};
static const struct eeprom_wire wires_bay7[] = {{25, 30}};
static const struct eeprom_wire wires_pem[] = {{1, 3}};

struct iofpga_eeprom {
    struct eeprom_port_ops ops;
    int present;
    uint32_t latch; /* used only when no ops are attached */
    const struct eeprom_wire *wires;
    unsigned nwires;
};

struct c7200_iofpga {
    struct device dev;
    pthread_mutex_t lock; /* local registers and sensors */
    struct logger *lg;
    struct scn2681 *duart;
    struct c7200_mpfpga *mp;
    struct iofpga_eeprom eeprom[3];
    struct ds1620 sensor[C7200_IOFPGA_NSENSORS];

    uint32_t io_ctrl;
    uint32_t temp_ctrl;
    uint32_t ad_mux;
    uint32_t pa_control2;
    uint8_t bay0_io_card;
    uint8_t logged[C7200_IOFPGA_SIZE / 8];
    uint8_t logged_outside;
};

static const struct dev_field iofpga_fields[] = {
    {"io_ctrl", offsetof(struct c7200_iofpga, io_ctrl), 4},
    {"temp_ctrl", offsetof(struct c7200_iofpga, temp_ctrl), 4},
    {"ad_mux", offsetof(struct c7200_iofpga, ad_mux), 4},
    {"pa_control2", offsetof(struct c7200_iofpga, pa_control2), 4},
    {"bay0_io_card", offsetof(struct c7200_iofpga, bay0_io_card), 1},
    {"eeprom_cpu_mp_latch", offsetof(struct c7200_iofpga, eeprom[0].latch),
     4},
    {"eeprom_bay7_latch", offsetof(struct c7200_iofpga, eeprom[1].latch), 4},
    {"eeprom_pem_latch", offsetof(struct c7200_iofpga, eeprom[2].latch), 4},
    {"sensor0", offsetof(struct c7200_iofpga, sensor[0]),
     sizeof(struct ds1620)},
    {"sensor1", offsetof(struct c7200_iofpga, sensor[1]),
     sizeof(struct ds1620)},
    {"sensor2", offsetof(struct c7200_iofpga, sensor[2]),
     sizeof(struct ds1620)},
    {"sensor3", offsetof(struct c7200_iofpga, sensor[3]),
     sizeof(struct ds1620)},
    {NULL, 0, 0},
};

static struct c7200_iofpga *to_io(struct device *d)
{
    return DEV_CONTAINER(d, struct c7200_iofpga, dev);
}

static uint64_t size_mask(uint64_t v, unsigned size)
{
    return size >= 8 ? v : v & ((UINT64_C(1) << (size * 8)) - 1);
}

static void guest_error(struct c7200_iofpga *io, uint64_t off,
                        const char *what)
{
    pthread_mutex_lock(&io->lock);
    int seen;
    if (off < C7200_IOFPGA_SIZE) {
        uint8_t bit = (uint8_t)(1u << (off & 7));
        seen = (io->logged[off >> 3] & bit) != 0;
        io->logged[off >> 3] |= bit;
    } else {
        seen = io->logged_outside;
        io->logged_outside = 1;
    }
    pthread_mutex_unlock(&io->lock);
    if (!seen) {
        log_msg(io->lg, "IO_FPGA", "guest error: %s at offset 0x%llx", what,
                (unsigned long long)off);
    }
}

/* ------------------------------------------------------------ EEPROMs */
static void set_port(struct iofpga_eeprom *p, const struct eeprom_port_ops *o)
{
    p->present = o != NULL;
    if (o) {
        p->ops = *o;
    }
}

static uint32_t eeprom_read(struct iofpga_eeprom *p)
{
    if (p->present) {
        return p->ops.read ? p->ops.read(p->ops.ctx) : 0;
    }
    return eeprom_port_absent_read(p->latch, p->wires, p->nwires);
}

static void eeprom_write(struct iofpga_eeprom *p, uint32_t v)
{
    if (p->present) {
        if (p->ops.write) {
            p->ops.write(p->ops.ctx, v);
        }
    } else {
        p->latch = v;
    }
}

/* ------------------------------------------------------------ sensors */
static void temp_ctrl_write(struct c7200_iofpga *io, uint32_t v)
{
    io->temp_ctrl = v;
    for (int i = 0; i < C7200_IOFPGA_NSENSORS; i++) {
        ds1620_set_rst(&io->sensor[i], (v >> i) & 1);
    }
}

static void temp_data_write(struct c7200_iofpga *io, uint32_t v)
{
    io->ad_mux = v; /* the whole value selects the A/D input, §7 0x214 */
    if (io->temp_ctrl & TEMP_CTRL_CLK) {
        return; /* bits shift in only while CLK is low, §7.2 */
    }
    for (int i = 0; i < C7200_IOFPGA_NSENSORS; i++) {
        ds1620_clock_in(&io->sensor[i], (int)(v & 1));
    }
}

static uint32_t temp_data_read(struct c7200_iofpga *io)
{
    uint32_t v = 0;

    for (int i = 0; i < C7200_IOFPGA_NSENSORS; i++) {
        v |= (uint32_t)ds1620_read_bit(&io->sensor[i]) << i;
    }
    return v;
}

/* §7 0x257 and §7.1: supplies read 0 when marked absent. */
static uint32_t ad_read(struct c7200_iofpga *io)
{
    unsigned ps = io->mp ? c7200_mpfpga_power_supplies(io->mp) : 3;

    switch (io->ad_mux) {
    case AD_MUX_PS0:
        return (ps & 1) ? AD_NOMINAL : 0;
    case AD_MUX_PS1:
        return (ps & 2) ? AD_NOMINAL : 0;
    case AD_MUX_3V3:
    case AD_MUX_12V:
    case AD_MUX_5V:
    case AD_MUX_M12V:
        return AD_NOMINAL;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------ access */
static int duart_reg(uint64_t off)
{
    if (off < C7200_IOFPGA_DUART_BASE || off > DUART_LAST ||
        (off - C7200_IOFPGA_DUART_BASE) % C7200_IOFPGA_DUART_STRIDE) {
        return -1;
    }
    return (int)((off - C7200_IOFPGA_DUART_BASE) / C7200_IOFPGA_DUART_STRIDE);
}

/* Registers whose state is kept elsewhere; no local lock needed. */
static int read_forwarded(struct c7200_iofpga *io, uint64_t off,
                          uint32_t *v)
{
    int reg = duart_reg(off);

    if (reg >= 0) {
        *v = io->duart ? scn2681_read(io->duart, (unsigned)reg) : 0;
        return 1;
    }
    switch (off) {
    case C7200_IOFPGA_BAY7_NET_STATUS:
        *v = io->mp ? c7200_mpfpga_bay7_net_status(io->mp) : 0;
        return 1;
    case C7200_IOFPGA_BAY7_NET_MASK:
        *v = io->mp ? c7200_mpfpga_bay7_net_mask(io->mp) : 0;
        return 1;
    case C7200_IOFPGA_PA_STATUS2:
        *v = io->mp ? c7200_mpfpga_bay7_pa_status(io->mp) : 0;
        return 1;
    case C7200_IOFPGA_OIR_STATUS2:
        *v = io->mp ? c7200_mpfpga_bay7_oir_status(io->mp) : 0;
        return 1;
    default:
        return 0;
    }
}

/* Returns 0, or -1 for an offset nothing answers. Lock held. */
static int read_local(struct c7200_iofpga *io, uint64_t off, uint32_t *v)
{
    switch (off) {
    case C7200_IOFPGA_IO_CTRL:
        *v = io->io_ctrl | IO_CTRL_NVRAM_PACKED;
        return 0;
    case C7200_IOFPGA_EEPROM_CPU_MP:
        *v = eeprom_read(&io->eeprom[C7200_IOFPGA_EEPROM_CPU_MIDPLANE]);
        return 0;
    case C7200_IOFPGA_EEPROM_BAY7:
        *v = eeprom_read(&io->eeprom[C7200_IOFPGA_EEPROM_BAY7_PORT]);
        return 0;
    case C7200_IOFPGA_EEPROM_PEM:
        *v = eeprom_read(&io->eeprom[C7200_IOFPGA_EEPROM_PEM_PORT]);
        return 0;
    case C7200_IOFPGA_TEMP_DATA_OUT:
        *v = temp_data_read(io);
        return 0;
    case C7200_IOFPGA_BOOTFLASH_SIMM:
        *v = BOOTFLASH_SIMM_8MB_1BANK;
        return 0;
    case C7200_IOFPGA_ENV_MON:
        *v = ENV_MON_VALUE;
        return 0;
    case C7200_IOFPGA_ENV_AD:
        *v = ad_read(io);
        return 0;
    case C7200_IOFPGA_PA_CONTROL2:
        *v = io->pa_control2;
        return 0;
    case C7200_IOFPGA_VERSION:
        *v = FPGA_VERSION | (io->bay0_io_card ? FPGA_IO_CARD_PRESENT : 0);
        return 0;
    case C7200_IOFPGA_PCMCIA_STATUS:
        *v = PCMCIA_STATUS_VALUE;
        return 0;
    case C7200_IOFPGA_TEMP_CTRL:
    case C7200_IOFPGA_TEMP_DATA_IN:
    case C7200_IOFPGA_WATCHDOG:
    case C7200_IOFPGA_LEDS:
    case C7200_IOFPGA_G1_338:
        *v = 0; /* write-only registers */
        return 0;
    default:
        *v = 0;
        if (off >= C7200_IOFPGA_G2_ENV_FIRST &&
            off <= C7200_IOFPGA_G2_ENV_LAST) {
            return 0; /* NPE-G2 only, not modelled */
        }
        return -1;
    }
}

static uint64_t iofpga_read(struct device *d, uint64_t off, unsigned size)
{
    struct c7200_iofpga *io = to_io(d);
    uint32_t v = 0;

    if (!read_forwarded(io, off, &v)) {
        pthread_mutex_lock(&io->lock);
        int rc = read_local(io, off, &v);
        pthread_mutex_unlock(&io->lock);
        if (rc < 0) {
            guest_error(io, off, "read of an unknown register");
        }
    }
    return size_mask(v, size);
}

static int write_forwarded(struct c7200_iofpga *io, uint64_t off, uint32_t v)
{
    int reg = duart_reg(off);

    if (reg >= 0) {
        if (io->duart) {
            scn2681_write(io->duart, (unsigned)reg, (uint8_t)v);
        }
        return 1;
    }
    switch (off) {
    case C7200_IOFPGA_BAY7_NET_MASK:
        if (io->mp) {
            c7200_mpfpga_bay7_set_net_mask(io->mp, v);
        }
        return 1;
    case C7200_IOFPGA_OIR_STATUS2:
        if (io->mp) {
            c7200_mpfpga_bay7_oir_clear(io->mp, v); /* W1C, §7 0x2F4 */
        }
        return 1;
    default:
        return 0;
    }
}

/* Returns 0, or -1 for an offset nothing answers. Lock held. */
static int write_local(struct c7200_iofpga *io, uint64_t off, uint32_t v)
{
    switch (off) {
    case C7200_IOFPGA_IO_CTRL:
        io->io_ctrl = v;
        return 0;
    case C7200_IOFPGA_TEMP_CTRL:
        temp_ctrl_write(io, v);
        return 0;
    case C7200_IOFPGA_TEMP_DATA_IN:
        temp_data_write(io, v);
        return 0;
    case C7200_IOFPGA_EEPROM_CPU_MP:
        eeprom_write(&io->eeprom[C7200_IOFPGA_EEPROM_CPU_MIDPLANE], v);
        return 0;
    case C7200_IOFPGA_EEPROM_BAY7:
        eeprom_write(&io->eeprom[C7200_IOFPGA_EEPROM_BAY7_PORT], v);
        return 0;
    case C7200_IOFPGA_EEPROM_PEM:
        eeprom_write(&io->eeprom[C7200_IOFPGA_EEPROM_PEM_PORT], v);
        return 0;
    case C7200_IOFPGA_PA_CONTROL2:
        io->pa_control2 = v; /* plain scratch; §21 quirk not copied */
        return 0;
    case C7200_IOFPGA_WATCHDOG:
    case C7200_IOFPGA_LEDS:
    case C7200_IOFPGA_G1_338:
        return 0; /* ignored, §7 */
    default:
        if (off >= C7200_IOFPGA_G2_ENV_FIRST &&
            off <= C7200_IOFPGA_G2_ENV_LAST) {
            return 0;
        }
        return -1;
    }
}

static void iofpga_write(struct device *d, uint64_t off, unsigned size,
                         uint64_t value)
{
    struct c7200_iofpga *io = to_io(d);
    uint32_t v = (uint32_t)size_mask(value, size);

    if (write_forwarded(io, off, v)) {
        return;
    }
    pthread_mutex_lock(&io->lock);
    int rc = write_local(io, off, v);
    pthread_mutex_unlock(&io->lock);
    if (rc < 0) {
        guest_error(io, off, "write to an unknown or read-only register");
    }
}

static void reset_locked(struct c7200_iofpga *io)
{
    io->io_ctrl = 0;
    io->temp_ctrl = 0;
    io->ad_mux = 0;
    io->pa_control2 = 0;
    for (int i = 0; i < 3; i++) {
        io->eeprom[i].latch = 0;
    }
    for (int i = 0; i < C7200_IOFPGA_NSENSORS; i++) {
        /* Keep the operator's temperature across a reset. */
        int raw = io->sensor[i].temp;
        ds1620_init(&io->sensor[i], 0);
        io->sensor[i].temp = (uint16_t)raw;
    }
}

static void iofpga_reset(struct device *d)
{
    struct c7200_iofpga *io = to_io(d);

    pthread_mutex_lock(&io->lock);
    reset_locked(io);
    pthread_mutex_unlock(&io->lock);
    if (io->duart) {
        scn2681_reset(io->duart);
    }
}

static void iofpga_destroy(struct device *d)
{
    struct c7200_iofpga *io = to_io(d);

    pthread_mutex_destroy(&io->lock);
    free(io);
}

static const struct device_ops iofpga_ops = {
    .read = iofpga_read,
    .write = iofpga_write,
    .reset = iofpga_reset,
    .destroy = iofpga_destroy,
    .fields = iofpga_fields,
};

struct c7200_iofpga *c7200_iofpga_create(const struct c7200_iofpga_config *c)
{
    struct c7200_iofpga *io = calloc(1, sizeof(*io));

    if (!io) {
        errno = ENOMEM;
        return NULL;
    }
    io->dev.name = "c7200_iofpga";
    io->dev.ops = &iofpga_ops;
    pthread_mutex_init(&io->lock, NULL);
    io->lg = c->lg;
    io->duart = c->duart;
    io->mp = c->mpfpga;
    io->eeprom[0].wires = wires_cpu_mp;
    io->eeprom[0].nwires = 2;
    io->eeprom[1].wires = wires_bay7;
    io->eeprom[1].nwires = 1;
    io->eeprom[2].wires = wires_pem;
    io->eeprom[2].nwires = 1;
    set_port(&io->eeprom[0], c->eeprom_cpu_midplane);
    set_port(&io->eeprom[1], c->eeprom_bay7);
    set_port(&io->eeprom[2], c->eeprom_pem);
    for (int i = 0; i < C7200_IOFPGA_NSENSORS; i++) {
        ds1620_init(&io->sensor[i], DS1620_DEFAULT_TEMP_C);
    }
    reset_locked(io);
    c7200_iofpga_set_bay0_io_card(io, c->bay0_io_card);
    return io;
}

void c7200_iofpga_destroy(struct c7200_iofpga *io)
{
    if (io) {
        iofpga_destroy(&io->dev);
    }
}

struct device *c7200_iofpga_device(struct c7200_iofpga *io)
{
    return &io->dev;
}

void c7200_iofpga_set_eeprom_port(struct c7200_iofpga *io,
                                  enum c7200_iofpga_eeprom which,
                                  const struct eeprom_port_ops *ops)
{
    if ((unsigned)which > C7200_IOFPGA_EEPROM_PEM_PORT) {
        return;
    }
    pthread_mutex_lock(&io->lock);
    set_port(&io->eeprom[which], ops);
    pthread_mutex_unlock(&io->lock);
}

void c7200_iofpga_set_bay0_io_card(struct c7200_iofpga *io, int present)
{
    pthread_mutex_lock(&io->lock);
    io->bay0_io_card = present ? 1 : 0;
    pthread_mutex_unlock(&io->lock);
    if (io->duart) {
        scn2681_set_rx_enable(io->duart, present); /* §9.4 */
    }
}

int c7200_iofpga_set_temperature(struct c7200_iofpga *io, int sensor,
                                 int celsius)
{
    if (sensor < 0 || sensor >= C7200_IOFPGA_NSENSORS || celsius < -55 ||
        celsius > 125) { /* DS1620 measuring range, datasheet */
        return -EINVAL;
    }
    pthread_mutex_lock(&io->lock);
    ds1620_set_temp_raw(&io->sensor[sensor], celsius * 2);
    pthread_mutex_unlock(&io->lock);
    return 0;
}
