/* VM snapshots: file format, field lists, RAM pages, CPU (snapshot.h). */
#include "core/snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/errmsg.h"
#include "core/le_bytes.h"
#include "core/log.h"
#include "core/vm.h"
#include "dev/nic.h"
#include "mem/ghost.h"

#define SNAP_MAGIC "ODSNAP\0\1"
#define PAGE 4096u
#define RAM_END 0xFFFFFFFFu

enum { BASE_ZERO = 0, BASE_GHOST = 1 };

/* ------------------------------------------------------------ writer */

static void w_raw(struct snap_writer *w, const void *p, size_t n)
{
    if (!w->err && n && fwrite(p, 1, n, w->f) != n)
        w->err = errno ? errno : EIO;
}

static void w_u32(struct snap_writer *w, uint32_t v)
{
    uint8_t b[4];
    put_le(b, v, 4);
    w_raw(w, b, 4);
}

static void w_u64(struct snap_writer *w, uint64_t v)
{
    uint8_t b[8];
    put_le(b, v, 8);
    w_raw(w, b, 8);
}

void snap_begin(struct snap_writer *w, const char *kind, const char *name)
{
    char k[4] = {0};
    memcpy(k, kind, strnlen(kind, 4));
    w_raw(w, k, 4);
    w_u32(w, (uint32_t)strlen(name));
    w_raw(w, name, strlen(name));
    w->rec_len_pos = ftell(w->f);
    w->rec_len = 0;
    w_u64(w, 0); /* fixed by snap_end */
}

void snap_write(struct snap_writer *w, const void *data, size_t len)
{
    w_raw(w, data, len);
    w->rec_len += len;
}

void snap_end(struct snap_writer *w)
{
    long here = ftell(w->f);
    if (w->err || here < 0 || fseek(w->f, w->rec_len_pos, SEEK_SET) < 0) {
        w->err = w->err ? w->err : EIO;
        return;
    }
    w_u64(w, w->rec_len);
    if (fseek(w->f, here, SEEK_SET) < 0 && !w->err)
        w->err = EIO;
}

int snap_put(struct snap_writer *w, const char *kind, const char *name,
             const void *data, size_t len)
{
    snap_begin(w, kind, name);
    snap_write(w, data, len);
    snap_end(w);
    return w->err ? -w->err : 0;
}

/* ------------------------------------------------------------ reader */

static int reader_open(struct snap_reader *r, const char *path, char *err,
                       size_t errlen)
{
    memset(r, 0, sizeof(*r));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) < 0) {
        rc = errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
    } else if (st.st_size < 8) {
        rc = errf(err, errlen, -EINVAL, "%s is not a snapshot", path);
    } else {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
                       0);
        if (p == MAP_FAILED) {
            rc = errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
        } else {
            r->map = p;
            r->len = (size_t)st.st_size;
            if (memcmp(p, SNAP_MAGIC, 8) != 0)
                rc = errf(err, errlen, -EINVAL, "%s is not a snapshot of "
                          "this emulator", path);
        }
    }
    close(fd);
    if (rc < 0 && r->map) {
        munmap(r->map, r->len);
        r->map = NULL;
    }
    return rc;
}

static void reader_close(struct snap_reader *r)
{
    if (r->map)
        munmap(r->map, r->len);
    r->map = NULL;
}

const uint8_t *snap_find(const struct snap_reader *r, const char *kind,
                         const char *name, size_t *len)
{
    size_t pos = 8, nl = strlen(name);
    while (pos + 8 <= r->len) {
        const uint8_t *k = r->map + pos;
        uint64_t n = get_le(k + 4, 4);
        if (pos + 8 + n + 8 > r->len)
            return NULL;
        uint64_t dl = get_le(k + 8 + n, 8);
        const uint8_t *data = k + 16 + n;
        if (dl > r->len - (pos + 16 + n))
            return NULL;
        if (memcmp(k, "END\0", 4) == 0)
            return NULL;
        if (strncmp((const char *)k, kind, 4) == 0 && n == nl &&
            memcmp(k + 8, name, nl) == 0) {
            *len = (size_t)dl;
            return data;
        }
        pos += 16 + n + dl;
    }
    return NULL;
}

/* ------------------------------------------------------------ fields */

/*
 * Bytes of a field that are host pointers, not state: skipped both ways.
 * dev/nic.h's struct nic_mii starts with the PHY callbacks and their
 * context (the "mii" field of a DEC21140).
 */
static size_t host_prefix(const struct dev_field *f)
{
    if (strcmp(f->name, "mii") == 0 && f->size == sizeof(struct nic_mii))
        return offsetof(struct nic_mii, state);
    return 0;
}

int snap_put_fields(struct snap_writer *w, const char *name,
                    const void *base, const struct dev_field *fields)
{
    snap_begin(w, "FLDS", name);
    for (const struct dev_field *f = fields; f && f->name; f++) {
        size_t skip = host_prefix(f);
        uint8_t hdr[4];
        put_le(hdr, (uint32_t)strlen(f->name), 4);
        snap_write(w, hdr, 4);
        snap_write(w, f->name, strlen(f->name));
        put_le(hdr, (uint32_t)(f->size - skip), 4);
        snap_write(w, hdr, 4);
        snap_write(w, (const uint8_t *)base + f->offset + skip,
                   f->size - skip);
    }
    snap_end(w);
    return w->err ? -w->err : 0;
}

int snap_get_fields(const struct snap_reader *r, const char *name,
                    void *base, const struct dev_field *fields)
{
    size_t len, missing = 0;
    const uint8_t *d = snap_find(r, "FLDS", name, &len);
    for (const struct dev_field *f = fields; f && f->name; f++) {
        size_t skip = host_prefix(f), pos = 0, found = 0;
        while (d && pos + 8 <= len) {
            size_t nl = (size_t)get_le(d + pos, 4);
            if (pos + 8 + nl > len)
                break;
            size_t sz = (size_t)get_le(d + pos + 4 + nl, 4);
            const uint8_t *v = d + pos + 8 + nl;
            if (sz > len - (pos + 8 + nl))
                break;
            if (nl == strlen(f->name) && memcmp(d + pos + 4, f->name, nl) ==
                0 && sz == f->size - skip) {
                memcpy((uint8_t *)base + f->offset + skip, v, sz);
                found = 1;
                break;
            }
            pos += 8 + nl + sz;
        }
        missing += !found;
    }
    return (int)missing;
}

/* --------------------------------------------------------------- RAM */

static int page_is_zero(const uint8_t *p)
{
    const uint64_t *q = (const uint64_t *)(const void *)p;
    uint64_t acc = 0;
    for (unsigned i = 0; i < PAGE / 8; i++)
        acc |= q[i];
    return acc == 0;
}

/*
 * Pages to save: with a ghost base, those that differ from the ghost;
 * else the non-zero ones, skipping the holes of a RAM file.
 */
int snap_put_ram(struct snap_writer *w, const char *name,
                 const struct guest_ram *ram, char *err, size_t errlen)
{
    const uint8_t *base = NULL;
    struct ghost_info gi;
    int base_kind = ram->backing == RAM_GHOST ? BASE_GHOST : BASE_ZERO;
    int fd = -1;
    if (base_kind == BASE_GHOST) {
        int rc = ghost_read_info(ram->ghost_path, ram->size, &gi, err, errlen);
        if (rc < 0)
            return rc;
        fd = open(ram->ghost_path, O_RDONLY | O_CLOEXEC);
        void *p = fd < 0 ? MAP_FAILED
                         : mmap(NULL, ram->size, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            return errf(err, errlen, -e, "%s: %s", ram->ghost_path,
                        strerror(e));
        }
        base = p;
    } else if (ram->path) {
        fd = open(ram->path, O_RDONLY | O_CLOEXEC); /* for its holes */
    }
    snap_begin(w, "RAM", name);
    uint8_t hdr[12];
    put_le(hdr, ram->size, 8);
    put_le(hdr + 8, (uint32_t)base_kind, 4);
    snap_write(w, hdr, 12);
    if (base_kind == BASE_GHOST) {
        uint8_t g[28];
        put_le(g, gi.image_size, 8);
        put_le(g + 8, (uint64_t)gi.image_mtime_sec, 8);
        put_le(g + 16, (uint64_t)gi.image_mtime_nsec, 8);
        put_le(g + 24, (uint32_t)strlen(ram->ghost_path), 4);
        snap_write(w, g, 28);
        snap_write(w, ram->ghost_path, strlen(ram->ghost_path));
    }
    size_t npages = ram->size / PAGE;
    size_t i = 0;
    while (i < npages) {
        if (fd >= 0 && !base) {
            /* skip the file's holes: zero, never touched */
            off_t d = lseek(fd, (off_t)(i * PAGE), SEEK_DATA);
            if (d < 0)
                break; /* no data up to the end */
            if ((size_t)d / PAGE > i) {
                i = (size_t)d / PAGE;
                continue;
            }
        }
        const uint8_t *p = ram->host + i * PAGE;
        int same = base ? memcmp(p, base + i * PAGE, PAGE) == 0
                        : page_is_zero(p);
        if (same) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < npages) {
            const uint8_t *q = ram->host + j * PAGE;
            if (base ? memcmp(q, base + j * PAGE, PAGE) == 0
                     : page_is_zero(q))
                break;
            j++;
        }
        uint8_t run[8];
        put_le(run, (uint32_t)i, 4);
        put_le(run + 4, (uint32_t)(j - i), 4);
        snap_write(w, run, 8);
        snap_write(w, p, (j - i) * PAGE);
        i = j;
    }
    uint8_t end[4];
    put_le(end, RAM_END, 4);
    snap_write(w, end, 4);
    snap_end(w);
    if (base)
        munmap((void *)base, ram->size);
    if (fd >= 0)
        close(fd);
    return w->err ? errf(err, errlen, -w->err, "writing RAM: %s",
                         strerror(w->err))
                  : 0;
}

int snap_get_ram(const struct snap_reader *r, const char *name,
                 struct guest_ram *ram, char *err, size_t errlen)
{
    size_t len;
    const uint8_t *d = snap_find(r, "RAM", name, &len);
    if (!d || len < 16)
        return errf(err, errlen, -EINVAL, "no %s in the snapshot", name);
    uint64_t size = get_le(d, 8);
    int kind = (int)get_le(d + 8, 4);
    size_t pos = 12;
    if (size != ram->size)
        return errf(err, errlen, -EINVAL, "%s: the snapshot has %llu MB, the "
                    "VM %zu MB", name, (unsigned long long)(size >> 20),
                    ram->size >> 20);
    if (kind == BASE_GHOST) {
        if (len < pos + 28)
            return errf(err, errlen, -EINVAL, "%s: truncated", name);
        size_t pl = (size_t)get_le(d + pos + 24, 4);
        pos += 28 + pl;
        if (ram->backing != RAM_GHOST)
            return errf(err, errlen, -EINVAL, "%s: the snapshot runs on ghost "
                        "RAM the VM could not map", name);
    } else if (ram->backing == RAM_GHOST || ram->backing == RAM_GHOST_GEN) {
        return errf(err, errlen, -EINVAL, "%s: the snapshot was taken "
                    "without ghost RAM", name);
    }
    size_t npages = ram->size / PAGE;
    while (pos + 4 <= len) {
        uint32_t first = (uint32_t)get_le(d + pos, 4);
        if (first == RAM_END)
            return 0;
        if (pos + 8 > len)
            break;
        uint32_t n = (uint32_t)get_le(d + pos + 4, 4);
        pos += 8;
        if ((uint64_t)first + n > npages || (uint64_t)n * PAGE > len - pos)
            break;
        memcpy(ram->host + (size_t)first * PAGE, d + pos, (size_t)n * PAGE);
        pos += (size_t)n * PAGE;
    }
    return errf(err, errlen, -EINVAL, "%s: corrupt page list", name);
}

/* --------------------------------------------------------------- CPU */

#define CPU_FIELD(f) {#f, offsetof(struct mips_cpu, f), \
                      sizeof(((struct mips_cpu *)0)->f)}
static const struct dev_field cpu_fields[] = {
    CPU_FIELD(gpr), CPU_FIELD(hi), CPU_FIELD(lo), CPU_FIELD(pc),
    CPU_FIELD(cp0), CPU_FIELD(cp0_set1), CPU_FIELD(fpr), CPU_FIELD(fcr31),
    CPU_FIELD(ll_bit), CPU_FIELD(tlb), CPU_FIELD(random_base),
    CPU_FIELD(insn_count), CPU_FIELD(irq_lines), CPU_FIELD(timer_pending),
    CPU_FIELD(count_base), CPU_FIELD(time_base_ns),
    CPU_FIELD(compare_deadline_ns),
    {NULL, 0, 0},
};

/* ---------------------------------------------------------- whole VM */

static void info_line(char *buf, size_t len, size_t *n, const char *key,
                      const char *val)
{
    if (*n < len)
        *n += (size_t)snprintf(buf + *n, len - *n, "%s=%s\n", key,
                               val ? val : "");
}

int vm_save_state(struct vm *vm, const char *path, char *err, size_t errlen)
{
    if (!vm->mops->state_save)
        return errf(err, errlen, -ENOTSUP, "%s cannot be snapshotted",
                    vm->mops->name);
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid());
    struct snap_writer w = {.f = fopen(tmp, "wb")};
    if (!w.f)
        return errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
    w_raw(&w, SNAP_MAGIC, 8);

    char info[2048], num[32];
    size_t n = 0;
    info_line(info, sizeof(info), &n, "platform", vm->mops->name);
    info_line(info, sizeof(info), &n, "npe", vm->cfg.npe);
    info_line(info, sizeof(info), &n, "image", vm->cfg.image);
    snprintf(num, sizeof(num), "%u", vm->cfg.ram_mb);
    info_line(info, sizeof(info), &n, "ram_mb", num);
    info_line(info, sizeof(info), &n, "ghost_file",
              vm->ram.backing == RAM_GHOST ? vm->ram.ghost_path : "");
    snap_put(&w, "INFO", "vm", info, n < sizeof(info) ? n : sizeof(info));

    /* CPU: the fields, and Count as the guest reads it now */
    snap_put_fields(&w, "cpu", &vm->cpu, cpu_fields);
    uint8_t cnt[4];
    put_le(cnt, mips_cpu_count_read(&vm->cpu), 4);
    snap_put(&w, "CNT", "cpu", cnt, 4);

    int rc = snap_put_ram(&w, "dram", &vm->ram, err, errlen);
    if (rc == 0)
        rc = vm->mops->state_save(vm, &w, err, errlen);
    snap_put(&w, "END", "", NULL, 0);
    if (rc == 0 && w.err)
        rc = errf(err, errlen, -w.err, "%s: %s", path, strerror(w.err));
    if (fclose(w.f) != 0 && rc == 0)
        rc = errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
    if (rc == 0 && rename(tmp, path) < 0)
        rc = errf(err, errlen, -errno, "%s: %s", path, strerror(errno));
    if (rc < 0)
        unlink(tmp);
    return rc;
}

static void info_get(const uint8_t *d, size_t len, const char *key,
                     char *out, size_t outlen)
{
    size_t kl = strlen(key);
    out[0] = '\0';
    for (size_t pos = 0; pos < len;) {
        const uint8_t *nl = memchr(d + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - d) : len;
        if (end - pos > kl && memcmp(d + pos, key, kl) == 0 &&
            d[pos + kl] == '=') {
            size_t vl = end - pos - kl - 1;
            if (vl >= outlen)
                vl = outlen - 1;
            memcpy(out, d + pos + kl + 1, vl);
            out[vl] = '\0';
            return;
        }
        pos = end + 1;
    }
}

int snap_read_info(const char *path, struct snap_info *info, char *err,
                   size_t errlen)
{
    struct snap_reader r;
    memset(info, 0, sizeof(*info));
    int rc = reader_open(&r, path, err, errlen);
    if (rc < 0)
        return rc;
    size_t len;
    const uint8_t *d = snap_find(&r, "INFO", "vm", &len);
    if (!d) {
        reader_close(&r);
        return errf(err, errlen, -EINVAL, "%s: no VM description", path);
    }
    char num[32];
    info_get(d, len, "platform", info->platform, sizeof(info->platform));
    info_get(d, len, "npe", info->npe, sizeof(info->npe));
    info_get(d, len, "image", info->image, sizeof(info->image));
    info_get(d, len, "ghost_file", info->ghost_file,
             sizeof(info->ghost_file));
    info_get(d, len, "ram_mb", num, sizeof(num));
    info->ram_mb = (unsigned)strtoul(num, NULL, 10);
    reader_close(&r);
    return 0;
}

int vm_load_state(struct vm *vm, const char *path, char *err, size_t errlen)
{
    if (!vm->mops->state_load)
        return errf(err, errlen, -ENOTSUP, "%s cannot be snapshotted",
                    vm->mops->name);
    struct snap_reader r;
    int rc = reader_open(&r, path, err, errlen);
    if (rc < 0)
        return rc;
    size_t len;
    const uint8_t *cnt = snap_find(&r, "CNT", "cpu", &len);
    if (!cnt || len != 4) {
        rc = errf(err, errlen, -EINVAL, "%s: no CPU state", path);
        goto out;
    }
    /* devices first: they may raise lines the CPU record then sets */
    rc = snap_get_ram(&r, "dram", &vm->ram, err, errlen);
    if (rc == 0)
        rc = vm->mops->state_load(vm, &r, err, errlen);
    if (rc < 0)
        goto out;
    int missing = snap_get_fields(&r, "cpu", &vm->cpu, cpu_fields);
    if (missing) {
        rc = errf(err, errlen, -EINVAL, "%s: CPU state incomplete", path);
        goto out;
    }
    mips_cpu_state_loaded(&vm->cpu, (uint32_t)get_le(cnt, 4));
    log_msg(vm->log, "VM", "%s: state loaded from %s (pc=0x%08llx)",
            vm->cfg.name, path, (unsigned long long)(uint32_t)vm->cpu.pc);
out:
    reader_close(&r);
    return rc;
}
