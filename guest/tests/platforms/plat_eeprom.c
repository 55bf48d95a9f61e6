/*
 * plat_eeprom: the identification EEPROMs of a 3600-family or GT-96100
 * router as IOS reads them: the chassis EEPROM(s) and every NM slot's
 * through the I/O FPGA bit-bang ports, the WIC EEPROMs through the WIC
 * port, and the presence registers.
 *
 * Shared spec c3600-c2691-c37xx.md §6.1 (registers and lines), §6.2
 * (protocol: CS 0->1, start 1, opcode 1 0, a0 first, data LSB first), §3.6
 * / §3.7 / §4.6 / §4.7 (presence registers), §4.9 (WIC port: select
 * 0x1700/0x1D00/0x3500, command 0x180 | byte offset then 0, read returns
 * two bytes), §3.8, §4.8, §5.2 (contents), §9 (MAC and board id).
 */
#include "pio.h"
#include "tio.h"

static const struct pp_wire W_CHASSIS = {0, 1, 2, 3};
static const struct pp_wire W_NM = {4, 2, 6, 7};
static const struct pp_wire W_IOBOARD = {8, 1, 2, 3};  /* 3745 */
static const struct pp_wire W_MIDPLANE = {9, 1, 2, 3}; /* 3745 */

static void nm_dump(unsigned slot, unsigned pa, int width, unsigned keep)
{
    char name[16];
    t_snprintf(name, sizeof(name), "slot %u", slot);
    pp_eeprom_dump(name, pa, width, keep, &W_NM);
}

/* §4.9 */
static void wic_dump(unsigned sel_pa, unsigned data_pa)
{
    static const uint16_t select[3] = {0x1700, 0x1D00, 0x3500};
    t_printf("WIC presence: %04x\n", rd16(sel_pa));
    for (unsigned w = 0; w < 3; w++) {
        unsigned v[32], last = 0;
        wr16(sel_pa, select[w]);
        for (unsigned i = 0; i < 32; i++) {
            wr16(data_pa, (uint16_t)(0x180 | (2 * i)));
            wr16(data_pa, 0);
            v[i] = rd16(data_pa);
            if (v[i] != 0xFFFF)
                last = i + 1;
        }
        t_printf("WIC %u:\n", w);
        for (unsigned i = 0; i < last; i += 8) {
            t_printf("  %02x:", 2 * i);
            for (unsigned k = i; k < i + 8; k++)
                t_printf(" %04x", v[k]);
            t_printf("\n");
        }
        if (last < 32)
            t_printf("  %02x..3f: ffff\n", 2 * ((last + 7) & ~7u));
    }
    /* a read without a pending command, and with no WIC selected */
    t_printf("data without a command: %04x\n", rd16(data_pa));
    wr16(sel_pa, 0);
    wr16(data_pa, 0x180);
    wr16(data_pa, 0);
    t_printf("data with nothing selected: %04x\n", rd16(data_pa));
}

static void probe_3600(void)
{
    unsigned f = pp.fpga;
    if (pp.nslots < 7) {
        pp_eeprom_dump("mainboard", f + 0x0E, 16, 0, &W_CHASSIS);
        t_printf("NM presence: %04x\n", rd16(f + 0x10006));
        for (unsigned s = 0; s < 4; s++)
            nm_dump(s, f + 0x10008, 8, s); /* §3.6: slot in bits 0-1 */
        return;
    }
    pp_eeprom_dump("backplane", f + 0x10000, 8, 0, &W_CHASSIS);
    t_printf("backplane read bit 7: %x\n", (rd8(f + 0x10000) >> 7) & 1);
    t_printf("NM presence: %04x %04x\n", rd16(f + 0x10006),
             rd16(f + 0x10008));
    nm_dump(0, f + 0x20006, 8, 0);
    for (unsigned s = 1; s <= 6; s++)
        nm_dump(s, f + 0x1000A + (s - 1), 8, 0);
}

static void probe_gt96k(void)
{
    unsigned f = pp.fpga;
    if (pp.nslots < 5) {
        pp_eeprom_dump("mainboard", f + 0x0E, 16, 0, &W_CHASSIS);
        t_printf("NM presence: %04x\n", rd16(f + 0x20));
        for (unsigned s = 1; s < pp.nslots; s++)
            nm_dump(s, f + 0x44 + 2 * (s - 1), 16, 0);
        wic_dump(f + 0x12, f + 0x42);
        return;
    }
    pp_eeprom_dump("motherboard", f + 0x0E, 16, 0, &W_CHASSIS);
    pp_eeprom_dump("I/O board", f + 0x0E, 16, 0, &W_IOBOARD);
    pp_eeprom_dump("midplane", f + 0x0E, 16, 0, &W_MIDPLANE);
    t_printf("NM presence: %04x\n", rd16(f + 0x4E));
    for (unsigned s = 1; s <= 4; s++)
        nm_dump(s, f + 0x40 + 2 * (s - 1), 16, 0);
    wic_dump(f + 0x100004, f + 0x100008);
}

void test_main(void)
{
    if (pp_init() < 0) {
        t_printf("unknown platform id %x\n", pp.id);
        return;
    }
    t_printf("platform %s (id %02x)\n", pp.name, pp.id);
    if (pp.family == PP_C3600)
        probe_3600();
    else
        probe_gt96k();
}
