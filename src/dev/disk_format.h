/*
 * Pre-formatting of a new flash-disk image (shared spec c7200.md §15.4),
 * so that IOS can use disk0: at once: an MBR with one FAT16 partition and
 * an empty FAT16 file system in it.
 *
 * Layout, for a disk of `sectors` 512-byte sectors with the given
 * heads/sectors-per-track (sector numbers are LBAs):
 *   0      MBR: partition 1 = type 0x04 (FAT16 < 32 MB), not bootable,
 *          first LBA 32 (CHS 0/1/1), length sectors - 32, last CHS from the
 *          geometry (FE FF FF past cylinder 1023); signature 55 AA.
 *   32     boot sector: OEM "DYNAMIPS", 512 bytes/sector, sectors per
 *          cluster from the volume size (2, 4, 8 ... 128, §15.4), 1
 *          reserved sector, 2 FATs of ((volume / cluster + 1) / 256 + 1)
 *          sectors, 512 root entries, media 0xF8, total in the 32-bit
 *          field, hidden sectors 0 (as §15.4 says), drive 0x80, extended
 *          signature 0x29, volume ID, label, "FAT16   ", 55 AA.
 *   33     FAT 1, then FAT 2: entries 0 and 1 = F8 FF FF FF, rest 0.
 *   then   root directory: 32 zero sectors.
 * Everything else is left as it is (zeros in a new file).
 */
#ifndef DEV_DISK_FORMAT_H
#define DEV_DISK_FORMAT_H

#include <stdint.h>

#define DISK_SECTOR_SIZE 512
#define DISK_FAT16_MAX_SECTORS 8388608u /* 4 GB: 128 sectors per cluster */

struct disk_format_params {
    uint32_t sectors;         /* whole disk */
    unsigned heads;           /* geometry for the MBR CHS fields and BPB */
    unsigned sects_per_track;
    const char *label;        /* up to 11 characters: "disk0" */
    uint32_t volume_id;
};

/*
 * Writes the layout above through fd (pwrite). 0, -EINVAL (disk too small
 * for one cluster past the partition start, or too large for FAT16), or
 * the write error.
 */
int disk_format_fat16(int fd, const struct disk_format_params *p);

#endif
