/*
 * libFuzzer target for the IOS NVRAM file system (dev/ios_nvram_fs) and
 * the compress (.Z) decoder (dev/ios_nvram_lzc). Build and run with
 * tests/fuzz/run.sh.
 *
 * Input: byte 0 selects the layout (c7200, c3600, c7200-npe-g2, c2691 with
 * its backup copy) and byte 1 the config to push; the rest is the
 * file-system area, placed after a patterned ROM area (and, for c2691,
 * into both copies). Properties checked, beyond "no crash, no sanitizer
 * report":
 *   - reading never changes the image; results are NUL-terminated;
 *   - a failed push leaves the image byte-identical;
 *   - a successful push never touches the bytes before the area, and
 *     reads back exactly what was pushed (or kept), with a good checksum;
 *   - the .Z decoder respects its output limit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dev/ios_nvram_fs.h"
#include "dev/ios_nvram_lzc.h"

#define CHECK(c)                                                              \
    do {                                                                      \
        if (!(c)) {                                                           \
            __builtin_trap();                                                 \
        }                                                                     \
    } while (0)

static const char *const layout_names[4] = {"c7200", "c3600", "c7200-npe-g2",
                                            "c2691"};

static void check_configs(const struct ios_nvram_configs *c)
{
    if (c->startup) {
        CHECK(c->startup[c->startup_len] == 0);
    } else {
        CHECK(c->startup_len == 0);
    }
    if (c->priv) {
        CHECK(c->priv[c->priv_len] == 0);
    } else {
        CHECK(c->priv_len == 0);
    }
}

/* Builds the image; returns its length or 0 when the input cannot fit. */
static size_t build_image(const struct ios_nvram_layout *l,
                          const uint8_t *fs, size_t n, uint8_t **out)
{
    size_t len = l->size ? l->offset + l->size : l->offset + n;
    uint8_t *img = calloc(1, len ? len : 1);
    if (!img) {
        return 0;
    }
    memset(img, 0x5A, l->offset); /* the ROM's area: must survive */
    if (l->with_backup) {
        size_t half = l->size / 2; /* 0xE000: copies are contiguous */
        if (n > half) {
            n = half;
        }
        memcpy(img + l->offset, fs, n);
        memcpy(img + l->offset + half, fs, n);
    } else {
        memcpy(img + l->offset, fs, n);
    }
    *out = img;
    return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    const struct ios_nvram_layout *l =
        ios_nvram_layout_find(layout_names[data[0] & 3]);
    uint8_t op = data[1];
    const uint8_t *fs = data + 2;
    size_t n = size - 2;
    char err[512];

    /* The .Z decoder straight on the input, with a small limit. */
    uint8_t *z;
    size_t zlen;
    if (ios_nvram_lzc_decode(fs, n, 4096, &z, &zlen, err, sizeof(err)) == 0) {
        CHECK(zlen <= 4096 && z[zlen] == 0);
        free(z);
    }

    uint8_t *img = NULL;
    size_t len = build_image(l, fs, n, &img);
    if (!len) {
        return 0;
    }
    uint8_t *copy = malloc(len);
    if (!copy) {
        free(img);
        return 0;
    }
    memcpy(copy, img, len);

    /* Read: never writes, results well-formed. */
    struct ios_nvram_configs c;
    int read_rc = ios_nvram_fs_read(img, len, l, &c, err, sizeof(err));
    CHECK(memcmp(img, copy, len) == 0);
    if (read_rc == 0) {
        check_configs(&c);
    } else {
        CHECK(!c.startup && !c.priv);
    }

    /* Detection tries every layout over the whole image: only on small
     * ones, so that the 1 MB ROM images keep the run fast. */
    const struct ios_nvram_layout *found;
    struct ios_nvram_configs d;
    if (len <= 0x10000 &&
        ios_nvram_fs_detect(img, len, &found, &d, err, sizeof(err)) == 0) {
        CHECK(found != NULL);
        check_configs(&d);
        ios_nvram_configs_free(&d);
    }
    CHECK(memcmp(img, copy, len) == 0);

    /* Push: a slice of the input as startup and/or private config. */
    size_t cut = n ? (size_t)op * 7 % (n + 1) : 0;
    const char *s = (op & 0x01) ? NULL : (const char *)fs;
    size_t slen = s ? cut : 0;
    const char *p = (op & 0x02) ? NULL : (const char *)fs + cut;
    size_t plen = p ? n - cut : 0;
    int rc = ios_nvram_fs_write(img, len, l, s, slen, p, plen, err,
                                sizeof(err));
    if (rc < 0) {
        CHECK(memcmp(img, copy, len) == 0);
    } else {
        CHECK(memcmp(img, copy, l->offset) == 0);
        struct ios_nvram_configs e;
        CHECK(ios_nvram_fs_read(img, len, l, &e, err, sizeof(err)) == 0);
        CHECK(e.checksum_ok);
        CHECK(e.startup && e.priv);
        if (s) {
            CHECK(e.startup_len == slen && memcmp(e.startup, s, slen) == 0);
        } else if (c.startup) {
            CHECK(e.startup_len == c.startup_len &&
                  memcmp(e.startup, c.startup, c.startup_len) == 0);
        }
        if (p) {
            CHECK(e.priv_len == plen && memcmp(e.priv, p, plen) == 0);
        } else if (c.priv) {
            CHECK(e.priv_len == c.priv_len &&
                  memcmp(e.priv, c.priv, c.priv_len) == 0);
        }
        ios_nvram_configs_free(&e);
    }
    ios_nvram_configs_free(&c);
    free(copy);
    free(img);
    return 0;
}
