/*
 * c7_pos: frames through a PA-POS-OC3 and back. The card is found by
 * walking the PCI buses (three PLX 9060 at devices 0-2 of a bay bus, the
 * ID-less control function at device 3), its windows are placed, the CS
 * local space widened to 4 MB through the PLX range register and a 4-byte
 * CRC selected; then every frame received is sent back as it came, split
 * over two transmit descriptors. The test binds the port to a UDP NIO.
 *
 * Shared spec devices.md §3.8 (local-space registers, descriptors, receive
 * length = data + CRC size, written words without OWN/WRAP, transmit data
 * word-reversed, the interrupt released by every 20th status read), §3.9
 * (PLX BAR0 registers, BAR2 local space, range register 0x00); c7200.md
 * §4.2 (the card's port-0 bit in the midplane FPGA's status registers).
 */
#include "c7io.h"
#include "tio.h"

#define PLX_REGS(k) (0x10000000u + 0x1000u * (k))
#define CTRL_WIN 0x10010000u
#define RX_SPACE 0x10100000u
#define TX_SPACE 0x10200000u
#define CS_SPACE 0x10400000u
#define CS_RANGE_4MB 0xFFC00000u /* devices.md §3.9: size = ~range + 1 */

#define OWN 0x80000000u
#define WRAP 0x40000000u
#define CONT 0x08000000u
#define LEN 0x1FFFu
#define NRX 4
#define BUF 2048
#define CRC 4
#define FRAMES 3
#define FIRST_PART 10

static uint8_t rxbuf[NRX][BUF] __attribute__((aligned(16)));
static uint8_t txbuf[2][BUF] __attribute__((aligned(16)));
static uint32_t rxd[NRX][2] __attribute__((aligned(16)));
static uint32_t txd[2][2] __attribute__((aligned(16)));

static uint32_t phys(const void *p)
{
    return (uint32_t)(uintptr_t)p & 0x1FFFFFFFu;
}

/* Uncached view of a RAM variable: DMA writes RAM behind the cache. */
static volatile uint32_t *uc32(const void *p)
{
    return c7_io(phys(p));
}
static volatile uint8_t *uc8(const void *p)
{
    return (volatile uint8_t *)(C7_KSEG1 | phys(p));
}

struct find {
    int found, root;
    unsigned bus;
};

static void fn(const struct c7_fn *f, void *arg)
{
    struct find *s = arg;
    if (!s->found && f->dev == 0 && f->id == 0x906010B5u &&
        pci_rd(f->root, f->bus, 3, 0x00) == 0) {
        s->found = 1;
        s->root = f->root;
        s->bus = f->bus;
    }
}

static void bus_done(const struct c7_fn *f, uint32_t n, void *arg)
{
    (void)f, (void)n, (void)arg;
}

static void irq_status(const char *when)
{
    t_printf("  %s: net irq status %08x %08x\n", when, rd32(C7_MPFPGA + 0x10),
             rd32(C7_MPFPGA + 0x18));
}

/* Buffer for the line: each 32-bit word byte-reversed (devices.md §3.8). */
static void put_reversed(uint8_t *tx, const volatile uint8_t *frame,
                         unsigned len)
{
    volatile uint8_t *u = uc8(tx);
    for (unsigned i = 0; i < ((len + 3) & ~3u); i++)
        u[i ^ 3] = i < len ? frame[i] : 0;
}

void test_main(void)
{
    struct find s = {0, 0, 0};
    struct c7_walk w = {fn, bus_done, &s};
    c7_pci_walk(&w);
    if (!s.found) {
        t_printf("no PA-POS-OC3\n");
        return;
    }
    int r = s.root;
    unsigned b = s.bus;
    t_printf("PA-POS-OC3: root %d bus %u\n", r, b);
    static const unsigned space[3] = {RX_SPACE, TX_SPACE, CS_SPACE};
    for (unsigned k = 0; k < 3; k++) {
        pci_wr(r, b, k, 0x10, PLX_REGS(k));
        pci_wr(r, b, k, 0x18, space[k]);
    }
    pci_wr(r, b, 3, 0x10, CTRL_WIN);
    t_printf("PLX ranges %08x %08x %08x\n", rd32(PLX_REGS(0)),
             rd32(PLX_REGS(1)), rd32(PLX_REGS(2)));
    wr32(PLX_REGS(2), CS_RANGE_4MB);
    t_printf("CS range %08x, control 0x404 %08x 0x406 %04x 0x407 %02x "
             "0x400 %08x\n", rd32(PLX_REGS(2)), rd32(CTRL_WIN + 0x404),
             rd16(CTRL_WIN + 0x406), rd8(CTRL_WIN + 0x407),
             rd32(CTRL_WIN + 0x400));
    wr32(CS_SPACE + 0x300028, 0x07); /* 4-byte CRC */
    t_printf("CS 0x300008 %08x, control 1 %08x\n", rd32(CS_SPACE + 0x300008),
             rd32(CS_SPACE + 0x300028));

    for (unsigned i = 0; i < NRX; i++) {
        uc32(rxd[i])[1] = phys(rxbuf[i]);
        uc32(rxd[i])[0] = OWN | (i == NRX - 1 ? WRAP : 0) | BUF;
    }
    wr32(RX_SPACE + 0x04, phys(rxd));
    wr32(RX_SPACE + 0x08, phys(rxd));
    wr32(TX_SPACE + 0x04, phys(txd));
    wr32(TX_SPACE + 0x08, phys(txd));
    t_printf("rings %08x %08x\n", rd32(RX_SPACE + 0x04) - phys(rxd),
             rd32(TX_SPACE + 0x08) - phys(txd));
    irq_status("idle");
    t_printf("started\n");

    for (unsigned n = 0, cur = 0; n < FRAMES; n++) {
        volatile uint32_t *d = uc32(rxd[cur]);
        while (d[0] & OWN)
            ;
        uint32_t w0 = d[0];
        unsigned len = (w0 & LEN) - CRC;
        t_printf("frame %u: descriptor %u word 0 %08x, %u bytes\n", n, cur,
                 w0, len);
        irq_status("received");
        for (int i = 0; i < 20; i++)
            (void)rd32(CS_SPACE + 0x300000 + 4 * (i % 2));
        irq_status("20 status reads");

        const volatile uint8_t *frame = uc8(rxbuf[cur]);
        unsigned first = len < FIRST_PART ? len : FIRST_PART;
        put_reversed(txbuf[0], frame, first);
        put_reversed(txbuf[1], frame + first, len - first);
        volatile uint32_t *t0 = uc32(txd[0]), *t1 = uc32(txd[1]);
        t0[1] = phys(txbuf[0]);
        t1[1] = phys(txbuf[1]);
        t1[0] = OWN | WRAP | (len - first);
        t0[0] = OWN | CONT | first;
        while (t0[0] & OWN)
            ;
        t_printf("  sent: words 0 %08x %08x, TX current %08x\n", t0[0],
                 t1[0], rd32(TX_SPACE + 0x08) - phys(txd));
        d[0] = OWN | (cur == NRX - 1 ? WRAP : 0) | BUF;
        cur = (cur + 1) % NRX;
    }
    t_printf("echoed %d frames\n", FRAMES);
}
