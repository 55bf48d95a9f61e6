/*
 * Replies of the hypervisor protocol (hypervisor.md §3): lines
 * "<code><sep><text>\r\n", where <sep> is '-' on the last line of a reply
 * and ' ' on every other one. A reply collects its lines in memory; the
 * connection sends it whole.
 */
#ifndef HV_REPLY_H
#define HV_REPLY_H

#include <stdarg.h>
#include <stddef.h>

/* Reply codes, hypervisor.md §3.2 */
enum hv_code {
    HSC_INFO_OK = 100,
    HSC_INFO_MSG = 101,
    HSC_INFO_DEBUG = 102,
    HSC_ERR_PARSING = 200,
    HSC_ERR_UNK_MODULE = 201,
    HSC_ERR_UNK_CMD = 202,
    HSC_ERR_BAD_PARAM = 203,
    HSC_ERR_INV_PARAM = 204,
    HSC_ERR_BINDING = 205,
    HSC_ERR_CREATE = 206,
    HSC_ERR_DELETE = 207,
    HSC_ERR_UNK_OBJ = 208,
    HSC_ERR_START = 209,
    HSC_ERR_STOP = 210,
    HSC_ERR_FILE = 211,
    HSC_ERR_BAD_OBJ = 212,
    HSC_ERR_RENAME = 213,
    HSC_ERR_NOT_FOUND = 214,
    HSC_ERR_UNSPECIFIED = 215,
};

struct hv_reply {
    char *buf;
    size_t len, cap;
    int done;   /* the final line is in */
    int nomem;  /* a line was lost: the final line becomes 215 */
};

void hv_reply_init(struct hv_reply *r);
void hv_reply_free(struct hv_reply *r);

/* A continuation line (code 101 in practice). Ignored after the final. */
void hv_reply_info(struct hv_reply *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The final line; only the first one counts. */
void hv_reply_final(struct hv_reply *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void hv_reply_vline(struct hv_reply *r, int code, int final, const char *fmt,
                    va_list ap);

/*
 * Make the reply complete: without a final line (a command that forgot,
 * or lines lost to memory shortage) a 215 line ends it. After this the
 * reply is never empty and ends with a final line.
 */
void hv_reply_finish(struct hv_reply *r);

/* Bytes to send once finished; a static fallback when memory ran out. */
const char *hv_reply_data(const struct hv_reply *r, size_t *len);

#endif
