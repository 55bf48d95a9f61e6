/*
 * IOS NVRAM file system: layouts, read, write, checksum (shared spec
 * c7200.md §13.3-13.6, c3600-c2691-c37xx.md §8). See ios_nvram_fs.h.
 */
#include "dev/ios_nvram_fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errmsg.h"
#include "dev/ios_nvram_lzc.h"

/* Startup-config header fields, offsets from fs+8 (c7200.md §13.4). */
#define SH_MAGIC 0
#define SH_FORMAT 2
#define SH_CHECKSUM 4
#define SH_UNK1 6
#define SH_START 8
#define SH_END 12
#define SH_LEN 16
#define SH_UNK3 24
#define SH_UNK4 28
#define SH_ULEN 32
/* Private-config header fields. */
#define PH_MAGIC 0
#define PH_FORMAT 2
#define PH_START 4
#define PH_END 8
#define PH_LEN 12

#define SIG_OFFSET 0x200 /* platform text in the ROM area, c7200.md §13.3 */
#define NO_OFFSET UINT64_MAX

/* With-backup layout: block sizes of the two copies (c3600-c2691 §8.3). */
#define BACKUP_NORMAL_BLOCK1 0x20000u
#define BACKUP_COPY_BLOCK1 0x1C000u

const struct ios_nvram_layout ios_nvram_layout_c7200 = {
    .name = "c7200", .signature = "7200", .offset = 0x800, .absolute = 1,
    .base_addr = 0x1E000800u, .pad = 4, .unk1 = 0x0C04,
};

/* c7200.md §13.1, §13.4; c3600-c2691-c37xx.md §8.2, §4.10, §8.4. */
static const struct ios_nvram_layout layouts[] = {
    {.name = "c7200-npe-g1", .signature = "7200", .offset = 0x800,
     .absolute = 1, .base_addr = 0x1E400800u, .pad = 4, .unk1 = 0x0C04},
    {.name = "c7200-npe-g2", .signature = "7200", .offset = 0x800,
     .absolute = 1, .base_addr = 0xFF000800u, .pad = 4, .unk1 = 0x0C04},
    {.name = "c3600", .signature = "3600", .offset = 0x800, .pad = 8,
     .unk1 = 0x0C04},
    {.name = "c2691", .aka = "c3725", .offset = 0xE0000, .size = 0x1C000,
     .pad = 4, .unk1 = 0x0C04, .with_backup = 1},
    {.name = "c3745", .offset = 0xB0000, .size = 0x4C000, .pad = 4,
     .unk1 = 0x0C04, .with_backup = 1},
};
#define N_LAYOUTS (1 + sizeof(layouts) / sizeof(layouts[0]))

const struct ios_nvram_layout *ios_nvram_layout_get(size_t i)
{
    if (i == 0) {
        return &ios_nvram_layout_c7200;
    }
    return i < N_LAYOUTS ? &layouts[i - 1] : NULL;
}

const struct ios_nvram_layout *ios_nvram_layout_find(const char *name)
{
    const struct ios_nvram_layout *l;
    for (size_t i = 0; (l = ios_nvram_layout_get(i)) != NULL; i++) {
        if (strcmp(l->name, name) == 0 ||
            (l->aka && strcmp(l->aka, name) == 0)) {
            return l;
        }
    }
    return NULL;
}

/* ---- a view of the file system: fs offset -> image byte(s) ---- */

struct fsv {
    const struct ios_nvram_layout *l;
    uint8_t *img;
    size_t area;   /* image offset of the area */
    size_t len;    /* file-system length (half the area with a backup) */
    size_t backup; /* with backup: where the backup copy's first block is */
};

static int fsv_open(const uint8_t *img, size_t len,
                    const struct ios_nvram_layout *l, struct fsv *v,
                    char *err, size_t errlen)
{
    size_t area;
    if (!img || !l) {
        return errf(err, errlen, -EINVAL, "no image or no layout");
    }
    if (l->size) {
        if (len < l->offset || len - l->offset < l->size) {
            return errf(err, errlen, -EINVAL,
                        "image of %zu bytes is too small for the %s NVRAM "
                        "(0x%zx bytes at offset 0x%zx)",
                        len, l->name, l->size, l->offset);
        }
        area = l->size;
    } else {
        area = len > l->offset ? len - l->offset : 0;
    }
    size_t fs_len = l->with_backup ? area / 2 : area;
    if (fs_len < IOS_NVRAM_MIN_AREA ||
        (l->with_backup && area % (2 * IOS_NVRAM_SECTOR_SIZE) != 0)) {
        return errf(err, errlen, -EINVAL,
                    "image of %zu bytes is too small for an IOS NVRAM file "
                    "system at offset 0x%zx (%s layout)",
                    len, l->offset, l->name);
    }
    if (l->absolute && (uint64_t)l->base_addr + fs_len > UINT32_MAX) {
        return errf(err, errlen, -EINVAL,
                    "NVRAM of %zu bytes does not fit below 4 GB at 0x%08x",
                    fs_len, l->base_addr);
    }
    v->l = l;
    v->img = (uint8_t *)img; /* written only by the write paths */
    v->area = l->offset;
    v->len = fs_len;
    v->backup = fs_len < BACKUP_NORMAL_BLOCK1 ? fs_len : BACKUP_NORMAL_BLOCK1;
    return 0;
}

/*
 * Where fs byte o of a copy (1 normal, 2 backup) lies in the image, and
 * how many bytes from there on are contiguous (c3600-c2691 §8.3: each
 * copy is two pieces; plain layouts are one piece, copy 1 only).
 */
static size_t run_at(const struct fsv *v, int copy, size_t o, size_t *at)
{
    size_t end = v->len;
    if (!v->l->with_backup) {
        *at = v->area + o;
    } else if (copy == 1) {
        if (o < BACKUP_NORMAL_BLOCK1) {
            *at = v->area + o;
            end = v->len < BACKUP_NORMAL_BLOCK1 ? v->len : BACKUP_NORMAL_BLOCK1;
        } else {
            *at = v->area + BACKUP_COPY_BLOCK1 + o;
        }
    } else {
        if (o < BACKUP_COPY_BLOCK1) {
            *at = v->area + v->backup + o;
            end = v->len < BACKUP_COPY_BLOCK1 ? v->len : BACKUP_COPY_BLOCK1;
        } else {
            *at = v->area + v->len + o;
        }
    }
    return end - o;
}

static size_t at1(const struct fsv *v, size_t o)
{
    size_t at;
    run_at(v, 1, o, &at);
    return at;
}

static uint8_t rd8(const struct fsv *v, size_t o)
{
    return v->img[at1(v, o)];
}

static uint16_t rd16(const struct fsv *v, size_t o)
{
    return (uint16_t)(rd8(v, o) << 8 | rd8(v, o + 1));
}

static uint32_t rd32(const struct fsv *v, size_t o)
{
    return (uint32_t)rd16(v, o) << 16 | rd16(v, o + 2);
}

static void wr8(struct fsv *v, size_t o, uint8_t b)
{
    size_t at;
    v->img[at1(v, o)] = b;
    if (v->l->with_backup) {
        run_at(v, 2, o, &at);
        v->img[at] = b; /* every write goes to both copies */
    }
}

static void wr16(struct fsv *v, size_t o, uint16_t x)
{
    wr8(v, o, (uint8_t)(x >> 8));
    wr8(v, o + 1, (uint8_t)x);
}

static void wr32(struct fsv *v, size_t o, uint32_t x)
{
    wr16(v, o, (uint16_t)(x >> 16));
    wr16(v, o + 2, (uint16_t)x);
}

/* Copies n bytes into fs offset o of every copy (p NULL: zeros). */
static void wr_run(struct fsv *v, size_t o, const uint8_t *p, size_t n)
{
    for (int copy = 1; copy <= (v->l->with_backup ? 2 : 1); copy++) {
        for (size_t done = 0; done < n;) {
            size_t at, k = run_at(v, copy, o + done, &at);
            k = k < n - done ? k : n - done;
            if (p) {
                memcpy(v->img + at, p + done, k);
            } else {
                memset(v->img + at, 0, k);
            }
            done += k;
        }
    }
}

static void wr_bytes(struct fsv *v, size_t o, const void *p, size_t n)
{
    wr_run(v, o, p, n);
}

static void wr_zero(struct fsv *v, size_t o, size_t n)
{
    wr_run(v, o, NULL, n);
}

static int rd_bytes(const struct fsv *v, size_t o, size_t n, char **out)
{
    char *p = malloc(n + 1);
    if (!p) {
        return -ENOMEM;
    }
    for (size_t done = 0; done < n;) {
        size_t at, k = run_at(v, 1, o + done, &at);
        k = k < n - done ? k : n - done;
        memcpy(p + done, v->img + at, k);
        done += k;
    }
    p[n] = 0;
    *out = p;
    return 0;
}

/* Header address of fs offset o, and back (NO_OFFSET when impossible). */
static uint32_t addr_of(const struct fsv *v, size_t o)
{
    return v->l->absolute ? v->l->base_addr + (uint32_t)o : (uint32_t)(o - 8);
}

static uint64_t offset_of(const struct fsv *v, uint32_t addr)
{
    if (v->l->absolute) {
        return addr >= v->l->base_addr ? (uint64_t)(addr - v->l->base_addr)
                                       : NO_OFFSET;
    }
    return (uint64_t)addr + 8;
}

/* Offset of the private-config header after startup data ending at o. */
static uint64_t private_header_at(const struct fsv *v, uint64_t o)
{
    return o % 4 ? o + v->l->pad - o % 4 : o; /* pad-4 / pad-8, §8.1 */
}

static uint16_t checksum(const struct fsv *v)
{
    uint64_t sum = 0;
    for (size_t o = IOS_NVRAM_FS_HEADER; o < v->len;) {
        size_t at, n = run_at(v, 1, o, &at);
        const uint8_t *p = v->img + at;
        for (size_t i = 0; i < n; i++) {
            /* even fs offsets are high bytes; an odd last byte too */
            sum += (o + i) % 2 ? p[i] : (uint32_t)p[i] << 8;
        }
        o += n;
    }
    /* the field itself counts as 0 */
    sum -= rd16(v, IOS_NVRAM_CHECKSUM_OFFSET);
    while (sum >> 16) {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

uint16_t ios_nvram_fs_checksum(const uint8_t *img, size_t len,
                               const struct ios_nvram_layout *l)
{
    struct fsv v;
    return fsv_open(img, len, l, &v, NULL, 0) < 0 ? 0 : checksum(&v);
}

void ios_nvram_configs_free(struct ios_nvram_configs *c)
{
    if (c) {
        free(c->startup);
        free(c->priv);
        memset(c, 0, sizeof(*c));
    }
}

/* ---- read ---- */

static int check_backup(const struct fsv *v, char *err, size_t errlen)
{
    if (!v->l->with_backup) {
        return 0;
    }
    for (size_t o = 0; o < v->len;) {
        size_t a1, a2, n1 = run_at(v, 1, o, &a1), n2 = run_at(v, 2, o, &a2);
        size_t n = n1 < n2 ? n1 : n2;
        if (memcmp(v->img + a1, v->img + a2, n) != 0) {
            while (v->img[a1] == v->img[a2]) {
                o++, a1++, a2++;
            }
            return errf(err, errlen, -EBADMSG,
                        "backup copy differs from the file system at offset "
                        "0x%zx (image offsets 0x%zx and 0x%zx)", o, a1, a2);
        }
        o += n;
    }
    return 0;
}

static int area_blank(const struct fsv *v)
{
    for (size_t o = 0; o < v->len;) {
        size_t at, n = run_at(v, 1, o, &at);
        for (size_t i = 0; i < n; i++) {
            if (v->img[at + i]) {
                return 0;
            }
        }
        o += n;
    }
    return 1;
}

/* Data range [start, start+len) of a header must lie in [min, fs end). */
static int check_range(const struct fsv *v, const char *what, size_t hdr,
                       uint32_t start, uint32_t end, uint32_t len,
                       size_t min, uint64_t *data, char *err, size_t errlen)
{
    if ((uint64_t)start + len != end) {
        return errf(err, errlen, -EBADMSG,
                    "%s header at offset 0x%zx: end address 0x%08x is not "
                    "start 0x%08x + length %u", what, at1(v, hdr), end,
                    start, len);
    }
    uint64_t o = offset_of(v, start);
    if (o == NO_OFFSET || o < min || o > v->len || len > v->len - o) {
        uint32_t lo = addr_of(v, min), hi = addr_of(v, v->len);
        return errf(err, errlen, -EBADMSG,
                    "%s header at offset 0x%zx: data 0x%08x-0x%08x lies "
                    "outside the file system (0x%08x-0x%08x)", what,
                    at1(v, hdr), start, end, lo, hi);
    }
    *data = o;
    return 0;
}

static int read_startup(const struct fsv *v, struct ios_nvram_configs *c,
                        uint64_t *data_end, char *err, size_t errlen)
{
    const size_t h = IOS_NVRAM_FS_HEADER;
    uint16_t magic = rd16(v, h + SH_MAGIC);
    uint16_t format = rd16(v, h + SH_FORMAT);
    uint32_t start = rd32(v, h + SH_START), end = rd32(v, h + SH_END);
    uint32_t len = rd32(v, h + SH_LEN), ulen = rd32(v, h + SH_ULEN);
    uint64_t o;
    int rc;

    if (magic != IOS_NVRAM_STARTUP_MAGIC) {
        return errf(err, errlen, -EBADMSG,
                    "startup-config header at offset 0x%zx: magic 0x%04x "
                    "(expected 0x%04x)", at1(v, h), magic,
                    IOS_NVRAM_STARTUP_MAGIC);
    }
    if (format != IOS_NVRAM_FORMAT_RAW &&
        format != IOS_NVRAM_FORMAT_COMPRESSED) {
        return errf(err, errlen, -EBADMSG,
                    "startup-config header at offset 0x%zx: unknown format "
                    "%u (1 = raw, 2 = compressed)", at1(v, h), format);
    }
    rc = check_range(v, "startup-config", h, start, end, len,
                     IOS_NVRAM_FS_HEADER + IOS_NVRAM_STARTUP_HEADER, &o, err,
                     errlen);
    if (rc < 0) {
        return rc;
    }
    *data_end = o + len;
    c->startup_stored = len;
    if (format == IOS_NVRAM_FORMAT_RAW) {
        rc = rd_bytes(v, (size_t)o, len, &c->startup);
        if (rc < 0) {
            return errf(err, errlen, rc, "out of memory");
        }
        c->startup_len = len;
        return 0;
    }

    /* Format 2: expand to the uncompressed length (c7200.md §13.6). */
    if (ulen > IOS_NVRAM_MAX_CONFIG) {
        return errf(err, errlen, -EBADMSG,
                    "startup-config header at offset 0x%zx: uncompressed "
                    "length %u is implausible (limit %u)", at1(v, h), ulen,
                    IOS_NVRAM_MAX_CONFIG);
    }
    char *z;
    rc = rd_bytes(v, (size_t)o, len, &z);
    if (rc < 0) {
        return errf(err, errlen, rc, "out of memory");
    }
    uint8_t *text;
    size_t tlen;
    char why[160];
    /* One byte beyond the header's length tells "longer" from "equal". */
    rc = ios_nvram_lzc_decode((const uint8_t *)z, len, (size_t)ulen + 1,
                              &text, &tlen, why, sizeof(why));
    free(z);
    if (rc < 0) {
        return errf(err, errlen, rc,
                    "compressed startup-config at offset 0x%zx: %s",
                    at1(v, (size_t)o), why);
    }
    if (tlen != ulen) {
        free(text);
        return errf(err, errlen, -EBADMSG,
                    "compressed startup-config at offset 0x%zx expands to "
                    "%s%zu bytes, its header says %u", at1(v, (size_t)o),
                    tlen > ulen ? "more than " : "",
                    tlen > ulen ? (size_t)ulen : tlen, ulen);
    }
    c->startup = (char *)text;
    c->startup_len = tlen;
    c->startup_compressed = 1;
    return 0;
}

static int read_private(const struct fsv *v, struct ios_nvram_configs *c,
                        uint64_t startup_end, char *err, size_t errlen)
{
    uint64_t h = private_header_at(v, startup_end);
    if (h + IOS_NVRAM_PRIVATE_HEADER > v->len ||
        rd16(v, (size_t)h + PH_MAGIC) != IOS_NVRAM_PRIVATE_MAGIC) {
        return 0; /* none (c7200.md §13.6) */
    }
    size_t hh = (size_t)h;
    uint16_t format = rd16(v, hh + PH_FORMAT);
    if (format != IOS_NVRAM_FORMAT_RAW) {
        return errf(err, errlen, -EBADMSG,
                    "private-config header at offset 0x%zx: unknown format "
                    "%u (1 = raw)", at1(v, hh), format);
    }
    uint32_t len = rd32(v, hh + PH_LEN);
    uint64_t o;
    int rc = check_range(v, "private-config", hh, rd32(v, hh + PH_START),
                         rd32(v, hh + PH_END), len,
                         hh + IOS_NVRAM_PRIVATE_HEADER, &o, err, errlen);
    if (rc < 0) {
        return rc;
    }
    rc = rd_bytes(v, (size_t)o, len, &c->priv);
    if (rc < 0) {
        return errf(err, errlen, rc, "out of memory");
    }
    c->priv_len = len;
    return 0;
}

static int read_fs(const struct fsv *v, struct ios_nvram_configs *out,
                   char *err, size_t errlen)
{
    struct ios_nvram_configs c = {0};
    int rc = check_backup(v, err, errlen);
    if (rc < 0) {
        return rc;
    }
    uint16_t magic = rd16(v, 6);
    if (magic != IOS_NVRAM_FS_MAGIC) {
        if (area_blank(v)) {
            return errf(err, errlen, -ENODATA,
                        "no IOS NVRAM file system: the area from offset "
                        "0x%zx is blank (no configuration was ever saved)",
                        v->area);
        }
        return errf(err, errlen, -ENODATA,
                    "no IOS NVRAM file system: magic at offset 0x%zx is "
                    "0x%04x (expected 0x%04x)", at1(v, 6), magic,
                    IOS_NVRAM_FS_MAGIC);
    }
    c.checksum_stored = rd16(v, IOS_NVRAM_CHECKSUM_OFFSET);
    c.checksum_computed = checksum(v);
    c.checksum_ok = c.checksum_stored == c.checksum_computed;

    if (rd16(v, IOS_NVRAM_FS_HEADER + SH_MAGIC) == 0) {
        *out = c; /* formatted, no configuration saved */
        return 0;
    }
    uint64_t end = 0;
    rc = read_startup(v, &c, &end, err, errlen);
    if (rc == 0) {
        rc = read_private(v, &c, end, err, errlen);
    }
    if (rc < 0) {
        ios_nvram_configs_free(&c);
        return rc;
    }
    *out = c;
    return 0;
}

int ios_nvram_fs_read(const uint8_t *img, size_t len,
                      const struct ios_nvram_layout *l,
                      struct ios_nvram_configs *out, char *err,
                      size_t errlen)
{
    struct fsv v;
    memset(out, 0, sizeof(*out));
    int rc = fsv_open(img, len, l, &v, err, errlen);
    return rc < 0 ? rc : read_fs(&v, out, err, errlen);
}

/* ---- write ---- */

static void format_fs(struct fsv *v)
{
    wr_zero(v, 0, v->len);
    wr16(v, 6, IOS_NVRAM_FS_MAGIC);
    wr16(v, IOS_NVRAM_CHECKSUM_OFFSET, 0xFFFF); /* §13.4: empty = 0xFFFF */
}

int ios_nvram_fs_format(uint8_t *img, size_t len,
                        const struct ios_nvram_layout *l, char *err,
                        size_t errlen)
{
    struct fsv v;
    int rc = fsv_open(img, len, l, &v, err, errlen);
    if (rc == 0) {
        format_fs(&v);
    }
    return rc;
}

/*
 * Where the configuration area in NVRAM ends now, so that a shorter new
 * config leaves nothing of the old one behind. Headers that make no sense
 * count as reaching the end of the file system.
 */
static size_t old_extent(const struct fsv *v)
{
    const size_t h = IOS_NVRAM_FS_HEADER;
    uint64_t end = h;
    if (rd16(v, h + SH_MAGIC) == IOS_NVRAM_STARTUP_MAGIC) {
        uint64_t o = offset_of(v, rd32(v, h + SH_START));
        uint32_t len = rd32(v, h + SH_LEN);
        if (o == NO_OFFSET || o > v->len || len > v->len - o) {
            return v->len;
        }
        end = o + len;
        uint64_t p = private_header_at(v, end);
        if (p + IOS_NVRAM_PRIVATE_HEADER <= v->len &&
            rd16(v, (size_t)p + PH_MAGIC) == IOS_NVRAM_PRIVATE_MAGIC) {
            o = offset_of(v, rd32(v, (size_t)p + PH_START));
            len = rd32(v, (size_t)p + PH_LEN);
            if (o == NO_OFFSET || o > v->len || len > v->len - o) {
                return v->len;
            }
            end = o + len > p + IOS_NVRAM_PRIVATE_HEADER
                      ? o + len : p + IOS_NVRAM_PRIVATE_HEADER;
        }
    }
    end = (end + IOS_NVRAM_SECTOR_SIZE - 1) / IOS_NVRAM_SECTOR_SIZE *
          IOS_NVRAM_SECTOR_SIZE; /* whole sectors, c7200.md §13.6 */
    return end > v->len ? v->len : (size_t)end;
}

int ios_nvram_fs_write(uint8_t *img, size_t len,
                       const struct ios_nvram_layout *l, const char *startup,
                       size_t startup_len, const char *priv, size_t priv_len,
                       char *err, size_t errlen)
{
    struct fsv v;
    struct ios_nvram_configs old = {0};
    int rc = fsv_open(img, len, l, &v, err, errlen);
    if (rc < 0) {
        return rc;
    }

    /* Read what is kept before anything is written. */
    int have_fs = rd16(&v, 6) == IOS_NVRAM_FS_MAGIC;
    if (have_fs && (!startup || !priv)) {
        char why[256];
        rc = read_fs(&v, &old, why, sizeof(why));
        if (rc == -EBADMSG) {
            return errf(err, errlen, rc, "cannot keep the %s in NVRAM: %s",
                        !startup ? "startup-config" : "private-config", why);
        }
        if (rc < 0) {
            return errf(err, errlen, rc, "%s", why);
        }
    }
    if (!startup) {
        startup = old.startup ? old.startup : "";
        startup_len = old.startup ? old.startup_len : 0;
    }
    if (!priv) {
        priv = old.priv ? old.priv : "";
        priv_len = old.priv ? old.priv_len : 0;
    }

    /* c7200.md §13.4: header, startup, pad, private header, private. */
    const size_t s_off = IOS_NVRAM_FS_HEADER + IOS_NVRAM_STARTUP_HEADER;
    uint64_t need = (uint64_t)s_off + startup_len;
    uint64_t p_hdr = private_header_at(&v, need);
    need = p_hdr + IOS_NVRAM_PRIVATE_HEADER + priv_len;
    if (startup_len > UINT32_MAX || priv_len > UINT32_MAX || need > v.len) {
        ios_nvram_configs_free(&old);
        return errf(err, errlen, -ENOSPC,
                    "startup-config (%zu bytes) and private-config (%zu "
                    "bytes) need %llu bytes of NVRAM file system; the %s "
                    "NVRAM has %zu", startup_len, priv_len,
                    (unsigned long long)need, l->name, v.len);
    }

    size_t clear_to = have_fs ? old_extent(&v) : 0;
    if (!have_fs) {
        format_fs(&v); /* c7200.md §13.6: create when the magic is missing */
    }
    const size_t h = IOS_NVRAM_FS_HEADER;
    uint32_t s_start = addr_of(&v, s_off);
    uint32_t s_end = s_start + (uint32_t)startup_len;
    wr_zero(&v, h, IOS_NVRAM_STARTUP_HEADER);
    wr16(&v, h + SH_MAGIC, IOS_NVRAM_STARTUP_MAGIC);
    wr16(&v, h + SH_FORMAT, IOS_NVRAM_FORMAT_RAW);
    wr16(&v, h + SH_UNK1, l->unk1);
    wr32(&v, h + SH_START, s_start);
    wr32(&v, h + SH_END, s_end);
    wr32(&v, h + SH_LEN, (uint32_t)startup_len);
    wr_bytes(&v, s_off, startup, startup_len);
    wr_zero(&v, s_off + startup_len, (size_t)p_hdr - (s_off + startup_len));

    size_t ph = (size_t)p_hdr, p_off = ph + IOS_NVRAM_PRIVATE_HEADER;
    uint32_t p_start = addr_of(&v, p_off);
    wr16(&v, ph + PH_MAGIC, IOS_NVRAM_PRIVATE_MAGIC);
    wr16(&v, ph + PH_FORMAT, IOS_NVRAM_FORMAT_RAW);
    wr32(&v, ph + PH_START, p_start);
    wr32(&v, ph + PH_END, p_start + (uint32_t)priv_len);
    wr32(&v, ph + PH_LEN, (uint32_t)priv_len);
    wr_bytes(&v, p_off, priv, priv_len);
    if (clear_to > need) {
        wr_zero(&v, (size_t)need, clear_to - (size_t)need);
    }
    wr16(&v, IOS_NVRAM_CHECKSUM_OFFSET, checksum(&v));
    ios_nvram_configs_free(&old);
    return 0;
}

/* ---- detection for images of unknown origin ---- */

static int has_signature(const uint8_t *img, size_t len,
                         const struct ios_nvram_layout *l)
{
    if (!l->signature) {
        return 0;
    }
    size_t n = strlen(l->signature);
    return len >= SIG_OFFSET + n &&
           memcmp(img + SIG_OFFSET, l->signature, n) == 0;
}

static int error_rank(int rc, int signed_match)
{
    if (rc == -EBADMSG) {
        return signed_match ? 4 : 3;
    }
    if (rc == -ENODATA) {
        return signed_match ? 2 : 1;
    }
    return 0;
}

int ios_nvram_fs_detect(const uint8_t *img, size_t len,
                        const struct ios_nvram_layout **found,
                        struct ios_nvram_configs *out, char *err,
                        size_t errlen)
{
    const struct ios_nvram_layout *l;
    int best_rc = -ENODATA, best_rank = -1;
    char msg[256];

    *found = NULL;
    memset(out, 0, sizeof(*out));
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; (l = ios_nvram_layout_get(i)) != NULL; i++) {
            int sig = has_signature(img, len, l);
            if (sig != (pass == 0)) {
                continue; /* signed layouts first, the rest after */
            }
            int rc = ios_nvram_fs_read(img, len, l, out, msg, sizeof(msg));
            if (rc == 0) {
                *found = l;
                return 0;
            }
            if (rc == -ENOMEM) {
                return errf(err, errlen, rc, "out of memory");
            }
            int rank = error_rank(rc, sig);
            if (rank > best_rank) {
                best_rank = rank;
                best_rc = rc;
                errf(err, errlen, rc, "%s (as %s NVRAM)", msg, l->name);
            }
        }
    }
    return best_rc;
}
