/*
 * MBR + FAT16 layout of a new flash-disk image (shared spec c7200.md
 * §15.4). Field offsets: the FAT BIOS parameter block and MBR partition
 * entry as Microsoft's FAT specification ("FAT: General Overview of
 * On-Disk Format", boot sector and BPB) describes them.
 */
#include "dev/disk_format.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define PART_FIRST_LBA 32        /* CHS 0/1/1 with 32 sectors/track */
#define PART_TYPE_FAT16 0x04     /* c7200.md §15.4 */
#define MBR_TABLE 0x1BE
#define MBR_CYL_MAX 1023
#define RESERVED_SECTORS 1
#define NR_FATS 2
#define ROOT_ENTRIES 512
#define MEDIA_FIXED 0xF8
#define DRIVE_NUMBER 0x80
#define EXT_BOOT_SIG 0x29
#define LABEL_LEN 11

/* c7200.md §15.4: sectors per cluster by volume size (in sectors). */
static const struct {
    uint32_t max_sectors;
    uint8_t per_cluster;
} cluster_sizes[] = {
    {32680, 2},   {262144, 4},  {524288, 8},   {1048576, 16},
    {2097152, 32}, {4194304, 64}, {DISK_FAT16_MAX_SECTORS, 128},
};

static void le16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
    le16(p, v);
    le16(p + 2, v >> 16);
}

static int put_sector(int fd, uint32_t lba, const uint8_t *s)
{
    off_t off = (off_t)lba * DISK_SECTOR_SIZE;
    ssize_t n = pwrite(fd, s, DISK_SECTOR_SIZE, off);
    if (n == DISK_SECTOR_SIZE) {
        return 0;
    }
    return n < 0 ? -errno : -EIO;
}

/* head, sector | cylinder bits 9-8, cylinder bits 7-0 */
static void chs(uint8_t *p, uint32_t lba, const struct disk_format_params *d)
{
    uint32_t per_cyl = d->heads * d->sects_per_track;
    uint32_t cyl = lba / per_cyl;
    uint32_t head = (lba / d->sects_per_track) % d->heads;
    uint32_t sect = lba % d->sects_per_track + 1;
    if (cyl > MBR_CYL_MAX) {
        p[0] = 0xFE; /* "beyond CHS": LBA fields rule */
        p[1] = 0xFF;
        p[2] = 0xFF;
        return;
    }
    p[0] = (uint8_t)head;
    p[1] = (uint8_t)(((cyl >> 2) & 0xC0) | (sect & 0x3F));
    p[2] = (uint8_t)cyl;
}

int disk_format_fat16(int fd, const struct disk_format_params *p)
{
    uint8_t s[DISK_SECTOR_SIZE];
    if (p->heads == 0 || p->sects_per_track == 0 ||
        p->sectors <= PART_FIRST_LBA + 64) {
        return -EINVAL;
    }
    uint32_t vol = p->sectors - PART_FIRST_LBA;
    uint8_t spc = 0;
    for (size_t i = 0; i < sizeof(cluster_sizes) / sizeof(cluster_sizes[0]);
         i++) {
        if (vol <= cluster_sizes[i].max_sectors) {
            spc = cluster_sizes[i].per_cluster;
            break;
        }
    }
    if (!spc) {
        return -EINVAL;
    }
    uint32_t fat_sectors = (vol / spc + 1) / (DISK_SECTOR_SIZE / 2) + 1;

    /* MBR */
    memset(s, 0, sizeof(s));
    uint8_t *e = s + MBR_TABLE;
    e[0] = 0; /* not bootable */
    chs(e + 1, PART_FIRST_LBA, p);
    e[4] = PART_TYPE_FAT16;
    chs(e + 5, p->sectors - 1, p);
    le32(e + 8, PART_FIRST_LBA);
    le32(e + 12, vol);
    s[510] = 0x55;
    s[511] = 0xAA;
    int rc = put_sector(fd, 0, s);
    if (rc < 0) {
        return rc;
    }

    /* FAT16 boot sector */
    memset(s, 0, sizeof(s));
    s[0] = 0xEB; /* jmp short +0x3C; nop */
    s[1] = 0x3C;
    s[2] = 0x90;
    memcpy(s + 3, "DYNAMIPS", 8);
    le16(s + 11, DISK_SECTOR_SIZE);
    s[13] = spc;
    le16(s + 14, RESERVED_SECTORS);
    s[16] = NR_FATS;
    le16(s + 17, ROOT_ENTRIES);
    le16(s + 19, 0); /* 16-bit total unused: the 32-bit one holds it */
    s[21] = MEDIA_FIXED;
    le16(s + 22, fat_sectors);
    le16(s + 24, p->sects_per_track);
    le16(s + 26, p->heads);
    le32(s + 28, 0); /* hidden sectors, c7200.md §15.4 */
    le32(s + 32, vol);
    s[36] = DRIVE_NUMBER;
    s[38] = EXT_BOOT_SIG;
    le32(s + 39, p->volume_id);
    size_t n = p->label ? strlen(p->label) : 0;
    for (size_t i = 0; i < LABEL_LEN; i++) {
        s[43 + i] = i < n ? (uint8_t)p->label[i] : ' ';
    }
    memcpy(s + 54, "FAT16   ", 8);
    s[510] = 0x55;
    s[511] = 0xAA;
    rc = put_sector(fd, PART_FIRST_LBA, s);

    /* two FATs: media descriptor entries, then free clusters */
    for (uint32_t f = 0; rc == 0 && f < NR_FATS; f++) {
        uint32_t base = PART_FIRST_LBA + RESERVED_SECTORS + f * fat_sectors;
        for (uint32_t k = 0; rc == 0 && k < fat_sectors; k++) {
            memset(s, 0, sizeof(s));
            if (k == 0) {
                s[0] = MEDIA_FIXED;
                s[1] = 0xFF;
                s[2] = 0xFF;
                s[3] = 0xFF;
            }
            rc = put_sector(fd, base + k, s);
        }
    }

    /* empty root directory */
    uint32_t root = PART_FIRST_LBA + RESERVED_SECTORS + NR_FATS * fat_sectors;
    uint32_t root_sectors = ROOT_ENTRIES * 32 / DISK_SECTOR_SIZE;
    memset(s, 0, sizeof(s));
    for (uint32_t k = 0; rc == 0 && k < root_sectors; k++) {
        rc = put_sector(fd, root + k, s);
    }
    return rc;
}
