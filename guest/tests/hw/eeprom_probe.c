/*
 * eeprom_probe: the identification EEPROMs as IOS reads them, on the
 * default machine the runner boots (NPE-400, vxr midplane, C7200-IO-FE in
 * bay 0, bays 1-7 empty, generated chassis MAC).
 *
 * c7200.md §6.1 (which register bit is CS/SK/DI/DO of which EEPROM), §6.2
 * (protocol: CS 0->1, nine rising SK edges carrying 1, 1, 0, a0..a5, then
 * sixteen rising edges each followed by a register read, data LSB first;
 * observed readbacks of I/O FPGA 0x21C), §6.6 (contents), §8 (MP FPGA 0x68
 * bits 0-1 are the power supplies: every write there keeps them set, or the
 * router powers off), §19 (chassis MAC CA, instance id, pid, 00 00 at
 * midplane bytes 0x0C-0x11, then 04 00). The two pid bytes differ from run
 * to run and are printed as "xxxx".
 */
#include "hw.h"
#include "c7200.h"

#define MPFPGA_REG(off) MMIO32(C7200_MPFPGA_BASE + (off))

struct port {
    volatile unsigned int *reg;
    unsigned int keep; /* bits held set in every write */
};

struct wire {
    unsigned cs, sk, di, dout;
};

static const struct wire W_CPU = {2, 1, 0, 6};
static const struct wire W_MIDPLANE = {5, 4, 3, 7};
static const struct wire W_PEM = {1, 0, 2, 3};
static const struct wire W_BAY_A = {1, 3, 4, 6};     /* bay 0 */
static const struct wire W_BAY_B = {9, 11, 12, 14};  /* bays 1, 2 */
static const struct wire W_BAY_C = {17, 19, 20, 22}; /* bays 4, 6 */
static const struct wire W_BAY_D = {25, 27, 28, 30}; /* bays 3, 5, 7 */

static void wr(const struct port *p, unsigned int v)
{
    *p->reg = p->keep | v;
}

static unsigned read_word(const struct port *p, const struct wire *w,
                          unsigned addr)
{
    unsigned int cs = 1u << w->cs, sk = 1u << w->sk, di = 1u << w->di;
    unsigned bits = 0x3u | (addr << 3); /* start 1, opcode 1 0, a0 first */
    unsigned v = 0;
    int i;

    wr(p, 0);
    wr(p, cs);
    for (i = 0; i < 9; i++) {
        unsigned int d = ((bits >> i) & 1) ? di : 0;
        wr(p, cs | d);
        wr(p, cs | d | sk);
    }
    for (i = 0; i < 16; i++) {
        wr(p, cs);
        wr(p, cs | sk);
        v |= ((*p->reg >> w->dout) & 1u) << i;
    }
    wr(p, 0);
    return v;
}

/* Eight words a line; trailing all-ones lines folded into one. */
static void dump(const char *name, const struct port *p, const struct wire *w,
                 int mask_mac)
{
    unsigned words[64];
    unsigned a, last = 0;

    for (a = 0; a < 64; a++) {
        words[a] = read_word(p, w, a);
        if (words[a] != 0xFFFF)
            last = a + 1;
    }
    t_printf("%s:\n", name);
    for (a = 0; a < last; a += 8) {
        unsigned k;
        t_printf("  %02x:", a);
        for (k = a; k < a + 8; k++) {
            if (mask_mac && k == 7) /* midplane bytes 0x0E-0x0F: pid */
                t_printf(" xxxx");
            else
                t_printf(" %04x", words[k]);
        }
        t_printf("\n");
    }
    if (last < 64)
        t_printf("  %02x..3f: ffff\n", (last + 7) & ~7u);
}

void test_main(void)
{
    struct port cpu_mp = {&IOFPGA_REG(0x21C), 0};
    struct port pem = {&IOFPGA_REG(0x388), 0};
    struct port bay7 = {&IOFPGA_REG(0x2E4), 0};
    struct port b0134 = {&MPFPGA_REG(0x60), 0};
    struct port b256 = {&MPFPGA_REG(0x68), 0x3}; /* power supplies on */
    unsigned v;
    int i;

    /* observed readbacks, §6.2 */
    IOFPGA_REG(0x21C) = 0x04;
    t_printf("0x21c: wrote 04 read %02x\n", IOFPGA_REG(0x21C) & 0xFF);
    IOFPGA_REG(0x21C) = 0x00;
    IOFPGA_REG(0x21C) = 0x20;
    t_printf("0x21c: wrote 20 read %02x\n", IOFPGA_REG(0x21C) & 0xFF);
    IOFPGA_REG(0x21C) = 0x0B;
    t_printf("0x21c: wrote 0b read %02x\n", IOFPGA_REG(0x21C) & 0xFF);
    IOFPGA_REG(0x21C) = 0x00;

    dump("cpu (npe-400)", &cpu_mp, &W_CPU, 0);
    dump("midplane (vxr)", &cpu_mp, &W_MIDPLANE, 1);
    v = read_word(&cpu_mp, &W_MIDPLANE, 6);
    t_printf("midplane mac byte 0: %02x (c7200 prefix)\n", v >> 8);
    dump("pem", &pem, &W_PEM, 0);
    dump("bay 0 (C7200-IO-FE)", &b0134, &W_BAY_A, 0);
    dump("bay 1", &b0134, &W_BAY_B, 0);
    dump("bay 2", &b256, &W_BAY_B, 0);
    dump("bay 3", &b0134, &W_BAY_D, 0);
    dump("bay 4", &b0134, &W_BAY_C, 0);
    dump("bay 5", &b256, &W_BAY_D, 0);
    dump("bay 6", &b256, &W_BAY_C, 0);
    dump("bay 7", &bay7, &W_BAY_D, 0);
    t_printf("0x68 power bits after the bay reads: %x\n",
             MPFPGA_REG(0x68) & 0x3);

    /* One word per CS cycle: after the 16th bit more clocks give ones,
     * even though word 1 of the CPU EEPROM (40 01) has zeros. */
    wr(&cpu_mp, 0);
    wr(&cpu_mp, 1u << W_CPU.cs);
    for (i = 0; i < 9; i++) {
        unsigned int d = (((0x3u | (1u << 3)) >> i) & 1) ? 1u << W_CPU.di : 0;
        wr(&cpu_mp, (1u << W_CPU.cs) | d);
        wr(&cpu_mp, (1u << W_CPU.cs) | d | (1u << W_CPU.sk));
    }
    v = 0;
    for (i = 0; i < 32; i++) {
        wr(&cpu_mp, 1u << W_CPU.cs);
        wr(&cpu_mp, (1u << W_CPU.cs) | (1u << W_CPU.sk));
        if (i >= 16)
            v |= ((IOFPGA_REG(0x21C) >> W_CPU.dout) & 1u) << (i - 16);
    }
    wr(&cpu_mp, 0);
    t_printf("clocks after the 16th bit: %04x\n", v);
}
