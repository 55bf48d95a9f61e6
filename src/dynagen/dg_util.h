/*
 * Small helpers shared by the dynagen layers: allocation that never
 * returns NULL, growable strings and string vectors, and the diagnostic
 * list every layer reports into ("file:line: what is wrong").
 */
#ifndef DYNAGEN_DG_UTIL_H
#define DYNAGEN_DG_UTIL_H

#include <stdarg.h>
#include <stddef.h>

#define DG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *dg_malloc(size_t n);
void *dg_calloc(size_t n, size_t size);
void *dg_realloc(void *p, size_t n);
char *dg_strdup(const char *s);
char *dg_strndup(const char *s, size_t n);
char *dg_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *dg_vprintf(const char *fmt, va_list ap);

/* Grow *v (element size elem) so that index n fits. */
void dg_grow(void *v, size_t *cap, size_t n, size_t elem);

struct dg_buf {
    char *s;    /* always NUL-terminated once anything was added */
    size_t len;
    size_t cap;
};

void dg_buf_addn(struct dg_buf *b, const char *s, size_t n);
void dg_buf_add(struct dg_buf *b, const char *s);
void dg_buf_addc(struct dg_buf *b, char c);
void dg_buf_addf(struct dg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Returns the string (never NULL) and leaves the buffer empty. */
char *dg_buf_take(struct dg_buf *b);
void dg_buf_free(struct dg_buf *b);

struct dg_strv {
    char **v;
    size_t n;
    size_t cap;
};

void dg_strv_push(struct dg_strv *sv, char *owned);
void dg_strv_free(struct dg_strv *sv);

/* Diagnostics: errors, warnings and notes in the order they were made. */
enum dg_diag_kind { DG_ERROR, DG_WARNING, DG_NOTE };

struct dg_diag_msg {
    enum dg_diag_kind kind;
    char *text; /* complete line, e.g. "lab.net:12: unknown adapter 'PA-9T'" */
};

struct dg_diag {
    struct dg_diag_msg *v;
    size_t n;
    size_t cap;
    size_t nerrors;
};

/* file may be NULL (no location); line <= 0 omits the line number. */
void dg_diag_add(struct dg_diag *d, enum dg_diag_kind kind, const char *file,
                 int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void dg_diag_vadd(struct dg_diag *d, enum dg_diag_kind kind, const char *file,
                  int line, const char *fmt, va_list ap);
#define dg_err(d, f, l, ...) dg_diag_add((d), DG_ERROR, (f), (l), __VA_ARGS__)
#define dg_warn(d, f, l, ...) dg_diag_add((d), DG_WARNING, (f), (l), __VA_ARGS__)
#define dg_note(d, f, l, ...) dg_diag_add((d), DG_NOTE, (f), (l), __VA_ARGS__)
void dg_diag_print(const struct dg_diag *d, void *stream);
void dg_diag_free(struct dg_diag *d);
/* Text of the first error, or NULL. */
const char *dg_diag_first_error(const struct dg_diag *d);

/* ASCII helpers (the network file is byte text; no locale). */
int dg_strcaseeq(const char *a, const char *b);
int dg_strncaseeq(const char *a, const char *b, size_t n);
int dg_is_blank(int c);
/* Trim blanks in place; returns s. */
char *dg_trim(char *s);
/* Parse a whole decimal integer (optional sign, blanks around allowed). */
int dg_parse_long(const char *s, long *out);
/* Split on runs of blanks; returns the count, tokens are new strings. */
size_t dg_split_ws(const char *s, struct dg_strv *out);

/* Read a whole file (NUL-terminated). Returns 0 or -errno. */
int dg_read_file(const char *path, char **text, size_t *len);
/* Write atomically: temp file in the same directory, fsync, rename. */
int dg_write_file_atomic(const char *path, const char *text, size_t len);

/* Directory of path (new string, "." when none), absolute when asked. */
char *dg_dirname(const char *path);
char *dg_abspath(const char *path);
char *dg_path_join(const char *dir, const char *name);
/* Last component with '/' as separator (the Dynagen host is Unix). */
const char *dg_basename(const char *path);
/* Monotonic clock in milliseconds. */
long long dg_now_ms(void);
void dg_sleep_ms(long ms);

#endif
