/*
 * Line-preserving edit of a network file: find the section by its header
 * (same bracket rules as ini.c), replace the key's line or add one after
 * the section's last key, keep the file's line ending style.
 */
#include "dynagen/netedit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dynagen/dg_util.h"
#include "dynagen/ini.h"

struct ne_line {
    const char *s;
    size_t len;    /* without the line end */
    size_t full;   /* with it */
    int eol;       /* the line has its LF */
};

/* Header depth and name of a line, or depth 0. */
static int ne_header(const char *s, size_t len, char **name)
{
    char *t = dg_strndup(s, len);
    dg_trim(t);
    int depth = 0;
    if (t[0] != '[') {
        free(t);
        return 0;
    }
    char *p = t;
    while (*p == '[' || (depth && dg_is_blank((unsigned char)*p))) {
        depth += *p == '[';
        p++;
    }
    char *close = strrchr(p, ']');
    if (!close) {
        free(t);
        return 0;
    }
    char *q = close;
    while (q >= p && (*q == ']' || dg_is_blank((unsigned char)*q))) {
        q--;
    }
    *name = dg_strndup(p, (size_t)(q + 1 - p));
    dg_trim(*name);
    size_t nl = strlen(*name);
    if (nl >= 2 && ((*name)[0] == '"' || (*name)[0] == '\'') &&
        (*name)[nl - 1] == (*name)[0]) {
        memmove(*name, *name + 1, nl - 2);
        (*name)[nl - 2] = '\0';
    }
    free(t);
    return depth;
}

/* The key of a "key = value" line, or NULL. */
static char *ne_key(const char *s, size_t len)
{
    char *t = dg_strndup(s, len);
    dg_trim(t);
    char *eq = strchr(t, '=');
    if (!t[0] || t[0] == '#' || t[0] == '[' || !eq) {
        free(t);
        return NULL;
    }
    *eq = '\0';
    dg_trim(t);
    size_t n = strlen(t);
    if (n >= 2 && (t[0] == '"' || t[0] == '\'') && t[n - 1] == t[0]) {
        memmove(t, t + 1, n - 2);
        t[n - 2] = '\0';
    }
    return t;
}

static size_t ne_indent(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t')) {
        i++;
    }
    return i;
}

char *netedit_apply(const char *text, const char *server, const char *section,
                    const char *key, const char *value, char **why)
{
    *why = NULL;
    struct ne_line *lines = NULL;
    size_t n = 0, cap = 0;
    const char *p = text;
    int crlf = 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t full = nl ? (size_t)(nl - p) + 1 : strlen(p);
        size_t len = nl ? (size_t)(nl - p) : full;
        if (len && p[len - 1] == '\r') {
            len--;
            crlf = 1;
        }
        dg_grow(&lines, &cap, n, sizeof(*lines));
        lines[n].s = p;
        lines[n].len = len;
        lines[n].full = full;
        lines[n].eol = nl != NULL;
        n++;
        p += full;
    }
    /* locate the section: [start, end) of its body */
    int want_depth = section ? 2 : 1;
    int in_server = 0;
    long hdr = -1, end = (long)n;
    for (size_t i = 0; i < n; i++) {
        char *name = NULL;
        int depth = ne_header(lines[i].s, lines[i].len, &name);
        if (!depth) {
            continue;
        }
        if (hdr >= 0) {
            end = (long)i;
            free(name);
            break;
        }
        if (depth == 1) {
            in_server = strcmp(name, server) == 0;
            if (in_server && want_depth == 1) {
                hdr = (long)i;
            }
        } else if (depth == 2 && in_server && want_depth == 2 &&
                   strcmp(name, section) == 0) {
            hdr = (long)i;
        }
        free(name);
    }
    if (hdr < 0) {
        free(lines);
        if (section) {
            *why = dg_printf("section [[%s]] not found under [%s]", section,
                             server);
        } else {
            *why = dg_printf("section [%s] not found", server);
        }
        return NULL;
    }
    /* the key's line, or the last key line of the section */
    long at = -1, last_key = -1;
    for (long i = hdr + 1; i < end; i++) {
        char *k = ne_key(lines[i].s, lines[i].len);
        if (!k) {
            continue;
        }
        last_key = i;
        if (strcmp(k, key) == 0) {
            at = i;
        }
        free(k);
    }
    char *qv = ini_quote_value(value);
    const char *eol = crlf ? "\r\n" : "\n";
    struct dg_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        if ((long)i == at) {
            dg_buf_addn(&b, lines[i].s, ne_indent(lines[i].s, lines[i].len));
            dg_buf_addf(&b, "%s = %s", key, qv);
            dg_buf_add(&b, lines[i].eol ? eol : "");
            continue;
        }
        long after = last_key >= 0 ? last_key : hdr;
        if (at < 0 && (long)i == after && !lines[i].eol) {
            /* the file had no final newline: end that line first */
            dg_buf_addn(&b, lines[i].s, lines[i].len);
            dg_buf_add(&b, eol);
        } else {
            dg_buf_addn(&b, lines[i].s, lines[i].full);
        }
        if (at < 0 && (long)i == after) {
            size_t ind = ne_indent(lines[i].s, lines[i].len);
            if (last_key >= 0) {
                dg_buf_addn(&b, lines[i].s, ind);
            } else {
                dg_buf_addn(&b, lines[i].s, ind);
                dg_buf_add(&b, "    ");
            }
            dg_buf_addf(&b, "%s = %s%s", key, qv, eol);
        }
    }
    free(qv);
    free(lines);
    return dg_buf_take(&b);
}

int netedit_set(const char *path, const char *server, const char *section,
                const char *key, const char *value, char **why)
{
    char *text;
    size_t len;
    int rc = dg_read_file(path, &text, &len);
    if (rc < 0) {
        *why = dg_printf("cannot read %s: %s", path, strerror(-rc));
        return -1;
    }
    char *out = netedit_apply(text, server, section, key, value, why);
    free(text);
    if (!out) {
        return -1;
    }
    rc = dg_write_file_atomic(path, out, strlen(out));
    free(out);
    if (rc < 0) {
        *why = dg_printf("cannot write %s: %s", path, strerror(-rc));
        return -1;
    }
    return 0;
}
