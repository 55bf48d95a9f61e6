/*
 * plat.c - which router this is and where its parts are, found the way
 * IOS finds it: the ROM's platform service (EMT 7, the ELF machine id of
 * the chassis: 0x19 c7200, 0x1E 3620/3640, 0x34 3660, 0x66 2691, 0x61
 * 3725, 0x69 3745; c3600-c2691-c37xx.md §2.5) and, on the 3620/3640, the
 * I/O FPGA's chassis type register (§3.6 0x30000, bits 5-7: 0x80 3620,
 * 0x00 3640). One image serves every platform.
 *
 * Per platform: the system controller, I/O FPGA and console UART
 * addresses (§1.1), the identity and slot EEPROM wiring (§6.1), where a
 * PCI function sits (§3.5, §4.5, §5.3), the network interrupt status bits
 * (§3.6, §3.7, §4.6, §4.7) and the nominal CPU clock (§1.1, which the
 * emulator's Count follows at half rate).
 *
 * Devices above 512 MB (the GT-96100 routers' DUART and WIC windows at
 * 0x3C000000, the 3745's GT-96100 at 0x24000000) are out of KSEG1's reach:
 * two wired TLB entries map them uncached at kseg2, as IOS maps its
 * devices through the TLB.
 */
#include "fw.h"

#include "c7200.h"
#include "cp0.h"

struct plat plat;

#define KSEG1_LIMIT 0x20000000u
#define PAGEMASK_16M 0x01FFE000u /* R4000 manual, PageMask: 16 MB pages */
#define PAIR 0x02000000u         /* two 16 MB pages per entry */
#define VA_3C 0xC0000000u        /* kseg2: phys 0x3C000000-0x3DFFFFFF */
#define VA_24 0xC2000000u        /* kseg2: phys 0x24000000-0x25FFFFFF */
#define PA_3C 0x3C000000u
#define PA_24 0x24000000u

static void tlb_pair(unsigned index, uint32_t va, uint32_t pa)
{
    /* EntryLo: PFN 29:6, C 5:3 = 2 uncached, D, V, G */
    uint32_t lo = 2u << 3 | 0x4 | 0x2 | 0x1;
    mtc0(CP0_PAGEMASK, PAGEMASK_16M);
    mtc0(CP0_ENTRYHI, va);
    mtc0(CP0_ENTRYLO0, (pa >> 12) << 6 | lo);
    mtc0(CP0_ENTRYLO1, ((pa + PAIR / 2) >> 12) << 6 | lo);
    mtc0(CP0_INDEX, index);
    __asm__ volatile(".set push\n\t.set mips3\n\tnop\n\ttlbwi\n\tnop\n\t"
                     ".set pop" : : : "memory");
    mtc0(CP0_PAGEMASK, 0);
}

uint32_t plat_io(uint32_t pa)
{
    if (pa < KSEG1_LIMIT)
        return KSEG1_BASE | pa;
    if (pa - PA_3C < PAIR)
        return VA_3C + (pa - PA_3C);
    if (pa - PA_24 < PAIR)
        return VA_24 + (pa - PA_24);
    return 0;
}

/* §1.1 / §2.5 */
#define ID_C7200 0x19
#define ID_C3620_3640 0x1E
#define ID_C3660 0x34
#define ID_C2691 0x66
#define ID_C3725 0x61
#define ID_C3745 0x69

void plat_detect(uint32_t elf_id)
{
    plat.id = P_C7200;
    plat.fam = PF_C7200;
    plat.model = "7206";
    plat.gt = C7200_GT_BASE;
    plat.gt_swap_all = 1;
    plat.pci_roots = 1;
    plat.nslots = 7;
    switch (elf_id) {
    case ID_C3620_3640:
    case ID_C3660:
        plat.fam = PF_C3600;
        plat.gt = KSEG1_BASE | 0x14000000u;   /* §3.2 */
        plat.fpga = KSEG1_BASE | 0x1E800000u;
        plat.duart = KSEG1_BASE | 0x1E840000u;
        if (elf_id == ID_C3660) {
            plat.id = P_3660;
            plat.model = "3660";
            plat.cpu_mhz = 225;
            plat.pci_roots = 2;
            plat.nslots = 7;
        } else if ((MMIO8(plat.fpga + 0x30000) & 0xE0) == 0x80) {
            plat.id = P_3620;
            plat.model = "3620";
            plat.cpu_mhz = 80;
            plat.nslots = 2;
        } else {
            plat.id = P_3640;
            plat.model = "3640";
            plat.cpu_mhz = 100;
            plat.nslots = 4;
        }
        return;
    case ID_C2691:
    case ID_C3725:
    case ID_C3745:
        plat.fam = PF_GT96K;
        plat.gt_swap_all = 0;
        plat.pci_roots = 2;
        mtc0(CP0_WIRED, 0);
        tlb_pair(0, VA_3C, PA_3C);
        tlb_pair(1, VA_24, PA_24);
        mtc0(CP0_WIRED, 2);
        plat.duart = plat_io(0x3C100000u);    /* §4.2 */
        if (elf_id == ID_C3745) {
            plat.id = P_3745;
            plat.model = "3745";
            plat.cpu_mhz = 350;
            plat.nslots = 5;
            plat.gt = plat_io(0x24000000u);
            plat.fpga = plat_io(0x1FA00000u);
        } else {
            plat.id = elf_id == ID_C2691 ? P_2691 : P_3725;
            plat.model = elf_id == ID_C2691 ? "2691" : "3725";
            plat.cpu_mhz = elf_id == ID_C2691 ? 160 : 240;
            plat.nslots = elf_id == ID_C2691 ? 2 : 3;
            plat.gt = plat_io(0x14000000u);
            plat.fpga = plat_io(0x1E800000u);
        }
        return;
    default:
        return; /* c7200 (or unknown: treated as one) */
    }
}

/* ------------------------------------------------------------ EEPROMs */

/* §6.1: chassis EEPROMs CS 0 CLK 1 DI 2 DO 3; NM EEPROMs CLK 2 CS 4
 * DI 6 DO 7. */
static struct ee_wiring wire(uint32_t off, int width, int cs, int sk, int di,
                             int dout, uint32_t keep)
{
    struct ee_wiring w = {plat.fpga + off, (uint8_t)cs, (uint8_t)sk,
                          (uint8_t)di, (uint8_t)dout, keep, (uint8_t)width};
    return w;
}

void plat_chassis_eeprom(struct eeprom *ee, struct eeprom *ee2)
{
    struct ee_wiring w;
    memset(ee2->data, 0xFF, sizeof(ee2->data));
    ee2->present = 0;
    switch (plat.id) {
    case P_3620:
    case P_3640: w = wire(0x0E, 16, 0, 1, 2, 3, 0); break;
    case P_3660: w = wire(0x10000, 8, 0, 1, 2, 3, 0); break;
    case P_2691:
    case P_3725: w = wire(0x0E, 16, 0, 1, 2, 3, 0); break;
    case P_3745:
        /* the midplane (CS bit 9) holds MAC and board id (§4.8) */
        w = wire(0x0E, 16, 0, 1, 2, 3, 0);
        eeprom_read_wired(&w, ee2);
        w = wire(0x0E, 16, 9, 1, 2, 3, 0);
        break;
    default: return;
    }
    eeprom_read_wired(&w, ee);
}

void plat_slot_eeprom(int slot, struct eeprom *ee)
{
    struct ee_wiring w;
    memset(ee->data, 0xFF, sizeof(ee->data));
    ee->present = 0;
    switch (plat.id) {
    case P_3620:
    case P_3640: /* §3.6 0x10008: slot number in bits 0-1 of every write */
        w = wire(0x10008, 8, 4, 2, 6, 7, (uint32_t)slot);
        break;
    case P_3660:
        if (slot == 0)
            w = wire(0x20006, 8, 4, 2, 6, 7, 0);
        else
            w = wire(0x1000A + (uint32_t)(slot - 1), 8, 4, 2, 6, 7, 0);
        break;
    case P_2691:
    case P_3725:
        if (slot == 0)
            return; /* GT96100-FE: no EEPROM (§5.2) */
        w = wire(0x44 + 2 * (uint32_t)(slot - 1), 16, 4, 2, 6, 7, 0);
        break;
    case P_3745:
        if (slot == 0)
            return;
        w = wire(0x40 + 2 * (uint32_t)(slot - 1), 16, 4, 2, 6, 7, 0);
        break;
    default:
        return;
    }
    eeprom_read_wired(&w, ee);
}

/*
 * §4.9: WIC EEPROMs through a command port: select the WIC (0x1700,
 * 0x1D00, 0x3500), write 0x180 | byte offset and 0, read two bytes. The
 * offset has six bits, so bytes 0-64 are reachable (every field the
 * firmware needs lies there).
 */
void plat_wic_eeprom(int wic, struct eeprom *ee)
{
    static const uint16_t sel[3] = {0x1700, 0x1D00, 0x3500};
    uint32_t presence = plat.id == P_3745 ? 0x100004 : 0x12;
    uint32_t port = plat.id == P_3745 ? 0x100008 : 0x42;
    memset(ee->data, 0xFF, sizeof(ee->data));
    ee->present = 0;
    if (plat.fam != PF_GT96K || wic < 0 || wic > 2 ||
        (MMIO16(plat.fpga + presence) & (1u << wic)))
        return;
    MMIO16(plat.fpga + presence) = sel[wic];
    for (unsigned off = 0; off < 64; off += 2) {
        MMIO16(plat.fpga + port) = (uint16_t)(0x180 | off);
        MMIO16(plat.fpga + port) = 0;
        uint16_t v = MMIO16(plat.fpga + port);
        ee->data[off] = (uint8_t)(v >> 8);
        ee->data[off + 1] = (uint8_t)v;
    }
    MMIO16(plat.fpga + presence) = 0;
    ee->present = ee->data[0] != 0xFF || ee->data[1] != 0xFF;
}

/* ---------------------------------------------------------------- PCI */

/*
 * Slot and port of a PCI function (§3.5, §4.5, §5.3); -1 if it belongs to
 * no slot (system controller, bridges, PCMCIA controller).
 */
int plat_pci_slot(const struct pci_func *f, int *port)
{
    static const int8_t b3660[8] = {-1, -1, 1, 3, 5, 6, 4, 2};
    *port = 0;
    switch (plat.id) {
    case P_3620:
        if (f->depth != 0 || f->dev < 5 || f->dev > 19)
            return -1;
        *port = f->dev >= 13 ? f->dev - 13 : f->dev - 5;
        return f->dev >= 13 ? 1 : 0;
    case P_3640:
        /* bridge 0:3 -> slots 0 (dev 0+) and 2 (dev 8+); 0:2 -> 1, 3 */
        if (f->depth != 1 || (f->path[0] != 2 && f->path[0] != 3))
            return -1;
        *port = f->dev & 7;
        return (f->path[0] == 3 ? 0 : 1) + (f->dev >= 8 ? 2 : 0);
    case P_3660:
        if (f->root == 0 && f->depth == 0 && (f->dev == 6 || f->dev == 7)) {
            *port = f->dev - 6;  /* Leopard-2FE */
            return 0;
        }
        if (f->root == 1 && f->depth == 1 && f->path[0] < 8 &&
            b3660[f->path[0]] > 0) {
            *port = f->dev;
            return b3660[f->path[0]];
        }
        return -1;
    case P_2691:
    case P_3725:
        if (f->root != 1 || f->depth != 0)
            return -1;
        if (f->dev >= 6 && f->dev < 10) {
            *port = f->dev - 6;
            return 1;
        }
        if (plat.id == P_3725 && f->dev >= 10 && f->dev < 14) {
            *port = f->dev - 10;
            return 2;
        }
        return -1;
    case P_3745:
        if (f->root != 1 || f->depth != 1 || f->path[0] < 1 ||
            f->path[0] > 4)
            return -1;
        *port = f->dev;
        return f->path[0];
    default:
        return -1;
    }
}

/* ------------------------------------------------- network interrupts */

/*
 * Status register, width and bit of the (slot, port) network interrupt
 * (§3.6, §3.7, §4.6, §4.7), and whether the bit is active low. Returns -1
 * for a (slot, port) the chassis has no bit for.
 */
int plat_net_irq_bit(int slot, int port, struct irq_bit *b)
{
    static const uint8_t base3660[7] = {0, 24, 16, 28, 20, 8, 0};
    static const uint16_t byte3640[4] = {0x1, 0x0, 0x3, 0x2};
    b->active_low = 0;
    switch (plat.id) {
    case P_3620:
    case P_3640:
        if (slot < 0 || slot > 3 || port < 0 || port > 3)
            return -1;
        b->reg = plat.fpga + 0x20000 + byte3640[slot];
        b->width = 8;
        b->bit = (uint8_t)port;
        return 0;
    case P_3660:
        if (slot < 0 || slot > 6 || port < 0 || port > 3)
            return -1;
        b->reg = plat.fpga + (slot ? 0x10010 : 0x20010);
        b->width = slot ? 32 : 8;
        b->bit = (uint8_t)(base3660[slot] + port);
        return 0;
    case P_2691:
    case P_3725:
        b->active_low = 1;
        b->width = 16;
        if (slot == 0 && port >= 0 && port < 8) {
            b->reg = plat.fpga + 0x26;
            b->bit = (uint8_t)port;
            return 0;
        }
        if (plat.id == P_2691 && slot == 1 && port >= 0 && port < 8) {
            b->reg = plat.fpga + 0x28;
            b->bit = (uint8_t)port;
            return 0;
        }
        if (plat.id == P_3725 && (slot == 1 || slot == 2) && port >= 0 &&
            port < 4) {
            b->reg = plat.fpga + 0x28;
            b->bit = (uint8_t)(4 * (slot - 1) + port);
            return 0;
        }
        return -1;
    case P_3745:
        b->active_low = 1;
        b->width = 16;
        if (slot == 0 && port == 0) {
            b->reg = plat.fpga + 0x20;
            b->bit = 0;
            return 0;
        }
        if (slot >= 1 && slot <= 4 && port >= 0 && port < 4) {
            b->reg = plat.fpga + 0x22;
            b->bit = (uint8_t)(4 * (slot - 1) + port);
            return 0;
        }
        return -1;
    default:
        return -1;
    }
}

uint32_t plat_irq_read(const struct irq_bit *b)
{
    uint32_t v;
    switch (b->width) {
    case 8: v = MMIO8(b->reg); break;
    case 16: v = MMIO16(b->reg); break;
    default: v = MMIO32(b->reg); break;
    }
    return b->active_low ? ~v : v;
}

/* ------------------------------------------------- GT register access */

/* The GT's registers are little-endian: every GT-64010/64120 access and
 * every 32-bit GT-96100 access is byte-reversed (§3.4, §4.4). */
static uint32_t bswap32(uint32_t v)
{
    return v >> 24 | (v >> 8 & 0xFF00) | (v << 8 & 0xFF0000) | v << 24;
}

uint32_t gt_read(uint32_t off)
{
    return bswap32(MMIO32(plat.gt + off));
}

void gt_write(uint32_t off, uint32_t v)
{
    MMIO32(plat.gt + off) = bswap32(v);
}
