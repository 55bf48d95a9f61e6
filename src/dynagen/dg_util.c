/*
 * Helpers shared by the dynagen layers (see dg_util.h).
 */
#include "dynagen/dg_util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void dg_oom(void)
{
    fputs("dynagen: out of memory\n", stderr);
    abort();
}

void *dg_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        dg_oom();
    }
    return p;
}

void *dg_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        dg_oom();
    }
    return p;
}

void *dg_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        dg_oom();
    }
    return q;
}

char *dg_strdup(const char *s)
{
    return dg_strndup(s, strlen(s));
}

char *dg_strndup(const char *s, size_t n)
{
    char *p = dg_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *dg_vprintf(const char *fmt, va_list ap)
{
    if (!fmt) {
        return dg_strdup("");
    }
    va_list ap2;
    va_copy(ap2, ap);
    char probe[1];
    int n = vsnprintf(probe, sizeof(probe), fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        return dg_strdup("");
    }
    char *p = dg_malloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *dg_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = dg_vprintf(fmt, ap);
    va_end(ap);
    return p;
}

void dg_grow(void *v, size_t *cap, size_t n, size_t elem)
{
    void **pv = v;
    if (n < *cap) {
        return;
    }
    size_t nc = *cap ? *cap * 2 : 8;
    while (nc <= n) {
        nc *= 2;
    }
    *pv = dg_realloc(*pv, nc * elem);
    memset((char *)*pv + *cap * elem, 0, (nc - *cap) * elem);
    *cap = nc;
}

void dg_buf_addn(struct dg_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 64;
        while (nc < b->len + n + 1) {
            nc *= 2;
        }
        b->s = dg_realloc(b->s, nc);
        b->cap = nc;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void dg_buf_add(struct dg_buf *b, const char *s)
{
    dg_buf_addn(b, s, strlen(s));
}

void dg_buf_addc(struct dg_buf *b, char c)
{
    dg_buf_addn(b, &c, 1);
}

void dg_buf_addf(struct dg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = dg_vprintf(fmt, ap);
    va_end(ap);
    dg_buf_add(b, p);
    free(p);
}

char *dg_buf_take(struct dg_buf *b)
{
    char *s = b->s ? b->s : dg_strdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void dg_buf_free(struct dg_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void dg_strv_push(struct dg_strv *sv, char *owned)
{
    dg_grow(&sv->v, &sv->cap, sv->n + 1, sizeof(char *));
    sv->v[sv->n++] = owned;
    sv->v[sv->n] = NULL;
}

void dg_strv_free(struct dg_strv *sv)
{
    for (size_t i = 0; i < sv->n; i++) {
        free(sv->v[i]);
    }
    free(sv->v);
    sv->v = NULL;
    sv->n = sv->cap = 0;
}

void dg_diag_vadd(struct dg_diag *d, enum dg_diag_kind kind, const char *file,
                  int line, const char *fmt, va_list ap)
{
    struct dg_buf b = {0};
    if (file && line > 0) {
        dg_buf_addf(&b, "%s:%d: ", file, line);
    } else if (file) {
        dg_buf_addf(&b, "%s: ", file);
    }
    if (kind == DG_WARNING) {
        dg_buf_add(&b, "warning: ");
    } else if (kind == DG_NOTE) {
        dg_buf_add(&b, "note: ");
    }
    char *msg = dg_vprintf(fmt, ap);
    dg_buf_add(&b, msg);
    free(msg);
    dg_grow(&d->v, &d->cap, d->n, sizeof(d->v[0]));
    d->v[d->n].kind = kind;
    d->v[d->n].text = dg_buf_take(&b);
    d->n++;
    if (kind == DG_ERROR) {
        d->nerrors++;
    }
}

void dg_diag_add(struct dg_diag *d, enum dg_diag_kind kind, const char *file,
                 int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    dg_diag_vadd(d, kind, file, line, fmt, ap);
    va_end(ap);
}

void dg_diag_print(const struct dg_diag *d, void *stream)
{
    for (size_t i = 0; i < d->n; i++) {
        fprintf(stream, "%s\n", d->v[i].text);
    }
}

void dg_diag_free(struct dg_diag *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].text);
    }
    free(d->v);
    memset(d, 0, sizeof(*d));
}

const char *dg_diag_first_error(const struct dg_diag *d)
{
    for (size_t i = 0; i < d->n; i++) {
        if (d->v[i].kind == DG_ERROR) {
            return d->v[i].text;
        }
    }
    return NULL;
}

static int dg_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int dg_strcaseeq(const char *a, const char *b)
{
    while (*a && *b) {
        if (dg_lower((unsigned char)*a) != dg_lower((unsigned char)*b)) {
            return 0;
        }
        a++;
        b++;
    }
    return *a == *b;
}

int dg_strncaseeq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (dg_lower((unsigned char)a[i]) != dg_lower((unsigned char)b[i])) {
            return 0;
        }
        if (!a[i]) {
            return 1;
        }
    }
    return 1;
}

int dg_is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
}

char *dg_trim(char *s)
{
    size_t n = strlen(s);
    while (n && dg_is_blank((unsigned char)s[n - 1])) {
        s[--n] = '\0';
    }
    size_t i = 0;
    while (s[i] && dg_is_blank((unsigned char)s[i])) {
        i++;
    }
    if (i) {
        memmove(s, s + i, n - i + 1);
    }
    return s;
}

int dg_parse_long(const char *s, long *out)
{
    while (dg_is_blank((unsigned char)*s)) {
        s++;
    }
    if (!*s) {
        return -1;
    }
    const char *p = s;
    if (*p == '+' || *p == '-') {
        p++;
    }
    if (*p < '0' || *p > '9') {
        return -1;
    }
    errno = 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (errno) {
        return -1;
    }
    while (dg_is_blank((unsigned char)*end)) {
        end++;
    }
    if (*end) {
        return -1;
    }
    *out = v;
    return 0;
}

size_t dg_split_ws(const char *s, struct dg_strv *out)
{
    size_t before = out->n;
    while (*s) {
        while (*s && dg_is_blank((unsigned char)*s)) {
            s++;
        }
        if (!*s) {
            break;
        }
        const char *t = s;
        while (*s && !dg_is_blank((unsigned char)*s)) {
            s++;
        }
        dg_strv_push(out, dg_strndup(t, (size_t)(s - t)));
    }
    return out->n - before;
}

int dg_read_file(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return -errno;
    }
    struct dg_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        dg_buf_addn(&b, chunk, n);
    }
    int err = ferror(f) ? -EIO : 0;
    fclose(f);
    if (err) {
        dg_buf_free(&b);
        return err;
    }
    *len = b.len;
    *text = dg_buf_take(&b);
    return 0;
}

int dg_write_file_atomic(const char *path, const char *text, size_t len)
{
    char *tmp = dg_printf("%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = -errno;
        free(tmp);
        return e;
    }
    /* Keep the permissions of the file being replaced. */
    struct stat st;
    if (stat(path, &st) == 0) {
        (void)fchmod(fd, st.st_mode & 07777);
    } else {
        (void)fchmod(fd, 0644);
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            int e = -errno;
            close(fd);
            unlink(tmp);
            free(tmp);
            return e;
        }
        off += (size_t)w;
    }
    if (fsync(fd) < 0 || close(fd) < 0) {
        int e = -errno;
        unlink(tmp);
        free(tmp);
        return e;
    }
    if (rename(tmp, path) < 0) {
        int e = -errno;
        unlink(tmp);
        free(tmp);
        return e;
    }
    free(tmp);
    return 0;
}

char *dg_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        return dg_strdup(".");
    }
    if (slash == path) {
        return dg_strdup("/");
    }
    return dg_strndup(path, (size_t)(slash - path));
}

/* Remove "." and ".." components of an absolute path, lexically. */
static char *dg_normpath(const char *path)
{
    struct dg_strv parts = {0};
    const char *p = path;
    while (*p) {
        while (*p == '/') {
            p++;
        }
        const char *e = p;
        while (*e && *e != '/') {
            e++;
        }
        if (e == p) {
            break;
        }
        if (e - p == 1 && p[0] == '.') {
            /* skip */
        } else if (e - p == 2 && p[0] == '.' && p[1] == '.') {
            if (parts.n) {
                free(parts.v[--parts.n]);
                parts.v[parts.n] = NULL;
            }
        } else {
            dg_strv_push(&parts, dg_strndup(p, (size_t)(e - p)));
        }
        p = e;
    }
    struct dg_buf b = {0};
    for (size_t i = 0; i < parts.n; i++) {
        dg_buf_addf(&b, "/%s", parts.v[i]);
    }
    if (!parts.n) {
        dg_buf_add(&b, "/");
    }
    dg_strv_free(&parts);
    return dg_buf_take(&b);
}

char *dg_abspath(const char *path)
{
    char *r = realpath(path, NULL);
    if (r) {
        return r;
    }
    if (path[0] == '/') {
        return dg_normpath(path);
    }
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd))) {
        return dg_strdup(path);
    }
    char *j = dg_path_join(cwd, path);
    r = dg_normpath(j);
    free(j);
    return r;
}

char *dg_path_join(const char *dir, const char *name)
{
    if (name[0] == '/' || !dir[0]) {
        return dg_strdup(name);
    }
    size_t n = strlen(dir);
    if (n && dir[n - 1] == '/') {
        return dg_printf("%s%s", dir, name);
    }
    return dg_printf("%s/%s", dir, name);
}

const char *dg_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

long long dg_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void dg_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}
