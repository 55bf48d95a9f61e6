/*
 * plat_fpga: the I/O FPGA registers IOS reads at start-up and the three
 * interrupt paths of a 3600-family or GT-96100 router, end to end to the
 * CPU's Cause.IP bits:
 *   - GT IDMA (every GT variant): a one-record copy in RAM sets main
 *     cause bit 4; with the mask bit set the GT line is pending (CPU line
 *     4 on the 3600 family, Int0 = CPU line 3 on the GT-96100);
 *   - network module: an Am79C971 (NM-1FE-TX; the 3660's Leopard-2FE
 *     port 1) raises IDON after INIT; its (slot, port) bit appears in the
 *     FPGA's network status and CPU line 2 is pending;
 *   - GT-96100 serial: an SDMA transmit on channel 0 sets the SDMA cause,
 *     the serial cause bit 8 and, through the SerInt0 mask, the slot-0
 *     port-0 bit of the network status (CPU line 2).
 *
 * Shared spec c3600-c2691-c37xx.md §2.6, §3.3-§3.7, §4.3-§4.7; devices.md
 * §3.2 (Am79C971 CSR0), §3.5 (SDMA descriptors, causes).
 * The runner puts an NM-1FE-TX in: 3620 slot 1, 3640 slot 3, 3725 slot 2,
 * 2691 slot 1, 3745 slot 4 (the 3660 uses its Leopard-2FE).
 */
#include "cp0.h"
#include "pio.h"
#include "tio.h"

#define RAM_SCRATCH 0x00200000u /* physical, far above the image */
#define WIN 0x10000000u         /* BAR window */

static unsigned fp(unsigned off)
{
    return pp.fpga + off;
}

static void show8(const char *what, unsigned off)
{
    t_printf("  %-28s %06x: %02x\n", what, off, rd8(fp(off)));
}

static void show16(const char *what, unsigned off)
{
    t_printf("  %-28s %06x: %04x\n", what, off, rd16(fp(off)));
}

static void show32(const char *what, unsigned off)
{
    t_printf("  %-28s %06x: %08x\n", what, off, rd32(fp(off)));
}

static unsigned ip(void)
{
    return (mfc0(CP0_CAUSE) >> 8) & 0xFC; /* external lines 2-7 */
}

static void registers(void)
{
    t_printf("registers:\n");
    if (pp.family == PP_C3600) {
        show8("bootflash writable", 0x00008);
        show16("bootflash size", 0x0000A);
        show8("chassis type", 0x30000);
        show8("environment", 0x30004);
        wr8(fp(0x20008), 0x5A);
        show8("IO mask (wrote 5a)", 0x20008);
        show16("unknown offset", 0x3FFF0);
        if (pp.nslots < 7) {
            show16("OIR control", 0x10004);
            show32("net status (slots 1,0,3,2)", 0x20000);
            show8("NM management", 0x20004);
            show8("external status", 0x20006);
            wr16(fp(0x30002), 0x1234);
            show16("latch (wrote 1234)", 0x30002);
        } else {
            show16("OIR status", 0x10004);
            show32("net status slots 1-6", 0x10010);
            show8("NM management", 0x10014);
            show8("slot interrupt mask", 0x10016);
            show16("fan / power supply", 0x10018);
            show16("OIR state slots 1-2", 0x10020);
            show16("empty EEPROM register", 0x20000);
            show8("external status", 0x2000A);
            show8("net status slot 0", 0x20010);
            show8("0x30008", 0x30008);
        }
        return;
    }
    if (pp.nslots < 5) {
        show16("0x14", 0x14);
        show16("0x18", 0x18);
        show16("net status 0", 0x26);
        show16("net status 1", 0x28);
        show16("0x2c", 0x2C);
        show16("OIR status", 0x2E);
        wr16(fp(0x30), 0xA55A);
        show16("interrupt mask (wrote a55a)", 0x30);
        show8("platform type", 0x36);
        show16("environment", 0x3A);
        show16("CompactFlash presence", 0x3C);
        show16("WIC/VWIC 0x40", 0x40);
        show16("AIM 0 EEPROM", 0x48);
        show16("AIM 1 EEPROM", 0x4A);
        show16("unknown offset", 0x3FFF0);
        return;
    }
    show16("0x000000", 0x000000);
    show16("0x000004", 0x000004);
    show16("power supply", 0x00000A);
    show16("fan", 0x00000C);
    show16("CompactFlash presence", 0x000012);
    show16("TDM FPGA", 0x000014);
    show16("net status 0", 0x000020);
    show16("net status 1", 0x000022);
    show16("NM management", 0x000026);
    show16("OIR status", 0x000028);
    wr16(fp(0x2A), 0x1234);
    show16("IO mask 1 (wrote 1234)", 0x00002A);
    show16("AIM 0 EEPROM", 0x000048);
    show16("WIC 0x100006", 0x100006);
    show16("unknown offset", 0x1FFFF0);
}

/* The GT's IDMA: one record, no chaining (§3.4). */
static void idma(void)
{
    volatile uint32_t *rec = pp_io(RAM_SCRATCH);
    volatile uint8_t *src = pp_io(RAM_SCRATCH + 0x100);
    volatile uint8_t *dst = pp_io(RAM_SCRATCH + 0x200);
    unsigned line = pp.family == PP_C3600 ? 4 : 3;
    for (unsigned i = 0; i < 16; i++) {
        src[i] = (uint8_t)(0xA0 + i);
        dst[i] = 0;
    }
    /* record words are little-endian */
    rec[0] = __builtin_bswap32(16);
    rec[1] = __builtin_bswap32(RAM_SCRATCH + 0x100);
    rec[2] = __builtin_bswap32(RAM_SCRATCH + 0x200);
    rec[3] = 0;
    t_printf("IDMA:\n");
    gt_wr(0xC18, 0);
    gt_wr(0xC1C, 0x10); /* channel 0 done */
    gt_wr(0x830, RAM_SCRATCH);
    gt_wr(0x840, 0x2000 | 0x1000 | 0x200); /* fetch, enable, no chain */
    unsigned ok = 1;
    for (unsigned i = 0; i < 16; i++)
        ok &= dst[i] == (uint8_t)(0xA0 + i);
    t_printf("  copied %s, cause %08x, CPU line %u %s\n",
             ok ? "ok" : "WRONG", gt_rd(0xC18) & 0x3FFFFFFF, line,
             (ip() >> line) & 1 ? "pending" : "idle");
    gt_wr(0xC18, 0);
    t_printf("  cleared: cause %08x, CPU line %u %s\n",
             gt_rd(0xC18) & 0x3FFFFFFF, line,
             (ip() >> line) & 1 ? "pending" : "idle");
    gt_wr(0xC1C, 0);
}

struct nm_place {
    int root;
    unsigned bridge_dev; /* 0: none */
    unsigned dev;
    unsigned status_off; /* network status register */
    int width;
};

static void place(struct nm_place *p)
{
    const char *n = pp.name;
    if (!t_strcmp(n, "3620"))        /* slot 1: byte at 0x20000 */
        *p = (struct nm_place){0, 0, 13, 0x20000, 8};
    else if (!t_strcmp(n, "3640"))   /* slot 3: byte at 0x20002 */
        *p = (struct nm_place){0, 2, 8, 0x20002, 8};
    else if (!t_strcmp(n, "3660"))   /* Leopard-2FE port 1 */
        *p = (struct nm_place){0, 0, 7, 0x20010, 8};
    else if (!t_strcmp(n, "2691"))   /* slot 1 */
        *p = (struct nm_place){1, 0, 6, 0x28, 16};
    else if (!t_strcmp(n, "3725"))   /* slot 2 */
        *p = (struct nm_place){1, 0, 10, 0x28, 16};
    else                             /* 3745: slot 4 */
        *p = (struct nm_place){1, 4, 0, 0x22, 16};
}

static unsigned status(const struct nm_place *p)
{
    switch (p->width) {
    case 8: return rd8(fp(p->status_off));
    case 16: return rd16(fp(p->status_off));
    default: return rd32(fp(p->status_off));
    }
}

static void nm_interrupt(void)
{
    struct nm_place p;
    unsigned bus = 0;
    place(&p);
    if (p.bridge_dev) {
        pci_wr(p.root, 0, p.bridge_dev, 0x18, 0x010100);
        bus = 1;
    }
    t_printf("network module interrupt:\n");
    t_printf("  chip id %08x\n", pci_rd(p.root, bus, p.dev, 0));
    pci_wr(p.root, bus, p.dev, 0x14, WIN);
    volatile uint32_t *ib = pp_io(RAM_SCRATCH + 0x400);
    for (int i = 0; i < 7; i++)
        ib[i] = 0;
    wr32(WIN + 0x14, 1); /* CSR1, CSR2: init block address */
    wr32(WIN + 0x10, (RAM_SCRATCH + 0x400) & 0xFFFF);
    wr32(WIN + 0x14, 2);
    wr32(WIN + 0x10, (RAM_SCRATCH + 0x400) >> 16);
    t_printf("  before: status %0*x, CPU line 2 %s\n", p.width / 4,
             status(&p), (ip() >> 2) & 1 ? "pending" : "idle");
    wr32(WIN + 0x14, 0);
    wr32(WIN + 0x10, 0x41); /* CSR0: INIT, IENA */
    t_printf("  INIT: CSR0 %04x, status %0*x, CPU line 2 %s\n",
             rd32(WIN + 0x10) & 0xFFFF, p.width / 4, status(&p),
             (ip() >> 2) & 1 ? "pending" : "idle");
    wr32(WIN + 0x10, 0x100); /* IDON: write one to clear */
    t_printf("  IDON cleared: status %0*x, CPU line 2 %s\n", p.width / 4,
             status(&p), (ip() >> 2) & 1 ? "pending" : "idle");
}

/* §4.4 SDMA channel 0 of group 0, one frame, no NIO behind it. */
static void serial_interrupt(void)
{
    volatile uint32_t *d = pp_io(RAM_SCRATCH + 0x800);
    unsigned st = pp.nslots < 5 ? 0x26 : 0x20;
    d[0] = 4u << 16;                    /* byte count */
    d[1] = 0x80000000u | 0x30000;       /* owned, first, last */
    d[2] = 0;                           /* end of chain */
    d[3] = RAM_SCRATCH + 0x900;
    t_printf("serial interrupt:\n");
    gt_wr(0x103A80, 0x100); /* SerInt0: SDMA channel 0 summary */
    gt_wr(0x00C910, RAM_SCRATCH + 0x800);
    t_printf("  before: net status 0 %04x, CPU line 2 %s\n", rd16(fp(st)),
             (ip() >> 2) & 1 ? "pending" : "idle");
    gt_wr(0x000908, 0x00800000); /* transmit demand */
    t_printf("  sent: descriptor %08x, SDMA cause %08x, serial cause "
             "%08x\n", d[1], gt_rd(0x103A10), gt_rd(0x103A00));
    t_printf("  net status 0 %04x, CPU line 2 %s, SDCM reads %08x\n",
             rd16(fp(st)), (ip() >> 2) & 1 ? "pending" : "idle",
             gt_rd(0x000908));
    wr8(pp.gt + 0x103A13, 0); /* clears the whole SDMA cause */
    t_printf("  cleared: SDMA cause %08x, net status 0 %04x, CPU line 2 "
             "%s\n", gt_rd(0x103A10), rd16(fp(st)),
             (ip() >> 2) & 1 ? "pending" : "idle");
    gt_wr(0x103A80, 0);
}

void test_main(void)
{
    if (pp_init() < 0) {
        t_printf("unknown platform id %x\n", pp.id);
        return;
    }
    t_printf("platform %s\n", pp.name);
    registers();
    idma();
    nm_interrupt();
    if (pp.family == PP_GT96K)
        serial_interrupt();
}
