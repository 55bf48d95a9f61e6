/*
 * INI lexer for network files (dynagen.md §2.1, §2.2): the ConfigObj
 * subset that Dynagen files use, with file:line errors.
 */
#include "dynagen/ini.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ini_lexer {
    struct ini_doc *doc;
    struct dg_diag *d;
    const char *text;
    size_t len;
    size_t pos;      /* start of the next line */
    int lineno;      /* number of the line last returned */
    int cur_depth;   /* depth of the section keys go to */
};

/* Next physical line without its LF/CRLF; NULL at the end. */
static char *ini_next_line(struct ini_lexer *lx)
{
    if (lx->pos >= lx->len) {
        return NULL;
    }
    const char *s = lx->text + lx->pos;
    const char *nl = memchr(s, '\n', lx->len - lx->pos);
    size_t n = nl ? (size_t)(nl - s) : lx->len - lx->pos;
    lx->pos += n + (nl ? 1 : 0);
    lx->lineno++;
    if (n && s[n - 1] == '\r') {
        n--;
    }
    return dg_strndup(s, n);
}

static struct ini_section *ini_current(struct ini_lexer *lx)
{
    struct ini_section *s = &lx->doc->top;
    for (int d = 0; d < lx->cur_depth; d++) {
        s = &s->sub[s->nsub - 1];
    }
    return s;
}

static int ini_error(struct ini_lexer *lx, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int ini_error(struct ini_lexer *lx, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dg_diag_vadd(lx->d, DG_ERROR, lx->doc->path, line, fmt, ap);
    va_end(ap);
    return -1;
}

/* Rest of a line after a value: blanks, then nothing or a comment. */
static int ini_only_comment(const char *p)
{
    while (dg_is_blank((unsigned char)*p)) {
        p++;
    }
    return *p == '\0' || *p == '#';
}

static int ini_header(struct ini_lexer *lx, char *line)
{
    char *p = line;
    int open = 0;
    while (*p == '[' || (open && dg_is_blank((unsigned char)*p))) {
        if (*p == '[') {
            open++;
        }
        p++;
    }
    /* A comment may follow the closing brackets. */
    char *close = strrchr(p, ']');
    if (!close) {
        return ini_error(lx, lx->lineno,
                         "invalid line: section header without ']'");
    }
    if (!ini_only_comment(close + 1)) {
        return ini_error(lx, lx->lineno,
                         "invalid line: text after the section header");
    }
    int closed = 0;
    char *q = close;
    while (q >= p && (*q == ']' || (closed && dg_is_blank((unsigned char)*q)))) {
        if (*q == ']') {
            closed++;
        }
        q--;
    }
    char *name = dg_strndup(p, (size_t)(q + 1 - p));
    dg_trim(name);
    size_t nl = strlen(name);
    if (nl >= 2 && (name[0] == '"' || name[0] == '\'') && name[nl - 1] == name[0]) {
        memmove(name, name + 1, nl - 2);
        name[nl - 2] = '\0';
    }
    if (open != closed) {
        free(name);
        return ini_error(lx, lx->lineno,
                         "invalid section header: %d '[' but %d ']'", open,
                         closed);
    }
    if (!name[0]) {
        free(name);
        return ini_error(lx, lx->lineno, "empty section name");
    }
    if (open > 2 || open > lx->cur_depth + 1) {
        free(name);
        if (open == 2) {
            return ini_error(lx, lx->lineno,
                             "section too nested: [[...]] before any "
                             "[server] section");
        }
        return ini_error(lx, lx->lineno,
                         "section too nested: network files have two "
                         "levels, [server] and [[device]]");
    }
    struct ini_section *parent = &lx->doc->top;
    if (open == 2) {
        parent = &parent->sub[parent->nsub - 1];
    }
    for (size_t i = 0; i < parent->nsub; i++) {
        if (strcmp(parent->sub[i].name, name) == 0) {
            int first = parent->sub[i].line;
            free(name);
            return ini_error(lx, lx->lineno,
                             "duplicate section name [%s] (first at line %d)",
                             parent->sub[i].name, first);
        }
    }
    dg_grow(&parent->sub, &parent->cap_sub, parent->nsub, sizeof(*parent->sub));
    struct ini_section *s = &parent->sub[parent->nsub++];
    memset(s, 0, sizeof(*s));
    s->name = name;
    s->line = lx->lineno;
    s->depth = open;
    lx->cur_depth = open;
    return 0;
}

/*
 * Parse the value text of one line. Sets *value (new string), *is_list,
 * *quoted. A triple-quoted value may read further lines.
 */
static int ini_value(struct ini_lexer *lx, const char *v, char **value,
                     int *is_list, int *quoted)
{
    int start_line = lx->lineno;
    *is_list = 0;
    *quoted = 0;
    while (dg_is_blank((unsigned char)*v)) {
        v++;
    }
    if (strncmp(v, "\"\"\"", 3) == 0 || strncmp(v, "'''", 3) == 0) {
        char tq[4] = {v[0], v[0], v[0], '\0'};
        const char *body = v + 3;
        const char *end = strstr(body, tq);
        *quoted = 1;
        if (end) {
            if (!ini_only_comment(end + 3)) {
                return ini_error(lx, start_line,
                                 "invalid value: text after the closing %s",
                                 tq);
            }
            *value = dg_strndup(body, (size_t)(end - body));
            return 0;
        }
        struct dg_buf b = {0};
        dg_buf_add(&b, body);
        for (;;) {
            char *next = ini_next_line(lx);
            if (!next) {
                dg_buf_free(&b);
                return ini_error(lx, start_line,
                                 "unterminated triple-quoted value");
            }
            dg_buf_addc(&b, '\n');
            end = strstr(next, tq);
            if (end) {
                dg_buf_addn(&b, next, (size_t)(end - next));
                int ok = ini_only_comment(end + 3);
                free(next);
                if (!ok) {
                    dg_buf_free(&b);
                    return ini_error(lx, lx->lineno,
                                     "invalid value: text after the "
                                     "closing %s", tq);
                }
                *value = dg_buf_take(&b);
                return 0;
            }
            dg_buf_add(&b, next);
            free(next);
        }
    }

    /* One or more comma-separated items, each quoted or not. */
    const char *p = v;
    const char *first_item = NULL;
    size_t first_len = 0;
    int items = 0;
    int commas = 0;
    int first_quoted = 0;
    for (;;) {
        while (dg_is_blank((unsigned char)*p)) {
            p++;
        }
        if (*p == '"' || *p == '\'') {
            const char *endq = strchr(p + 1, *p);
            if (!endq) {
                return ini_error(lx, start_line,
                                 "invalid value: unterminated %c quote", *p);
            }
            if (items == 0) {
                first_item = p + 1;
                first_len = (size_t)(endq - p - 1);
                first_quoted = 1;
            }
            items++;
            p = endq + 1;
            while (dg_is_blank((unsigned char)*p)) {
                p++;
            }
            if (*p && *p != ',' && *p != '#') {
                return ini_error(lx, start_line,
                                 "invalid value: text after a quoted string");
            }
        } else if (*p && *p != ',' && *p != '#') {
            const char *s = p;
            while (*p && *p != ',' && *p != '#') {
                p++;
            }
            const char *e = p;
            while (e > s && dg_is_blank((unsigned char)e[-1])) {
                e--;
            }
            if (items == 0) {
                first_item = s;
                first_len = (size_t)(e - s);
            }
            items++;
        }
        if (*p == ',') {
            commas++;
            p++;
            continue;
        }
        break;
    }
    if (commas) {
        /* A list: keep the text as written, up to any comment. */
        const char *e = p;
        while (e > v && dg_is_blank((unsigned char)e[-1])) {
            e--;
        }
        *value = dg_strndup(v, (size_t)(e - v));
        *is_list = 1;
        return 0;
    }
    if (items == 0) {
        *value = dg_strdup("");
        return 0;
    }
    *quoted = first_quoted;
    *value = dg_strndup(first_item, first_len);
    return 0;
}

static int ini_keyvalue(struct ini_lexer *lx, char *line)
{
    char *p = line;
    char *key;
    if (*p == '"' || *p == '\'') {
        char *endq = strchr(p + 1, *p);
        if (!endq) {
            return ini_error(lx, lx->lineno,
                             "invalid line: unterminated quoted key");
        }
        key = dg_strndup(p + 1, (size_t)(endq - p - 1));
        p = endq + 1;
        while (dg_is_blank((unsigned char)*p)) {
            p++;
        }
        if (*p != '=') {
            free(key);
            return ini_error(lx, lx->lineno,
                             "invalid line: expected '=' after the key");
        }
    } else {
        char *eq = strchr(p, '=');
        if (!eq) {
            return ini_error(lx, lx->lineno,
                             "invalid line \"%s\": neither a comment, a "
                             "[section] nor key = value",
                             line);
        }
        key = dg_strndup(p, (size_t)(eq - p));
        dg_trim(key);
        p = eq;
        if (!key[0]) {
            free(key);
            return ini_error(lx, lx->lineno, "invalid line: empty key");
        }
    }
    int line_of_key = lx->lineno;
    char *value = NULL;
    int is_list, quoted;
    if (ini_value(lx, p + 1, &value, &is_list, &quoted) < 0) {
        free(key);
        return -1;
    }
    struct ini_section *s = ini_current(lx);
    for (size_t i = 0; i < s->nkv; i++) {
        if (strcmp(s->kv[i].key, key) == 0) {
            int first = s->kv[i].line;
            ini_error(lx, line_of_key,
                      "duplicate key '%s' in the same section (first at "
                      "line %d)",
                      key, first);
            free(key);
            free(value);
            return -1;
        }
    }
    dg_grow(&s->kv, &s->cap_kv, s->nkv, sizeof(*s->kv));
    struct ini_kv *kv = &s->kv[s->nkv++];
    kv->key = key;
    kv->value = value;
    kv->line = line_of_key;
    kv->is_list = is_list;
    kv->quoted = quoted;
    return 0;
}

int ini_parse(struct ini_doc *doc, const char *path, const char *text,
              size_t len, struct dg_diag *d)
{
    memset(doc, 0, sizeof(*doc));
    doc->path = dg_strdup(path);
    struct ini_lexer lx = {.doc = doc, .d = d, .text = text, .len = len};
    const char *nul = memchr(text, '\0', len);
    if (nul) {
        int line = 1;
        for (const char *c = text; c < nul; c++) {
            line += *c == '\n';
        }
        return ini_error(&lx, line, "NUL byte in the file");
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        lx.pos = 3; /* UTF-8 byte order mark */
    }
    char *line;
    while ((line = ini_next_line(&lx)) != NULL) {
        /* a control character inside a line (a stray CR...) would end up
         * in a hypervisor command: refuse it here */
        for (const char *c = line; *c; c++) {
            if ((unsigned char)*c < 0x20 && *c != '\t') {
                ini_error(&lx, lx.lineno, "control character 0x%02x in the "
                                          "line",
                          (unsigned char)*c);
                free(line);
                return -1;
            }
        }
        char *t = dg_trim(line);
        int rc = 0;
        if (t[0] == '\0' || t[0] == '#') {
            rc = 0;
        } else if (t[0] == '[') {
            rc = ini_header(&lx, t);
        } else {
            rc = ini_keyvalue(&lx, t);
        }
        free(line);
        if (rc < 0) {
            return -1;
        }
    }
    return 0;
}

int ini_load(struct ini_doc *doc, const char *path, struct dg_diag *d)
{
    char *text;
    size_t len;
    int rc = dg_read_file(path, &text, &len);
    if (rc < 0) {
        memset(doc, 0, sizeof(*doc));
        doc->path = dg_strdup(path);
        dg_err(d, path, 0, "cannot read the file: %s", strerror(-rc));
        return -1;
    }
    rc = ini_parse(doc, path, text, len, d);
    free(text);
    return rc;
}

static void ini_free_section(struct ini_section *s)
{
    for (size_t i = 0; i < s->nkv; i++) {
        free(s->kv[i].key);
        free(s->kv[i].value);
    }
    free(s->kv);
    for (size_t i = 0; i < s->nsub; i++) {
        ini_free_section(&s->sub[i]);
    }
    free(s->sub);
    free(s->name);
}

void ini_free(struct ini_doc *doc)
{
    ini_free_section(&doc->top);
    free(doc->path);
    memset(doc, 0, sizeof(*doc));
}

const struct ini_kv *ini_get(const struct ini_section *s, const char *key)
{
    for (size_t i = 0; i < s->nkv; i++) {
        if (strcmp(s->kv[i].key, key) == 0) {
            return &s->kv[i];
        }
    }
    return NULL;
}

const struct ini_section *ini_sub(const struct ini_section *s,
                                  const char *name)
{
    for (size_t i = 0; i < s->nsub; i++) {
        if (strcmp(s->sub[i].name, name) == 0) {
            return &s->sub[i];
        }
    }
    return NULL;
}

char *ini_quote_value(const char *value)
{
    int need = value[0] == '\0' || strpbrk(value, ",#") != NULL ||
               dg_is_blank((unsigned char)value[0]) ||
               dg_is_blank((unsigned char)value[strlen(value) - 1]) ||
               value[0] == '"' || value[0] == '\'';
    if (!need) {
        return dg_strdup(value);
    }
    if (!strchr(value, '"')) {
        return dg_printf("\"%s\"", value);
    }
    if (!strchr(value, '\'')) {
        return dg_printf("'%s'", value);
    }
    return dg_printf("\"\"\"%s\"\"\"", value);
}
