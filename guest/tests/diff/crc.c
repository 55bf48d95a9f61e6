/*
 * crc: CRC-32 (IEEE 802.3, reflected, table and bitwise), CRC-16/CCITT-FALSE,
 * CRC-16/ARC, Adler-32, Fletcher-16 and FNV-1a over fixed and generated
 * buffers, at every start alignment. The "123456789" check values are the
 * published catalogue values (CRC-32 CBF43926, CRC-16/CCITT-FALSE 29B1,
 * CRC-16/ARC BB3D, Adler-32 091E01DE); the rest is differential vs qemu.
 */
#include "tio.h"

static uint32_t crc32_table[256];
static uint16_t crc16_table[256];

static void make_tables(void)
{
    uint32_t i, j;
    for (i = 0; i < 256; i++) {
        uint32_t c = i;
        uint16_t d = (uint16_t)(i << 8);
        for (j = 0; j < 8; j++) {
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            d = (uint16_t)((d & 0x8000) ? (d << 1) ^ 0x1021 : d << 1);
        }
        crc32_table[i] = c;
        crc16_table[i] = d;
    }
}

static uint32_t crc32_tab(const uint8_t *p, unsigned long n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n--)
        c = crc32_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint32_t crc32_bit(const uint8_t *p, unsigned long n)
{
    uint32_t c = 0xFFFFFFFFu;
    int k;
    while (n--) {
        c ^= *p++;
        for (k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
    }
    return ~c;
}

/* Word-at-a-time variant: reads aligned 32-bit words (LW) after a byte
 * prologue, exercising the big-endian byte order of word loads. */
static uint32_t crc32_word(const uint8_t *p, unsigned long n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n && ((unsigned long)p & 3)) {
        c = crc32_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
        n--;
    }
    while (n >= 4) {
        uint32_t w = *(const uint32_t *)p; /* big-endian: byte 0 is MSB */
        int k;
        for (k = 3; k >= 0; k--)
            c = crc32_table[(c ^ (w >> (8 * k))) & 0xFF] ^ (c >> 8);
        p += 4;
        n -= 4;
    }
    while (n--)
        c = crc32_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return ~c;
}

static uint16_t crc16_ccitt(const uint8_t *p, unsigned long n)
{
    uint16_t c = 0xFFFF;
    while (n--)
        c = (uint16_t)((c << 8) ^ crc16_table[((c >> 8) ^ *p++) & 0xFF]);
    return c;
}

static uint16_t crc16_arc(const uint8_t *p, unsigned long n)
{
    uint16_t c = 0;
    int k;
    while (n--) {
        c ^= *p++;
        for (k = 0; k < 8; k++)
            c = (uint16_t)((c & 1) ? (c >> 1) ^ 0xA001 : c >> 1);
    }
    return c;
}

static uint32_t adler32(const uint8_t *p, unsigned long n)
{
    uint32_t a = 1, b = 0;
    while (n--) {
        a = (a + *p++) % 65521;
        b = (b + a) % 65521;
    }
    return (b << 16) | a;
}

static uint16_t fletcher16(const uint8_t *p, unsigned long n)
{
    uint16_t s1 = 0, s2 = 0;
    while (n--) {
        s1 = (uint16_t)((s1 + *p++) % 255);
        s2 = (uint16_t)((s2 + s1) % 255);
    }
    return (uint16_t)((s2 << 8) | s1);
}

static uint64_t fnv1a(const uint8_t *p, unsigned long n)
{
    uint64_t h = T_FNV_INIT;
    while (n--) {
        h ^= *p++;
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint8_t buf[4096 + 8];

void test_main(void)
{
    static const char check[] = "123456789";
    const uint8_t *c = (const uint8_t *)check;
    uint32_t x = 1;
    unsigned long i, off;

    make_tables();
    t_printf("table crc32[1]=%08x [128]=%08x [255]=%08x crc16[1]=%04x "
             "[255]=%04x\n", crc32_table[1], crc32_table[128],
             crc32_table[255], crc16_table[1], crc16_table[255]);
    t_printf("check crc32=%08x bit=%08x word=%08x\n", crc32_tab(c, 9),
             crc32_bit(c, 9), crc32_word(c, 9));
    t_printf("check crc16-ccitt=%04x crc16-arc=%04x adler32=%08x "
             "fletcher16=%04x fnv1a=%016llx\n", crc16_ccitt(c, 9),
             crc16_arc(c, 9), adler32(c, 9), fletcher16(c, 9), fnv1a(c, 9));
    t_printf("empty crc32=%08x adler32=%08x\n", crc32_tab(c, 0),
             adler32(c, 0));

    for (i = 0; i < sizeof(buf); i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)(x >> 11);
    }
    for (off = 0; off < 8; off++) {
        const uint8_t *p = buf + off;
        unsigned long n = 4096 - off * 37;
        t_printf("off=%lu n=%lu crc32=%08x bit=%08x word=%08x ccitt=%04x "
                 "arc=%04x adler=%08x fl16=%04x fnv=%016llx\n", off, n,
                 crc32_tab(p, n), crc32_bit(p, n), crc32_word(p, n),
                 crc16_ccitt(p, n), crc16_arc(p, n), adler32(p, n),
                 fletcher16(p, n), fnv1a(p, n));
    }
    /* Incremental lengths: every prefix length 0..64 of one buffer. */
    {
        uint64_t h = T_FNV_INIT;
        for (i = 0; i <= 64; i++) {
            h = t_fnv(h, crc32_word(buf + 3, i));
            h = t_fnv(h, crc16_ccitt(buf + 1, i));
        }
        t_printf("prefixes h=%016llx\n", h);
    }
}
