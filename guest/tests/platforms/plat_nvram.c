/*
 * plat_nvram: where IOS's NVRAM and the ROM monitor's scratch area are on
 * a 3600-family or GT-96100 router, as the guest sees them after a start
 * with a startup-config pushed (-C): the remote-control NVRAM address and
 * configuration register, the ROM's strings, the IOS NVRAM file system
 * (headers, the config text, the private-config header position and, on
 * the GT-96100 routers, the backup copy), plain read-back, the 3600
 * calendar port, and the GT-96100 routers' ROM flash command set.
 *
 * Shared spec c3600-c2691-c37xx.md §2.2 step 7 (ROM writes "IOS" at
 * NVRAM+0x80 and "BOOTLDR" at +0x200), §2.4 (remote +0x044), §3.10
 * (NVRAM, calendar), §4.10 (ROM flash commands, SSA), §8 (file system
 * layout: relative addresses, pad-8 / pad-4, backup copy). The runner
 * pushes a 23-byte startup-config "hostname platform-probe".
 */
#include "c7200.h"
#include "pio.h"
#include "tio.h"

#define ROM 0x1FC00000u
#define NVRAM_3600 0x1FE00000u
#define SSA 0x16001000u

static void bootflash_id(void);
static void compactflash(void);

static void show_string(const char *what, unsigned pa, unsigned n)
{
    t_printf("  %s: \"", what);
    for (unsigned i = 0; i < n; i++) {
        uint8_t c = rd8(pa + i);
        t_printf("%c", c >= 0x20 && c < 0x7F ? c : '.');
    }
    t_printf("\"\n");
}

static uint32_t be32(unsigned pa)
{
    return rd32(pa);
}

/* §8.1 */
static void file_system(const char *what, unsigned fs, unsigned size)
{
    t_printf("%s file system at %08x:\n", what, fs);
    t_printf("  magic %04x, startup header %04x format %u unk1 %04x\n",
             rd16(fs + 6), rd16(fs + 8), rd16(fs + 10), rd16(fs + 14));
    uint32_t start = be32(fs + 16), end = be32(fs + 20), len = be32(fs + 24);
    t_printf("  start %08x end %08x length %u\n", start, end, len);
    show_string("config", fs + 44, len < 40 ? len : 40);
    unsigned priv = 0;
    for (unsigned off = 44 + len; off < 44 + len + 16 && off < size; off++)
        if (rd8(fs + off) == 0xFE && rd8(fs + off + 1) == 0xDC) {
            priv = off;
            break;
        }
    t_printf("  private-config header at fs+%u\n", priv);
}

static void rw(const char *what, unsigned pa)
{
    wr32(pa, 0x12345678);
    wr8(pa + 4, 0x9A);
    t_printf("  %s read-back: %08x %02x\n", what, rd32(pa), rd8(pa + 4));
}

static void probe_3600(void)
{
    t_printf("ROM scratch in the NVRAM device:\n");
    show_string("NVRAM+0x80", NVRAM_3600 + 0x80, 3);
    show_string("NVRAM+0x200", NVRAM_3600 + 0x200, 7);
    file_system("IOS", NVRAM_3600 + 0x800, 0x1F800);
    t_printf("NVRAM:\n");
    rw("NVRAM+0x10000", NVRAM_3600 + 0x10000);
    /* §3.10 calendar: the recognition pattern, LSB first, into bit 0 of
     * offset 3, then 64 reads of bit 0 give the clock */
    static const uint32_t pattern[2] = {0x5CA33AC5, 0x5CA33AC5};
    for (unsigned i = 0; i < 64; i++)
        wr8(NVRAM_3600 + 3, (pattern[i / 32] >> (i % 32)) & 1);
    uint8_t clk[8] = {0};
    for (unsigned i = 0; i < 64; i++)
        clk[i / 8] |= (uint8_t)((rd8(NVRAM_3600 + 3) & 1) << (i % 8));
    unsigned month = (clk[6] >> 4) * 10 + (clk[6] & 0xF);
    t_printf("  calendar: hundredths %02x, month %s\n", clk[0],
             month >= 1 && month <= 12 ? "1-12" : "OUT OF RANGE");
    bootflash_id();
}

/* §3.10: four 28F016SA in byte mode, one per byte lane */
static void bootflash_id(void)
{
    unsigned bf = 0x30000000;
    t_printf("bootflash:\n");
    t_printf("  array: %08x\n", rd32(bf));
    wr32(bf, 0x90909090); /* read identifier */
    t_printf("  identifier: %08x %08x\n", rd32(bf), rd32(bf + 4));
    wr32(bf, 0x70707070); /* read status */
    t_printf("  status: %08x\n", rd32(bf));
    wr32(bf, 0xFFFFFFFF); /* read array */
    t_printf("  array again: %08x\n", rd32(bf));
}

/* §4.10: CompactFlash disk0 in "mode 1", IDENTIFY DEVICE */
static void compactflash(void)
{
    unsigned cf = 0x30000000;
    uint16_t w[256];
    t_printf("CompactFlash disk0:\n");
    t_printf("  status %02x\n", rd16(cf + 0x0E) >> 8);
    wr16(cf + 0x0E, 0xEC << 8 | 0xA0); /* command IDENTIFY, drive 0 */
    t_printf("  after IDENTIFY: status %02x\n", rd16(cf + 0x0E) >> 8);
    for (unsigned i = 0; i < 256; i++)
        w[i] = rd16(cf + 0x12);
    t_printf("  word 0 %04x, cylinders %u, heads %u, sectors %u, total "
             "%u\n", w[0], w[1], w[3], w[6], (unsigned)w[7] << 16 | w[8]);
    t_printf("  status %02x\n", rd16(cf + 0x0E) >> 8);
}

static void flash_cmd(unsigned cmd)
{
    wr8(ROM + 0xAAA, 0xAA);
    wr8(ROM + 0x555, 0x55);
    wr8(ROM + 0xAAA, (uint8_t)cmd);
}

static void probe_gt96k(void)
{
    unsigned nv = pp.nslots == 5 ? 0xB0000 : 0xE0000;
    unsigned half = pp.nslots == 5 ? 0x26000 : 0xE000;
    unsigned copy2 = pp.nslots == 5 ? 0x20000 : 0xE000;
    t_printf("ROM scratch in the SSA:\n");
    show_string("SSA+0x80", SSA + 0x80, 3);
    show_string("SSA+0x200", SSA + 0x200, 7);
    rw("SSA+0x1000", SSA + 0x1000);
    file_system("IOS", ROM + nv, half);
    file_system("backup", ROM + nv + copy2, half);
    unsigned same = 1;
    for (unsigned i = 0; i < 256; i += 4)
        same &= rd32(ROM + nv + i) == rd32(ROM + nv + copy2 + i);
    t_printf("  first 256 bytes of both copies %s\n",
             same ? "identical" : "DIFFER");

    unsigned t = ROM + 0x1F0000; /* far from the monitor and NVRAM */
    t_printf("ROM flash:\n");
    t_printf("  at 1f0000: %02x\n", rd8(t));
    wr8(t, 0x5A);
    t_printf("  plain write of 5a: %02x\n", rd8(t));
    flash_cmd(0xA0);
    wr8(t, 0x5A);
    flash_cmd(0xA0);
    wr8(t + 1, 0xA5);
    t_printf("  programmed 5a a5: %02x %02x\n", rd8(t), rd8(t + 1));
    flash_cmd(0x80);
    wr8(ROM + 0xAAA, 0xAA);
    wr8(ROM + 0x555, 0x55);
    wr8(t, 0x30); /* sector erase from t: 16 KB of zeros */
    t_printf("  sector erased: %02x %02x\n", rd8(t), rd8(t + 1));
    compactflash();
}

void test_main(void)
{
    if (pp_init() < 0) {
        t_printf("unknown platform id %x\n", pp.id);
        return;
    }
    t_printf("platform %s\n", pp.name);
    t_printf("remote control: NVRAM at %08x, %u KB, configuration register "
             "%04x\n", REMOTE_REG(REMOTE_NVRAM_ADDR),
             REMOTE_REG(REMOTE_NVRAM_KB), REMOTE_REG(REMOTE_CONFREG));
    if (pp.family == PP_C3600)
        probe_3600();
    else
        probe_gt96k();
}
