/* Reply lines, hypervisor.md §3.1. */
#include "hv/hv_reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sent when not even the final line could be stored. */
static const char hv_reply_oom[] = "215-out of memory\r\n";

void hv_reply_init(struct hv_reply *r)
{
    memset(r, 0, sizeof(*r));
}

void hv_reply_free(struct hv_reply *r)
{
    free(r->buf);
    memset(r, 0, sizeof(*r));
}

static int reserve(struct hv_reply *r, size_t more)
{
    if (r->len + more <= r->cap)
        return 0;
    size_t cap = r->cap ? r->cap : 256;
    while (cap < r->len + more)
        cap *= 2;
    char *p = realloc(r->buf, cap);
    if (!p)
        return -1;
    r->buf = p;
    r->cap = cap;
    return 0;
}

void hv_reply_vline(struct hv_reply *r, int code, int final, const char *fmt,
                    va_list ap)
{
    if (r->done)
        return;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    /* "ddd" + sep + text + CR LF + NUL for vsnprintf */
    if (reserve(r, (size_t)n + 7) < 0) {
        r->nomem = 1;
        if (final)
            r->done = 1;
        return;
    }
    char *p = r->buf + r->len;
    p[0] = (char)('0' + code / 100 % 10);
    p[1] = (char)('0' + code / 10 % 10);
    p[2] = (char)('0' + code % 10);
    p[3] = final ? '-' : ' ';
    vsnprintf(p + 4, (size_t)n + 1, fmt, ap);
    /* Text never holds a line end: it would break the framing (§3.1). */
    for (int i = 0; i < n; i++)
        if (p[4 + i] == '\r' || p[4 + i] == '\n' || p[4 + i] == '\0')
            p[4 + i] = ' ';
    memcpy(p + 4 + n, "\r\n", 2);
    r->len += (size_t)n + 6;
    if (final)
        r->done = 1;
}

void hv_reply_info(struct hv_reply *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hv_reply_vline(r, 101, 0, fmt, ap);
    va_end(ap);
}

void hv_reply_final(struct hv_reply *r, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hv_reply_vline(r, code, 1, fmt, ap);
    va_end(ap);
}

void hv_reply_finish(struct hv_reply *r)
{
    if (r->nomem) {
        /* Part of the reply is missing: say so instead of a result. */
        r->len = 0;
        r->done = 0;
        r->nomem = 0;
        hv_reply_final(r, HSC_ERR_UNSPECIFIED, "out of memory");
        return;
    }
    if (!r->done)
        hv_reply_final(r, HSC_ERR_UNSPECIFIED, "internal error: no reply");
}

const char *hv_reply_data(const struct hv_reply *r, size_t *len)
{
    if (r->nomem || !r->done || !r->buf) {
        *len = sizeof(hv_reply_oom) - 1;
        return hv_reply_oom;
    }
    *len = r->len;
    return r->buf;
}
