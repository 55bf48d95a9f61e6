/*
 * plat_net: frames through the router's first Ethernet port and back.
 * Every frame received is sent back with its addresses swapped; after
 * three the probe prints what it saw and stops. The test
 * (tests/integration/test_platforms.py) binds the port to a UDP NIO and
 * checks the echoes, so the chip's registers, its descriptor rings in RAM
 * (DMA through the platform's PCI or the GT's own port) and the NIO are
 * all on the path.
 *
 *   The first Am79C971 PCI enumeration finds (the 3660's Leopard-2FE
 *     FastEthernet0/0, else an NM-1FE-TX): memory BAR 0x14, 32-bit
 *     register access, software style 2 (devices.md §3.2).
 *   Without one, on the GT-96100 routers: the GT's Ethernet port 0
 *     (GT96100-FE, IOS FastEthernet0/0): RX queue 0 with an empty hash
 *     table and "receive on a miss", TX queue 0 (shared spec
 *     c3600-c2691-c37xx.md §4.4).
 */
#include "pio.h"
#include "tio.h"

#define NRX 4
#define BUF 1536
#define ECHOES 3

static uint8_t rxbuf[NRX][BUF] __attribute__((aligned(16)));
static uint8_t txbuf[BUF] __attribute__((aligned(16)));
static volatile uint32_t rxd[NRX][4] __attribute__((aligned(16)));
static volatile uint32_t txd[4] __attribute__((aligned(16)));

static uint32_t phys(const volatile void *p)
{
    return (uint32_t)(uintptr_t)p & 0x1FFFFFFFu;
}

/* The frame back: addresses swapped, the rest as it came. */
static unsigned echo_frame(const uint8_t *in, unsigned len)
{
    for (unsigned i = 0; i < len; i++)
        txbuf[i] = in[i];
    for (unsigned i = 0; i < 6; i++) {
        txbuf[i] = in[6 + i];
        txbuf[6 + i] = in[i];
    }
    return len;
}

static void report(unsigned n, unsigned len, const uint8_t *f)
{
    t_printf("frame %u: %u bytes, type %02x%02x, first payload byte %02x\n",
             n, len, f[12], f[13], f[14]);
}

/* ------------------------------------------------------- Am79C971 */

#define AM_BAR 0x10100000u
#define AM_RDP 0x10
#define AM_RAP 0x14
#define AM_BDP 0x1C
#define CSR0_INIT 0x0001
#define CSR0_STRT 0x0002
#define CSR0_STOP 0x0004
#define CSR0_TDMD 0x0008
#define CSR0_IDON 0x0100
#define D_OWN 0x80000000u
#define D_ERR 0x40000000u
#define D_STP 0x02000000u
#define D_ENP 0x01000000u
#define D_ADD_FCS 0x20000000u
#define D_ONES 0x0000F000u

static volatile uint32_t am_init[7] __attribute__((aligned(16)));

static void csr_wr(unsigned n, uint32_t v)
{
    wr32(AM_BAR + AM_RAP, n);
    wr32(AM_BAR + AM_RDP, v);
}

static uint32_t csr_rd(unsigned n)
{
    wr32(AM_BAR + AM_RAP, n);
    return rd32(AM_BAR + AM_RDP);
}

static uint32_t bcnt(unsigned n)
{
    return D_ONES | ((uint32_t)(-(int)n) & 0xFFF);
}

static struct pp_fn am;

static void seen(const struct pp_fn *f, void *arg)
{
    (void)arg;
    if (f->id == 0x20001022 && !am.id)
        am = *f;
}

static int am_echo(void)
{
    t_printf("Am79C971 at %d/%u/%u\n", am.root, am.bus, am.dev);
    pci_wr(am.root, am.bus, am.dev, 0x14, AM_BAR);
    pci_wr(am.root, am.bus, am.dev, 0x04, 0x00000006); /* memory, master */
    csr_wr(0, CSR0_STOP);
    wr32(AM_BAR + AM_RAP, 20);
    wr32(AM_BAR + AM_BDP, 2); /* software style 2 */
    for (int i = 0; i < NRX; i++) {
        rxd[i][0] = phys(rxbuf[i]);
        rxd[i][2] = rxd[i][3] = 0;
        rxd[i][1] = D_OWN | bcnt(BUF);
    }
    txd[0] = phys(txbuf);
    txd[1] = txd[2] = txd[3] = 0;
    /* 1 TX and 4 RX descriptors; mode: promiscuous */
    am_init[0] = 0u << 28 | 2u << 20 | 0x8000;
    am_init[1] = 0x00000002u;          /* PADR 02:00:00:00:00:01 */
    am_init[2] = 0x0100;
    am_init[3] = am_init[4] = 0;
    am_init[5] = phys(rxd);
    am_init[6] = phys(txd);
    csr_wr(1, phys(am_init) & 0xFFFF);
    csr_wr(2, phys(am_init) >> 16);
    csr_wr(0, CSR0_INIT);
    for (int i = 0; i < 1000 && !(csr_rd(0) & CSR0_IDON); i++)
        ;
    if (!(csr_rd(0) & CSR0_IDON)) {
        t_printf("no IDON\n");
        return -1;
    }
    csr_wr(0, CSR0_IDON | CSR0_STRT);
    t_printf("started\n");
    for (unsigned n = 0, next = 0; n < ECHOES;) {
        volatile uint32_t *r = rxd[next];
        if (r[1] & D_OWN)
            continue;
        unsigned mcnt = r[2] & 0xFFF;
        if ((r[1] & (D_STP | D_ENP | D_ERR)) == (D_STP | D_ENP) &&
            mcnt > 4 && mcnt - 4 <= BUF) {
            unsigned len = echo_frame(rxbuf[next], mcnt - 4);
            report(n++, len, rxbuf[next]);
            while (txd[1] & D_OWN)
                ;
            txd[2] = 0;
            txd[1] = D_OWN | D_STP | D_ENP | D_ADD_FCS | bcnt(len);
            csr_wr(0, CSR0_TDMD);
        }
        r[2] = 0;
        r[1] = D_OWN | bcnt(BUF);
        next = (next + 1) % NRX;
    }
    while (txd[1] & D_OWN)
        ;
    return 0;
}

/* ------------------------------------------------ GT-96100 port 0 */

#define ETH_PCR 0x84800
#define ETH_HTPR 0x84828
#define ETH_SDCMR 0x84848
#define ETH_FRDP0 0x84880
#define ETH_CRDP0 0x848A0
#define ETH_CTDP0 0x848E0
#define PCR_HS 0x00001000u
#define PCR_HDM 0x00004000u
#define SDCMR_ERD 0x00000080u
#define SDCMR_TXDL 0x01000000u
#define G_OWN 0x80000000u
#define G_GC 0x00400000u
#define G_F 0x00020000u
#define G_L 0x00010000u
#define G_ES 0x00008000u

/* 2 K entries of 8 bytes and the 12 probes past the last: all invalid */
static uint32_t hash_table[2 * (2048 + 12)] __attribute__((aligned(16)));

static int gt_echo(void)
{
    t_printf("GT-96100 Ethernet port 0\n");
    for (unsigned i = 0; i < sizeof(hash_table) / 4; i++)
        hash_table[i] = 0;
    for (int i = 0; i < NRX; i++) {
        rxd[i][0] = (uint32_t)BUF << 16;
        rxd[i][1] = G_OWN;
        rxd[i][2] = phys(rxd[(i + 1) % NRX]);
        rxd[i][3] = phys(rxbuf[i]);
    }
    gt_wr(ETH_HTPR, phys(hash_table));
    gt_wr(ETH_PCR, PCR_HS | PCR_HDM);
    gt_wr(ETH_FRDP0, phys(rxd[0]));
    gt_wr(ETH_CRDP0, phys(rxd[0]));
    gt_wr(ETH_SDCMR, SDCMR_ERD);
    t_printf("started\n");
    for (unsigned n = 0, next = 0; n < ECHOES;) {
        volatile uint32_t *r = rxd[next];
        if (r[1] & G_OWN)
            continue;
        unsigned count = r[0] & 0xFFFF;
        if ((r[1] & (G_F | G_L | G_ES)) == (G_F | G_L) && count > 4 &&
            count - 4 <= BUF) {
            unsigned len = echo_frame(rxbuf[next], count - 4);
            report(n++, len, rxbuf[next]);
            while (txd[1] & G_OWN)
                ;
            txd[0] = (uint32_t)len << 16;
            txd[2] = 0;
            txd[3] = phys(txbuf);
            txd[1] = G_OWN | G_GC | G_F | G_L;
            gt_wr(ETH_CTDP0, phys(txd));
            gt_wr(ETH_SDCMR, SDCMR_ERD | SDCMR_TXDL);
        }
        r[0] = (uint32_t)BUF << 16;
        r[1] = G_OWN;
        next = (next + 1) % NRX;
    }
    while (txd[1] & G_OWN)
        ;
    return 0;
}

void test_main(void)
{
    if (pp_init() < 0) {
        t_printf("unknown platform id %x\n", pp.id);
        return;
    }
    t_printf("platform %s\n", pp.name);
    pp_pci_scan(seen, 0);
    int rc = -1;
    if (am.id)
        rc = am_echo();
    else if (pp.family == PP_GT96K)
        rc = gt_echo();
    else
        t_printf("no Ethernet chip\n");
    if (rc == 0)
        t_printf("echoed %u frames\n", ECHOES);
}
