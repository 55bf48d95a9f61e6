/* Byte ring buffer (see bytering.h). */
#include "core/bytering.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int bytering_init(struct bytering *r, size_t cap)
{
    r->buf = malloc(cap ? cap : 1);
    r->cap = cap;
    r->head = r->len = 0;
    return r->buf ? 0 : -ENOMEM;
}

void bytering_free(struct bytering *r)
{
    free(r->buf);
    r->buf = NULL;
    r->cap = r->head = r->len = 0;
}

/* Copy n bytes (n <= free space) after the newest byte. */
static void put(struct bytering *r, const uint8_t *src, size_t n)
{
    size_t tail = (r->head + r->len) % r->cap;
    size_t first = r->cap - tail < n ? r->cap - tail : n;
    memcpy(r->buf + tail, src, first);
    memcpy(r->buf, src + first, n - first);
    r->len += n;
}

size_t bytering_push(struct bytering *r, const void *data, size_t n)
{
    if (n > bytering_space(r)) {
        n = bytering_space(r);
    }
    if (n) {
        put(r, data, n);
    }
    return n;
}

size_t bytering_push_overwrite(struct bytering *r, const void *data, size_t n)
{
    const uint8_t *src = data;
    size_t dropped = 0;
    if (!r->cap) {
        return n;
    }
    if (n > r->cap) {
        dropped = n - r->cap; /* older part of the new data */
        src += dropped;
        n = r->cap;
    }
    if (n > bytering_space(r)) {
        size_t k = n - bytering_space(r);
        bytering_consume(r, k);
        dropped += k;
    }
    put(r, src, n);
    return dropped;
}

int bytering_getc(struct bytering *r)
{
    if (!r->len) {
        return -1;
    }
    int c = r->buf[r->head];
    bytering_consume(r, 1);
    return c;
}

size_t bytering_peek(const struct bytering *r, const uint8_t **p)
{
    *p = r->buf + r->head;
    size_t first = r->cap - r->head;
    return r->len < first ? r->len : first;
}

void bytering_consume(struct bytering *r, size_t n)
{
    if (n >= r->len) {
        r->head = r->len = 0;
        return;
    }
    r->head = (r->head + n) % r->cap;
    r->len -= n;
}

void bytering_copy(const struct bytering *r, uint8_t *out)
{
    size_t first = r->cap - r->head;
    if (first > r->len) {
        first = r->len;
    }
    memcpy(out, r->buf + r->head, first);
    memcpy(out + first, r->buf, r->len - first);
}
