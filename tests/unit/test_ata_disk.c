/*
 * ATA flash disk (c7200.md §15.2-§15.4, c3600-c2691-c37xx.md §4.10): the
 * card window (CIS, pin replacement register, task file, data window, the
 * swapped 16-bit lanes), IDENTIFY, READ/WRITE SECTORS in CHS and LBA,
 * errors, the new image's MBR and FAT16 layout, the image size policy and
 * persistence across SIGKILL; CompactFlash mode.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dev/ata_disk.h"
#include "dev/disk_format.h"
#include "file_harness.h"

#define MB (1u << 20)
#define VOLUME_ID 0x12345678u

/* Card register indexes of PCMCIA mode (§15.2). */
#define I_ERROR 0x80000
#define I_COUNT 0x80001
#define I_CYL 0x80002
#define I_DRIVE 0x80003
#define I_DATA 0x80200

struct fx {
    char dir[64];
    char path[128];
    struct ata_disk *d;
    struct device *dev;
    char err[256];
};

static int open_disk(struct fx *f, unsigned mb, enum ata_disk_mode mode)
{
    struct ata_disk_config c = {
        .path = f->path,
        .size_mb = mb,
        .mode = mode,
        .name = "disk0",
        .volume_id = VOLUME_ID,
    };
    int rc = ata_disk_open(&c, &f->d, f->err, sizeof(f->err));
    f->dev = rc == 0 ? ata_disk_device(f->d) : NULL;
    return rc;
}

static void close_disk(struct fx *f)
{
    ata_disk_destroy(f->d);
    f->d = NULL;
    f->dev = NULL;
}

static int setup(void **state)
{
    struct fx *f = test_calloc(1, sizeof(*f));
    strcpy(f->dir, "/tmp/test_ata_disk.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/c7200_i0_disk0", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    close_disk(f);
    unlink(f->path);
    rmdir(f->path); /* when a test made it a directory */
    rmdir(f->dir);
    test_free(f);
    return 0;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return le16(p) | (uint32_t)le16(p + 2) << 16;
}

/* Window offset of register index i: i = (off >> 1) ^ 1 (§15.2). */
static uint64_t win(uint32_t i)
{
    return (uint64_t)(i ^ 1) << 1;
}

static uint16_t rd(struct fx *f, uint32_t i)
{
    return (uint16_t)dev_read(f->dev, win(i), 2);
}

static void wr(struct fx *f, uint32_t i, uint16_t v)
{
    dev_write(f->dev, win(i), 2, v);
}

static uint8_t status(struct fx *f)
{
    return (uint8_t)(rd(f, I_DRIVE) >> 8);
}

/* Task file for one command: LBA when lba_mode, else CHS. */
static void command(struct fx *f, uint8_t cmd, uint8_t count, uint32_t lba,
                    int lba_mode)
{
    if (lba_mode) {
        wr(f, I_COUNT, (uint16_t)((lba & 0xFF) << 8 | count));
        wr(f, I_CYL, (uint16_t)(lba >> 8));
        wr(f, I_DRIVE, (uint16_t)(cmd << 8 | 0xE0 | ((lba >> 24) & 0x0F)));
    } else {
        uint32_t cyl = lba / (4 * 32), head = (lba / 32) % 4;
        uint32_t sect = lba % 32 + 1;
        wr(f, I_COUNT, (uint16_t)(sect << 8 | count));
        wr(f, I_CYL, (uint16_t)cyl);
        wr(f, I_DRIVE, (uint16_t)(cmd << 8 | 0xA0 | head));
    }
}

/* 256 data-window reads, alternating over the window's offsets. */
static void read_block(struct fx *f, uint8_t *buf)
{
    for (unsigned w = 0; w < 256; w++) {
        uint16_t v = rd(f, I_DATA + (w * 37) % 256);
        buf[2 * w] = (uint8_t)v;
        buf[2 * w + 1] = (uint8_t)(v >> 8);
    }
}

static void write_block(struct fx *f, const uint8_t *buf)
{
    for (unsigned w = 0; w < 256; w++) {
        wr(f, I_DATA + w, le16(buf + 2 * w));
    }
}

/* ------------------------------------------------ the new image */
static void test_new_image_layout(void **state)
{
    struct fx *f = *state;
    uint8_t s[512];
    assert_int_equal(open_disk(f, 64, ATA_DISK_PCMCIA), 0);
    assert_int_equal(file_size(f->path), 64 * MB);
    assert_int_equal(ata_disk_cylinders(f->d), 1024);  /* §15.3 */
    assert_int_equal(ata_disk_sectors(f->d), 131072);

    /* MBR (§15.4) */
    file_read(f->path, 0, s, sizeof(s));
    const uint8_t *e = s + 0x1BE;
    assert_int_equal(e[0], 0);                   /* not bootable */
    assert_int_equal(e[1], 1);                   /* CHS 0/1/1 */
    assert_int_equal(e[2], 1);
    assert_int_equal(e[3], 0);
    assert_int_equal(e[4], 0x04);                /* FAT16 */
    assert_int_equal(e[5], 3);                   /* last: 1023/3/32 */
    assert_int_equal(e[6], 0xC0 | 32);
    assert_int_equal(e[7], 0xFF);
    assert_int_equal(le32(e + 8), 32);
    assert_int_equal(le32(e + 12), 131072 - 32);
    for (int i = 0x1CE; i < 0x1FE; i++) {
        assert_int_equal(s[i], 0);               /* one partition */
    }
    assert_int_equal(s[510], 0x55);
    assert_int_equal(s[511], 0xAA);

    /* boot sector at LBA 32 */
    file_read(f->path, 32 * 512, s, sizeof(s));
    assert_memory_equal(s + 3, "DYNAMIPS", 8);
    assert_int_equal(le16(s + 11), 512);
    assert_int_equal(s[13], 4);                  /* <= 262144 sectors */
    assert_int_equal(le16(s + 14), 1);
    assert_int_equal(s[16], 2);
    assert_int_equal(le16(s + 17), 512);
    assert_int_equal(le16(s + 19), 0);
    assert_int_equal(s[21], 0xF8);
    uint16_t fat = le16(s + 22);
    assert_int_equal(fat, (131040 / 4 + 1) / 256 + 1);
    assert_int_equal(le16(s + 24), 32);
    assert_int_equal(le16(s + 26), 4);
    assert_int_equal(le32(s + 28), 0);           /* hidden sectors */
    assert_int_equal(le32(s + 32), 131040);
    assert_int_equal(s[36], 0x80);
    assert_int_equal(s[38], 0x29);
    assert_int_equal(le32(s + 39), VOLUME_ID);
    assert_memory_equal(s + 43, "disk0      ", 11);
    assert_memory_equal(s + 54, "FAT16   ", 8);
    assert_int_equal(s[510], 0x55);
    assert_int_equal(s[511], 0xAA);

    /* both FATs start F8 FF FF FF; the root directory is empty */
    for (unsigned k = 0; k < 2; k++) {
        file_read(f->path, (33 + k * fat) * 512, s, sizeof(s));
        assert_int_equal(le32(s), 0xFFFFFFF8u);
        assert_int_equal(s[4], 0);
    }
    file_read(f->path, (33 + 2 * fat) * 512, s, sizeof(s));
    for (int i = 0; i < 512; i++) {
        assert_int_equal(s[i], 0);
    }
}

static void test_cluster_size_by_volume(void **state)
{
    /* §15.4 table, volume = disk - 32 sectors */
    static const struct {
        unsigned mb;
        uint8_t spc;
    } cases[] = {{1, 2}, {16, 4}, {128, 4}, {129, 8}, {256, 8}, {512, 16}};
    struct fx *f = *state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint8_t s[512];
        unlink(f->path);
        assert_int_equal(open_disk(f, cases[i].mb, ATA_DISK_PCMCIA), 0);
        file_read(f->path, 32 * 512, s, sizeof(s));
        uint32_t vol = cases[i].mb * 2048 - 32;
        assert_int_equal(s[13], cases[i].spc);
        assert_int_equal(le16(s + 22), (vol / cases[i].spc + 1) / 256 + 1);
        assert_int_equal(le32(s + 32), vol);
        close_disk(f);
    }
}

static void test_format_limits(void **state)
{
    (void)state;
    struct disk_format_params p = {.sectors = 96, .heads = 4,
                                   .sects_per_track = 32};
    assert_int_equal(disk_format_fat16(-1, &p), -EINVAL);
    p.sectors = DISK_FAT16_MAX_SECTORS + 33;
    assert_int_equal(disk_format_fat16(-1, &p), -EINVAL);
    p.sectors = 4096;
    assert_int_equal(disk_format_fat16(-1, &p), -EBADF);
}

/* ------------------------------------------------ the window */
static void test_cis_and_attribute_memory(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_disk(f, 8, ATA_DISK_PCMCIA), 0);
    /* §15.2: 189 bytes; first line and the end of the dump */
    static const uint8_t head[16] = {0x01, 0x03, 0xD9, 0x01, 0xFF, 0x1C,
                                     0x04, 0x03, 0xD9, 0x01, 0xFF, 0x18,
                                     0x02, 0xDF, 0x01, 0x20};
    assert_int_equal(ata_disk_cis_len, 189);
    assert_memory_equal(ata_disk_cis, head, sizeof(head));
    assert_memory_equal(ata_disk_cis + 0x19, "Dynamips ATA Flash Card  ", 26);
    assert_int_equal(ata_disk_cis[0xB9], 0x4D);
    assert_int_equal(ata_disk_cis[0xBA], 0x14);
    assert_int_equal(ata_disk_cis[0xBC], 0xFF);
    /* CIS byte k at offsets 2*(k^1) and +1, any size */
    for (uint32_t k = 0; k < 189; k++) {
        assert_int_equal(dev_read(f->dev, 2 * (k ^ 1), 1), ata_disk_cis[k]);
        assert_int_equal(dev_read(f->dev, 2 * (k ^ 1) + 1, 2),
                         ata_disk_cis[k]);
    }
    assert_int_equal(dev_read(f->dev, 2 * (189 ^ 1), 1), 0); /* past it */
    /* pin replacement register, attribute address 0x204 (window 0x206) */
    assert_int_equal(dev_read(f->dev, 0x206, 2), 0x22);
    assert_int_equal(dev_read(f->dev, 0x204, 2), 0);
    /* attribute memory is read-only */
    dev_write(f->dev, 0, 2, 0x5555);
    assert_int_equal(dev_read(f->dev, 2, 1), 0x01);
    /* beyond the 2 MB window */
    assert_int_equal(dev_read(f->dev, ATA_DISK_WINDOW_SIZE, 2), 0);
    dev_write(f->dev, ATA_DISK_WINDOW_SIZE + 4, 2, 0xEC00);
    assert_int_equal(status(f), 0x50);
}

static void test_task_file_registers(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_disk(f, 8, ATA_DISK_PCMCIA), 0);
    assert_int_equal(status(f), 0x50); /* idle, §15.3 */
    /* window offsets 0x100000 / 0x100006 / 0x100004 (§15.2) */
    dev_write(f->dev, 0x100000, 2, 0x3412);
    dev_write(f->dev, 0x100006, 2, 0x7856);
    assert_int_equal(dev_read(f->dev, 0x100000, 2), 0x3412);
    assert_int_equal(dev_read(f->dev, 0x100006, 4), 0x7856);
    assert_int_equal(rd(f, I_COUNT), 0x3412);
    assert_int_equal(rd(f, I_CYL), 0x7856);
    dev_write(f->dev, 0x100004, 2, 0x00A3); /* command 0: ignored */
    assert_int_equal(dev_read(f->dev, 0x100004, 2), 0x50A3);
    assert_int_equal(rd(f, I_ERROR), 0);
}

static void test_identify(void **state)
{
    struct fx *f = *state;
    uint8_t b[512];
    assert_int_equal(open_disk(f, 64, ATA_DISK_PCMCIA), 0);
    wr(f, I_DRIVE, 0xECA0);
    assert_int_equal(status(f), 0x58);
    read_block(f, b);
    assert_int_equal(status(f), 0x50);
    assert_int_equal(le16(b + 0), 0x848A);
    assert_int_equal(le16(b + 2), 1024);
    assert_int_equal(le16(b + 6), 4);
    assert_int_equal(le16(b + 12), 32);
    assert_int_equal(le16(b + 14), 131072 >> 16);    /* high word first */
    assert_int_equal(le16(b + 16), 131072 & 0xFFFF);
    assert_int_equal(le16(b + 44), 4);
    assert_int_equal(le16(b + 106), 3);
    assert_int_equal(le16(b + 108), 1024);
    assert_int_equal(le16(b + 110), 4);
    assert_int_equal(le16(b + 112), 32);
    assert_int_equal(le16(b + 114), 131072 & 0xFFFF); /* low word first */
    assert_int_equal(le16(b + 116), 131072 >> 16);
    for (unsigned w = 0; w < 256; w++) {
        if (w != 0 && w != 1 && w != 3 && w != 6 && w != 7 && w != 8 &&
            w != 22 && (w < 53 || w > 58)) {
            assert_int_equal(le16(b + 2 * w), 0);
        }
    }
    /* nothing more to read */
    assert_int_equal(rd(f, I_DATA), 0);
    assert_int_equal(status(f), 0x50);
}

static void test_read_chs_boot_sector(void **state)
{
    struct fx *f = *state;
    uint8_t b[512];
    assert_int_equal(open_disk(f, 64, ATA_DISK_PCMCIA), 0);
    /* cylinder 0, head 1, sector 1 = LBA 32: the FAT boot sector */
    command(f, 0x20, 1, 32, 0);
    assert_int_equal(rd(f, I_COUNT), 0x0101);
    assert_int_equal(status(f), 0x58);
    read_block(f, b);
    assert_int_equal(status(f), 0x50);
    assert_memory_equal(b + 3, "DYNAMIPS", 8);
    /* LBA 0: the MBR */
    command(f, 0x20, 1, 0, 1);
    read_block(f, b);
    assert_int_equal(b[0x1C2], 0x04);
    assert_int_equal(b[511], 0xAA);
}

static void test_write_then_read_multi(void **state)
{
    struct fx *f = *state;
    uint8_t out[3][512], in[512];
    assert_int_equal(open_disk(f, 16, ATA_DISK_PCMCIA), 0);
    for (unsigned k = 0; k < 3; k++) {
        for (unsigned i = 0; i < 512; i++) {
            out[k][i] = (uint8_t)(i * 7 + k * 31 + 1);
        }
    }
    uint32_t lba = 12345; /* crosses a track: 12345 % 32 = 25 */
    command(f, 0x30, 3, lba, 1);
    assert_int_equal(status(f), 0x58);
    write_block(f, out[0]);
    assert_int_equal(status(f), 0x58);
    /* the sector is in the file as soon as its last word arrived */
    file_read(f->path, (off_t)lba * 512, in, 512);
    assert_memory_equal(in, out[0], 512);
    write_block(f, out[1]);
    write_block(f, out[2]);
    assert_int_equal(status(f), 0x50);
    file_read(f->path, (off_t)(lba + 2) * 512, in, 512);
    assert_memory_equal(in, out[2], 512);
    /* read them back in CHS, sector by sector status */
    command(f, 0x20, 3, lba, 0);
    for (unsigned k = 0; k < 3; k++) {
        assert_int_equal(status(f), 0x58);
        read_block(f, in);
        assert_memory_equal(in, out[k], 512);
    }
    assert_int_equal(status(f), 0x50);
    /* a byte access to the data window moves a whole word (the load
     * keeps the low-order byte, §0) */
    command(f, 0x20, 1, lba, 1);
    assert_int_equal(dev_read(f->dev, win(I_DATA), 1) & 0xFF,
                     le16(out[0]) & 0xFF);
    assert_int_equal(dev_read(f->dev, win(I_DATA), 2), le16(out[0] + 2));
}

static void test_count_zero_is_256(void **state)
{
    struct fx *f = *state;
    uint8_t b[512];
    assert_int_equal(open_disk(f, 1, ATA_DISK_PCMCIA), 0);
    command(f, 0x20, 0, 0, 1);
    for (unsigned k = 0; k < 256; k++) {
        assert_int_equal(status(f), 0x58);
        read_block(f, b);
    }
    assert_int_equal(status(f), 0x50);
}

static void test_errors(void **state)
{
    struct fx *f = *state;
    uint8_t b[512];
    assert_int_equal(open_disk(f, 1, ATA_DISK_PCMCIA), 0); /* 2048 sectors */
    /* first sector beyond the disk: ERR, IDNF */
    command(f, 0x20, 1, 2048, 1);
    assert_int_equal(status(f), 0x51);
    assert_int_equal(rd(f, I_ERROR), 0x1000);
    assert_int_equal(rd(f, I_DATA), 0);
    /* a good command clears the error */
    command(f, 0x20, 1, 2047, 1);
    assert_int_equal(status(f), 0x58);
    assert_int_equal(rd(f, I_ERROR), 0);
    read_block(f, b);
    /* running off the end during a transfer */
    command(f, 0x20, 2, 2047, 1);
    read_block(f, b);
    assert_int_equal(status(f), 0x51);
    memset(b, 0xA5, sizeof(b));
    command(f, 0x30, 2, 2047, 1);
    write_block(f, b);
    assert_int_equal(status(f), 0x51);
    file_read(f->path, 2047 * 512, b, 4);
    assert_int_equal(b[0], 0xA5); /* the sector on the disk was written */
    /* CHS sector 0 does not exist; neither does LBA 2^28-1 */
    wr(f, I_COUNT, 0x0001);
    wr(f, I_CYL, 0);
    wr(f, I_DRIVE, 0x20A0);
    assert_int_equal(status(f), 0x51);
    command(f, 0x30, 1, 0x0FFFFFFF, 1);
    assert_int_equal(status(f), 0x51);
    /* data accesses with nothing pending, or the wrong way: no effect */
    command(f, 0x20, 1, 5, 1);
    wr(f, I_DATA, 0x1234);
    assert_int_equal(status(f), 0x58);
    command(f, 0x30, 1, 5, 1);
    assert_int_equal(rd(f, I_DATA), 0);
    assert_int_equal(status(f), 0x58);
    /* other commands are ignored: status unchanged */
    wr(f, I_DRIVE, 0x91A0); /* INITIALIZE DEVICE PARAMETERS */
    assert_int_equal(status(f), 0x58);
    dev_reset(f->dev);
    assert_int_equal(status(f), 0x50);
    assert_int_equal(rd(f, I_COUNT), 0);
}

static void test_compact_flash_mode(void **state)
{
    struct fx *f = *state;
    uint8_t b[512];
    assert_int_equal(open_disk(f, 16, ATA_DISK_CF), 0);
    /* c3600-c2691-c37xx.md §4.10 mode 1 offsets */
    assert_int_equal(dev_read(f->dev, 0x0E, 2), 0x5000);
    assert_int_equal(dev_read(f->dev, 0x02, 1), 0); /* no CIS */
    dev_write(f->dev, 0x0E, 2, 0xECA0);
    assert_int_equal(dev_read(f->dev, 0x0E, 2), 0x58A0);
    for (unsigned w = 0; w < 256; w++) {
        uint16_t v = (uint16_t)dev_read(f->dev, 0x12, 2);
        b[2 * w] = (uint8_t)v;
        b[2 * w + 1] = (uint8_t)(v >> 8);
    }
    assert_int_equal(le16(b + 2), 256);
    assert_int_equal(dev_read(f->dev, 0x0E, 2) >> 8, 0x50);
    /* read LBA 32 through 0x06 / 0x0A / 0x0E / 0x12 */
    dev_write(f->dev, 0x06, 2, 0x2001);
    dev_write(f->dev, 0x0A, 2, 0x0000);
    dev_write(f->dev, 0x0E, 2, 0x20E0);
    for (unsigned w = 0; w < 256; w++) {
        uint16_t v = (uint16_t)dev_read(f->dev, 0x12, 2);
        b[2 * w] = (uint8_t)v;
        b[2 * w + 1] = (uint8_t)(v >> 8);
    }
    assert_memory_equal(b + 3, "DYNAMIPS", 8);
    dev_write(f->dev, 0x1E, 2, 0x0004); /* device control: ignored */
    assert_int_equal(dev_read(f->dev, 0x0E, 2) >> 8, 0x50);
}

/* ------------------------------------------------ the image file */
static void test_survives_sigkill(void **state)
{
    struct fx *f = *state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct ata_disk *d;
        struct ata_disk_config c = {.path = f->path, .size_mb = 2,
                                    .name = "disk0"};
        if (ata_disk_open(&c, &d, NULL, 0) != 0) {
            _exit(1);
        }
        struct device *dev = ata_disk_device(d);
        dev_write(dev, win(I_COUNT), 2, 0x6401); /* LBA 100 */
        dev_write(dev, win(I_CYL), 2, 0);
        dev_write(dev, win(I_DRIVE), 2, 0x30E0);
        for (unsigned w = 0; w < 256; w++) {
            dev_write(dev, win(I_DATA), 2, 0xBEEF);
        }
        raise(SIGKILL);
        _exit(2);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st));
    uint8_t b[4];
    file_read(f->path, 100 * 512 + 508, b, 4);
    assert_int_equal(b[0], 0xEF);
    assert_int_equal(b[1], 0xBE);
    assert_int_equal(b[3], 0xBE);
}

static void test_reopen_keeps_contents(void **state)
{
    struct fx *f = *state;
    uint8_t b[512];
    assert_int_equal(open_disk(f, 4, ATA_DISK_PCMCIA), 0);
    memset(b, 0x3C, sizeof(b));
    command(f, 0x30, 1, 40, 1);
    write_block(f, b);
    close_disk(f);
    assert_int_equal(open_disk(f, 4, ATA_DISK_PCMCIA), 0);
    command(f, 0x20, 1, 40, 1);
    read_block(f, b);
    assert_int_equal(b[0], 0x3C);
    /* not re-formatted: the boot sector's volume ID is the same */
    file_read(f->path, 32 * 512, b, 512);
    assert_int_equal(le32(b + 39), VOLUME_ID);
}

static void test_short_image_extended(void **state)
{
    struct fx *f = *state;
    file_write(f->path, 0, "keep", 4);
    assert_int_equal(open_disk(f, 2, ATA_DISK_PCMCIA), 0);
    assert_int_equal(file_size(f->path), 2 * MB);
    assert_int_equal(ata_disk_sectors(f->d), 4096);
    uint8_t b[512];
    command(f, 0x20, 1, 0, 1);
    read_block(f, b);
    assert_memory_equal(b, "keep", 4);
    assert_int_equal(b[510], 0); /* no MBR was written over it */
}

static void test_long_image_keeps_its_size(void **state)
{
    struct fx *f = *state;
    file_write(f->path, 8 * MB + 100, "x", 1); /* 8 MB + 101 bytes */
    assert_int_equal(open_disk(f, 2, ATA_DISK_PCMCIA), 0);
    assert_int_equal(file_size(f->path), 8 * MB + 101);
    assert_int_equal(ata_disk_cylinders(f->d), 128);
    assert_int_equal(ata_disk_sectors(f->d), 16384);
    command(f, 0x20, 1, 16383, 1);
    assert_int_equal(status(f), 0x58);
    command(f, 0x20, 1, 16384, 1);
    assert_int_equal(status(f), 0x51);
}

static void test_bad_configs(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_disk(f, 0, ATA_DISK_PCMCIA), -EINVAL);
    assert_non_null(strstr(f->err, "disk0"));
    assert_int_equal(open_disk(f, ATA_DISK_MAX_MB + 1, ATA_DISK_PCMCIA),
                     -EINVAL);
    assert_int_equal(open_disk(f, 1, (enum ata_disk_mode)7), -EINVAL);
    struct ata_disk_config c = {.size_mb = 1};
    assert_int_equal(ata_disk_open(&c, &f->d, f->err, sizeof(f->err)),
                     -EINVAL);
    assert_int_equal(mkdir(f->path, 0755), 0);
    int rc = open_disk(f, 1, ATA_DISK_PCMCIA);
    assert_true(rc == -EISDIR || rc == -EINVAL);
    assert_non_null(strstr(f->err, f->path));
    assert_null(f->d);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_new_image_layout),
        T(test_cluster_size_by_volume),
        cmocka_unit_test(test_format_limits),
        T(test_cis_and_attribute_memory),
        T(test_task_file_registers),
        T(test_identify),
        T(test_read_chs_boot_sector),
        T(test_write_then_read_multi),
        T(test_count_zero_is_256),
        T(test_errors),
        T(test_compact_flash_mode),
        T(test_survives_sigkill),
        T(test_reopen_keeps_contents),
        T(test_short_image_extended),
        T(test_long_image_keeps_its_size),
        T(test_bad_configs),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
