/*
 * eeprom.c - the identification EEPROMs (NMC93C46-style, 64 x 16 bit),
 * bit-banged through the FPGA registers exactly as c7200.md §6.1-6.2
 * describes: per read, CS 0->1, nine SK rising edges carrying 1 1 0 and
 * the address (a0 first), then sixteen rising edges each followed by a
 * read of DO (bit 0 of the word first). Word w = bytes 2w (high), 2w+1.
 */
#include "fw.h"

#include "c7200.h"

#define MPFPGA_BASE C7200_MPFPGA_BASE
#define IOFPGA_BASE C7200_IOFPGA_BASE

/* c7200.md §6.1. MP FPGA 0x68 bits 0-1 are the power-supply enables
 * (§8): writing both as 0 powers the router off, so they stay set. */
static const struct ee_wiring wiring[] = {
    [EE_CPU] = {IOFPGA_BASE + 0x21C, 2, 1, 0, 6, 0, 32},
    [EE_MIDPLANE] = {IOFPGA_BASE + 0x21C, 5, 4, 3, 7, 0, 32},
    [EE_PEM] = {IOFPGA_BASE + 0x388, 1, 0, 2, 3, 0, 32},
    [EE_BAY0] = {MPFPGA_BASE + 0x60, 1, 3, 4, 6, 0, 32},
    [EE_BAY1] = {MPFPGA_BASE + 0x60, 9, 11, 12, 14, 0, 32},
    [EE_BAY2] = {MPFPGA_BASE + 0x68, 9, 11, 12, 14, 3, 32},
    [EE_BAY3] = {MPFPGA_BASE + 0x60, 25, 27, 28, 30, 0, 32},
    [EE_BAY4] = {MPFPGA_BASE + 0x60, 17, 19, 20, 22, 0, 32},
    [EE_BAY5] = {MPFPGA_BASE + 0x68, 25, 27, 28, 30, 3, 32},
    [EE_BAY6] = {MPFPGA_BASE + 0x68, 17, 19, 20, 22, 3, 32},
};

static void ee_wr(const struct ee_wiring *w, uint32_t v)
{
    if (w->width == 8)
        MMIO8(w->reg) = (uint8_t)v;
    else if (w->width == 16)
        MMIO16(w->reg) = (uint16_t)v;
    else
        MMIO32(w->reg) = v;
}

static uint32_t ee_rd(const struct ee_wiring *w)
{
    return w->width == 8 ? MMIO8(w->reg)
           : w->width == 16 ? MMIO16(w->reg) : MMIO32(w->reg);
}

static uint16_t ee_read_word(const struct ee_wiring *w, unsigned addr)
{
    const uint32_t cs = 1u << w->cs, sk = 1u << w->sk, di = 1u << w->di;
    const uint32_t base = w->keep;
    uint16_t data = 0;

    ee_wr(w, base);           /* CS low */
    ee_wr(w, base | cs);      /* CS rising: wait for a command */
    /* start bit 1, READ opcode 1 0, then address bits a0..a5 */
    uint32_t cmd = 0x3 | (addr & 0x3F) << 3;
    for (int i = 0; i < 9; i++) {
        uint32_t v = base | cs | ((cmd >> i) & 1 ? di : 0);
        ee_wr(w, v);
        ee_wr(w, v | sk);
    }
    for (int i = 0; i < 16; i++) {
        ee_wr(w, base | cs);
        ee_wr(w, base | cs | sk); /* rising edge: DO = bit i */
        if ((ee_rd(w) >> w->dout) & 1)
            data |= (uint16_t)(1u << i);
    }
    ee_wr(w, base);           /* CS low */
    return data;
}

void eeprom_read(enum eeprom_port port, struct eeprom *ee)
{
    eeprom_read_wired(&wiring[port], ee);
}

void eeprom_read_wired(const struct ee_wiring *w, struct eeprom *ee)
{
    memset(ee->data, 0xFF, sizeof(ee->data));
    uint16_t w0 = ee_read_word(w, 0);
    ee->present = w0 != 0xFFFF;
    if (!ee->present)
        return;
    ee->data[0] = (uint8_t)(w0 >> 8);
    ee->data[1] = (uint8_t)w0;
    /* Format 1 images define at most 64 bytes; formats 0 and 4 all 128. */
    unsigned words = ee->data[0] == 0x01 ? 32 : 64;
    for (unsigned i = 1; i < words; i++) {
        uint16_t v = ee_read_word(w, i);
        ee->data[2 * i] = (uint8_t)(v >> 8);
        ee->data[2 * i + 1] = (uint8_t)v;
    }
}

/* Format 4 fields (c7200.md §6.4): type byte, length from bits 7-6. */
const uint8_t *eeprom_v4_field(const struct eeprom *ee, uint8_t id,
                               size_t *len)
{
    if (!ee->present || ee->data[0] != 0x04)
        return NULL;
    size_t i = 2;
    while (i < EEPROM_BYTES) {
        uint8_t t = ee->data[i++];
        size_t n;
        if (t == 0xFF)
            break;
        switch (t >> 6) {
        case 0: n = 1; break;
        case 1: n = 2; break;
        case 2: n = 4; break;
        default:
            if (i >= EEPROM_BYTES)
                return NULL;
            n = ee->data[i++] & 0x3F;
            break;
        }
        if (i + n > EEPROM_BYTES)
            return NULL;
        if (t == id) {
            *len = n;
            return &ee->data[i];
        }
        i += n;
    }
    return NULL;
}

int eeprom_type(const struct eeprom *ee)
{
    if (!ee->present)
        return -1;
    if (ee->data[0] == 0x01)
        return ee->data[1];
    if (ee->data[0] == 0x04) {
        size_t n;
        const uint8_t *p = eeprom_v4_field(ee, 0x40, &n);
        if (p && n == 2)
            return p[0] << 8 | p[1];
    }
    return -1;
}
