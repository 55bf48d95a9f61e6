/*
 * Emulator "remote control" device (shared spec c7200.md §17.5) and its
 * ROM monitor variable store (§17.3). Register map and protocol in
 * remote_ctl.h.
 */
#include "dev/remote_ctl.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/vtty.h"

#define LOG_TAG "ROM"
#define LOG_LINE_MAX 512
#define PHYS_CHUNK 64 /* 0x038 strings are read in aligned pieces */

struct rom_var {
    char *name;
    char *value;
};

struct remote_ctl {
    struct device dev;
    pthread_mutex_t lock;
    struct remote_ctl_config cfg; /* copy; rommon_vars_path points below */
    char *vars_path;
    struct rom_var *vars;
    size_t nvars, cap;

    uint32_t cookie_index;
    uint32_t var_pos;
    int32_t var_status;
    char var_buf[REMOTE_CTL_VAR_BUF];
    uint32_t log_len;
    char log_line[LOG_LINE_MAX];
    uint8_t var_overflow_logged;
    uint8_t logged[REMOTE_CTL_SIZE / 8];
    uint8_t logged_outside;
};

static const struct dev_field remote_ctl_fields[] = {
    {"cookie_index", offsetof(struct remote_ctl, cookie_index), 4},
    {"var_pos", offsetof(struct remote_ctl, var_pos), 4},
    {"var_status", offsetof(struct remote_ctl, var_status), 4},
    {"var_buf", offsetof(struct remote_ctl, var_buf), REMOTE_CTL_VAR_BUF},
    {"log_len", offsetof(struct remote_ctl, log_len), 4},
    {"log_line", offsetof(struct remote_ctl, log_line), LOG_LINE_MAX},
    {NULL, 0, 0},
};

static struct remote_ctl *to_rc(struct device *d)
{
    return DEV_CONTAINER(d, struct remote_ctl, dev);
}

static uint64_t size_mask(uint64_t v, unsigned size)
{
    return size >= 8 ? v : v & ((UINT64_C(1) << (size * 8)) - 1);
}

static void guest_error(struct remote_ctl *rc, uint64_t off, int is_write)
{
    if (off < REMOTE_CTL_SIZE) {
        uint8_t bit = (uint8_t)(1u << (off & 7));
        if (rc->logged[off >> 3] & bit) {
            return;
        }
        rc->logged[off >> 3] |= bit;
    } else {
        if (rc->logged_outside) {
            return;
        }
        rc->logged_outside = 1;
    }
    log_msg(rc->cfg.lg, "REMOTE", "guest error: %s at unknown offset 0x%llx",
            is_write ? "write" : "read", (unsigned long long)off);
}

/* ------------------------------------------------------------ variables */
static int valid_name(const char *name, size_t len)
{
    return len > 0 && !memchr(name, '\n', len) && !memchr(name, '=', len);
}

static int valid_value(const char *value, size_t len)
{
    return len <= REMOTE_CTL_VAR_VALUE_MAX && !memchr(value, '\n', len);
}

static struct rom_var *var_find(struct remote_ctl *rc, const char *name,
                                size_t len)
{
    for (size_t i = 0; i < rc->nvars; i++) {
        if (strlen(rc->vars[i].name) == len &&
            memcmp(rc->vars[i].name, name, len) == 0) {
            return &rc->vars[i];
        }
    }
    return NULL;
}

/* Store (or replace) one variable in memory. */
static int var_store(struct remote_ctl *rc, const char *name, size_t nlen,
                     const char *value, size_t vlen)
{
    char *v = strndup(value, vlen);
    if (!v) {
        return -ENOMEM;
    }
    struct rom_var *var = var_find(rc, name, nlen);
    if (var) {
        free(var->value);
        var->value = v;
        return 0;
    }
    if (rc->nvars == rc->cap) {
        size_t cap = rc->cap ? rc->cap * 2 : 8;
        struct rom_var *nv = realloc(rc->vars, cap * sizeof(*nv));
        if (!nv) {
            free(v);
            return -ENOMEM;
        }
        rc->vars = nv;
        rc->cap = cap;
    }
    char *n = strndup(name, nlen);
    if (!n) {
        free(v);
        return -ENOMEM;
    }
    rc->vars[rc->nvars].name = n;
    rc->vars[rc->nvars].value = v;
    rc->nvars++;
    return 0;
}

/* Parse "NAME=value" of the given length; 0 or -EINVAL / -ENOMEM. */
static int var_assign(struct remote_ctl *rc, const char *text, size_t len)
{
    const char *eq = memchr(text, '=', len);
    if (!eq) {
        return -EINVAL;
    }
    size_t nlen = (size_t)(eq - text);
    size_t vlen = len - nlen - 1;
    if (!valid_name(text, nlen) || !valid_value(eq + 1, vlen)) {
        return -EINVAL;
    }
    return var_store(rc, text, nlen, eq + 1, vlen);
}

/* Write the whole store to a temporary file, then rename it over. */
static int vars_save(struct remote_ctl *rc)
{
    if (!rc->vars_path) {
        return 0;
    }
    size_t plen = strlen(rc->vars_path);
    char *tmp = malloc(plen + sizeof(".XXXXXX"));
    if (!tmp) {
        return -ENOMEM;
    }
    memcpy(tmp, rc->vars_path, plen);
    memcpy(tmp + plen, ".XXXXXX", sizeof(".XXXXXX"));
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int err = -errno;
        free(tmp);
        return err;
    }
    /* Keep the mode of the file being replaced; mkstemp made it 0600. */
    struct stat st;
    mode_t mode = stat(rc->vars_path, &st) == 0 ? (st.st_mode & 07777) : 0644;
    (void)fchmod(fd, mode);
    FILE *fp = fdopen(fd, "w");
    if (!fp) {
        int err = -errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        return err;
    }
    for (size_t i = 0; i < rc->nvars; i++) {
        fprintf(fp, "%s=%s\n", rc->vars[i].name, rc->vars[i].value);
    }
    int err = 0;
    if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
        err = -errno;
    }
    if (fclose(fp) != 0 && !err) {
        err = -errno;
    }
    if (!err && rename(tmp, rc->vars_path) != 0) {
        err = -errno;
    }
    if (err) {
        unlink(tmp);
        log_msg(rc->cfg.lg, "REMOTE", "cannot write ROM variables to %s: %s",
                rc->vars_path, strerror(-err));
    }
    free(tmp);
    return err;
}

static void vars_load(struct remote_ctl *rc)
{
    FILE *fp = fopen(rc->vars_path, "r");
    if (!fp) {
        if (errno != ENOENT) {
            log_msg(rc->cfg.lg, "REMOTE", "cannot read ROM variables %s: %s",
                    rc->vars_path, strerror(errno));
        }
        return;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    while ((n = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        size_t len = (size_t)n;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
            len--;
        }
        if (len == 0) {
            continue;
        }
        if (memchr(line, '\0', len) || var_assign(rc, line, len) != 0) {
            log_msg(rc->cfg.lg, "REMOTE", "%s:%u: malformed line skipped",
                    rc->vars_path, lineno);
        }
    }
    free(line);
    fclose(fp);
}

static void vars_free(struct remote_ctl *rc)
{
    for (size_t i = 0; i < rc->nvars; i++) {
        free(rc->vars[i].name);
        free(rc->vars[i].value);
    }
    free(rc->vars);
    rc->vars = NULL;
    rc->nvars = rc->cap = 0;
}

static int var_set_locked(struct remote_ctl *rc, const char *text, size_t len)
{
    int err = var_assign(rc, text, len);
    if (err) {
        return err;
    }
    return vars_save(rc);
}

int remote_ctl_var_set(struct remote_ctl *rc, const char *assignment)
{
    pthread_mutex_lock(&rc->lock);
    int err = var_set_locked(rc, assignment, strlen(assignment));
    pthread_mutex_unlock(&rc->lock);
    return err;
}

int remote_ctl_var_get(struct remote_ctl *rc, const char *name, char *buf,
                       size_t size)
{
    pthread_mutex_lock(&rc->lock);
    struct rom_var *var = var_find(rc, name, strlen(name));
    int ret = -ENOENT;
    if (var) {
        size_t len = strlen(var->value);
        if (size) {
            size_t n = len < size - 1 ? len : size - 1;
            memcpy(buf, var->value, n);
            buf[n] = '\0';
        }
        ret = (int)len;
    }
    pthread_mutex_unlock(&rc->lock);
    return ret;
}

/* 0x058 commands on the character buffer. Lock held. */
static void var_command(struct remote_ctl *rc, uint32_t cmd)
{
    size_t len = strnlen(rc->var_buf, rc->var_pos);

    switch (cmd) {
    case REMOTE_CTL_VAR_SET:
        log_msg(rc->cfg.lg, "REMOTE", "set ROM variable '%.*s'", (int)len,
                rc->var_buf);
        rc->var_status = var_set_locked(rc, rc->var_buf, len) ? -1 : 0;
        break;
    case REMOTE_CTL_VAR_GET: {
        struct rom_var *var = var_find(rc, rc->var_buf, len);
        if (!var) {
            rc->var_status = -1;
            break;
        }
        memset(rc->var_buf, 0, sizeof(rc->var_buf));
        memcpy(rc->var_buf, var->value, strlen(var->value)); /* <= 511 */
        rc->var_pos = 0;
        rc->var_status = 0;
        break;
    }
    case REMOTE_CTL_VAR_RESET:
        rc->var_pos = 0;
        rc->var_status = 0;
        break;
    default:
        log_msg(rc->cfg.lg, "REMOTE", "guest error: ROM variable command %u",
                cmd);
        rc->var_status = -1;
        break;
    }
}

static void var_put_char(struct remote_ctl *rc, uint8_t c)
{
    if (rc->var_pos < sizeof(rc->var_buf)) {
        rc->var_buf[rc->var_pos++] = (char)c;
    } else if (!rc->var_overflow_logged) {
        rc->var_overflow_logged = 1;
        log_msg(rc->cfg.lg, "REMOTE", "guest error: ROM variable buffer full");
    }
}

static uint8_t var_get_char(struct remote_ctl *rc)
{
    if (rc->var_pos >= sizeof(rc->var_buf)) {
        return 0;
    }
    return (uint8_t)rc->var_buf[rc->var_pos++];
}

/* ------------------------------------------------------------ log output */
static void log_flush_locked(struct remote_ctl *rc)
{
    if (rc->log_len) {
        log_msg(rc->cfg.lg, LOG_TAG, "%.*s", (int)rc->log_len, rc->log_line);
        rc->log_len = 0;
    }
}

static void log_put_char(struct remote_ctl *rc, uint8_t c)
{
    if (c == '\n') {
        log_flush_locked(rc);
        return;
    }
    if (c == '\r') {
        return;
    }
    rc->log_line[rc->log_len++] = (char)c;
    if (rc->log_len == sizeof(rc->log_line)) {
        log_flush_locked(rc);
    }
}

/* 0x038: the string at a physical address, up to NUL or 512 characters. */
static void log_phys_string(struct remote_ctl *rc, uint64_t paddr)
{
    char s[REMOTE_CTL_LOG_STRING_MAX + 1];
    size_t n = 0;

    if (!rc->cfg.phys_read) {
        return;
    }
    while (n < REMOTE_CTL_LOG_STRING_MAX) {
        size_t chunk = PHYS_CHUNK - (size_t)((paddr + n) % PHYS_CHUNK);
        if (chunk > REMOTE_CTL_LOG_STRING_MAX - n) {
            chunk = REMOTE_CTL_LOG_STRING_MAX - n;
        }
        if (rc->cfg.phys_read(rc->cfg.ctx, paddr + n, s + n, chunk) < 0) {
            break;
        }
        char *z = memchr(s + n, '\0', chunk);
        if (z) {
            n = (size_t)(z - s);
            break;
        }
        n += chunk;
    }
    s[n] = '\0';
    log_msg(rc->cfg.lg, LOG_TAG, "%s", s);
}

/* ------------------------------------------------------------ access */
static uint32_t read_locked(struct remote_ctl *rc, uint64_t off, int *known)
{
    const struct remote_ctl_config *c = &rc->cfg;

    *known = 1;
    switch (off) {
    case REMOTE_CTL_SIGNATURE:
        return REMOTE_CTL_SIGNATURE_VALUE;
    case REMOTE_CTL_CPU_ID:
        return c->cpu_id;
    case REMOTE_CTL_RAM_MB:
        return c->ram_mb;
    case REMOTE_CTL_ROM_MB:
        return c->rom_mb;
    case REMOTE_CTL_NVRAM_KB:
        return c->nvram_kb;
    case REMOTE_CTL_IOMEM_MB:
        return c->iomem_mb;
    case REMOTE_CTL_CONFREG:
        return c->config_register ? c->config_register(c->ctx) : c->conf_reg;
    case REMOTE_CTL_ENTRY:
        return c->entry_point ? c->entry_point(c->ctx) : c->entry;
    case REMOTE_CTL_PLATFORM_ID:
        return c->platform_id;
    case REMOTE_CTL_RESTART:
        return 0; /* restart not implemented, c7200.md §17.5 */
    case REMOTE_CTL_NVRAM_ADDR:
        return c->nvram_addr;
    case REMOTE_CTL_NM_IOMEM:
        return c->nm_iomem;
    case REMOTE_CTL_COOKIE_INDEX:
        return rc->cookie_index;
    case REMOTE_CTL_COOKIE_DATA:
        return rc->cookie_index < REMOTE_CTL_COOKIE_WORDS
                   ? c->cookie[rc->cookie_index]
                   : 0;
    case REMOTE_CTL_VAR_CHAR:
        return var_get_char(rc);
    case REMOTE_CTL_VAR_CMD:
        return (uint32_t)rc->var_status;
    default:
        *known = 0;
        return 0;
    }
}

static uint64_t remote_read(struct device *d, uint64_t off, unsigned size)
{
    struct remote_ctl *rc = to_rc(d);
    int known;

    pthread_mutex_lock(&rc->lock);
    uint32_t v = read_locked(rc, off, &known);
    if (!known) {
        guest_error(rc, off, 0);
    }
    pthread_mutex_unlock(&rc->lock);
    return size_mask(v, size);
}

/* Actions that call out of the device run without the lock. */
enum remote_action {
    ACT_NONE = 0,
    ACT_STOP,
    ACT_DUMP_CPU,
    ACT_DUMP_MMU,
    ACT_CONSOLE,
    ACT_LOG_STRING,
};

static enum remote_action write_locked(struct remote_ctl *rc, uint64_t off,
                                       uint32_t v)
{
    switch (off) {
    case REMOTE_CTL_DUMP_CPU:
        return ACT_DUMP_CPU;
    case REMOTE_CTL_DUMP_MMU:
        return ACT_DUMP_MMU;
    case REMOTE_CTL_STOP:
        return ACT_STOP;
    case REMOTE_CTL_LOG_STRING:
        return ACT_LOG_STRING;
    case REMOTE_CTL_CONSOLE_CHAR:
        return ACT_CONSOLE;
    case REMOTE_CTL_LOG_CHAR:
        log_put_char(rc, (uint8_t)v);
        return ACT_NONE;
    case REMOTE_CTL_COOKIE_INDEX:
        rc->cookie_index = v;
        return ACT_NONE;
    case REMOTE_CTL_VAR_CHAR:
        var_put_char(rc, (uint8_t)v);
        return ACT_NONE;
    case REMOTE_CTL_VAR_CMD:
        var_command(rc, v);
        return ACT_NONE;
    default:
        guest_error(rc, off, 1);
        return ACT_NONE;
    }
}

static void remote_write(struct device *d, uint64_t off, unsigned size,
                         uint64_t value)
{
    struct remote_ctl *rc = to_rc(d);
    const struct remote_ctl_config *c = &rc->cfg;
    uint32_t v = (uint32_t)size_mask(value, size);

    pthread_mutex_lock(&rc->lock);
    enum remote_action act = write_locked(rc, off, v);
    pthread_mutex_unlock(&rc->lock);

    switch (act) {
    case ACT_STOP:
        log_msg(c->lg, "REMOTE", "ROM requested stop");
        if (c->stop) {
            c->stop(c->ctx);
        }
        break;
    case ACT_DUMP_CPU:
        if (c->dump_cpu) {
            c->dump_cpu(c->ctx);
        }
        break;
    case ACT_DUMP_MMU:
        if (c->dump_mmu) {
            c->dump_mmu(c->ctx);
        }
        break;
    case ACT_CONSOLE:
        if (c->console) {
            vtty_putc(c->console, (int)(v & 0xFF));
        }
        break;
    case ACT_LOG_STRING:
        log_phys_string(rc, v);
        break;
    default:
        break;
    }
}

static void remote_reset(struct device *d)
{
    struct remote_ctl *rc = to_rc(d);

    pthread_mutex_lock(&rc->lock);
    log_flush_locked(rc);
    rc->cookie_index = 0;
    rc->var_pos = 0;
    rc->var_status = 0;
    memset(rc->var_buf, 0, sizeof(rc->var_buf));
    pthread_mutex_unlock(&rc->lock);
}

static void remote_destroy(struct device *d)
{
    struct remote_ctl *rc = to_rc(d);

    log_flush_locked(rc);
    vars_free(rc);
    free(rc->vars_path);
    pthread_mutex_destroy(&rc->lock);
    free(rc);
}

static const struct device_ops remote_ops = {
    .read = remote_read,
    .write = remote_write,
    .reset = remote_reset,
    .destroy = remote_destroy,
    .fields = remote_ctl_fields,
};

struct remote_ctl *remote_ctl_create(const struct remote_ctl_config *c)
{
    struct remote_ctl *rc = calloc(1, sizeof(*rc));

    if (!rc) {
        errno = ENOMEM;
        return NULL;
    }
    rc->dev.name = "remote_ctl";
    rc->dev.ops = &remote_ops;
    rc->cfg = *c;
    if (c->rommon_vars_path) {
        rc->vars_path = strdup(c->rommon_vars_path);
        if (!rc->vars_path) {
            free(rc);
            errno = ENOMEM;
            return NULL;
        }
    }
    rc->cfg.rommon_vars_path = rc->vars_path;
    pthread_mutex_init(&rc->lock, NULL);
    if (rc->vars_path) {
        vars_load(rc);
    }
    return rc;
}

void remote_ctl_destroy(struct remote_ctl *rc)
{
    if (rc) {
        remote_destroy(&rc->dev);
    }
}

struct device *remote_ctl_device(struct remote_ctl *rc)
{
    return &rc->dev;
}
