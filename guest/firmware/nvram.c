/*
 * nvram.c - startup-config in the IOS NVRAM file system (c7200.md
 * §13.3-13.5; c3600-c2691-c37xx.md §8), the layout the emulator's
 * push/extract and nvram_export read: an 8-byte header (magic 0xF0A5 at
 * +6), the 36-byte startup-config header at +8, the text at +44, zero
 * padding, the 16-byte private-config header and its text. Checksum: one's
 * complement of the end-around-carry sum of the 16-bit words from +8 to
 * the end of the file system, the field itself counted as 0.
 *
 * Where the file system is, per platform (§8.2):
 *   c7200: NVRAM + 0x800 (KSEG1 0xBE000800), header addresses are CPU
 *     physical addresses (0x1E000800 + offset), padding to 4 bytes.
 *   3620/3640/3660: NVRAM device at 0x1FE00000, + 0x800; addresses
 *     relative (offset - 8); "pad-8" before the private-config header
 *     (8 - offset mod 4 when not aligned).
 *   2691/3725/3745: inside the ROM flash (0x1FC00000) at 0xE0000
 *     (0x1C000 bytes) or 0xB0000 on the 3745 (0x4C000), two copies of a
 *     file system of half that size (§8.3); relative addresses, pad-4.
 *     Reads are plain; every byte is written with the flash's program
 *     sequence (§4.10: 0xAAA <- 0xAA, 0x555 <- 0x55, 0xAAA <- 0xA0, then
 *     the byte, stored as given), to both copies.
 *
 * NVRAM and flash answer only uncached accesses: KSEG1. The c7200's
 * calendar port (NVRAM offset 3) and the 3600's lie in the ROM's area
 * and are never touched.
 */
#include "fw.h"

#include "c7200.h"

#define FS_OFF 0x800u
#define SECTOR 1024u
#define ROM_BASE 0xBFC00000u   /* KSEG1 ROM flash */
#define NV3600_BASE 0xBFE00000u

#define FS_MAGIC 0xF0A5
#define ST_MAGIC 0xABCD
#define PV_MAGIC 0xFEDC
#define H_START 8        /* startup header at fs+8 */
#define H_LEN 36
#define DATA_OFF (H_START + H_LEN)
#define PH_LEN 16

/* The file system's place, set on first use. */
static struct {
    int init;
    volatile uint8_t *base;  /* normal copy (or the whole area) */
    uint32_t len;            /* file system length */
    uint32_t addr0;          /* header address of offset 0 */
    int pad8, flash;
} fs;

static void fs_setup(void)
{
    if (fs.init)
        return;
    fs.init = 1;
    switch (plat.fam) {
    case PF_C7200:
        fs.base = (volatile uint8_t *)(C7200_NVRAM_BASE + FS_OFF);
        fs.len = sysinfo.nvram_bytes > FS_OFF ? sysinfo.nvram_bytes - FS_OFF
                                              : 0;
        fs.addr0 = 0x1E000800u;
        break;
    case PF_C3600:
        fs.base = (volatile uint8_t *)(NV3600_BASE + FS_OFF);
        fs.len = sysinfo.nvram_bytes > FS_OFF ? sysinfo.nvram_bytes - FS_OFF
                                              : 0;
        fs.addr0 = (uint32_t)-8;
        fs.pad8 = 1;
        break;
    case PF_GT96K:
        fs.base = (volatile uint8_t *)(ROM_BASE +
                                       (plat.id == P_3745 ? 0xB0000u
                                                          : 0xE0000u));
        fs.len = plat.id == P_3745 ? 0x26000u : 0xE000u;
        fs.addr0 = (uint32_t)-8;
        fs.flash = 1;
        break;
    }
}

/* §8.3: area offset of file-system byte o in copy 0 (normal) or 1. */
static uint32_t area_off(int copy, uint32_t o)
{
    uint32_t b = fs.len < 0x20000u ? fs.len : 0x20000u;
    if (!copy)
        return o < 0x20000u ? o : 0x1C000u + o;
    return o < 0x1C000u ? b + o : fs.len + o;
}

static uint8_t nv_rd8(uint32_t o)
{
    return fs.flash ? fs.base[area_off(0, o)] : fs.base[o];
}

static void flash_program(volatile uint8_t *p, uint8_t v)
{
    volatile uint8_t *rom = (volatile uint8_t *)ROM_BASE;
    rom[0xAAA] = 0xAA;
    rom[0x555] = 0x55;
    rom[0xAAA] = 0xA0;
    *p = v;
}

static void nv_wr8(uint32_t o, uint8_t v)
{
    if (!fs.flash) {
        fs.base[o] = v;
        return;
    }
    for (int c = 0; c < 2; c++) {
        volatile uint8_t *p = fs.base + area_off(c, o);
        if (*p != v)
            flash_program(p, v);
    }
}

static uint32_t fs_len(void)
{
    fs_setup();
    return fs.len;
}

uint32_t nvram_fs_size(void)
{
    return fs_len();
}

static uint16_t rd16(uint32_t o)
{
    return (uint16_t)(nv_rd8(o) << 8 | nv_rd8(o + 1));
}

static uint32_t rd32(uint32_t o)
{
    return (uint32_t)rd16(o) << 16 | rd16(o + 2);
}

static void wr16(uint32_t o, uint16_t v)
{
    nv_wr8(o, (uint8_t)(v >> 8));
    nv_wr8(o + 1, (uint8_t)v);
}

static void wr32(uint32_t o, uint32_t v)
{
    wr16(o, (uint16_t)(v >> 16));
    wr16(o + 2, (uint16_t)v);
}

static void wr_zero(uint32_t o, uint32_t n)
{
    while (n--)
        nv_wr8(o++, 0);
}

static uint16_t checksum(void)
{
    uint32_t len = fs_len(), o = H_START;
    uint64_t sum = 0;
    for (; o + 2 <= len; o += 2)
        sum += rd16(o);
    if (o < len)
        sum += (uint32_t)nv_rd8(o) << 8;
    sum -= rd16(H_START + 4); /* the field counts as 0 */
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Where the private-config header goes after offset o (§8.1). */
static uint32_t pad4(uint32_t o)
{
    if (!(o & 3))
        return o;
    return fs.pad8 ? o + 8 - (o & 3) : (o + 3) & ~3u;
}

/* fs offset of a header address, or ~0 when outside the file system. */
static uint32_t off_of(uint32_t addr)
{
    uint32_t o = addr - fs.addr0;
    return o > fs_len() ? ~0u : o;
}

int nvram_read_startup(char **buf, char *err, size_t errlen)
{
    *buf = NULL;
    uint32_t len = fs_len();
    if (len < DATA_OFF + PH_LEN || rd16(6) != FS_MAGIC ||
        rd16(H_START) != ST_MAGIC)
        return 0;
    uint16_t format = rd16(H_START + 2);
    uint32_t start = off_of(rd32(H_START + 8));
    uint32_t end = rd32(H_START + 12);
    uint32_t n = rd32(H_START + 16);
    if (start == ~0u || n > len - start || end != rd32(H_START + 8) + n) {
        snprintf(err, errlen, "startup-config header is corrupt");
        return -1;
    }
    if (format != 1) {
        snprintf(err, errlen, "startup-config is compressed (format %u), "
                 "not supported", format);
        return -1;
    }
    char *p = fw_alloc(n + 1);
    for (uint32_t i = 0; i < n; i++)
        p[i] = (char)nv_rd8(start + i);
    p[n] = 0;
    *buf = p;
    if (checksum() != rd16(H_START + 4)) {
        snprintf(err, errlen, "bad NVRAM checksum");
        return (int)n; /* still usable, the caller warns */
    }
    err[0] = 0;
    return (int)n;
}

/* Private-config currently stored: offset/length, 0 if none. */
static int find_private(uint32_t *p_off, uint32_t *p_len, uint32_t *extent)
{
    uint32_t len = fs_len();
    *extent = H_START;
    if (rd16(6) != FS_MAGIC || rd16(H_START) != ST_MAGIC)
        return 0;
    uint32_t s = off_of(rd32(H_START + 8));
    uint32_t n = rd32(H_START + 16);
    if (s == ~0u || n > len - s) {
        *extent = len;
        return 0;
    }
    *extent = s + n;
    uint32_t ph = pad4(s + n);
    if (ph + PH_LEN > len || rd16(ph) != PV_MAGIC) {
        return 0;
    }
    uint32_t po = off_of(rd32(ph + 4)), pl = rd32(ph + 12);
    if (po == ~0u || pl > len - po) {
        *extent = len;
        return 0;
    }
    *extent = po + pl > ph + PH_LEN ? po + pl : ph + PH_LEN;
    *p_off = po;
    *p_len = pl;
    return 1;
}

static void format_fs(void)
{
    wr_zero(0, fs_len());
    wr16(6, FS_MAGIC);
    wr16(H_START + 4, 0xFFFF);
}

int nvram_write_startup(const char *text, size_t tlen, char *err,
                        size_t errlen)
{
    uint32_t len = fs_len();
    uint32_t p_off = 0, p_len = 0, extent = 0;
    char *priv = NULL;

    int have_fs = rd16(6) == FS_MAGIC;
    if (have_fs && find_private(&p_off, &p_len, &extent)) {
        priv = fw_alloc(p_len + 1);
        for (uint32_t i = 0; i < p_len; i++)
            priv[i] = (char)nv_rd8(p_off + i);
    }
    uint32_t ph = pad4(DATA_OFF + (uint32_t)tlen);
    uint32_t need = ph + PH_LEN + p_len;
    if (need > len) {
        snprintf(err, errlen, "startup-config of %u bytes does not fit in "
                 "%u bytes of NVRAM", (unsigned)tlen, (unsigned)len);
        return -1;
    }
    /* Old configuration area, in whole sectors (c7200.md §13.6). */
    extent = (extent + SECTOR - 1) / SECTOR * SECTOR;
    if (extent > len)
        extent = len;
    if (!have_fs) {
        format_fs();
        extent = 0;
    }

    wr_zero(H_START, H_LEN);
    wr16(H_START + 0, ST_MAGIC);
    wr16(H_START + 2, 1);          /* raw text */
    wr16(H_START + 6, 0x0C04);     /* unk1, every platform (§8.2) */
    wr32(H_START + 8, fs.addr0 + DATA_OFF);
    wr32(H_START + 12, fs.addr0 + DATA_OFF + (uint32_t)tlen);
    wr32(H_START + 16, (uint32_t)tlen);
    for (size_t i = 0; i < tlen; i++)
        nv_wr8(DATA_OFF + (uint32_t)i, (uint8_t)text[i]);
    wr_zero(DATA_OFF + (uint32_t)tlen, ph - (DATA_OFF + (uint32_t)tlen));

    uint32_t pd = ph + PH_LEN;
    wr16(ph + 0, PV_MAGIC);
    wr16(ph + 2, 1);
    wr32(ph + 4, fs.addr0 + pd);
    wr32(ph + 8, fs.addr0 + pd + p_len);
    wr32(ph + 12, p_len);
    for (uint32_t i = 0; i < p_len; i++)
        nv_wr8(pd + i, (uint8_t)priv[i]);
    if (extent > need)
        wr_zero(need, extent - need);
    wr16(H_START + 4, checksum());
    return 0;
}

int nvram_erase(void)
{
    if (fs_len() < DATA_OFF + PH_LEN)
        return -1;
    format_fs();
    return 0;
}
