/*
 * nvram.c - startup-config in the IOS NVRAM file system (c7200.md
 * §13.3-13.5), the layout the emulator's push/extract and nvram_export
 * read: at NVRAM offset 0x800 an 8-byte header (magic 0xF0A5 at +6), the
 * 36-byte startup-config header at +8, the text at +44, zero padding to a
 * multiple of 4, the 16-byte private-config header and its text. Header
 * addresses are CPU physical addresses with the file system at 0x1E000800.
 * Checksum: one's complement of the end-around-carry sum of the 16-bit
 * words from +8 to the end of NVRAM, the field itself counted as 0.
 *
 * NVRAM answers only uncached accesses (§3.1): KSEG1 0xBE000000. Offset 3
 * (the calendar port, §13.2) lies in the ROM's area and is never touched.
 */
#include "fw.h"

#include "c7200.h"

#define NV ((volatile uint8_t *)C7200_NVRAM_BASE)
#define FS_OFF 0x800u
#define FS_PHYS 0x1E000800u
#define SECTOR 1024u

#define FS_MAGIC 0xF0A5
#define ST_MAGIC 0xABCD
#define PV_MAGIC 0xFEDC
#define H_START 8        /* startup header at fs+8 */
#define H_LEN 36
#define DATA_OFF (H_START + H_LEN)
#define PH_LEN 16

static uint32_t fs_len(void)
{
    return sysinfo.nvram_bytes > FS_OFF ? sysinfo.nvram_bytes - FS_OFF : 0;
}

uint32_t nvram_fs_size(void)
{
    return fs_len();
}

static uint16_t rd16(uint32_t o)
{
    return (uint16_t)(NV[FS_OFF + o] << 8 | NV[FS_OFF + o + 1]);
}

static uint32_t rd32(uint32_t o)
{
    return (uint32_t)rd16(o) << 16 | rd16(o + 2);
}

static void wr16(uint32_t o, uint16_t v)
{
    NV[FS_OFF + o] = (uint8_t)(v >> 8);
    NV[FS_OFF + o + 1] = (uint8_t)v;
}

static void wr32(uint32_t o, uint32_t v)
{
    wr16(o, (uint16_t)(v >> 16));
    wr16(o + 2, (uint16_t)v);
}

static void wr_zero(uint32_t o, uint32_t n)
{
    volatile uint8_t *p = NV + FS_OFF + o;
    /* word stores where aligned: NVRAM is plain memory for them (§13.1) */
    while (n && ((uintptr_t)p & 3)) {
        *p++ = 0;
        n--;
    }
    while (n >= 4) {
        *(volatile uint32_t *)p = 0;
        p += 4;
        n -= 4;
    }
    while (n--)
        *p++ = 0;
}

static uint16_t checksum(void)
{
    uint32_t len = fs_len(), o = H_START;
    uint64_t sum = 0;
    volatile const uint32_t *w = (volatile const uint32_t *)(NV + FS_OFF);
    for (; o + 4 <= len; o += 4) {
        uint32_t v = w[o / 4];
        sum += (v >> 16) + (v & 0xFFFF);
    }
    for (; o < len; o++)
        sum += (o & 1) ? NV[FS_OFF + o] : (uint32_t)NV[FS_OFF + o] << 8;
    sum -= rd16(H_START + 4); /* the field counts as 0 */
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return (uint16_t)~sum;
}

static uint32_t pad4(uint32_t o)
{
    return (o + 3) & ~3u;
}

/* fs offset of a header address, or ~0 when outside the file system. */
static uint32_t off_of(uint32_t addr)
{
    if (addr < FS_PHYS || addr - FS_PHYS > fs_len())
        return ~0u;
    return addr - FS_PHYS;
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
        p[i] = (char)NV[FS_OFF + start + i];
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
            priv[i] = (char)NV[FS_OFF + p_off + i];
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
    wr16(H_START + 6, 0x0C04);     /* c7200 */
    wr32(H_START + 8, FS_PHYS + DATA_OFF);
    wr32(H_START + 12, FS_PHYS + DATA_OFF + (uint32_t)tlen);
    wr32(H_START + 16, (uint32_t)tlen);
    for (size_t i = 0; i < tlen; i++)
        NV[FS_OFF + DATA_OFF + i] = (uint8_t)text[i];
    wr_zero(DATA_OFF + (uint32_t)tlen, ph - (DATA_OFF + (uint32_t)tlen));

    uint32_t pd = ph + PH_LEN;
    wr16(ph + 0, PV_MAGIC);
    wr16(ph + 2, 1);
    wr32(ph + 4, FS_PHYS + pd);
    wr32(ph + 8, FS_PHYS + pd + p_len);
    wr32(ph + 12, p_len);
    for (uint32_t i = 0; i < p_len; i++)
        NV[FS_OFF + pd + i] = (uint8_t)priv[i];
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
