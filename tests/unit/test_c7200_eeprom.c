/*
 * c7200 identification EEPROMs: every image of c7200.md §6.6 read back
 * through the chassis EEPROM set's FPGA ports exactly as IOS bit-bangs them
 * (§6.1 wiring, §6.2 protocol), the type codes and revisions of §6.5, the
 * decoded v4 fields of §6.5, the MAC rules of §19 and the system-id serial
 * of §6.3.
 *
 * The expected contents below are the spec's hex dumps, verbatim.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine/c7200/c7200_eeprom.h"

/* ------------------------------------------------ §6.6, as printed */
struct dump {
    enum c7200_eeprom_kind kind;
    const char *name;
    unsigned size;
    const char *hex;
};

static const struct dump spec_dumps[] = {
    {C7200_EEPROM_NPE, "npe-100", 32,
     "00: 01 35 02 03 FF 10 45 C5 49 06 00 04 00 00 00 00\n"
     "10: 60 00 00 00 99 01 06 00 FF FF FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_NPE, "npe-150", 32,
     "00: 01 15 02 03 FF 10 45 C5 49 06 00 04 00 00 00 00\n"
     "10: 60 00 00 00 99 01 06 00 FF FF FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_NPE, "npe-175", 32,
     "00: 01 C2 02 03 FF 10 45 C5 49 06 00 04 00 00 00 00\n"
     "10: 60 00 00 00 99 01 06 00 FF FF FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_NPE, "npe-200", 32,
     "00: 01 69 02 00 FF 10 45 C5 49 09 89 02 00 00 00 00\n"
     "10: 68 00 00 00 97 10 22 00 FF FF FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_NPE, "npe-225", 32,
     "00: 01 C2 02 03 FF 10 45 C5 49 06 00 04 00 00 00 00\n"
     "10: 60 00 00 00 99 01 06 00 FF FF FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_NPE, "npe-300", 32,
     "00: 01 AE 04 02 FF 10 45 C5 49 0D 51 08 00 00 00 00\n"
     "10: 50 00 00 00 00 12 10 00 00 00 FF FF FF FF FF 00\n"
    },
    {C7200_EEPROM_NPE, "npe-400", 128,
     "00: 04 FF 40 01 F8 41 01 00 C0 46 03 20 00 1F C8 02\n"
     "10: 82 49 14 BC 02 42 42 30 C1 8B 31 31 31 31 31 31\n"
     "20: 31 31 00 00 00 04 00 02 02 85 1C 0F F6 02 CB 87\n"
     "30: 4E 50 45 2D 34 30 30 80 00 00 00 00 FF FF FF FF\n"
     "40..7F: all FF\n"
    },
    {C7200_EEPROM_NPE, "npe-g1", 128,
     "00: 04 FF 40 03 5B 41 02 00 C0 46 03 20 00 49 D0 0B\n"
     "10: 82 49 1B 4C 0B 42 41 30 C1 8B 31 31 31 31 31 31\n"
     "20: 31 31 00 00 00 04 00 02 09 85 1C 13 DA 09 CB 86\n"
     "30: 4E 50 45 2D 47 31 80 00 00 00 00 FF FF FF FF FF\n"
     "40..7F: all FF\n"
    },
    {C7200_EEPROM_NPE, "npe-g2", 128,
     "00: 04 FF 40 04 CA 41 02 01 87 44 19 BC 01 82 49 28\n"
     "10: 59 01 42 FF FF C1 8B 43 53 4A 30 39 34 35 32 39\n"
     "20: 32 37 04 00 02 01 85 1C 1D A2 01 CB 86 4E 50 45\n"
     "30: 2D 47 32 80 00 00 00 00 89 56 30 31 2D FF FF FF\n"
     "40: FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF\n"
     "50: FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF\n"
     "60: FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF\n"
     "70: FF FF FF FF FF FF FF FF FF FF FF FF FF FF 15 FF\n"
    },
    {C7200_EEPROM_MIDPLANE, "std", 64,
     "00: 01 06 01 01 FF 10 45 C5 49 06 03 03 FF FF FF FF\n"
     "10: FF FF 04 00 00 00 00 00 4C 09 10 B0 FF FF 00 FF\n"
     "20: 00 00 00 00 63 35 8B 28 63 1D 00 00 60 8E 6D 1C\n"
     "30: 62 BB 00 00 63 35 8B 28 00 00 00 00 63 35 8B 28\n"
    },
    {C7200_EEPROM_MIDPLANE, "vxr", 64,
     "00: 01 06 02 01 FF 10 45 C5 49 06 03 03 FF FF FF FF\n"
     "10: FF FF 04 00 00 00 00 00 4C 09 10 B0 FF FF 00 FF\n"
     "20: 00 00 00 00 63 35 8B 28 63 1D 00 00 60 8E 6D 1C\n"
     "30: 62 BB 00 00 63 35 8B 28 00 00 00 00 63 35 8B 28\n"
    },
    {C7200_EEPROM_PEM, "npe-175", 32,
     "00: 01 C3 01 00 FF FF FF FF 49 0D 8A 04 00 00 00 00\n"
     "10: 50 00 00 00 99 06 04 00 00 00 FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_PEM, "npe-225", 32,
     "00: 01 D5 01 00 FF FF FF FF 49 0D 8A 04 00 00 00 00\n"
     "10: 50 00 00 00 99 06 04 00 00 00 FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_CARD, "C7200-IO-FE", 32,
     "00: 01 83 01 0E FF FF FF FF 49 0B 8C 02 00 00 00 00\n"
     "10: 50 00 00 00 98 12 28 00 00 FF FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_CARD, "C7200-IO-2FE", 128,
     "00: 04 FF 40 02 15 41 02 01 C0 46 03 20 00 1B CA 06\n"
     "10: 82 49 13 8B 06 42 42 30 C1 8B 30 30 30 30 30 30\n"
     "20: 30 30 00 00 00 04 00 02 03 85 1C 0D 7F 03 CB 8F\n"
     "30: 43 37 32 30 30 2D 49 2F 4F 2D 32 46 45 2F 45 80\n"
     "40: 00 00 00 00 FF FF FF FF FF FF FF FF FF FF FF FF\n"
     "50..7F: all FF\n"
    },
    {C7200_EEPROM_CARD, "C7200-IO-GE-E", 128,
     "00: 04 FF 40 02 16 41 02 01 C0 46 03 20 00 1B CA 06\n"
     "10: 82 49 13 8B 06 42 42 30 C1 8B 30 30 30 30 30 30\n"
     "20: 30 30 00 00 00 04 00 02 03 85 1C 0D 7F 03 CB 8F\n"
     "30: 43 37 32 30 30 2D 49 2F 4F 2D 32 46 45 2F 45 80\n"
     "40: 00 00 00 00 FF FF FF FF FF FF FF FF FF FF FF FF\n"
     "50..7F: all FF\n"
    },
    {C7200_EEPROM_CARD, "PA-FE-TX", 32,
     "00: 01 11 01 02 FF FF FF FF 49 06 98 04 00 00 00 00\n"
     "10: 60 00 00 00 98 12 17 00 FF FF FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_CARD, "PA-2FE-TX", 128,
     "00: 04 FF 40 02 24 41 01 00 C1 8B 58 58 58 30 30 30\n"
     "10: 30 30 30 30 30 82 49 15 2C 04 42 41 30 03 00 81\n"
     "20: 00 00 00 00 04 00 80 00 00 00 00 CB 94 50 41 2D\n"
     "30: 32 46 45 2D 46 58 20 20 20 20 20 20 20 20 20 20\n"
     "40: 20 C0 46 03 20 00 20 A0 04 FF FF FF FF FF FF FF\n"
     "50..7F: all FF\n"
    },
    {C7200_EEPROM_CARD, "PA-GE", 32,
     "00: 01 98 01 00 00 00 00 00 00 0C 48 03 00 00 00 00\n"
     "10: 50 00 00 00 99 06 03 00 00 01 FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_CARD, "PA-4E", 32,
     "00: 01 02 01 0E FF FF FF FF 49 06 14 04 00 00 00 00\n"
     "10: 50 00 00 00 FF FF FF FF FF FF FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_CARD, "PA-8E", 32,
     "00: 01 01 01 0E FF FF FF FF 49 06 14 04 00 00 00 00\n"
     "10: 50 00 00 00 FF FF FF FF FF FF FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_CARD, "PA-4T+", 32,
     "00: 01 0C 01 0F FF FF FF FF 49 06 2E 07 00 00 00 00\n"
     "10: 50 00 00 00 00 10 24 00 FF FF FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_CARD, "PA-8T", 32,
     "00: 01 0E 01 0F FF FF FF FF 49 06 2E 07 00 00 00 00\n"
     "10: 50 00 00 00 00 10 24 00 FF FF FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_CARD, "PA-A1", 32,
     "00: 01 17 01 0F FF FF FF FF 49 06 2E 07 00 00 00 00\n"
     "10: 50 00 00 00 00 10 24 00 FF FF FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_CARD, "PA-POS-OC3", 32,
     "00: 01 96 02 02 FF FF FF FF 49 0C 78 06 00 00 00 00\n"
     "10: 50 00 00 00 02 08 19 00 00 00 FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_CARD, "PA-4B", 32,
     "00: 01 3D 02 02 FF FF FF FF 49 0C 78 06 00 00 00 00\n"
     "10: 50 00 00 00 02 08 19 00 00 00 FF FF FF FF FF FF\n"
    },
    {C7200_EEPROM_CARD, "PA-MC-8TE1", 128,
     "00: 04 FF 40 03 4E 41 02 00 C1 8B 4A 41 45 30 38 34\n"
     "10: 31 59 32 51 30 82 49 1D 7D 02 42 41 30 03 00 81\n"
     "20: 00 00 00 00 04 00 80 00 01 27 9B CB 94 50 41 2D\n"
     "30: 4D 43 2D 38 54 45 31 2B 20 20 20 20 20 20 20 20\n"
     "40: 20 C0 46 03 20 00 4B BB 02 FF FF FF FF FF FF FF\n"
     "50..7F: all FF\n"
    },
    {C7200_EEPROM_CARD, "C7200-JC-PA", 128,
     "00: 04 FF 40 05 11 41 01 01 87 44 0A 3B 03 82 49 28\n"
     "10: B0 03 42 41 30 C1 8B 58 58 58 58 58 58 58 58 58\n"
     "20: 58 58 04 00 02 03 85 1C 1D DA 03 CB 8B 43 37 32\n"
     "30: 30 30 2D 4A 43 2D 50 41 88 00 01 45 C5 89 56 30\n"
     "40: 31 20 FF FF FF FF FF FF FF FF FF FF FF FF FF FF\n"
     "50..7F: all FF\n"
    },
    {C7200_EEPROM_CARD, "PA-A3", 32,
     "00: 01 59 02 00 FF FF FF FF 49 09 7E 04 00 00 00 00\n"
     "10: 50 00 00 00 00 07 11 00 FF FF FF FF FF FF FF FF\n"
    },
};

#define NDUMPS (sizeof(spec_dumps) / sizeof(spec_dumps[0]))

/* "00: xx xx ..." rows and "50..7F: all FF" lines -> 128 bytes (FF where
 * nothing is printed, §6.6). */
static void parse_dump(const char *t, uint8_t out[NMC93C46_BYTES])
{
    memset(out, 0xFF, NMC93C46_BYTES);
    while (*t) {
        char *end;
        unsigned long off = strtoul(t, &end, 16);
        if (end[0] == '.' && end[1] == '.') { /* a range of FF */
            t = strchr(t, '\n') + 1;
            continue;
        }
        assert_int_equal(*end, ':');
        t = end + 1;
        for (int i = 0; i < 16; i++) {
            unsigned long b = strtoul(t, &end, 16);
            assert_true(end != t);
            assert_true(off + (unsigned)i < NMC93C46_BYTES);
            out[off + (unsigned)i] = (uint8_t)b;
            t = end;
        }
        assert_int_equal(*t, '\n');
        t++;
    }
}

static const struct dump *spec_dump(enum c7200_eeprom_kind kind,
                                    const char *name)
{
    for (size_t i = 0; i < NDUMPS; i++)
        if (spec_dumps[i].kind == kind && strcmp(spec_dumps[i].name, name) == 0)
            return &spec_dumps[i];
    fail_msg("no spec dump for %s", name);
    return NULL;
}

/* ------------------------------------------------ IOS-style bit-banging */

/* {CS, SK, DI, DO} per EEPROM, c7200.md §6.1 */
static const struct nmc93cx6_wire W_CPU = {2, 1, 0, 6};
static const struct nmc93cx6_wire W_MIDPLANE = {5, 4, 3, 7};
static const struct nmc93cx6_wire W_PEM = {1, 0, 2, 3};
static const struct {
    enum c7200_eeprom_port port;
    struct nmc93cx6_wire w;
} bay_wire[C7200_EEPROM_NBAYS] = {
    [0] = {C7200_EEPORT_BAYS_0134, {1, 3, 4, 6}},
    [1] = {C7200_EEPORT_BAYS_0134, {9, 11, 12, 14}},
    [4] = {C7200_EEPORT_BAYS_0134, {17, 19, 20, 22}},
    [3] = {C7200_EEPORT_BAYS_0134, {25, 27, 28, 30}},
    [2] = {C7200_EEPORT_BAYS_256, {9, 11, 12, 14}},
    [6] = {C7200_EEPORT_BAYS_256, {17, 19, 20, 22}},
    [5] = {C7200_EEPORT_BAYS_256, {25, 27, 28, 30}},
    [7] = {C7200_EEPORT_BAY7, {25, 27, 28, 30}},
};

/* CS 0->1, nine rising SK edges with 1, 1, 0, a0..a5, then sixteen rising
 * edges each followed by a read, DO least-significant bit first (§6.2). */
static uint16_t ios_read_word(const struct eeprom_port_ops *p,
                              struct nmc93cx6_wire w, unsigned addr)
{
    const uint32_t cs = UINT32_C(1) << w.cs, sk = UINT32_C(1) << w.sk,
                   di = UINT32_C(1) << w.di;
    unsigned bits = 0x3u | (addr << 3); /* bit i = i-th bit sent */
    uint16_t v = 0;

    p->write(p->ctx, 0);
    p->write(p->ctx, cs);
    for (int i = 0; i < 9; i++) {
        uint32_t d = (bits >> i) & 1 ? di : 0;
        p->write(p->ctx, cs | d);
        p->write(p->ctx, cs | d | sk);
    }
    for (int i = 0; i < 16; i++) {
        p->write(p->ctx, cs);
        p->write(p->ctx, cs | sk);
        v |= (uint16_t)(((p->read(p->ctx) >> w.dout) & 1) << i);
    }
    p->write(p->ctx, 0);
    return v;
}

/* The whole chip, as bytes (word w = byte 2w : byte 2w+1). */
static void ios_read_chip(const struct eeprom_port_ops *p,
                          struct nmc93cx6_wire w, uint8_t out[NMC93C46_BYTES])
{
    for (unsigned a = 0; a < NMC93C46_WORDS; a++) {
        uint16_t v = ios_read_word(p, w, a);
        out[2 * a] = (uint8_t)(v >> 8);
        out[2 * a + 1] = (uint8_t)v;
    }
}

static struct c7200_eeproms *mk(const char *npe, const char *mid,
                                const char *mac)
{
    struct c7200_eeproms_config c = {
        .npe = npe, .midplane = mid, .mac = mac, .instance_id = 0,
        .pid = 0x1234,
    };
    struct c7200_eeproms *e = NULL;
    char err[200] = "";
    int rc = c7200_eeproms_create(&c, &e, err, sizeof(err));
    if (rc != 0)
        fail_msg("create(%s, %s): %d %s", npe, mid, rc, err);
    return e;
}

static void expect_chip(const struct eeprom_port_ops *p,
                        struct nmc93cx6_wire w, const uint8_t *want,
                        const char *what)
{
    uint8_t got[NMC93C46_BYTES];
    ios_read_chip(p, w, got);
    for (int i = 0; i < NMC93C46_BYTES; i++)
        if (got[i] != want[i])
            fail_msg("%s: byte 0x%02X reads %02X, §6.6 says %02X", what, i,
                     got[i], want[i]);
}

static void expect_empty(const struct eeprom_port_ops *p,
                         struct nmc93cx6_wire w, const char *what)
{
    uint8_t ones[NMC93C46_BYTES];
    memset(ones, 0xFF, sizeof(ones));
    expect_chip(p, w, ones, what);
}

/* ============================================================== tests */

/* The data tables hold exactly the §6.6 dumps, sizes included. */
static void test_tables_match_spec_dumps(void **state)
{
    (void)state;
    assert_int_equal(c7200_eeprom_count(), NDUMPS);
    assert_null(c7200_eeprom_at(NDUMPS));
    for (size_t i = 0; i < NDUMPS; i++) {
        const struct dump *d = &spec_dumps[i];
        const struct c7200_eeprom_image *im = c7200_eeprom_find(d->kind,
                                                                d->name);
        if (!im)
            fail_msg("no image for %s", d->name);
        assert_int_equal(im->size, d->size);
        uint8_t want[NMC93C46_BYTES], got[NMC93C46_BYTES];
        parse_dump(d->hex, want);
        c7200_eeprom_fill(im, got);
        assert_memory_equal(got, want, NMC93C46_BYTES);
    }
    assert_null(c7200_eeprom_find(C7200_EEPROM_CARD, "PA-9T"));
    assert_null(c7200_eeprom_find(C7200_EEPROM_CARD, NULL));
    assert_null(c7200_eeprom_find(C7200_EEPROM_NPE, "NPE-400")); /* exact */
    assert_null(c7200_eeprom_find(C7200_EEPROM_PEM, "npe-400"));
}

/* §6.5: format, type code / product ID and hardware revision. */
static const struct {
    enum c7200_eeprom_kind kind;
    const char *name;
    int fmt;
    uint16_t type;
    uint8_t major, minor;
} type_codes[] = {
    {C7200_EEPROM_NPE, "npe-100", 1, 0x35, 2, 3},
    {C7200_EEPROM_NPE, "npe-150", 1, 0x15, 2, 3},
    {C7200_EEPROM_NPE, "npe-175", 1, 0xC2, 2, 3},
    {C7200_EEPROM_NPE, "npe-200", 1, 0x69, 2, 0},
    {C7200_EEPROM_NPE, "npe-225", 1, 0xC2, 2, 3},
    {C7200_EEPROM_NPE, "npe-300", 1, 0xAE, 4, 2},
    {C7200_EEPROM_NPE, "npe-400", 4, 0x01F8, 1, 0},
    {C7200_EEPROM_NPE, "npe-g1", 4, 0x035B, 2, 0},
    {C7200_EEPROM_NPE, "npe-g2", 4, 0x04CA, 2, 1},
    {C7200_EEPROM_MIDPLANE, "std", 1, 0x06, 1, 1},
    {C7200_EEPROM_MIDPLANE, "vxr", 1, 0x06, 2, 1},
    {C7200_EEPROM_PEM, "npe-175", 1, 0xC3, 1, 0},
    {C7200_EEPROM_PEM, "npe-225", 1, 0xD5, 1, 0},
    {C7200_EEPROM_CARD, "C7200-IO-FE", 1, 0x83, 1, 14},
    {C7200_EEPROM_CARD, "C7200-IO-2FE", 4, 0x0215, 2, 1},
    {C7200_EEPROM_CARD, "C7200-IO-GE-E", 4, 0x0216, 2, 1},
    {C7200_EEPROM_CARD, "PA-FE-TX", 1, 0x11, 1, 2},
    {C7200_EEPROM_CARD, "PA-2FE-TX", 4, 0x0224, 1, 0},
    {C7200_EEPROM_CARD, "PA-GE", 1, 0x98, 1, 0},
    {C7200_EEPROM_CARD, "PA-4E", 1, 0x02, 1, 14},
    {C7200_EEPROM_CARD, "PA-8E", 1, 0x01, 1, 14},
    {C7200_EEPROM_CARD, "PA-4T+", 1, 0x0C, 1, 15},
    {C7200_EEPROM_CARD, "PA-8T", 1, 0x0E, 1, 15},
    {C7200_EEPROM_CARD, "PA-A1", 1, 0x17, 1, 15},
    {C7200_EEPROM_CARD, "PA-POS-OC3", 1, 0x96, 2, 2},
    {C7200_EEPROM_CARD, "PA-4B", 1, 0x3D, 2, 2},
    {C7200_EEPROM_CARD, "PA-MC-8TE1", 4, 0x034E, 2, 0},
    {C7200_EEPROM_CARD, "C7200-JC-PA", 4, 0x0511, 1, 1},
};

static void test_type_codes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(type_codes) / sizeof(type_codes[0]); i++) {
        const struct c7200_eeprom_image *im =
            c7200_eeprom_find(type_codes[i].kind, type_codes[i].name);
        assert_non_null(im);
        assert_int_equal(c7200_eeprom_format(im->data, im->size),
                         type_codes[i].fmt);
        uint16_t id = 0;
        assert_int_equal(c7200_eeprom_product_id(im->data, im->size, &id), 0);
        if (id != type_codes[i].type)
            fail_msg("%s: type %04X, §6.5 says %04X", im->name, id,
                     type_codes[i].type);
        uint8_t major, minor;
        if (type_codes[i].fmt == 1) { /* bytes 2-3, §6.3 */
            major = im->data[2];
            minor = im->data[3];
        } else { /* field 0x41, §6.4 */
            size_t off, n;
            assert_int_equal(
                c7200_eeprom_v4_find(im->data, im->size, 0x41, &off, &n), 0);
            assert_int_equal(n, 2);
            major = im->data[off];
            minor = im->data[off + 1];
        }
        assert_int_equal(major, type_codes[i].major);
        assert_int_equal(minor, type_codes[i].minor);
    }
}

/* §6.5 "Decoded v4 fields": the whole field list of every v4 board. */
static const struct {
    const char *name;
    enum c7200_eeprom_kind kind;
    const char *fields;
} v4_decoded[] = {
    {"npe-400", C7200_EEPROM_NPE,
     "40=01F8, 41=0100, C0=0320001FC802, 82=4914BC02, 42=\"B0\", "
     "C1=\"11111111\", 04=00, 02=02, 85=1C0FF602, CB=\"NPE-400\", "
     "80=00000000"},
    {"npe-g1", C7200_EEPROM_NPE,
     "40=035B, 41=0200, C0=03200049D00B, 82=491B4C0B, 42=\"A0\", "
     "C1=\"11111111\", 04=00, 02=09, 85=1C13DA09, CB=\"NPE-G1\", "
     "80=00000000"},
    {"npe-g2", C7200_EEPROM_NPE,
     "40=04CA, 41=0201, 87=4419BC01, 82=49285901, 42=FFFF, "
     "C1=\"CSJ09452927\", 04=00, 02=01, 85=1C1DA201, CB=\"NPE-G2\", "
     "80=00000000, 89=\"V01-\""},
    {"C7200-IO-2FE", C7200_EEPROM_CARD,
     "40=0215, 41=0201, C0=0320001BCA06, 82=49138B06, 42=\"B0\", "
     "C1=\"00000000\", 04=00, 02=03, 85=1C0D7F03, CB=\"C7200-I/O-2FE/E\", "
     "80=00000000"},
    {"C7200-IO-GE-E", C7200_EEPROM_CARD,
     "40=0216, 41=0201, C0=0320001BCA06, 82=49138B06, 42=\"B0\", "
     "C1=\"00000000\", 04=00, 02=03, 85=1C0D7F03, CB=\"C7200-I/O-2FE/E\", "
     "80=00000000"},
    {"PA-2FE-TX", C7200_EEPROM_CARD,
     "40=0224, 41=0100, C1=\"XXX00000000\", 82=49152C04, 42=\"A0\", 03=00, "
     "81=00000000, 04=00, 80=00000000, CB=\"PA-2FE-FX           \", "
     "C0=03200020A004"},
    {"PA-MC-8TE1", C7200_EEPROM_CARD,
     "40=034E, 41=0200, C1=\"JAE0841Y2Q0\", 82=491D7D02, 42=\"A0\", 03=00, "
     "81=00000000, 04=00, 80=0001279B, CB=\"PA-MC-8TE1+         \", "
     "C0=0320004BBB02"},
    {"C7200-JC-PA", C7200_EEPROM_CARD,
     "40=0511, 41=0101, 87=440A3B03, 82=4928B003, 42=\"A0\", "
     "C1=\"XXXXXXXXXXX\", 04=00, 02=03, 85=1C1DDA03, CB=\"C7200-JC-PA\", "
     "88=000145C5, 89=\"V01 \""},
};

/* Render a v4 image the way §6.5 prints it: text fields (42, C1, CB, 89)
 * quoted up to the first NUL when printable, everything else in hex. */
static void decode_v4(const uint8_t *img, size_t len, char *out, size_t cap)
{
    size_t p = 2, o = 0;
    out[0] = 0;
    while (p < len && img[p] != 0xFF) {
        uint8_t t = img[p];
        size_t n, q = p + 1;
        switch (t >> 6) {
        case 0: n = 1; break;
        case 1: n = 2; break;
        case 2: n = 4; break;
        default: n = img[q++] & 0x3F; break;
        }
        /* cross-check the library's look-up on the way */
        size_t off, fl;
        assert_int_equal(c7200_eeprom_v4_find(img, len, t, &off, &fl), 0);
        assert_int_equal(off, q);
        assert_int_equal(fl, n);

        int text = t == 0x42 || t == 0xC1 || t == 0xCB || t == 0x89;
        for (size_t i = 0; i < n && text; i++)
            if (img[q + i] != 0 && (img[q + i] < 0x20 || img[q + i] > 0x7E))
                text = 0;
        o += (size_t)snprintf(out + o, cap - o, "%s%02X=", o ? ", " : "", t);
        if (text) {
            o += (size_t)snprintf(out + o, cap - o, "\"");
            for (size_t i = 0; i < n && img[q + i]; i++)
                o += (size_t)snprintf(out + o, cap - o, "%c", img[q + i]);
            o += (size_t)snprintf(out + o, cap - o, "\"");
        } else {
            for (size_t i = 0; i < n; i++)
                o += (size_t)snprintf(out + o, cap - o, "%02X", img[q + i]);
        }
        p = q + n;
    }
}

static void test_v4_decoded_fields(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(v4_decoded) / sizeof(v4_decoded[0]); i++) {
        const struct c7200_eeprom_image *im =
            c7200_eeprom_find(v4_decoded[i].kind, v4_decoded[i].name);
        assert_non_null(im);
        char got[600];
        decode_v4(im->data, im->size, got, sizeof(got));
        assert_string_equal(got, v4_decoded[i].fields);
    }
}

static void test_v4_find_errors(void **state)
{
    (void)state;
    const struct c7200_eeprom_image *npe400 =
        c7200_eeprom_find(C7200_EEPROM_NPE, "npe-400");
    const struct c7200_eeprom_image *npe200 =
        c7200_eeprom_find(C7200_EEPROM_NPE, "npe-200");
    size_t off = 0, n = 0;

    assert_int_equal(c7200_eeprom_v4_find(npe400->data, npe400->size, 0xCB,
                                          &off, &n), 0);
    assert_int_equal(n, 7);
    assert_memory_equal(npe400->data + off, "NPE-400", 7);
    /* absent field: end marker reached */
    assert_int_equal(c7200_eeprom_v4_find(npe400->data, npe400->size, 0xCF,
                                          &off, &n), -ENOENT);
    /* v1 image, NULL, too short */
    assert_int_equal(c7200_eeprom_v4_find(npe200->data, npe200->size, 0x40,
                                          &off, &n), -EINVAL);
    assert_int_equal(c7200_eeprom_format(NULL, 4), -EINVAL);
    assert_int_equal(c7200_eeprom_format(npe400->data, 1), -EINVAL);
    const uint8_t bogus[4] = {0x02, 0xFF, 0x40, 0x01};
    assert_int_equal(c7200_eeprom_format(bogus, 4), -EINVAL);
    uint16_t id;
    assert_int_equal(c7200_eeprom_product_id(bogus, 4, &id), -EINVAL);
    /* a field running past the image */
    assert_int_equal(c7200_eeprom_v4_find(npe400->data, 0x1C, 0xCB, &off,
                                          &n), -EINVAL);
    const uint8_t cut[3] = {0x04, 0xFF, 0xC1}; /* length byte missing */
    assert_int_equal(c7200_eeprom_v4_find(cut, 3, 0xCB, &off, &n), -EINVAL);
    /* no end marker before the end of the image */
    const uint8_t open_end[4] = {0x04, 0xFF, 0x04, 0x00};
    assert_int_equal(c7200_eeprom_v4_find(open_end, 4, 0x40, &off, &n),
                     -ENOENT);
    assert_int_equal(c7200_eeprom_product_id(open_end, 4, &id), -ENOENT);
}

/* Every NPE: CPU EEPROM on I/O FPGA 0x21C, PEM on 0x388 (§6.1, §6.5). */
static void test_cpu_and_pem_bitbang(void **state)
{
    (void)state;
    static const char *const npes[] = {"npe-100", "npe-150", "npe-175",
                                       "npe-200", "npe-225", "npe-300",
                                       "npe-400", "npe-g1",  "npe-g2"};
    for (size_t i = 0; i < sizeof(npes) / sizeof(npes[0]); i++) {
        struct c7200_eeproms *e = mk(npes[i], NULL, NULL);
        struct eeprom_port_ops cpu =
            c7200_eeproms_port(e, C7200_EEPORT_CPU_MIDPLANE);
        struct eeprom_port_ops pem = c7200_eeproms_port(e, C7200_EEPORT_PEM);
        uint8_t want[NMC93C46_BYTES];

        parse_dump(spec_dump(C7200_EEPROM_NPE, npes[i])->hex, want);
        expect_chip(&cpu, W_CPU, want, npes[i]);
        if (strcmp(npes[i], "npe-175") == 0 ||
            strcmp(npes[i], "npe-225") == 0) {
            parse_dump(spec_dump(C7200_EEPROM_PEM, npes[i])->hex, want);
            expect_chip(&pem, W_PEM, want, "PEM");
        } else {
            expect_empty(&pem, W_PEM, "PEM of a non-175/225 NPE");
        }
        assert_string_equal(c7200_eeproms_npe(e), npes[i]);
        c7200_eeproms_destroy(e);
    }
}

/* Midplane with a configured MAC: as observed, bytes 0x0C-0x13 read
 * 00 12 34 56 78 00 04 00 (§6.6, §19). */
static void test_midplane_bitbang_with_mac(void **state)
{
    (void)state;
    static const char *const mids[] = {"std", "vxr"};
    for (int i = 0; i < 2; i++) {
        struct c7200_eeproms *e = mk("npe-400", mids[i], "0012.3456.7800");
        struct eeprom_port_ops p =
            c7200_eeproms_port(e, C7200_EEPORT_CPU_MIDPLANE);
        uint8_t want[NMC93C46_BYTES];
        parse_dump(spec_dump(C7200_EEPROM_MIDPLANE, mids[i])->hex, want);
        const uint8_t mac_block[8] = {0x00, 0x12, 0x34, 0x56,
                                      0x78, 0x00, 0x04, 0x00};
        memcpy(want + 0x0C, mac_block, sizeof(mac_block));
        expect_chip(&p, W_MIDPLANE, want, mids[i]);
        assert_string_equal(c7200_eeproms_midplane(e), mids[i]);
        c7200_eeproms_destroy(e);
    }
}

/* Observed at I/O FPGA 0x21C (§6.2), through the chassis port. */
static void test_observed_readbacks(void **state)
{
    (void)state;
    struct c7200_eeproms *e = mk("npe-400", "vxr", NULL);
    struct eeprom_port_ops p = c7200_eeproms_port(e, C7200_EEPORT_CPU_MIDPLANE);
    p.write(p.ctx, 0x04);
    assert_int_equal(p.read(p.ctx), 0x44);
    p.write(p.ctx, 0x00);
    p.write(p.ctx, 0x20);
    assert_int_equal(p.read(p.ctx), 0xA0);
    p.write(p.ctx, 0x0B);
    assert_int_equal(p.read(p.ctx), 0x0B);
    /* reset clears the latch */
    p.write(p.ctx, 0x24);
    c7200_eeproms_reset(e);
    assert_int_equal(p.read(p.ctx), 0);
    struct eeprom_port_ops bad = c7200_eeproms_port(e, C7200_EEPORT_COUNT);
    assert_null(bad.read);
    assert_null(bad.write);
    c7200_eeproms_destroy(e);
}

/* Every card in a bay through its own port and wiring; the other bays
 * stay all-ones; removal empties the bay. */
static void test_bays_bitbang(void **state)
{
    (void)state;
    struct c7200_eeproms *e = mk("npe-400", "vxr", NULL);
    uint8_t want[NMC93C46_BYTES];
    unsigned k = 0;

    for (int bay = 0; bay < C7200_EEPROM_NBAYS; bay++) {
        struct eeprom_port_ops p = c7200_eeproms_port(e, bay_wire[bay].port);
        expect_empty(&p, bay_wire[bay].w, "empty bay");
        assert_null(c7200_eeproms_card(e, bay));
    }
    for (size_t i = 0; i < NDUMPS; i++) {
        if (spec_dumps[i].kind != C7200_EEPROM_CARD)
            continue;
        int bay = (int)(k++ % C7200_EEPROM_NBAYS);
        int other = (bay + 3) % C7200_EEPROM_NBAYS;
        assert_int_equal(c7200_eeproms_set_card(e, bay, spec_dumps[i].name),
                         0);
        assert_string_equal(c7200_eeproms_card(e, bay), spec_dumps[i].name);
        struct eeprom_port_ops p = c7200_eeproms_port(e, bay_wire[bay].port);
        parse_dump(spec_dumps[i].hex, want);
        expect_chip(&p, bay_wire[bay].w, want, spec_dumps[i].name);
        struct eeprom_port_ops q =
            c7200_eeproms_port(e, bay_wire[other].port);
        assert_int_equal(ios_read_word(&q, bay_wire[other].w, 0), 0xFFFF);
        assert_int_equal(c7200_eeproms_set_card(e, bay, NULL), 0);
        assert_int_equal(ios_read_word(&p, bay_wire[bay].w, 0), 0xFFFF);
    }
    assert_true(k >= 16);
    assert_int_equal(c7200_eeproms_set_card(e, 8, "PA-FE-TX"), -EINVAL);
    assert_int_equal(c7200_eeproms_set_card(e, -1, "PA-FE-TX"), -EINVAL);
    assert_int_equal(c7200_eeproms_set_card(e, 1, "PA-9T"), -ENOENT);
    assert_int_equal(c7200_eeproms_set_card(e, 1, "npe-400"), -ENOENT);
    assert_null(c7200_eeproms_card(e, 9));
    c7200_eeproms_destroy(e);
}

/* §19 default: CA, instance id & 0xFF, pid (16 bits BE), 00 00;
 * hypervisor.md observed ca01.5fd8.0000. */
static void test_default_mac(void **state)
{
    (void)state;
    uint8_t mac[6];
    char s[C7200_MAC_STRLEN];

    c7200_mac_default(1, 0x5FD8, mac);
    c7200_mac_format(mac, s);
    assert_string_equal(s, "ca01.5fd8.0000");
    c7200_mac_default(0x1FF, 0x12345678u, mac); /* both truncated */
    const uint8_t want[6] = {0xCA, 0xFF, 0x56, 0x78, 0x00, 0x00};
    assert_memory_equal(mac, want, 6);

    /* the chassis set uses it when no MAC is configured */
    struct c7200_eeproms_config c = {.instance_id = 7, .pid = 0xBEEF};
    struct c7200_eeproms *e = NULL;
    assert_int_equal(c7200_eeproms_create(&c, &e, NULL, 0), 0);
    c7200_eeproms_get_mac(e, mac);
    c7200_mac_format(mac, s);
    assert_string_equal(s, "ca07.beef.0000");
    assert_string_equal(c7200_eeproms_npe(e), "npe-400"); /* §1 defaults */
    assert_string_equal(c7200_eeproms_midplane(e), "vxr");
    struct eeprom_port_ops p = c7200_eeproms_port(e, C7200_EEPORT_CPU_MIDPLANE);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 6), 0xCA07);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 7), 0xBEEF);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 8), 0x0000);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 9), 0x0400);
    c7200_eeproms_destroy(e);
}

static void test_mac_parse(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        uint8_t mac[6];
    } good[] = {
        {"aa:bb:cc:dd:ee:ff", {0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF}},
        {"AA:Bb:0c:d:e:0", {0xAA, 0xBB, 0x0C, 0x0D, 0x0E, 0x00}},
        {"aabb.ccdd.eeff", {0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF}},
        {"0012.3456.7800", {0x00, 0x12, 0x34, 0x56, 0x78, 0x00}},
        {"CA01.5FD8.0000", {0xCA, 0x01, 0x5F, 0xD8, 0x00, 0x00}},
        {"1.2.3", {0x00, 0x01, 0x00, 0x02, 0x00, 0x03}},
    };
    static const char *const bad[] = {
        "", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00", "aa:bb:cc:dd:ee:fff",
        "aa-bb-cc-dd-ee-ff", "aabb.ccdd", "aabb.ccdd.eeff.0011",
        "aabbc.ccdd.eeff", "aabb.ccdd.eefg", " aa:bb:cc:dd:ee:ff",
        "aa:bb:cc:dd:ee:ff ", "aa:bb:cc:dd:ee:", ":bb:cc:dd:ee:ff",
        "aabb.ccdd.eeff\n", "aa:bb.cc:dd:ee:ff", "aabbccddeeff",
        "+a:bb:cc:dd:ee:ff", "0x12.3456.7800", "garbage",
    };
    uint8_t mac[6];
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        memset(mac, 0x55, sizeof(mac));
        if (c7200_mac_parse(good[i].in, mac) != 0)
            fail_msg("'%s' rejected", good[i].in);
        assert_memory_equal(mac, good[i].mac, 6);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memset(mac, 0x55, sizeof(mac));
        if (c7200_mac_parse(bad[i], mac) != -EINVAL)
            fail_msg("'%s' accepted", bad[i]);
        for (int j = 0; j < 6; j++)
            assert_int_equal(mac[j], 0x55); /* untouched */
    }
    assert_int_equal(c7200_mac_parse(NULL, mac), -EINVAL);
}

static void test_set_mac_only_v1_midplanes(void **state)
{
    (void)state;
    const uint8_t mac[6] = {1, 2, 3, 4, 5, 6};
    uint8_t buf[NMC93C46_BYTES];
    c7200_eeprom_fill(c7200_eeprom_find(C7200_EEPROM_NPE, "npe-400"), buf);
    assert_int_equal(c7200_eeprom_set_mac(buf, sizeof(buf), mac), -EINVAL);
    c7200_eeprom_fill(c7200_eeprom_find(C7200_EEPROM_MIDPLANE, "std"), buf);
    assert_int_equal(c7200_eeprom_set_mac(buf, 0x13, mac), -EINVAL);
    assert_int_equal(c7200_eeprom_set_mac(buf, 0x14, mac), 0);
    const uint8_t want[8] = {1, 2, 3, 4, 5, 6, 0x04, 0x00};
    assert_memory_equal(buf + 0x0C, want, 8);
}

/* Changing the midplane or the MAC at run time (§19): the new midplane
 * carries the current MAC; a new MAC shows up at once. */
static void test_runtime_mac_and_midplane(void **state)
{
    (void)state;
    struct c7200_eeproms *e = mk("npe-400", "std", "aa:bb:cc:dd:ee:ff");
    struct eeprom_port_ops p = c7200_eeproms_port(e, C7200_EEPORT_CPU_MIDPLANE);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 1), 0x0101); /* std 1.1 */
    assert_int_equal(c7200_eeproms_set_midplane(e, "vxr"), 0);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 1), 0x0201);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 6), 0xAABB);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 8), 0xEEFF);
    assert_int_equal(c7200_eeproms_set_midplane(e, "xyz"), -EINVAL);
    assert_string_equal(c7200_eeproms_midplane(e), "vxr");

    const uint8_t mac[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
    c7200_eeproms_set_mac(e, mac);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 6), 0x0011);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 7), 0x2233);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 8), 0x4455);
    uint8_t back[6];
    c7200_eeproms_get_mac(e, back);
    assert_memory_equal(back, mac, 6);

    /* NPE change: CPU and PEM follow */
    assert_int_equal(c7200_eeproms_set_npe(e, "npe-225"), 0);
    assert_int_equal(ios_read_word(&p, W_CPU, 0), 0x01C2);
    struct eeprom_port_ops pem = c7200_eeproms_port(e, C7200_EEPORT_PEM);
    assert_int_equal(ios_read_word(&pem, W_PEM, 0), 0x01D5);
    assert_int_equal(c7200_eeproms_set_npe(e, "npe-999"), -EINVAL);
    assert_int_equal(c7200_eeproms_set_npe(e, "npe-100"), 0);
    assert_int_equal(ios_read_word(&pem, W_PEM, 0), 0xFFFF);
    c7200_eeproms_destroy(e);
}

/* §6.3: -I writes a decimal serial, big-endian, at offset 4 of the CPU and
 * midplane EEPROMs, for v1 CPU EEPROMs only (NPE-100 ... NPE-300). */
static void test_system_id(void **state)
{
    (void)state;
    uint32_t s = 0;
    assert_int_equal(c7200_system_id_serial("123456789", &s), 0);
    assert_int_equal(s, 123456789u);
    assert_int_equal(c7200_system_id_serial("4279256517", &s), 0);
    assert_int_equal(s, 0xFF1045C5u); /* the shipped value, §6.6 */
    assert_int_equal(c7200_system_id_serial("4294967297", &s), 0);
    assert_int_equal(s, 1u); /* modulo 2^32 */
    assert_int_equal(c7200_system_id_serial("FTX0945W0MY", &s), 0);
    assert_int_equal(s, 0u);
    assert_int_equal(c7200_system_id_serial("77abc", &s), 0);
    assert_int_equal(s, 77u);
    assert_int_equal(c7200_system_id_serial("", &s), -EINVAL);
    assert_int_equal(c7200_system_id_serial(NULL, &s), -EINVAL);

    struct c7200_eeproms_config c = {.npe = "npe-200",
                                     .midplane = "vxr",
                                     .mac = "0000.0000.0001",
                                     .system_id = "123456789"};
    struct c7200_eeproms *e = NULL;
    assert_int_equal(c7200_eeproms_create(&c, &e, NULL, 0), 0);
    struct eeprom_port_ops p = c7200_eeproms_port(e, C7200_EEPORT_CPU_MIDPLANE);
    /* 123456789 = 0x075BCD15 at bytes 4-7 = words 2, 3 */
    assert_int_equal(ios_read_word(&p, W_CPU, 2), 0x075B);
    assert_int_equal(ios_read_word(&p, W_CPU, 3), 0xCD15);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 2), 0x075B);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 3), 0xCD15);
    assert_int_equal(ios_read_word(&p, W_CPU, 1), 0x0200); /* rest kept */

    /* truncated to 13 characters */
    assert_int_equal(c7200_eeproms_set_system_id(e, "00000000000019"), 1);
    assert_int_equal(ios_read_word(&p, W_CPU, 3), 0x0001);
    /* NPE-400 (v4): nothing written, neither CPU nor midplane */
    assert_int_equal(c7200_eeproms_set_npe(e, "npe-400"), 0);
    assert_int_equal(c7200_eeproms_set_system_id(e, "123456789"), 0);
    assert_int_equal(ios_read_word(&p, W_CPU, 2), 0xF841); /* as shipped */
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 2), 0xFF10);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 3), 0x45C5);
    /* back to a v1 NPE: applies again; NULL removes */
    assert_int_equal(c7200_eeproms_set_npe(e, "npe-300"), 0);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 3), 0xCD15);
    assert_int_equal(c7200_eeproms_set_system_id(e, NULL), 0);
    assert_int_equal(ios_read_word(&p, W_CPU, 2), 0xFF10);
    assert_int_equal(ios_read_word(&p, W_MIDPLANE, 3), 0x45C5);
    c7200_eeproms_destroy(e);

    uint8_t buf[NMC93C46_BYTES];
    c7200_eeprom_fill(c7200_eeprom_find(C7200_EEPROM_NPE, "npe-g1"), buf);
    assert_int_equal(c7200_eeprom_set_serial(buf, sizeof(buf), 1), -EINVAL);
}

static void test_create_errors(void **state)
{
    (void)state;
    struct c7200_eeproms *e = (void *)1;
    char err[200];
    struct c7200_eeproms_config c = {.npe = "npe-999"};

    assert_int_equal(c7200_eeproms_create(&c, &e, err, sizeof(err)), -EINVAL);
    assert_null(e);
    assert_non_null(strstr(err, "npe-999"));
    c = (struct c7200_eeproms_config){.midplane = "xyz"};
    assert_int_equal(c7200_eeproms_create(&c, &e, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "xyz"));
    c = (struct c7200_eeproms_config){.mac = "12:34"};
    assert_int_equal(c7200_eeproms_create(&c, &e, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "'12:34'"));
    assert_null(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables_match_spec_dumps),
        cmocka_unit_test(test_type_codes),
        cmocka_unit_test(test_v4_decoded_fields),
        cmocka_unit_test(test_v4_find_errors),
        cmocka_unit_test(test_cpu_and_pem_bitbang),
        cmocka_unit_test(test_midplane_bitbang_with_mac),
        cmocka_unit_test(test_observed_readbacks),
        cmocka_unit_test(test_bays_bitbang),
        cmocka_unit_test(test_default_mac),
        cmocka_unit_test(test_mac_parse),
        cmocka_unit_test(test_set_mac_only_v1_midplanes),
        cmocka_unit_test(test_runtime_mac_and_midplane),
        cmocka_unit_test(test_system_id),
        cmocka_unit_test(test_create_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
