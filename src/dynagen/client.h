/*
 * Hypervisor client (hypervisor.md §1-§3, dynagen.md §12.1): one TCP
 * connection per server, one command line out, one reply in (zero or
 * more "1NN text" lines, then a final "100-text" or "2NN-text").
 */
#ifndef DYNAGEN_CLIENT_H
#define DYNAGEN_CLIENT_H

#include "dynagen/dg_util.h"

struct hv_conn {
    char *host;
    int port;
    char *label;        /* host:port */
    int fd;             /* -1: not connected */
    int nosend;         /* dry run: nothing sent, every reply 100-OK */
    int debug;          /* print commands and replies on stderr */
    int timeout_ms;     /* per reply (the original: 300 s) */
    struct dg_buf in;   /* bytes read and not yet consumed */
};

struct hv_reply {
    int code;           /* code of the final line */
    struct dg_strv lines; /* all lines with their codes, without CRLF */
};

void hv_conn_init(struct hv_conn *c, const char *host, int port);
/* Connect; returns 0, or -1 with *why (allocated). */
int hv_connect(struct hv_conn *c, int timeout_ms, char **why);
/*
 * Send line (no newline) and read the reply. Returns 0 for a 100 reply,
 * 1 for an error reply (2NN, see r->code and hv_reply_text), -1 when the
 * server cannot be reached or the connection broke (*why; the connection
 * is then closed).
 */
int hv_send(struct hv_conn *c, const char *line, struct hv_reply *r,
            char **why);
void hv_close(struct hv_conn *c);
void hv_conn_free(struct hv_conn *c);

void hv_reply_free(struct hv_reply *r);
/* Text of the final line after "NNN-" (or the whole line). */
const char *hv_reply_text(const struct hv_reply *r);
/* Text of line i after its 4-character code prefix. */
const char *hv_line_text(const char *line);

/*
 * Parse a version text "0.2.8-RC2-x86" into a.b.c and RC (999 when a
 * release). Returns 0, or -1 if it is not a version.
 */
int hv_parse_version(const char *text, int *a, int *b, int *c, int *rc);

#endif
