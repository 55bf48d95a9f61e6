/*
 * IOS NVRAM file system (c7200.md §13.3-13.6, c3600-c2691-c37xx.md §8):
 * write -> read round trips, header bytes and addresses, padding
 * variants, checksum, keep/empty semantics, clearing of an old longer
 * config, every malformed-header case (each leaves the image untouched),
 * images too small, configs too large, the with-backup layouts, layout
 * detection and the compress (.Z) decoder.
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

#include "dev/ios_nvram_fs.h"
#include "dev/ios_nvram_lzc.h"

#define NV_SIZE (128 * 1024)
#define FS 0x800 /* c7200 file-system offset */
#define ROM_BYTE(i) ((uint8_t)(0xA5 ^ (i)))

static const char CFG[] = "hostname R1\n!\ninterface FastEthernet0/0\n"
                          " ip address 10.0.0.1 255.255.255.0\n!\nend\n";

/* CFG compressed by `compress -b 12` (ncompress 4.2.4). */
static const uint8_t CFG_Z[] = {
  0x1f, 0x9d, 0x8c, 0x68, 0xde, 0xcc, 0xa1, 0xe3, 0x26, 0x4c, 0x9b, 0x32,
  0x20, 0xa4, 0xc4, 0x50, 0x10, 0x42, 0x41, 0x1a, 0x37, 0x74, 0xca, 0xc8,
  0x31, 0x13, 0x66, 0x0c, 0x42, 0x23, 0x61, 0x06, 0x16, 0xa1, 0x83, 0x46,
  0xa2, 0x9b, 0x32, 0x74, 0x60, 0xbc, 0x80, 0xa1, 0x00, 0x44, 0x1a, 0x38,
  0x20, 0xc2, 0x90, 0x21, 0x23, 0xa7, 0xcc, 0x9c, 0x39, 0x20, 0x62, 0xc0,
  0x70, 0x31, 0x73, 0x66, 0x0c, 0x10, 0x32, 0x6a, 0xd4, 0x70, 0x91, 0x73,
  0x67, 0x4f, 0x9a, 0x0c, 0x15, 0x94, 0x71, 0x43, 0x46, 0x01
};

/* 40000 x 'a' by `compress -b 12`: code width 9 -> 10 (group skip) and
 * the code-equals-next-entry case at every step. */
static const uint8_t A40K_Z[] = {
  0x1f, 0x9d, 0x8c, 0x61, 0x02, 0x0a, 0x1c, 0x48, 0xb0, 0xa0, 0xc1, 0x83,
  0x08, 0x13, 0x2a, 0x5c, 0xc8, 0xb0, 0xa1, 0xc3, 0x87, 0x10, 0x23, 0x4a,
  0x9c, 0x48, 0xb1, 0xa2, 0xc5, 0x8b, 0x18, 0x33, 0x6a, 0xdc, 0xc8, 0xb1,
  0xa3, 0xc7, 0x8f, 0x20, 0x43, 0x8a, 0x1c, 0x49, 0xb2, 0xa4, 0xc9, 0x93,
  0x28, 0x53, 0xaa, 0x5c, 0xc9, 0xb2, 0xa5, 0xcb, 0x97, 0x30, 0x63, 0xca,
  0x9c, 0x49, 0xb3, 0xa6, 0xcd, 0x9b, 0x38, 0x73, 0xea, 0xdc, 0xc9, 0xb3,
  0xa7, 0xcf, 0x9f, 0x40, 0x83, 0x0a, 0x1d, 0x4a, 0xb4, 0xa8, 0xd1, 0xa3,
  0x48, 0x93, 0x2a, 0x5d, 0xca, 0xb4, 0xa9, 0xd3, 0xa7, 0x50, 0xa3, 0x4a,
  0x9d, 0x4a, 0xb5, 0xaa, 0xd5, 0xab, 0x58, 0xb3, 0x6a, 0xdd, 0xca, 0xb5,
  0xab, 0xd7, 0xaf, 0x60, 0xc3, 0x8a, 0x1d, 0x4b, 0xb6, 0xac, 0xd9, 0xb3,
  0x68, 0xd3, 0xaa, 0x5d, 0xcb, 0xb6, 0xad, 0xdb, 0xb7, 0x70, 0xe3, 0xca,
  0x9d, 0x4b, 0xb7, 0xae, 0xdd, 0xbb, 0x78, 0xf3, 0xea, 0xdd, 0xcb, 0xb7,
  0xaf, 0xdf, 0xbf, 0x80, 0x03, 0x0b, 0x1e, 0x4c, 0xb8, 0xb0, 0xe1, 0xc3,
  0x88, 0x13, 0x2b, 0x5e, 0xcc, 0xb8, 0xb1, 0xe3, 0xc7, 0x90, 0x23, 0x4b,
  0x9e, 0x4c, 0xb9, 0xb2, 0xe5, 0xcb, 0x98, 0x33, 0x6b, 0xde, 0xcc, 0xb9,
  0xb3, 0xe7, 0xcf, 0xa0, 0x43, 0x8b, 0x1e, 0x4d, 0xba, 0xb4, 0xe9, 0xd3,
  0xa8, 0x53, 0xab, 0x5e, 0xcd, 0xba, 0xb5, 0xeb, 0xd7, 0xb0, 0x63, 0xcb,
  0x9e, 0x4d, 0xbb, 0xb6, 0xed, 0xdb, 0xb8, 0x73, 0xeb, 0xde, 0xcd, 0xbb,
  0xb7, 0xef, 0xdf, 0xc0, 0x83, 0x0b, 0x1f, 0x4e, 0xbc, 0xb8, 0xf1, 0xe3,
  0xc8, 0x93, 0x2b, 0x5f, 0xce, 0xbc, 0xb9, 0xf3, 0xe7, 0xd0, 0xa3, 0x4b,
  0x9f, 0x4e, 0xbd, 0xba, 0xf5, 0xeb, 0xd8, 0xb3, 0x6b, 0xdf, 0xce, 0xbd,
  0xbb, 0xf7, 0xef, 0xe0, 0xc3, 0x8b, 0x1f, 0x4f, 0xbe, 0xbc, 0xf9, 0xf3,
  0xe8, 0xd3, 0xab, 0x5f, 0xcf, 0xbe, 0xbd, 0xfb, 0xf7, 0xf0, 0xe3, 0xcb,
  0x9f, 0x4f, 0xbf, 0xbe, 0xfd, 0xfb, 0xf8, 0xf3, 0xeb, 0xdf, 0xcf, 0xbf,
  0xbf, 0xff, 0xff, 0x00, 0x06, 0x28, 0xe0, 0x80, 0x04, 0x16, 0x68, 0xe0,
  0x81, 0x08, 0x26, 0xa8, 0xe0, 0x82, 0x0c, 0x36, 0xe8, 0xe0, 0x83, 0x10,
  0x46, 0x28, 0xe1, 0x84, 0x14, 0x56, 0x68, 0xe1, 0x85, 0x18, 0x66, 0x08,
  0x16
};

/* ------------------------------------------------------------- helpers */

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)be16(p) << 16 | be16(p + 2);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* A 128 KB c7200 image: ROM area patterned, file system blank. */
static uint8_t *new_image(void)
{
    uint8_t *img = calloc(1, NV_SIZE);
    assert_non_null(img);
    for (int i = 0; i < FS; i++) {
        img[i] = ROM_BYTE(i);
    }
    memcpy(img + 0x200, "BOOTLDR", 7); /* what our ROM leaves there */
    return img;
}

static void assert_rom_untouched(const uint8_t *img)
{
    for (int i = 0; i < FS; i++) {
        if (i >= 0x200 && i < 0x207) {
            continue;
        }
        assert_int_equal(img[i], ROM_BYTE(i));
    }
}

static uint8_t *write_cfg(const char *s, const char *p)
{
    char err[256] = "";
    uint8_t *img = new_image();
    int rc = ios_nvram_fs_write(img, NV_SIZE, &ios_nvram_layout_c7200, s,
                                s ? strlen(s) : 0, p, p ? strlen(p) : 0, err,
                                sizeof(err));
    assert_int_equal(rc, 0);
    return img;
}

/* Reads and expects a corruption error containing `what`; the image must
 * stay byte-identical. */
static void expect_read_error(uint8_t *img, size_t len,
                              const struct ios_nvram_layout *l, int code,
                              const char *what)
{
    struct ios_nvram_configs c;
    char err[256] = "";
    uint8_t *copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, img, len);
    int rc = ios_nvram_fs_read(img, len, l, &c, err, sizeof(err));
    if (rc != code || !strstr(err, what)) {
        print_error("rc %d, message '%s' (wanted %d with '%s')\n", rc, err,
                    code, what);
    }
    assert_int_equal(rc, code);
    assert_non_null(strstr(err, what));
    assert_null(c.startup);
    assert_null(c.priv);
    assert_memory_equal(img, copy, len);
    free(copy);
}

/* Recomputes the stored checksum after a test edited the image. */
static void fix_checksum(uint8_t *img, size_t len,
                         const struct ios_nvram_layout *l)
{
    put16(img + l->offset + IOS_NVRAM_CHECKSUM_OFFSET,
          ios_nvram_fs_checksum(img, len, l));
}

/* ------------------------------------------------------------- layouts */

static void test_layout_table(void **state)
{
    (void)state;
    const struct ios_nvram_layout *l = ios_nvram_layout_find("c7200");
    assert_ptr_equal(l, &ios_nvram_layout_c7200);
    assert_int_equal(l->offset, 0x800);
    assert_int_equal(l->base_addr, 0x1E000800u);
    assert_true(l->absolute);
    assert_int_equal(l->pad, 4);
    assert_int_equal(ios_nvram_layout_find("c3725"),
                     ios_nvram_layout_find("c2691"));
    assert_int_equal(ios_nvram_layout_find("c3600")->pad, 8);
    assert_null(ios_nvram_layout_find("c9999"));
    size_t n = 0;
    while (ios_nvram_layout_get(n)) {
        n++;
    }
    assert_true(n >= 6);
}

/* ------------------------------------------------------------- round trip */

static void test_round_trip_header_bytes(void **state)
{
    (void)state;
    const char *priv = "private stuff\n"; /* 14 bytes */
    uint8_t *img = write_cfg(CFG, priv);
    const uint8_t *fs = img + FS;
    size_t n = strlen(CFG); /* 81: private header after 3 pad bytes */

    assert_rom_untouched(img);
    assert_memory_equal(fs, "\0\0\0\0\0\0\xF0\xA5", 8);
    const uint8_t *sh = fs + 8;
    assert_int_equal(be16(sh), 0xABCD);
    assert_int_equal(be16(sh + 2), 1);
    assert_int_equal(be16(sh + 6), 0x0C04);
    assert_int_equal(be32(sh + 8), 0x1E00082Cu); /* c7200.md §13.4 */
    assert_int_equal(be32(sh + 12), 0x1E00082Cu + n);
    assert_int_equal(be32(sh + 16), n);
    for (int i = 20; i < 36; i++) {
        assert_int_equal(sh[i], 0);
    }
    assert_memory_equal(fs + 44, CFG, n);
    size_t ph = 44 + n;
    assert_int_equal(ph % 4, 1);
    for (size_t i = ph; i < ph + 3; i++) {
        assert_int_equal(fs[i], 0);
    }
    ph += 3;
    assert_int_equal(be16(fs + ph), 0xFEDC);
    assert_int_equal(be16(fs + ph + 2), 1);
    assert_int_equal(be32(fs + ph + 4), 0x1E000800u + ph + 16);
    assert_int_equal(be32(fs + ph + 8), 0x1E000800u + ph + 16 + 14);
    assert_int_equal(be32(fs + ph + 12), 14);
    assert_memory_equal(fs + ph + 16, priv, 14);
    for (size_t i = ph + 16 + 14; i < NV_SIZE - FS; i++) {
        assert_int_equal(fs[i], 0);
    }
    assert_int_equal(be16(sh + 4),
                     ios_nvram_fs_checksum(img, NV_SIZE,
                                           &ios_nvram_layout_c7200));

    struct ios_nvram_configs c;
    char err[256];
    assert_int_equal(ios_nvram_fs_read(img, NV_SIZE, &ios_nvram_layout_c7200,
                                       &c, err, sizeof(err)), 0);
    assert_int_equal(c.startup_len, n);
    assert_string_equal(c.startup, CFG);
    assert_int_equal(c.priv_len, 14);
    assert_string_equal(c.priv, priv);
    assert_true(c.checksum_ok);
    assert_false(c.startup_compressed);
    ios_nvram_configs_free(&c);
    free(img);
}

static void test_round_trip_binary_and_empty(void **state)
{
    (void)state;
    uint8_t bin[300];
    for (size_t i = 0; i < sizeof(bin); i++) {
        bin[i] = (uint8_t)(i * 7); /* NULs included */
    }
    uint8_t *img = new_image();
    char err[256];
    struct ios_nvram_configs c;
    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, &ios_nvram_layout_c7200,
                                        (const char *)bin, sizeof(bin), "", 0,
                                        err, sizeof(err)), 0);
    assert_int_equal(ios_nvram_fs_read(img, NV_SIZE, &ios_nvram_layout_c7200,
                                       &c, err, sizeof(err)), 0);
    assert_int_equal(c.startup_len, sizeof(bin));
    assert_memory_equal(c.startup, bin, sizeof(bin));
    assert_non_null(c.priv); /* empty, not absent */
    assert_int_equal(c.priv_len, 0);
    ios_nvram_configs_free(&c);
    free(img);
}

/* pad-4: 3/2/1/0 zero bytes before the private header; pad-8: 7/6/5/0. */
static void test_private_padding(void **state)
{
    (void)state;
    static const unsigned pad4[4] = {0, 3, 2, 1}, pad8[4] = {0, 7, 6, 5};
    const struct ios_nvram_layout *c3600 = ios_nvram_layout_find("c3600");
    char text[8] = "abcdefg";
    for (size_t n = 0; n < 8; n++) {
        for (int k = 0; k < 2; k++) {
            const struct ios_nvram_layout *l = k ? c3600
                                                 : &ios_nvram_layout_c7200;
            uint8_t *img = new_image();
            char err[256];
            struct ios_nvram_configs c;
            assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, l, text, n,
                                                "P", 1, err, sizeof(err)), 0);
            size_t off = 44 + n + (k ? pad8 : pad4)[(44 + n) % 4];
            assert_int_equal(be16(img + FS + off), 0xFEDC);
            assert_int_equal(img[FS + off + 16], 'P');
            assert_int_equal(ios_nvram_fs_read(img, NV_SIZE, l, &c, err,
                                               sizeof(err)), 0);
            assert_int_equal(c.startup_len, n);
            assert_memory_equal(c.startup, text, n);
            assert_int_equal(c.priv_len, 1);
            ios_nvram_configs_free(&c);
            free(img);
        }
    }
}

/* Relative addressing (3600): address = fs offset - 8 (§8.1). */
static void test_relative_addresses(void **state)
{
    (void)state;
    const struct ios_nvram_layout *l = ios_nvram_layout_find("c3600");
    uint8_t *img = new_image();
    char err[256];
    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, l, "xy", 2, "z", 1, err,
                                        sizeof(err)), 0);
    assert_int_equal(be32(img + FS + 8 + 8), 0x24);
    assert_int_equal(be32(img + FS + 8 + 12), 0x26);
    /* fs 46 -> pad-8 -> private header at 52, its data at fs 68 = 60 */
    assert_int_equal(be16(img + FS + 52), 0xFEDC);
    assert_int_equal(be32(img + FS + 52 + 4), 60);
    /* The same image is no c7200 file system. */
    expect_read_error(img, NV_SIZE, &ios_nvram_layout_c7200, -EBADMSG,
                      "outside the file system");
    free(img);
}

/* ------------------------------------------------------------- checksum */

static void test_checksum_empty_fs(void **state)
{
    (void)state;
    uint8_t *img = new_image();
    char err[256];
    struct ios_nvram_configs c;
    assert_int_equal(ios_nvram_fs_format(img, NV_SIZE, &ios_nvram_layout_c7200,
                                         err, sizeof(err)), 0);
    assert_int_equal(be16(img + FS + 6), 0xF0A5);
    assert_int_equal(be16(img + FS + 12), 0xFFFF); /* §13.4 */
    assert_int_equal(ios_nvram_fs_checksum(img, NV_SIZE,
                                           &ios_nvram_layout_c7200), 0xFFFF);
    assert_int_equal(ios_nvram_fs_read(img, NV_SIZE, &ios_nvram_layout_c7200,
                                       &c, err, sizeof(err)), 0);
    assert_null(c.startup);
    assert_null(c.priv);
    assert_true(c.checksum_ok);
    assert_rom_untouched(img);
    free(img);
}

/* §13.5: 16-bit big-endian words from fs+8, end-around carry, complement,
 * an odd trailing byte as a high byte, the field itself as 0. */
static void test_checksum_arithmetic(void **state)
{
    (void)state;
    size_t len = FS + 61; /* odd area: the last byte is alone */
    uint8_t *img = calloc(1, len);
    assert_non_null(img);
    put16(img + FS + 6, 0xF0A5);
    put16(img + FS + 12, 0x1234); /* ignored */
    put16(img + FS + 20, 0xFFFF);
    put16(img + FS + 22, 0x0001); /* 0x10000 -> carry -> 0x0001 */
    img[FS + 60] = 0x02;          /* counts as 0x0200 */
    /* 0x0001 + 0x0200 = 0x0201 -> ~ = 0xFDFE; fs+0..7 are not summed */
    img[FS + 0] = 0x77;
    assert_int_equal(ios_nvram_fs_checksum(img, len, &ios_nvram_layout_c7200),
                     0xFDFE);
    /* Carry folding over many words: 40 x 0xFFFF sums to 0xFFFF. */
    memset(img + FS + 14, 0xFF, 40);
    put16(img + FS + 20, 0xFFFF);
    put16(img + FS + 22, 0xFFFF);
    img[FS + 60] = 0;
    uint32_t s = 0;
    for (size_t o = 8; o + 1 < 61; o += 2) {
        if (o != 12) {
            s += be16(img + FS + o);
        }
    }
    while (s >> 16) {
        s = (s & 0xFFFF) + (s >> 16);
    }
    assert_int_equal(ios_nvram_fs_checksum(img, len, &ios_nvram_layout_c7200),
                     (uint16_t)~s);
    free(img);
}

static void test_checksum_mismatch_reported(void **state)
{
    (void)state;
    uint8_t *img = write_cfg(CFG, "p");
    img[FS + 44] ^= 0x20; /* 'h' -> 'H' */
    struct ios_nvram_configs c;
    char err[256];
    assert_int_equal(ios_nvram_fs_read(img, NV_SIZE, &ios_nvram_layout_c7200,
                                       &c, err, sizeof(err)), 0);
    assert_false(c.checksum_ok);
    assert_int_not_equal(c.checksum_stored, c.checksum_computed);
    assert_int_equal(c.startup[0], 'H');
    ios_nvram_configs_free(&c);
    free(img);
}

/* ------------------------------------------------------------- keep, clear */

static void test_keep_and_replace(void **state)
{
    (void)state;
    uint8_t *img = write_cfg("S1", "P1");
    char err[256];
    struct ios_nvram_configs c;
    const struct ios_nvram_layout *l = &ios_nvram_layout_c7200;

    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, l, NULL, 0, "P2-longer",
                                        9, err, sizeof(err)), 0);
    assert_int_equal(ios_nvram_fs_read(img, NV_SIZE, l, &c, err, sizeof(err)),
                     0);
    assert_string_equal(c.startup, "S1");
    assert_string_equal(c.priv, "P2-longer");
    ios_nvram_configs_free(&c);

    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, l, "S3", 2, NULL, 0, err,
                                        sizeof(err)), 0);
    assert_int_equal(ios_nvram_fs_read(img, NV_SIZE, l, &c, err, sizeof(err)),
                     0);
    assert_string_equal(c.startup, "S3");
    assert_string_equal(c.priv, "P2-longer");
    assert_true(c.checksum_ok);
    ios_nvram_configs_free(&c);

    /* Keeping both on a blank NVRAM makes an empty file system. */
    uint8_t *blank = new_image();
    assert_int_equal(ios_nvram_fs_write(blank, NV_SIZE, l, NULL, 0, NULL, 0,
                                        err, sizeof(err)), 0);
    assert_int_equal(ios_nvram_fs_read(blank, NV_SIZE, l, &c, err,
                                       sizeof(err)), 0);
    assert_int_equal(c.startup_len, 0);
    assert_int_equal(c.priv_len, 0);
    ios_nvram_configs_free(&c);
    free(blank);
    free(img);
}

/* A shorter config leaves nothing of the old one: zeros up to the old
 * extent rounded to a sector; what lies beyond (IOS files) stays. */
static void test_shorter_config_clears_old_extent(void **state)
{
    (void)state;
    char big[3000];
    memset(big, 'X', sizeof(big));
    uint8_t *img = new_image();
    char err[256];
    const struct ios_nvram_layout *l = &ios_nvram_layout_c7200;
    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, l, big, sizeof(big),
                                        "PPPP", 4, err, sizeof(err)), 0);
    /* extent: 44 + 3000 + 0 pad + 16 + 4 = 3064 -> sector end 3072 */
    memset(img + FS + 3072, 0xEE, 1024); /* a later sector with a file */
    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, l, "short", 5, "", 0,
                                        err, sizeof(err)), 0);
    size_t end = 44 + 5 + 3 + 16;
    for (size_t i = end; i < 3072; i++) {
        assert_int_equal(img[FS + i], 0);
    }
    for (size_t i = 3072; i < 4096; i++) {
        assert_int_equal(img[FS + i], 0xEE);
    }
    assert_rom_untouched(img);
    free(img);
}

/* ------------------------------------------------------------- sizes */

static void test_config_too_large(void **state)
{
    (void)state;
    const struct ios_nvram_layout *l = &ios_nvram_layout_c7200;
    size_t area = NV_SIZE - FS;
    size_t fit = area - 44 - 16; /* startup alone, multiple of 4 -> no pad */
    char *big = malloc(area + 1);
    assert_non_null(big);
    memset(big, 'c', area);
    char err[256] = "";

    uint8_t *img = write_cfg(CFG, "keep me");
    uint8_t *copy = malloc(NV_SIZE);
    memcpy(copy, img, NV_SIZE);
    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, l, big, fit + 1, "", 0,
                                        err, sizeof(err)), -ENOSPC);
    assert_non_null(strstr(err, "bytes"));
    assert_memory_equal(img, copy, NV_SIZE);
    /* private-config pushes the total over as well */
    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, l, big, fit, "x", 1,
                                        err, sizeof(err)), -ENOSPC);
    assert_memory_equal(img, copy, NV_SIZE);
    /* kept private-config counts */
    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, l, big, fit, NULL, 0,
                                        err, sizeof(err)), -ENOSPC);
    assert_memory_equal(img, copy, NV_SIZE);
    /* exactly full fits and reads back */
    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, l, big, fit, "", 0, err,
                                        sizeof(err)), 0);
    struct ios_nvram_configs c;
    assert_int_equal(ios_nvram_fs_read(img, NV_SIZE, l, &c, err, sizeof(err)),
                     0);
    assert_int_equal(c.startup_len, fit);
    assert_int_equal(c.priv_len, 0);
    ios_nvram_configs_free(&c);
    assert_rom_untouched(img);
    free(copy);
    free(big);
    free(img);
}

static void test_image_too_small(void **state)
{
    (void)state;
    const struct ios_nvram_layout *l = &ios_nvram_layout_c7200;
    uint8_t img[FS + IOS_NVRAM_MIN_AREA - 1];
    memset(img, 0x5A, sizeof(img));
    uint8_t copy[sizeof(img)];
    memcpy(copy, img, sizeof(img));
    char err[256] = "";
    struct ios_nvram_configs c;

    expect_read_error(img, sizeof(img), l, -EINVAL, "too small");
    expect_read_error(img, 100, l, -EINVAL, "too small");
    expect_read_error(img, 0, l, -EINVAL, "too small");
    assert_int_equal(ios_nvram_fs_write(img, sizeof(img), l, "a", 1, "", 0,
                                        err, sizeof(err)), -EINVAL);
    assert_int_equal(ios_nvram_fs_format(img, sizeof(img), l, err,
                                         sizeof(err)), -EINVAL);
    assert_memory_equal(img, copy, sizeof(img));
    assert_int_equal(ios_nvram_fs_read(NULL, 0, l, &c, err, sizeof(err)),
                     -EINVAL);
    assert_int_equal(ios_nvram_fs_checksum(img, 10, l), 0);
    /* A fixed-size layout needs its whole area. */
    uint8_t *rom = calloc(1, 0xE0000 + 0x1C000 - 1);
    expect_read_error(rom, 0xE0000 + 0x1C000 - 1,
                      ios_nvram_layout_find("c2691"), -EINVAL, "too small");
    free(rom);
    /* the smallest usable area holds an empty configuration */
    uint8_t small[FS + IOS_NVRAM_MIN_AREA] = {0};
    assert_int_equal(ios_nvram_fs_write(small, sizeof(small), l, "", 0, "", 0,
                                        err, sizeof(err)), 0);
    assert_int_equal(ios_nvram_fs_write(small, sizeof(small), l, "a", 1, "",
                                        0, err, sizeof(err)), -ENOSPC);
}

/* ------------------------------------------------------------- malformed */

static void test_no_file_system(void **state)
{
    (void)state;
    uint8_t *img = new_image();
    expect_read_error(img, NV_SIZE, &ios_nvram_layout_c7200, -ENODATA,
                      "blank");
    img[FS + 100] = 1;
    expect_read_error(img, NV_SIZE, &ios_nvram_layout_c7200, -ENODATA,
                      "magic at offset 0x806 is 0x0000");
    free(img);
    img = write_cfg(CFG, "");
    img[FS + 7] = 0xA6;
    expect_read_error(img, NV_SIZE, &ios_nvram_layout_c7200, -ENODATA,
                      "expected 0xf0a5");
    free(img);
}

struct corruption {
    const char *name;
    size_t at;         /* fs offset */
    int width;         /* 2 or 4 */
    uint32_t value;
    int code;
    const char *what;
};

/* Offsets for write_cfg(CFG, "private") = 81 + 7 bytes:
 * startup header fs+8, private header fs+128, private data fs+144. */
#define PH 128
static const struct corruption corruptions[] = {
    {"startup magic", 8, 2, 0xABCE, -EBADMSG, "magic 0xabce"},
    {"startup format 0", 10, 2, 0, -EBADMSG, "unknown format 0"},
    {"startup format 3", 10, 2, 3, -EBADMSG, "unknown format 3"},
    {"startup end", 20, 4, 0x1E00082Cu + 80, -EBADMSG, "is not start"},
    {"startup len", 24, 4, 80, -EBADMSG, "is not start"},
    {"startup below base", 16, 4, 0x1E0007F0u, -EBADMSG, "outside"},
    {"startup in header", 16, 4, 0x1E000810u, -EBADMSG, "outside"},
    {"startup past end", 16, 4, 0x1E020000u - 10, -EBADMSG, "outside"},
    {"startup wraps", 16, 4, 0xFFFFFFF0u, -EBADMSG, "is not start"},
    {"private format", PH + 2, 2, 2, -EBADMSG, "unknown format 2"},
    {"private end", PH + 8, 4, 0, -EBADMSG, "is not start"},
    {"private len", PH + 12, 4, 8, -EBADMSG, "is not start"},
    {"private before header", PH + 4, 4, 0x1E000800u + PH, -EBADMSG,
     "outside"},
    {"private past end", PH + 4, 4, 0x1E01FFFCu, -EBADMSG, "outside"},
};

static void test_malformed_headers(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(corruptions) / sizeof(corruptions[0]);
         i++) {
        const struct corruption *k = &corruptions[i];
        uint8_t *img = write_cfg(CFG, "private");
        assert_int_equal(be16(img + FS + PH), 0xFEDC);
        uint8_t *p = img + FS + k->at;
        if (k->width == 2) {
            put16(p, (uint16_t)k->value);
        } else {
            put32(p, k->value);
        }
        /* keep end = start + len where only start was changed */
        if (k->at == 16 && k->value != 0xFFFFFFF0u) {
            put32(img + FS + 20, k->value + 81);
        }
        if (k->at == PH + 4) {
            put32(img + FS + PH + 8, k->value + 7);
        }
        fix_checksum(img, NV_SIZE, &ios_nvram_layout_c7200);
        print_message("  case: %s\n", k->name);
        expect_read_error(img, NV_SIZE, &ios_nvram_layout_c7200, k->code,
                          k->what);
        free(img);
    }
}

/* A private header the file system has no room for, or with a wrong
 * magic, means "no private-config" (c7200.md §13.6). */
static void test_private_absent(void **state)
{
    (void)state;
    uint8_t *img = write_cfg(CFG, "private");
    struct ios_nvram_configs c;
    char err[256];
    put16(img + FS + PH, 0x1234);
    assert_int_equal(ios_nvram_fs_read(img, NV_SIZE, &ios_nvram_layout_c7200,
                                       &c, err, sizeof(err)), 0);
    assert_string_equal(c.startup, CFG);
    assert_null(c.priv);
    ios_nvram_configs_free(&c);
    free(img);

    /* startup-config filling the file system to its last byte */
    size_t area = 200, n = area - 44;
    uint8_t *small = calloc(1, FS + area);
    put16(small + FS + 6, 0xF0A5);
    uint8_t *h = small + FS + 8;
    put16(h, 0xABCD);
    put16(h + 2, 1);
    put32(h + 8, 0x1E00082Cu);
    put32(h + 12, 0x1E00082Cu + (uint32_t)n);
    put32(h + 16, (uint32_t)n);
    memset(small + FS + 44, 'q', n);
    assert_int_equal(ios_nvram_fs_read(small, FS + area,
                                       &ios_nvram_layout_c7200, &c, err,
                                       sizeof(err)), 0);
    assert_int_equal(c.startup_len, n);
    assert_null(c.priv);
    ios_nvram_configs_free(&c);
    free(small);
}

/* ------------------------------------------------------------- compressed */

static uint8_t *compressed_image(const uint8_t *z, size_t zlen, uint32_t ulen)
{
    uint8_t *img = new_image();
    uint8_t *fs = img + FS;
    put16(fs + 6, 0xF0A5);
    uint8_t *h = fs + 8;
    put16(h, 0xABCD);
    put16(h + 2, 2);
    put16(h + 6, 0x0C04);
    put32(h + 8, 0x1E00082Cu);
    put32(h + 12, 0x1E00082Cu + (uint32_t)zlen);
    put32(h + 16, (uint32_t)zlen);
    put32(h + 24, 1);
    put16(h + 28, 1);
    put32(h + 32, ulen);
    memcpy(fs + 44, z, zlen);
    size_t ph = 44 + zlen;
    ph += ph % 4 ? 4 - ph % 4 : 0;
    put16(fs + ph, 0xFEDC);
    put16(fs + ph + 2, 1);
    put32(fs + ph + 4, 0x1E000800u + (uint32_t)ph + 16);
    put32(fs + ph + 8, 0x1E000800u + (uint32_t)ph + 16 + 3);
    put32(fs + ph + 12, 3);
    memcpy(fs + ph + 16, "prv", 3);
    fix_checksum(img, NV_SIZE, &ios_nvram_layout_c7200);
    return img;
}

static void test_compressed_startup(void **state)
{
    (void)state;
    const struct ios_nvram_layout *l = &ios_nvram_layout_c7200;
    uint8_t *img = compressed_image(CFG_Z, sizeof(CFG_Z), strlen(CFG));
    struct ios_nvram_configs c;
    char err[256];
    assert_int_equal(ios_nvram_fs_read(img, NV_SIZE, l, &c, err, sizeof(err)),
                     0);
    assert_true(c.startup_compressed);
    assert_int_equal(c.startup_stored, sizeof(CFG_Z));
    assert_string_equal(c.startup, CFG);
    assert_string_equal(c.priv, "prv");
    assert_true(c.checksum_ok);
    ios_nvram_configs_free(&c);

    /* Push of the private-config only: startup is kept, rewritten raw. */
    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, l, NULL, 0, "new", 3,
                                        err, sizeof(err)), 0);
    assert_int_equal(be16(img + FS + 10), 1);
    assert_int_equal(ios_nvram_fs_read(img, NV_SIZE, l, &c, err, sizeof(err)),
                     0);
    assert_false(c.startup_compressed);
    assert_string_equal(c.startup, CFG);
    assert_string_equal(c.priv, "new");
    ios_nvram_configs_free(&c);
    free(img);

    img = compressed_image(A40K_Z, sizeof(A40K_Z), 40000);
    assert_int_equal(ios_nvram_fs_read(img, NV_SIZE, l, &c, err, sizeof(err)),
                     0);
    assert_int_equal(c.startup_len, 40000);
    for (size_t i = 0; i < 40000; i++) {
        assert_int_equal(c.startup[i], 'a');
    }
    ios_nvram_configs_free(&c);
    free(img);
}

static void test_compressed_corrupt(void **state)
{
    (void)state;
    const struct ios_nvram_layout *l = &ios_nvram_layout_c7200;
    uint8_t z[sizeof(CFG_Z)];
    uint8_t *img;

    /* header promises more (or less) than the stream holds */
    img = compressed_image(CFG_Z, sizeof(CFG_Z), strlen(CFG) + 1);
    expect_read_error(img, NV_SIZE, l, -EBADMSG, "header says");
    free(img);
    img = compressed_image(CFG_Z, sizeof(CFG_Z), strlen(CFG) - 1);
    expect_read_error(img, NV_SIZE, l, -EBADMSG, "header says");
    free(img);
    img = compressed_image(CFG_Z, sizeof(CFG_Z), 0x7FFFFFFF);
    expect_read_error(img, NV_SIZE, l, -EBADMSG, "implausible");
    free(img);
    memcpy(z, CFG_Z, sizeof(z));
    z[1] = 0x9E;
    img = compressed_image(z, sizeof(z), strlen(CFG));
    expect_read_error(img, NV_SIZE, l, -EBADMSG, "magic 1F 9D");
    free(img);
    memcpy(z, CFG_Z, sizeof(z));
    z[2] = 0x80 | 17;
    img = compressed_image(z, sizeof(z), strlen(CFG));
    expect_read_error(img, NV_SIZE, l, -EBADMSG, "17-bit");
    free(img);
    /* a code far beyond the table */
    memcpy(z, CFG_Z, sizeof(z));
    z[5] = 0xFF;
    z[6] = 0xFF;
    img = compressed_image(z, sizeof(z), strlen(CFG));
    expect_read_error(img, NV_SIZE, l, -EBADMSG, "compressed startup-config");
    free(img);

    /* A corrupt kept startup-config blocks a private-only push. */
    memcpy(z, CFG_Z, sizeof(z));
    z[0] = 0;
    img = compressed_image(z, sizeof(z), strlen(CFG));
    uint8_t *copy = malloc(NV_SIZE);
    memcpy(copy, img, NV_SIZE);
    char err[256] = "";
    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, l, NULL, 0, "p", 1, err,
                                        sizeof(err)), -EBADMSG);
    assert_non_null(strstr(err, "cannot keep the startup-config"));
    assert_memory_equal(img, copy, NV_SIZE);
    /* ... while pushing both replaces it */
    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE, l, "s", 1, "p", 1, err,
                                        sizeof(err)), 0);
    struct ios_nvram_configs c;
    assert_int_equal(ios_nvram_fs_read(img, NV_SIZE, l, &c, err, sizeof(err)),
                     0);
    assert_string_equal(c.startup, "s");
    ios_nvram_configs_free(&c);
    free(copy);
    free(img);
}

static void test_lzc_decoder(void **state)
{
    (void)state;
    uint8_t *out;
    size_t n;
    char err[200];
    static const uint8_t tobe[] = {
        0x1f, 0x9d, 0x8c, 0x54, 0x9e, 0x08, 0x29, 0xf2, 0x44, 0x8a, 0x93,
        0x27, 0x54, 0x02, 0x0e, 0x2c, 0xa8, 0x90, 0xa0, 0x41, 0x84};
    assert_int_equal(ios_nvram_lzc_decode(tobe, sizeof(tobe), 1000, &out, &n,
                                          err, sizeof(err)), 0);
    assert_int_equal(n, 24);
    assert_memory_equal(out, "TOBEORNOTTOBEORTOBEORNOT", 24);
    free(out);
    /* output limit */
    assert_int_equal(ios_nvram_lzc_decode(tobe, sizeof(tobe), 10, &out, &n,
                                          err, sizeof(err)), 0);
    assert_int_equal(n, 10);
    assert_int_equal(out[10], 0);
    free(out);
    /* header only: empty output */
    assert_int_equal(ios_nvram_lzc_decode(tobe, 3, 100, &out, &n, err,
                                          sizeof(err)), 0);
    assert_int_equal(n, 0);
    free(out);

    uint8_t bad[sizeof(tobe)];
    memcpy(bad, tobe, sizeof(bad));
    bad[2] = 0x88; /* 8-bit codes */
    assert_int_equal(ios_nvram_lzc_decode(bad, sizeof(bad), 100, &out, &n,
                                          err, sizeof(err)), -EBADMSG);
    assert_non_null(strstr(err, "8-bit"));
    assert_null(out);
    /* first code must be a literal: 0x154 = 340 */
    static const uint8_t first[] = {0x1f, 0x9d, 0x90, 0x54, 0x01};
    assert_int_equal(ios_nvram_lzc_decode(first, sizeof(first), 100, &out,
                                          &n, err, sizeof(err)), -EBADMSG);
    assert_non_null(strstr(err, "literal"));
    /* second code 0x1FF (511) before entry 257 exists */
    static const uint8_t ahead[] = {0x1f, 0x9d, 0x90, 0x41, 0xfe, 0x07};
    assert_int_equal(ios_nvram_lzc_decode(ahead, sizeof(ahead), 100, &out,
                                          &n, err, sizeof(err)), -EBADMSG);
    assert_non_null(strstr(err, "before table entry"));
    assert_int_equal(ios_nvram_lzc_decode(tobe, 2, 100, &out, &n, err,
                                          sizeof(err)), -EBADMSG);
}

/* ------------------------------------------------------------- backup */

static void test_with_backup_layouts(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        size_t rom, off, area, fs_len, backup;
    } t[] = {
        {"c2691", 0x100000, 0xE0000, 0x1C000, 0xE000, 0xE000},
        {"c3745", 0x100000, 0xB0000, 0x4C000, 0x26000, 0x20000},
    };
    for (size_t k = 0; k < 2; k++) {
        const struct ios_nvram_layout *l = ios_nvram_layout_find(t[k].name);
        uint8_t *rom = calloc(1, t[k].rom);
        char err[256];
        struct ios_nvram_configs c;
        assert_non_null(rom);
        memset(rom, 0x11, t[k].off);
        assert_int_equal(ios_nvram_fs_write(rom, t[k].rom, l, CFG,
                                            strlen(CFG), "pv", 2, err,
                                            sizeof(err)), 0);
        for (size_t i = 0; i < t[k].off; i++) {
            assert_int_equal(rom[i], 0x11);
        }
        /* magic in both copies (c3600-c2691-c37xx.md §8.3) */
        assert_int_equal(be16(rom + t[k].off + 6), 0xF0A5);
        assert_int_equal(be16(rom + t[k].off + t[k].backup + 6), 0xF0A5);
        assert_int_equal(be32(rom + t[k].off + 16), 0x24); /* relative */
        assert_int_equal(ios_nvram_fs_read(rom, t[k].rom, l, &c, err,
                                           sizeof(err)), 0);
        assert_string_equal(c.startup, CFG);
        assert_string_equal(c.priv, "pv");
        assert_true(c.checksum_ok);
        ios_nvram_configs_free(&c);
        /* a difference between the copies is corruption */
        rom[t[k].off + t[k].backup + 50] ^= 1;
        expect_read_error(rom, t[k].rom, l, -EBADMSG, "backup copy differs");
        free(rom);
    }

    /* 3745: fs byte 0x20000 lives at area 0x3C000 (normal) and area
     * 0x26000 + 0x20000 (backup); the checksum covers it. */
    const struct ios_nvram_layout *l = ios_nvram_layout_find("c3745");
    uint8_t *rom = calloc(1, 0x100000);
    char err[256];
    struct ios_nvram_configs c;
    assert_int_equal(ios_nvram_fs_format(rom, 0x100000, l, err, sizeof(err)),
                     0);
    rom[0xB0000 + 0x3C000] = 0x80;
    rom[0xB0000 + 0x46000] = 0x80;
    assert_int_equal(ios_nvram_fs_read(rom, 0x100000, l, &c, err,
                                       sizeof(err)), 0);
    assert_false(c.checksum_ok);
    assert_int_equal(c.checksum_computed, 0x7FFF);
    ios_nvram_configs_free(&c);
    free(rom);
}

/* ------------------------------------------------------------- detect */

static void test_detect(void **state)
{
    (void)state;
    const struct ios_nvram_layout *found;
    struct ios_nvram_configs c;
    char err[256];

    /* c7200 image without the "7200" text (our ROM wrote BOOTLDR) */
    uint8_t *img = write_cfg(CFG, "p");
    assert_int_equal(ios_nvram_fs_detect(img, NV_SIZE, &found, &c, err,
                                         sizeof(err)), 0);
    assert_string_equal(found->name, "c7200");
    assert_string_equal(c.startup, CFG);
    ios_nvram_configs_free(&c);
    free(img);

    /* c3600 image with its signature */
    img = new_image();
    memcpy(img + 0x200, "3600", 4);
    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE,
                                        ios_nvram_layout_find("c3600"), "s36",
                                        3, "", 0, err, sizeof(err)), 0);
    assert_int_equal(ios_nvram_fs_detect(img, NV_SIZE, &found, &c, err,
                                         sizeof(err)), 0);
    assert_string_equal(found->name, "c3600");
    assert_string_equal(c.startup, "s36");
    ios_nvram_configs_free(&c);
    free(img);

    /* NPE-G2 addresses */
    img = new_image();
    assert_int_equal(ios_nvram_fs_write(img, NV_SIZE,
                                        ios_nvram_layout_find("c7200-npe-g2"),
                                        "g2", 2, "", 0, err, sizeof(err)), 0);
    assert_int_equal(ios_nvram_fs_detect(img, NV_SIZE, &found, &c, err,
                                         sizeof(err)), 0);
    assert_string_equal(found->name, "c7200-npe-g2");
    ios_nvram_configs_free(&c);
    free(img);

    /* corrupt c7200: the c7200 reason wins over "not a c3600" */
    img = write_cfg(CFG, "p");
    memcpy(img + 0x200, "7200", 4);
    put32(img + FS + 8 + 16, 5000);
    assert_int_equal(ios_nvram_fs_detect(img, NV_SIZE, &found, &c, err,
                                         sizeof(err)), -EBADMSG);
    assert_null(found);
    assert_non_null(strstr(err, "as c7200 NVRAM"));
    free(img);

    /* blank */
    img = new_image();
    assert_int_equal(ios_nvram_fs_detect(img, NV_SIZE, &found, &c, err,
                                         sizeof(err)), -ENODATA);
    assert_non_null(strstr(err, "blank"));
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_table),
        cmocka_unit_test(test_round_trip_header_bytes),
        cmocka_unit_test(test_round_trip_binary_and_empty),
        cmocka_unit_test(test_private_padding),
        cmocka_unit_test(test_relative_addresses),
        cmocka_unit_test(test_checksum_empty_fs),
        cmocka_unit_test(test_checksum_arithmetic),
        cmocka_unit_test(test_checksum_mismatch_reported),
        cmocka_unit_test(test_keep_and_replace),
        cmocka_unit_test(test_shorter_config_clears_old_extent),
        cmocka_unit_test(test_config_too_large),
        cmocka_unit_test(test_image_too_small),
        cmocka_unit_test(test_no_file_system),
        cmocka_unit_test(test_malformed_headers),
        cmocka_unit_test(test_private_absent),
        cmocka_unit_test(test_compressed_startup),
        cmocka_unit_test(test_compressed_corrupt),
        cmocka_unit_test(test_lzc_decoder),
        cmocka_unit_test(test_with_backup_layouts),
        cmocka_unit_test(test_detect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
