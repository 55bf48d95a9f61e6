/*
 * Unix `compress` (.Z) decoder for compressed startup-configs. Format
 * facts: shared spec c7200.md §13.4 (format 2, magic 1F 9D, 9-16-bit LZW)
 * and the behaviour of the `compress` program it names (code groups,
 * block-mode clear code 256, deferred table entries).
 */
#include "dev/ios_nvram_lzc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errmsg.h"

#define LZC_MAGIC0 0x1F
#define LZC_MAGIC1 0x9D
#define LZC_HEADER 3
#define LZC_BITS_MASK 0x1F
#define LZC_BLOCK_MODE 0x80
#define LZC_INIT_BITS 9
#define LZC_MAX_BITS 16
#define LZC_CLEAR 256
#define LZC_TABLE (1u << LZC_MAX_BITS)

struct lzc_out {
    uint8_t *buf;
    size_t len;
    size_t cap;
    size_t max;
};

/* Appends up to n bytes; returns 1 once the output limit is reached. */
static int out_put(struct lzc_out *o, const uint8_t *p, size_t n)
{
    if (n > o->max - o->len) {
        n = o->max - o->len;
    }
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + n + 1) {
            cap *= 2;
        }
        uint8_t *nb = realloc(o->buf, cap);
        if (!nb) {
            return -ENOMEM;
        }
        o->buf = nb;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
    return o->len == o->max;
}

/* Reads an n-bit code at bit position pos, least significant bit first. */
static uint32_t get_code(const uint8_t *d, size_t dlen, uint64_t pos,
                         unsigned n)
{
    size_t byte = (size_t)(pos >> 3);
    uint32_t v = 0;
    for (unsigned i = 0; i < 3 && byte + i < dlen; i++) {
        v |= (uint32_t)d[byte + i] << (8 * i);
    }
    return (v >> (pos & 7)) & ((1u << n) - 1);
}

/* Skips to the end of the group of eight codes started at group_start. */
static uint64_t group_end(uint64_t pos, uint64_t group_start, unsigned n)
{
    uint64_t g = (uint64_t)n * 8;
    uint64_t used = pos - group_start;
    return group_start + (used + g - 1) / g * g;
}

int ios_nvram_lzc_decode(const uint8_t *in, size_t in_len, size_t max_out,
                         uint8_t **out, size_t *out_len, char *err,
                         size_t errlen)
{
    *out = NULL;
    *out_len = 0;
    if (in_len < LZC_HEADER || in[0] != LZC_MAGIC0 || in[1] != LZC_MAGIC1) {
        return errf(err, errlen, -EBADMSG,
                    "not a compress (.Z) stream (magic 1F 9D missing)");
    }
    unsigned max_bits = in[2] & LZC_BITS_MASK;
    int block_mode = (in[2] & LZC_BLOCK_MODE) != 0;
    if (max_bits < LZC_INIT_BITS || max_bits > LZC_MAX_BITS) {
        return errf(err, errlen, -EBADMSG,
                    "compress stream uses %u-bit codes (9-16 supported)",
                    max_bits);
    }

    uint16_t *prefix = malloc(LZC_TABLE * sizeof(*prefix));
    uint8_t *suffix = malloc(LZC_TABLE);
    uint8_t *stack = malloc(LZC_TABLE);
    struct lzc_out o = {.max = max_out};
    int rc = 0;
    if (!prefix || !suffix || !stack) {
        rc = -ENOMEM;
        goto done;
    }
    for (unsigned i = 0; i < 256; i++) {
        prefix[i] = 0;
        suffix[i] = (uint8_t)i;
    }

    const uint8_t *d = in + LZC_HEADER;
    size_t dlen = in_len - LZC_HEADER;
    uint64_t total = (uint64_t)dlen * 8;
    uint64_t pos = 0, group_start = 0;
    unsigned n_bits = LZC_INIT_BITS;
    uint32_t max_code = (1u << n_bits) - 1;
    uint32_t max_max = 1u << max_bits;
    uint32_t free_ent = block_mode ? LZC_CLEAR + 1 : LZC_CLEAR;
    int32_t old = -1;
    uint8_t fin = 0;

    if (max_out == 0) {
        goto done;
    }
    for (;;) {
        if (free_ent > max_code && n_bits < max_bits) {
            pos = group_end(pos, group_start, n_bits);
            group_start = pos;
            n_bits++;
            max_code = n_bits == max_bits ? max_max : (1u << n_bits) - 1;
        }
        if (pos + n_bits > total) {
            break;
        }
        uint32_t code = get_code(d, dlen, pos, n_bits);
        size_t at = LZC_HEADER + (size_t)(pos >> 3);
        pos += n_bits;

        if (old < 0) {
            if (code >= 256) {
                rc = errf(err, errlen, -EBADMSG,
                          "compress stream starts with code %u at byte %zu "
                          "(a literal byte expected)", code, at);
                goto done;
            }
            old = (int32_t)code;
            fin = (uint8_t)code;
            rc = out_put(&o, &fin, 1);
            if (rc != 0) {
                break;
            }
            continue;
        }
        if (code == LZC_CLEAR && block_mode) {
            pos = group_end(pos, group_start, n_bits);
            group_start = pos;
            n_bits = LZC_INIT_BITS;
            max_code = (1u << n_bits) - 1;
            free_ent = LZC_CLEAR; /* the next entry lands in the unused 256 */
            continue;
        }

        uint32_t incode = code;
        size_t sp = LZC_TABLE;
        if (code >= free_ent) {
            if (code > free_ent) {
                rc = errf(err, errlen, -EBADMSG,
                          "compress stream has code %u at byte %zu before "
                          "table entry %u exists", code, at, free_ent);
                goto done;
            }
            stack[--sp] = fin; /* the string being defined (KwKwK) */
            code = (uint32_t)old;
        }
        while (code >= 256) {
            if (sp == 0) { /* unreachable: chains are shorter than the table */
                rc = errf(err, errlen, -EBADMSG,
                          "compress stream table loop at byte %zu", at);
                goto done;
            }
            stack[--sp] = suffix[code];
            code = prefix[code];
        }
        fin = (uint8_t)code;
        stack[--sp] = fin;
        rc = out_put(&o, stack + sp, LZC_TABLE - sp);
        if (rc != 0) {
            break;
        }
        if (free_ent < max_max) {
            prefix[free_ent] = (uint16_t)old;
            suffix[free_ent] = fin;
            free_ent++;
        }
        old = (int32_t)incode;
    }
    if (rc > 0) {
        rc = 0; /* output limit reached */
    }
done:
    free(prefix);
    free(suffix);
    free(stack);
    if (rc < 0) {
        if (rc == -ENOMEM) {
            errf(err, errlen, rc, "out of memory decoding compressed data");
        }
        free(o.buf);
        return rc;
    }
    if (!o.buf) {
        o.buf = malloc(1);
        if (!o.buf) {
            return errf(err, errlen, -ENOMEM, "out of memory");
        }
    }
    o.buf[o.len] = 0;
    *out = o.buf;
    *out_len = o.len;
    return 0;
}
