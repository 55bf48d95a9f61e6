/*
 * rom_services.c - exercises every ROM monitor service (EMT call) of the
 * c7200 table (c7200.md §17.2) and the state the ROM hands to the image
 * (c7200.md §16.3, §16.4), printing one stable line per check.
 *
 * Expected output for a router started with -r 64, a fresh 128 KB NVRAM
 * and so configuration register 0x2142: rom_services.expected.
 *
 * Each service is called through emt_probe(): every GPR (but zero and sp)
 * and HI/LO hold distinct 64-bit patterns, a0..a3 carry the arguments in
 * their low 32 bits under a non-zero upper half; afterwards only v0 and k0
 * may differ (c7200.md §17.1).
 */
#include "c7200.h"
#include "cp0.h"
#include "entry_state.h"
#include "exc.h"
#include "rt.h"
#include "emt_probe.h"

#define ROM_K0_AFTER   0xFFFFFFFFBFC003E0ULL /* c7200.md §17.1 */
#define EMT42_ENTRY    0xBFC003B0            /* c7200.md §17.2, EMT 0x2A */
#define EMT42_SAVE     0xBFC003E0
#define EMT42_COUNT    35
#define EMT42_SYSCALL  8                     /* c7200.md §17.1 */
#define TIMER_INTERVAL 1000000               /* c7200.md §17.4 */

/* "EMT" for calls through the BEV vector, "FWD EMT" once forwarded. */
static const char *emt_prefix = "";

static const char *const reg_names[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3",
    "t0",   "t1", "t2", "t3", "t4", "t5", "t6", "t7",
    "s0",   "s1", "s2", "s3", "s4", "s5", "s6", "s7",
    "t8",   "t9", "k0", "k1", "gp", "sp", "fp", "ra",
};

static uint64_t pattern(unsigned int n)
{
    return ((uint64_t)(0xC0DE0000 + n * 0x101) << 32) | (0x5A5A0000 + n);
}

/*
 * Calls service num with a1..a3 and prints one line: the result and any
 * register other than v0 that is not as expected (k0 must read
 * 0xFFFFFFFF_BFC003E0).  Console output of the service (EMT 1) appears
 * between "out=[" and "]".  Returns v0.
 */
static uint64_t emt(uint32_t num, uint32_t a1, uint32_t a2, uint32_t a3,
                    int quiet)
{
    struct emt_regs in, out;
    unsigned int n;
    int changed = 0;

    for (n = 0; n < 32; n++)
        in.gpr[n] = pattern(n);
    in.gpr[0] = 0;
    in.hi = pattern(32);
    in.lo = pattern(33);
    in.gpr[4] = (pattern(4) & 0xFFFFFFFF00000000ULL) | num;
    in.gpr[5] = (pattern(5) & 0xFFFFFFFF00000000ULL) | a1;
    in.gpr[6] = (pattern(6) & 0xFFFFFFFF00000000ULL) | a2;
    in.gpr[7] = (pattern(7) & 0xFFFFFFFF00000000ULL) | a3;
    out = in;
    if (!quiet)
        printf("%sEMT 0x%02x%s", emt_prefix, num, num == 0x01 ? " out=[" : "");
    emt_probe(&out);
    in.gpr[29] = out.sp_before;

    if (quiet)
        return out.gpr[2];
    printf("%s v0=0x%016llx", num == 0x01 ? "]" : "", out.gpr[2]);
    if (out.gpr[26] != ROM_K0_AFTER)
        printf(" k0=0x%016llx", out.gpr[26]);
    for (n = 0; n < 32; n++) {
        if (n == 2 || n == 26 || out.gpr[n] == in.gpr[n])
            continue;
        printf("%s%s=0x%016llx", changed++ ? "," : " changed:", reg_names[n],
               out.gpr[n]);
    }
    if (out.hi != in.hi)
        printf("%shi=0x%016llx", changed++ ? "," : " changed:", out.hi);
    if (out.lo != in.lo)
        printf("%slo=0x%016llx", changed++ ? "," : " changed:", out.lo);
    printf("\n");
    return out.gpr[2];
}

static void print_escaped(const char *label, const char *s, int max)
{
    int i;

    printf("  %s \"", label);
    for (i = 0; i < max && s[i] != '\0'; i++) {
        if (s[i] == '\n')
            printf("\\n");
        else if (s[i] >= 0x20 && s[i] < 0x7F)
            printf("%c", s[i]);
        else
            printf("\\x%02x", (unsigned char)s[i]);
    }
    printf("\"\n");
}

static void check_entry_state(void)
{
    const struct entry_state *e = &rt_entry_state;
    uint32_t entry = REMOTE_REG(REMOTE_ENTRY);
    static const unsigned int shown[] = { 4, 5, 6, 7, 8, 16, 17, 26, 29 };
    unsigned int n, i;
    int nonzero = 0;

    printf("ENTRY pc=0x%08x\n", entry);
    for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
        printf("ENTRY %s=0x%016llx\n", reg_names[shown[i]],
               e->gpr[shown[i]]);
    printf("ENTRY ra in ROM: %s\n",
           (e->gpr[31] >> 20) == 0xFFFFFFFFBFCULL ? "yes" : "no");
    printf("ENTRY other registers zero:");
    for (n = 1; n < 32; n++) {
        for (i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
            if (shown[i] == n)
                break;
        }
        if (i < sizeof(shown) / sizeof(shown[0]) || n == 31)
            continue;
        if (e->gpr[n] != 0)
            printf("%s%s", nonzero++ ? "," : " no:", reg_names[n]);
    }
    if (e->hi != 0)
        printf("%shi", nonzero++ ? "," : " no:");
    if (e->lo != 0)
        printf("%slo", nonzero++ ? "," : " no:");
    printf("%s\n", nonzero ? "" : " yes");
    printf("ENTRY status=0x%08x\n", e->status);
    printf("ENTRY cause=0x%08x\n", e->cause & ~CAUSE_IP(7));
    printf("ENTRY compare>=1000000: %s\n",
           e->compare >= 1000000 ? "yes" : "no");
}

static void check_rom_data(void)
{
    const volatile char *nv = (const volatile char *)C7200_NVRAM_BASE;
    char buf[16];
    int i;

    printf("ROMDATA 0xa0002010=0x%08x\n", MMIO32(ROMDATA_NV_STRING_B));
    printf("ROMDATA 0xa0002014=0x%08x\n", MMIO32(ROMDATA_NV_STRING_A));
    printf("ROMDATA 0xa0002018=0x%08x\n", MMIO32(ROMDATA_NV_AREA_780));
    for (i = 0; i < 8; i++)
        buf[i] = nv[0x80 + i];
    print_escaped("nvram+0x080", buf, 8);
    for (i = 0; i < 8; i++)
        buf[i] = nv[0x200 + i];
    print_escaped("nvram+0x200", buf, 8);
}

static void check_emt42_table(uint64_t v0)
{
    const volatile uint32_t *t = (const volatile uint32_t *)(uint32_t)v0;
    int i, ok = 1;

    for (i = 0; i < EMT42_COUNT; i++) {
        uint32_t want = (i == 0 || i == 8) ? EMT42_ENTRY : EMT42_SAVE;

        if (t[i] != want) {
            printf("  table[%d]=0x%08x, expected 0x%08x\n", i, t[i], want);
            ok = 0;
        }
    }
    if (ok)
        printf("  table: [0]=[8]=0x%08x, other %d entries 0x%08x\n",
               EMT42_ENTRY, EMT42_COUNT - 2, EMT42_SAVE);
}

static void check_cookie(void)
{
    uint16_t buf[66];
    int i, zero = 1;

    for (i = 0; i < 66; i++)
        buf[i] = 0xAAAA;
    emt(0x2C, (uint32_t)buf, 0, 0, 0);
    for (i = 0; i < 64; i++) {
        if (buf[i] != 0)
            zero = 0;
    }
    printf("  cookie: %s, guard 0x%04x 0x%04x\n",
           zero ? "64 half-words, all zero" : "not zero", buf[64], buf[65]);
}

static void check_rom_variables(void)
{
    char buf[64];
    uint64_t v0;

    emt(0x2D, (uint32_t)"ODTESTVAR=hello", 0, 0, 0);
    memset(buf, '#', sizeof(buf));
    v0 = emt(0x2E, (uint32_t)"ODTESTVAR", (uint32_t)buf, sizeof(buf), 0);
    if (v0 == 0)
        print_escaped("value", buf, sizeof(buf));
    memset(buf, '#', sizeof(buf));
    v0 = emt(0x2E, (uint32_t)"ODTESTVAR", (uint32_t)buf, 3, 0);
    if (v0 == 0)
        print_escaped("value (size 3)", buf, sizeof(buf));
    memset(buf, '#', sizeof(buf));
    emt(0x2E, (uint32_t)"ODNOSUCHVAR", (uint32_t)buf, sizeof(buf), 0);
    printf("  buffer %s\n", buf[0] == '#' ? "untouched" : "written");
}

/*
 * Our own vectors; the ROM's service routine enables IE/IM7 while it works
 * (c7200.md §17.1 step 3), so timer interrupts may reach us: re-arm them.
 */
static int forward_hook(struct exc_frame *f, int vector)
{
    uint32_t cause = (uint32_t)f->cause;

    if (vector == EXC_VEC_GENERAL && CAUSE_EXCCODE(cause) == EXC_INT &&
        (cause & CAUSE_IP(7)) != 0) {
        mtc0(CP0_COMPARE, mfc0(CP0_COUNT) + TIMER_INTERVAL);
        return 0;
    }
    return 1;
}

/*
 * Status.BEV = 0, our vectors installed, syscalls forwarded to entry 8 of
 * the EMT 0x2A table: the path IOS uses after taking over the vectors
 * (c7200.md §17.1).  BEV is set again afterwards.
 */
static void check_forwarded(uint32_t sr_bev)
{
    const volatile uint32_t *table =
        (const volatile uint32_t *)(uint32_t)emt(0x2A, 0, 0, 0, 1);
    uint32_t before, after;

    exc_install(forward_hook);
    exc_forward_syscalls(table[EMT42_SYSCALL]);
    before = cp0_status();
    emt_prefix = "FWD ";
    emt(0x04, 0, 0, 0, 0);
    emt(0x06, 0, 0, 0, 0);
    emt(0x1C, 0, 0, 0, 0);
    emt(0x2A, 0, 0, 0, 0);
    emt(0x99, 0x11, 0x22, 0x33, 0);
    emt_prefix = "";
    after = cp0_status();
    exc_forward_syscalls(0);
    cp0_set_status(sr_bev);
    printf("FWD STATUS before=0x%08x after=0x%08x\n", before, after);
}

int main(void)
{
    uint32_t sr, sr_after, v0 = 0;
    uint64_t r;
    int where;

    printf("ROMTEST START\n");
    check_entry_state();
    check_rom_data();

    /* As IOS does around its EMT calls: interrupts off (c7200.md §17.1). */
    sr = cp0_status() & ~ST_IE;
    cp0_set_status(sr);

    emt(0x00, 0, 0, 0, 0);
    emt(0x01, 0x1234562A, 0, 0, 0); /* prints '*' (a1 & 0xFF) */
    emt(0x02, 0, 0, 0, 0);
    emt(0x03, 0, 0, 0, 0);
    emt(0x04, 0, 0, 0, 0);
    emt(0x05, 0, 0, 0, 0);
    emt(0x06, 0, 0, 0, 0);
    emt(0x07, 0, 0, 0, 0);
    r = emt(0x0A, 0, 0, 0, 0);
    print_escaped("string", (const char *)(uint32_t)r, 64);
    emt(0x0D, 0, 0, 0, 0);
    emt(0x18, 0, 0, 0, 0);
    emt(0x1B, 0, 0, 0, 0);
    emt(0x1C, 0, 0, 0, 0);
    r = emt(0x22, 0, 0, 0, 0);
    print_escaped("string", (const char *)(uint32_t)r, 32);
    r = emt(0x24, 0, 0, 0, 0);
    print_escaped("string", (const char *)(uint32_t)r, 32);
    r = emt(0x2A, 0, 0, 0, 0);
    check_emt42_table(r);
    check_cookie();
    emt(0x2F, 0, 0, 0, 0);
    emt(0x30, 0, 0, 0, 0);
    emt(0x31, 0, 0, 0, 0);
    emt(0x36, 0, 0, 0, 0);
    emt(0x37, 0, 0, 0, 0);
    emt(0x3A, 0, 0, 0, 0);
    emt(0x3C, 0, 0, 0, 0);
    emt(0x3B, 0x1234, 0, 0, 0);
    emt(0x3C, 0, 0, 0, 0);
    emt(0x4A, 0, 0, 0, 0);
    emt(0x84, 0, 0, 0, 0);
    emt(0x85, 0, 0, 0, 0);
    emt(0xC8, 0, 0, 0, 0);
    emt(0xFFFFFFFF, 0, 0, 0, 0);

    emt(0x23, (uint32_t)"BOOTSTRING-TEST", 0, 0, 0);
    r = emt(0x24, 0, 0, 0, 0);
    print_escaped("string", (const char *)(uint32_t)r, 32);
    emt(0x25, (uint32_t)"IOS-TEST-STRING", 0, 0, 0);
    r = emt(0x22, 0, 0, 0, 0);
    print_escaped("string", (const char *)(uint32_t)r, 32);

    check_rom_variables();

    check_forwarded(sr);

    where = emt_probe_delay_slot(0x02, &v0);
    printf("EMT in a delay slot: v0=0x%08x, resumed %s\n", v0,
           where == 1 ? "after the delay slot" : "at the branch target");

    sr_after = cp0_status();
    printf("STATUS before=0x%08x after=0x%08x\n", sr, sr_after);

    printf("ROMTEST DONE\n");
    emt(0x2B, 0, 0, 0, 1); /* power off: the VM stops here */
    for (;;)
        ;
}
