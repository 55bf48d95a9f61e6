/*
 * The INI dialect of network files, dynagen.ini and the idle-PC database
 * (dynagen.md §2): `key = value` lines, `[name]` and `[[name]]` sections
 * (two levels), `#` comments, quoted and triple-quoted values, unquoted
 * values with a comma are lists. Keys and sections keep file order and
 * their line numbers. Nothing here knows what a key means.
 */
#ifndef DYNAGEN_INI_H
#define DYNAGEN_INI_H

#include <stddef.h>

#include "dynagen/dg_util.h"

struct ini_kv {
    char *key;
    char *value;   /* quotes removed; a list keeps its text as written */
    int line;
    int is_list;   /* unquoted value containing a comma (ConfigObj list) */
    int quoted;    /* the value was written in quotes */
};

struct ini_section {
    char *name;    /* brackets and outer blanks removed */
    int line;      /* line of the header (0 for the top level) */
    int depth;     /* 0 top level, 1 [x], 2 [[x]] */
    struct ini_kv *kv;
    size_t nkv, cap_kv;
    struct ini_section *sub;
    size_t nsub, cap_sub;
};

struct ini_doc {
    char *path;    /* as given, used in messages */
    struct ini_section top;
};

/*
 * Parse text (len bytes; NUL bytes are an error). Stops at the first
 * lexical error, reported as "path:line: ..." into d; returns 0 or -1.
 */
int ini_parse(struct ini_doc *doc, const char *path, const char *text,
              size_t len, struct dg_diag *d);
/* Read and parse a file; an unreadable file is an error "path: ...". */
int ini_load(struct ini_doc *doc, const char *path, struct dg_diag *d);
void ini_free(struct ini_doc *doc);

const struct ini_kv *ini_get(const struct ini_section *s, const char *key);
const struct ini_section *ini_sub(const struct ini_section *s,
                                  const char *name);

/* A value as it must be written back: quoted when needed. */
char *ini_quote_value(const char *value);

#endif
