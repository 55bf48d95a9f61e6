/*
 * ATA flash disk: a PC Card ATA card in memory-mapped mode ("mode 0", the
 * c7200 and c3600 PCMCIA disk0/disk1) or a CompactFlash card as the
 * c2691/c37xx wire it ("mode 1"). Shared spec c7200.md §15.2-§15.4,
 * c3600-c2691-c37xx.md §4.10.
 *
 * The card is a 2 MB window (the machine maps it: c7200 socket A at
 * 0x40000000, socket B at 0x44000000). Register index of an access at
 * window offset off: i = (off >> 1) XOR 1 (16-bit lanes, the halves of
 * each 32-bit word swapped). Every register answers any access size with
 * its 16-bit value in the low-order bits (c7200.md §0).
 *
 * PCMCIA mode (c7200.md §15.2):
 *   i < 189          attribute memory: CIS byte i (read-only)
 *   0x00102          Pin Replacement Register (attribute 0x204): 0x22
 *   0x80000          high byte: error register (0 unless the last command
 *                    failed, see below); writes ignored
 *   0x80001          sector count (low byte), sector number (high byte)
 *   0x80002          cylinder low (low byte), cylinder high (high byte)
 *   0x80003          write: drive/head (low), command (high, executed);
 *                    read: drive/head (low), status (high)
 *   0x80200-0x802FF  data window: each access moves the next 16-bit word
 *                    of the sector buffer (low byte = even buffer byte)
 *   anything else    reads 0, writes ignored
 * CompactFlash mode (c3600-c2691-c37xx.md §4.10): the same registers at
 * i = 0x02, 0x04, 0x06, data port at i = 0x08 (every access is the next
 * word), device control at i = 0x0E (ignored), error at i = 0x00; no CIS.
 *
 * ATA subset (c7200.md §15.3): geometry 4 heads, 32 sectors per track,
 * 16 cylinders per MB; status 0x50 idle (DRDY, DSC), 0x58 while data is
 * expected (DRQ); LBA when drive/head bit 6 is set, else CHS; sector count
 * 0 = 256; commands 0xEC IDENTIFY DEVICE, 0x20 READ SECTORS, 0x30 WRITE
 * SECTORS; any other command is ignored (status unchanged), as IOS is
 * used to.
 *
 * Where the reference has no answer, this model does what an ATA device
 * does (ATA/ATAPI-4 §8, "Error register"):
 *   - a sector outside the disk (or CHS sector number 0) ends the command
 *     with status 0x51 (ERR) and error 0x10 (IDNF); a host read or write
 *     of the image file failing ends it with 0x51 and error 0x04 (ABRT);
 *   - data-window accesses while no transfer is pending (DRQ clear), or
 *     in the wrong direction, read 0 and are ignored (logged once) instead
 *     of moving the buffer;
 *   - a new command clears the error register.
 *
 * Image file (e.g. c7200_i0_disk0): a flat array of 512-byte sectors.
 *   missing or empty  created at the configured size and pre-formatted
 *                     (MBR + FAT16, dev/disk_format.h);
 *   shorter           extended with zeros to the configured size, its
 *                     contents kept (logged);
 *   longer            kept whole: the card takes the image's size (whole
 *                     cylinders), so a file system written for it stays
 *                     consistent (logged); the file is never cut;
 *   not a regular file, unreadable: refused with a message.
 * Sectors are read and written with pread/pwrite when the guest moves the
 * last word of a sector, so a write is in the file at once (kill -9 loses
 * nothing the guest wrote).
 *
 * No interrupt (c7200.md §15.1). Accesses come from the CPU thread.
 */
#ifndef DEV_ATA_DISK_H
#define DEV_ATA_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "dev/device.h"

struct logger;
struct ata_disk;

#define ATA_DISK_WINDOW_SIZE 0x200000u /* 2 MB, c7200.md §3.1 */
#define ATA_DISK_HEADS 4               /* c7200.md §15.3 */
#define ATA_DISK_SECTS_PER_TRACK 32
#define ATA_DISK_CYLS_PER_MB 16
#define ATA_DISK_MAX_MB 4095 /* IDENTIFY word 1 holds 16 * MB cylinders */

/* Status register bits (ATA/ATAPI-4 §7.15.6). */
#define ATA_SR_BSY 0x80
#define ATA_SR_DRDY 0x40
#define ATA_SR_DF 0x20
#define ATA_SR_DSC 0x10
#define ATA_SR_DRQ 0x08
#define ATA_SR_ERR 0x01
/* Error register bits (ATA/ATAPI-4 §7.11). */
#define ATA_ER_IDNF 0x10
#define ATA_ER_ABRT 0x04

/* Commands of the subset (c7200.md §15.3). */
#define ATA_CMD_READ_SECTORS 0x20
#define ATA_CMD_WRITE_SECTORS 0x30
#define ATA_CMD_IDENTIFY 0xEC

enum ata_disk_mode {
    ATA_DISK_PCMCIA = 0, /* memory-mapped PC Card ATA with CIS */
    ATA_DISK_CF = 1,     /* c2691/c37xx CompactFlash */
};

struct ata_disk_config {
    const char *path;     /* image file (required) */
    unsigned size_mb;     /* 1 .. ATA_DISK_MAX_MB */
    enum ata_disk_mode mode;
    const char *name;     /* "disk0": log tag and FAT label of a new image */
    uint32_t volume_id;   /* FAT volume ID of a new image; 0 = from the clock */
    struct logger *lg;
};

/*
 * Opens or creates the image (policy above). Returns 0 and the card in
 * *out, or a negative errno with a message in err: -EINVAL (size out of
 * range, not a regular file), or the open/stat/ftruncate/write error.
 */
int ata_disk_open(const struct ata_disk_config *c, struct ata_disk **out,
                  char *err, size_t errlen);
/* Closes the image (everything is already in it) and frees. */
void ata_disk_destroy(struct ata_disk *d);
struct device *ata_disk_device(struct ata_disk *d);
/* Idle task file and status 0x50, no transfer pending. */
void ata_disk_reset(struct ata_disk *d);

/* Geometry the card reports (IDENTIFY words 1, 3, 6; total sectors). */
unsigned ata_disk_cylinders(const struct ata_disk *d);
uint32_t ata_disk_sectors(const struct ata_disk *d);

/* The CIS presented in attribute memory (c7200.md §15.2). */
extern const uint8_t ata_disk_cis[];
extern const size_t ata_disk_cis_len;

#endif
