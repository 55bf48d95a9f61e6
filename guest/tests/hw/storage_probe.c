/*
 * storage_probe: the c7200 storage devices as IOS reaches them, on the
 * machine the runner boots (NPE-400, default 64 MB disk0, no disk1, a new
 * bootflash and disk0 image in a fresh directory).
 *
 * Expected output written from the shared spec c7200.md and the Intel
 * 28F016SA datasheet:
 *  - I/O FPGA 0x23C bootflash SIMM descriptor 0x2704, 0x3D6 reads 0x33
 *    with a byte load (§7);
 *  - bootflash at physical 0x1A000000 (KSEG1 0xBA000000), four 28F016SA
 *    byte-interleaved (§14): identifiers 0x89/0xA0 per lane, read status
 *    0x80 (ready); blank flash is erased (0xFF); programming can only
 *    clear bits and a block erase covers the 64 KB chip block holding the
 *    address (datasheet; the reference quirks of §21 are not kept);
 *  - CL-PD6729 index/data pair at physical 0x1_0000_0403/0x402 (§12.5),
 *    reached through a TLB entry; socket registers of §15.1;
 *  - disk0 at physical 0x40000000 (§15.2): CIS bytes at 2*(k XOR 1), the
 *    pin replacement register, the task file at window 0x100000/0x100006/
 *    0x100004, data window at 0x100400; IDENTIFY and geometry (§15.3);
 *    the new image's MBR and FAT16 boot sector (§15.4); a sector written
 *    and read back; a sector beyond the disk ends with ERR, IDNF (ATA).
 */
#include "hw.h"
#include "c7200.h"

#define BOOTFLASH 0xBA000000u /* KSEG1 of 0x1A000000, §3.1 */
#define BF32(off) (*(volatile uint32_t *)(uintptr_t)(BOOTFLASH + (off)))
#define BLOCK 0x40000u /* one 64 KB block in each of the four chips */

/* kuseg windows mapped through the TLB (R4000 manual ch. 4: kernel mode
 * with ERL = 0 maps kuseg like user mode) */
#define VA_PCI_IO 0x10000000u   /* even page: physical 0x1_0000_0000 */
#define VA_DISK0 0x10100000u    /* even: 0x4000_0000, odd: 0x4010_0000 */
#define IO8(off) (*(volatile uint8_t *)(uintptr_t)(VA_PCI_IO + (off)))
#define CARD8(off) (*(volatile uint8_t *)(uintptr_t)(VA_DISK0 + (off)))
#define TF16(off) \
    (*(volatile uint16_t *)(uintptr_t)(VA_DISK0 + 0x1000 + (off)))

/* Task-file words in the odd page (window 0x100000 + off), §15.2 */
#define TF_ERROR 0x002   /* i = 0x80000: error register in the high byte */
#define TF_COUNT 0x000   /* i = 0x80001 */
#define TF_CYL 0x006     /* i = 0x80002 */
#define TF_DRIVE 0x004   /* i = 0x80003 */
#define TF_DATA 0x400    /* i = 0x80200 ... */

/* EntryLo: PFN (PA >> 12) at bit 6, C = 2 (uncached), D, V, G */
#define LO_UNCACHED(pa) ((((uint64_t)(pa) >> 12) << 6) | (2 << 3) | 7)

static void tlb_wi(unsigned idx, uint64_t hi, uint64_t lo0, uint64_t lo1)
{
    mtc0(CP0_INDEX, idx);
    mtc0(CP0_PAGEMASK, 0); /* 4 KB pages */
    dmtc0(CP0_ENTRYHI, hi);
    dmtc0(CP0_ENTRYLO0, lo0);
    dmtc0(CP0_ENTRYLO1, lo1);
    __asm__ volatile(".set push\n.set noreorder\nnop\nnop\ntlbwi\nnop\nnop\n"
                     ".set pop" ::: "memory");
}

static void bf_cmd(uint32_t off, uint8_t cmd)
{
    BF32(off) = 0x01010101u * cmd;
}

static void bootflash(void)
{
    bf_cmd(0, 0x90);
    t_printf("bootflash id: %08x %08x %08x\n", BF32(0), BF32(4), BF32(8));
    bf_cmd(0, 0x70);
    t_printf("bootflash status: %08x %08x\n", BF32(0), BF32(0x100));
    bf_cmd(0, 0xFF);
    t_printf("bootflash blank: %08x %08x\n", BF32(BLOCK + 0x10),
             BF32(0x7FFFFC));

    bf_cmd(BLOCK + 0x10, 0x40);
    BF32(BLOCK + 0x10) = 0x12345678u;
    t_printf("bootflash program: status %08x", BF32(BLOCK + 0x10));
    bf_cmd(0, 0xFF);
    t_printf(" data %08x\n", BF32(BLOCK + 0x10));
    bf_cmd(BLOCK + 0x10, 0x40);
    BF32(BLOCK + 0x10) = 0xF0F0F0F0u;
    bf_cmd(0, 0xFF);
    t_printf("bootflash program again: %08x\n", BF32(BLOCK + 0x10));
    /* a halfword reaches chips 2 and 3 only */
    *(volatile uint16_t *)(uintptr_t)(BOOTFLASH + BLOCK + 0x22) = 0x4040;
    *(volatile uint16_t *)(uintptr_t)(BOOTFLASH + BLOCK + 0x22) = 0xBEEF;
    t_printf("bootflash halfword: status %08x", BF32(BLOCK + 0x20));
    bf_cmd(0, 0xFF);
    t_printf(" data %08x\n", BF32(BLOCK + 0x20));

    bf_cmd(2 * BLOCK, 0x40);
    BF32(2 * BLOCK) = 0x0000AAAAu; /* next block: kept by the erase */
    bf_cmd(BLOCK + 0x8000, 0x20);
    bf_cmd(BLOCK + 0x8000, 0xD0);
    t_printf("bootflash erase: status %08x", BF32(BLOCK));
    bf_cmd(0, 0xFF);
    t_printf(" block %08x %08x %08x next %08x\n", BF32(BLOCK),
             BF32(BLOCK + 0x10), BF32(2 * BLOCK - 4), BF32(2 * BLOCK));
    bf_cmd(BLOCK, 0x20);
    bf_cmd(BLOCK, 0xFF); /* not the confirm byte */
    t_printf("bootflash bad erase: status %08x", BF32(BLOCK));
    bf_cmd(0, 0x50);
    t_printf(" cleared %08x\n", BF32(BLOCK));
}

static uint8_t pd_read(uint8_t index)
{
    IO8(0x403) = index;
    return IO8(0x402);
}

static void pd_write(uint8_t index, uint8_t v)
{
    IO8(0x403) = index;
    IO8(0x402) = v;
}

static void pcmcia(void)
{
    t_printf("pd6729 revision: %02x %02x\n", pd_read(0x00), pd_read(0x40));
    t_printf("pd6729 interface status: A %02x B %02x\n", pd_read(0x01),
             pd_read(0x41));
    t_printf("pd6729 int/gen control %02x, fifo %02x\n", pd_read(0x03),
             pd_read(0x17));
    pd_write(0x10, 0x5A);
    pd_write(0x50, 0xA5);
    uint8_t a = pd_read(0x10);
    uint8_t b = pd_read(0x50);
    t_printf("pd6729 window registers: %02x %02x, index %02x\n", a, b,
             IO8(0x403));
    t_printf("pd6729 index 0x80: %02x\n", pd_read(0x80));
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint8_t ata_status(void)
{
    return (uint8_t)(TF16(TF_DRIVE) >> 8);
}

static void ata_lba(uint8_t cmd, uint8_t count, uint32_t lba)
{
    TF16(TF_COUNT) = (uint16_t)((lba & 0xFF) << 8 | count);
    TF16(TF_CYL) = (uint16_t)(lba >> 8);
    TF16(TF_DRIVE) = (uint16_t)(cmd << 8 | 0xE0 | ((lba >> 24) & 0x0F));
}

static void ata_in(uint8_t *buf)
{
    for (unsigned w = 0; w < 256; w++) {
        uint16_t v = TF16(TF_DATA + 2 * w);
        buf[2 * w] = (uint8_t)v;
        buf[2 * w + 1] = (uint8_t)(v >> 8);
    }
}

static void ata_out(const uint8_t *buf)
{
    for (unsigned w = 0; w < 256; w++) {
        TF16(TF_DATA + 2 * w) = le16(buf + 2 * w);
    }
}

static uint8_t sector[512];

static void disk0(void)
{
    unsigned k;

    t_printf("disk0 cis:");
    for (k = 0; k < 16; k++) {
        t_printf(" %02x", CARD8(2 * (k ^ 1)));
    }
    t_printf("\ndisk0 cis version 1: \"");
    for (k = 0x19; CARD8(2 * (k ^ 1)); k++) {
        t_printf("%c", CARD8(2 * (k ^ 1)));
    }
    t_printf("\"\ndisk0 cis end: %02x %02x %02x\n", CARD8(2 * (186 ^ 1)),
             CARD8(2 * (187 ^ 1)), CARD8(2 * (188 ^ 1)));
    t_printf("disk0 pin replacement: %02x\n", CARD8(0x206));
    t_printf("disk0 status: %02x\n", ata_status());

    TF16(TF_DRIVE) = 0xECA0; /* IDENTIFY DEVICE */
    t_printf("identify: status %02x", ata_status());
    ata_in(sector);
    t_printf(" -> %02x\n", ata_status());
    t_printf("identify: config %04x cyl %u heads %u spt %u sectors %u\n",
             le16(sector), le16(sector + 2), le16(sector + 6),
             le16(sector + 12),
             (unsigned)le16(sector + 14) << 16 | le16(sector + 16));
    t_printf("identify: w22 %u w53 %u current %u/%u/%u %u\n",
             le16(sector + 44), le16(sector + 106), le16(sector + 108),
             le16(sector + 110), le16(sector + 112), le32(sector + 114));

    ata_lba(0x20, 1, 0);
    ata_in(sector);
    const uint8_t *e = sector + 0x1BE;
    t_printf("mbr: boot %02x type %02x chs %02x%02x%02x-%02x%02x%02x lba %u "
             "len %u sig %02x%02x\n", e[0], e[4], e[1], e[2], e[3], e[5],
             e[6], e[7], le32(e + 8), le32(e + 12), sector[510],
             sector[511]);

    /* cylinder 0, head 1, sector 1: LBA 32 */
    TF16(TF_COUNT) = 0x0101;
    TF16(TF_CYL) = 0;
    TF16(TF_DRIVE) = 0x20A1;
    ata_in(sector);
    t_printf("fat16: oem %.8s bps %u spc %u rsvd %u fats %u root %u "
             "media %02x fat %u total %u\n", (const char *)sector + 3,
             le16(sector + 11), sector[13], le16(sector + 14), sector[16],
             le16(sector + 17), sector[21], le16(sector + 22),
             le32(sector + 32));
    t_printf("fat16: drive %02x sig %02x label \"%.11s\" type \"%.8s\" "
             "end %02x%02x\n", sector[36], sector[38],
             (const char *)sector + 43, (const char *)sector + 54,
             sector[510], sector[511]);

    for (k = 0; k < 512; k++) {
        sector[k] = (uint8_t)(k * 13 + 7);
    }
    ata_lba(0x30, 2, 70000);
    ata_out(sector);
    t_printf("write: after 1 sector %02x", ata_status());
    ata_out(sector);
    t_printf(", after 2 %02x\n", ata_status());
    t_memset(sector, 0, sizeof(sector));
    ata_lba(0x20, 1, 70001);
    ata_in(sector);
    for (k = 0; k < 512 && sector[k] == (uint8_t)(k * 13 + 7); k++) {
    }
    t_printf("read back: %u bytes match, status %02x\n", k, ata_status());

    ata_lba(0x20, 1, 131072);
    t_printf("beyond the disk: status %02x error %02x\n", ata_status(),
             TF16(TF_ERROR) >> 8);
    TF16(TF_DRIVE) = 0xECA0;
    t_printf("next command: status %02x error %02x\n", ata_status(),
             TF16(TF_ERROR) >> 8);
    ata_in(sector);
}

void test_main(void)
{
    t_printf("iofpga 0x23c: %08x\n", IOFPGA_REG(0x23C));
    t_printf("iofpga 0x3d6: %02x\n",
             *(volatile uint8_t *)(uintptr_t)(C7200_IOFPGA_BASE + 0x3D6));
    bootflash();

    tlb_wi(0, VA_PCI_IO, LO_UNCACHED(0x100000000ull), 0);
    tlb_wi(1, VA_DISK0, LO_UNCACHED(0x40000000u), LO_UNCACHED(0x40100000u));
    pcmcia();
    disk0();
}
