/*
 * ATA flash disk in a 2 MB card window: CIS, task file, IDENTIFY, READ and
 * WRITE SECTORS over a sector buffer, image file I/O (shared spec
 * c7200.md §15.2-§15.4). See ata_disk.h for the register map and choices.
 */
#include "dev/ata_disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/errmsg.h"
#include "core/log.h"
#include "dev/disk_format.h"

#define SECTOR DISK_SECTOR_SIZE
#define WORDS_PER_SECTOR (SECTOR / 2)
#define CYL_BYTES ((uint64_t)ATA_DISK_HEADS * ATA_DISK_SECTS_PER_TRACK * SECTOR)
#define MAX_CYLINDERS 65535u /* IDENTIFY word 1 */

#define STATUS_IDLE (ATA_SR_DRDY | ATA_SR_DSC)  /* 0x50, c7200.md §15.3 */
#define STATUS_DATA (STATUS_IDLE | ATA_SR_DRQ)  /* 0x58 */
#define STATUS_ERROR (STATUS_IDLE | ATA_SR_ERR) /* 0x51 */
#define DH_LBA 0x40 /* drive/head bit 6 */

/* Register indexes, i = (offset >> 1) ^ 1 (c7200.md §15.2). */
#define PC_PIN_REPLACEMENT 0x00102
#define PC_ERROR 0x80000
#define PC_COUNT_NUMBER 0x80001
#define PC_CYLINDER 0x80002
#define PC_DRIVE_COMMAND 0x80003
#define PC_DATA_FIRST 0x80200
#define PC_DATA_END (PC_DATA_FIRST + WORDS_PER_SECTOR)
#define PIN_REPLACEMENT_VALUE 0x22
/* c3600-c2691-c37xx.md §4.10 (CompactFlash, "mode 1") */
#define CF_ERROR 0x00
#define CF_COUNT_NUMBER 0x02
#define CF_CYLINDER 0x04
#define CF_DRIVE_COMMAND 0x06
#define CF_DATA 0x08
#define CF_DEVICE_CONTROL 0x0E

enum reg {
    REG_NONE,
    REG_CIS,
    REG_PIN,
    REG_ERROR,
    REG_COUNT_NUMBER,
    REG_CYLINDER,
    REG_DRIVE_COMMAND,
    REG_DATA,
};

enum xfer { XFER_NONE = 0, XFER_IN, XFER_OUT }; /* IN: device to host */

#define LOGGED_DATA 0x01u
#define LOGGED_IO 0x02u
#define LOGGED_RANGE 0x04u

/* c7200.md §15.2: 189 bytes, one tuple (code, link, body) per line. */
const uint8_t ata_disk_cis[] = {
    0x01, 0x03, 0xD9, 0x01, 0xFF,              /* device */
    0x1C, 0x04, 0x03, 0xD9, 0x01, 0xFF,        /* device, other conditions */
    0x18, 0x02, 0xDF, 0x01,                    /* JEDEC */
    0x20, 0x04, 0x34, 0x12, 0x00, 0x02,        /* manufacturer 0x1234/0x0200 */
    0x15, 0x2B, 0x04, 0x01,                    /* version 1: */
    0x44, 0x79, 0x6E, 0x61, 0x6D, 0x69, 0x70, 0x73, 0x20, 0x41, 0x54,
    0x41, 0x20, 0x46, 0x6C, 0x61, 0x73, 0x68, 0x20, 0x43, 0x61, 0x72,
    0x64, 0x20, 0x20, 0x00,                    /* "Dynamips ATA Flash Card  " */
    0x44, 0x59, 0x4E, 0x41, 0x30, 0x20, 0x20, 0x00, /* "DYNA0  " */
    0x44, 0x59, 0x4E, 0x41, 0x30, 0x00,        /* "DYNA0" */
    0xFF,
    0x21, 0x02, 0x04, 0x01,                    /* function: fixed disk */
    0x22, 0x02, 0x01, 0x01,                    /* function ext.: PC Card ATA */
    0x22, 0x03, 0x02, 0x04, 0x5F,              /* function ext.: ATA basic */
    0x1A, 0x05, 0x01, 0x03, 0x00, 0x02, 0x0F,  /* config: regs at 0x200 */
    0x1B, 0x0B, 0xC0, 0x40, 0xA1, 0x27, 0x55, 0x4D, 0x5D, 0x75, 0x08,
    0x00, 0x21,                                /* entry 0: memory mapped */
    0x1B, 0x06, 0x00, 0x01, 0x21, 0xB5, 0x1E, 0x4D, /* entry 0, 3.3 V */
    0x1B, 0x0D, 0xC1, 0x41, 0x99, 0x27, 0x55, 0x4D, 0x5D, 0x75, 0x64,
    0xF0, 0xFF, 0xFF, 0x21,                    /* entry 1: I/O mapped */
    0x1B, 0x06, 0x01, 0x01, 0x21, 0xB5, 0x1E, 0x4D, /* entry 1, 3.3 V */
    0x1B, 0x12, 0xC2, 0x41, 0x99, 0x27, 0x55, 0x4D, 0x5D, 0x75, 0xEA,
    0x61, 0xF0, 0x01, 0x07, 0xF6, 0x03, 0x01, 0xEE,
    0x21,                                      /* entry 2: 0x1F0/0x3F6 */
    0x1B, 0x06, 0x02, 0x01, 0x21, 0xB5, 0x1E, 0x4D, /* entry 2, 3.3 V */
    0x1B, 0x12, 0xC3, 0x41, 0x99, 0x27, 0x55, 0x4D, 0x5D, 0x75, 0xEA,
    0x61, 0x70, 0x01, 0x07, 0x76, 0x03, 0x01, 0xEE,
    0x21,                                      /* entry 3: 0x170/0x376 */
    0x1B, 0x06, 0x03, 0x01, 0x21, 0xB5, 0x1E, 0x4D, /* entry 3, 3.3 V */
    0x14, 0x00,                                /* no link */
    0xFF,                                      /* end */
};
const size_t ata_disk_cis_len = sizeof(ata_disk_cis);

struct ata_disk {
    struct device dev;
    struct logger *lg;
    char name[16];
    enum ata_disk_mode mode;
    int fd;
    unsigned cylinders;
    uint32_t sectors;

    /* task file */
    uint8_t sect_count;
    uint8_t sect_number;
    uint8_t cyl_low;
    uint8_t cyl_high;
    uint8_t drive_head;
    uint8_t command;
    uint8_t status;
    uint8_t error;

    /* transfer in progress */
    uint8_t xfer;      /* enum xfer */
    uint8_t identify;  /* the IN transfer is the IDENTIFY block */
    uint16_t word;     /* next word of buf */
    uint32_t lba;      /* sector in buf */
    uint32_t remaining; /* sectors left, the one in buf included */
    uint8_t buf[SECTOR];

    uint8_t logged;
    uint8_t logged_cmd[32]; /* ignored commands already logged */
};

static const struct dev_field ata_disk_fields[] = {
    {"sect_count", offsetof(struct ata_disk, sect_count), 1},
    {"sect_number", offsetof(struct ata_disk, sect_number), 1},
    {"cyl_low", offsetof(struct ata_disk, cyl_low), 1},
    {"cyl_high", offsetof(struct ata_disk, cyl_high), 1},
    {"drive_head", offsetof(struct ata_disk, drive_head), 1},
    {"command", offsetof(struct ata_disk, command), 1},
    {"status", offsetof(struct ata_disk, status), 1},
    {"error", offsetof(struct ata_disk, error), 1},
    {"xfer", offsetof(struct ata_disk, xfer), 1},
    {"identify", offsetof(struct ata_disk, identify), 1},
    {"word", offsetof(struct ata_disk, word), 2},
    {"lba", offsetof(struct ata_disk, lba), 4},
    {"remaining", offsetof(struct ata_disk, remaining), 4},
    {"buf", offsetof(struct ata_disk, buf), SECTOR},
    {NULL, 0, 0},
};

static struct ata_disk *to_disk(struct device *d)
{
    return DEV_CONTAINER(d, struct ata_disk, dev);
}

/* ------------------------------------------------------------ commands */

static void end_ok(struct ata_disk *d)
{
    d->xfer = XFER_NONE;
    d->status = STATUS_IDLE;
}

static void end_error(struct ata_disk *d, uint8_t error)
{
    d->xfer = XFER_NONE;
    d->status = STATUS_ERROR;
    d->error = error;
}

/* c7200.md §15.3. Returns 0, or -1 for a sector that cannot exist. */
static int task_file_lba(const struct ata_disk *d, uint64_t *lba)
{
    if (d->drive_head & DH_LBA) {
        *lba = (uint64_t)(d->drive_head & 0x0F) << 24 |
               (uint64_t)d->cyl_high << 16 | (uint64_t)d->cyl_low << 8 |
               d->sect_number;
        return 0;
    }
    if (d->sect_number == 0) {
        return -1; /* CHS sectors count from 1 */
    }
    uint64_t cyl = (uint64_t)d->cyl_high << 8 | d->cyl_low;
    *lba = ((cyl * ATA_DISK_HEADS + (d->drive_head & 0x0F)) *
            ATA_DISK_SECTS_PER_TRACK) + d->sect_number - 1;
    return 0;
}

static void log_io(struct ata_disk *d, const char *op, uint32_t lba, int err)
{
    if (!(d->logged & LOGGED_IO)) {
        d->logged |= LOGGED_IO;
        log_msg(d->lg, "ATA", "%s: cannot %s sector %u of the image: %s",
                d->name, op, lba, err ? strerror(err) : "short transfer");
    }
}

/* A sector that is not on the disk: IDNF (ATA/ATAPI-4 §7.11). */
static void range_error(struct ata_disk *d, uint64_t lba)
{
    if (!(d->logged & LOGGED_RANGE)) {
        d->logged |= LOGGED_RANGE;
        log_msg(d->lg, "ATA", "guest error: %s: sector %llu is not on the "
                "disk (%u sectors, CHS sector numbers from 1)", d->name,
                (unsigned long long)lba, d->sectors);
    }
    end_error(d, ATA_ER_IDNF);
}

/* Loads d->lba into the buffer, or ends the command with an error. */
static int load_sector(struct ata_disk *d)
{
    if (d->lba >= d->sectors) {
        range_error(d, d->lba);
        return -1;
    }
    ssize_t n = pread(d->fd, d->buf, SECTOR, (off_t)d->lba * SECTOR);
    if (n < 0) {
        log_io(d, "read", d->lba, errno);
        end_error(d, ATA_ER_ABRT);
        return -1;
    }
    if (n < SECTOR) {
        memset(d->buf + n, 0, SECTOR - (size_t)n); /* image cut short */
    }
    return 0;
}

static int store_sector(struct ata_disk *d)
{
    ssize_t n = pwrite(d->fd, d->buf, SECTOR, (off_t)d->lba * SECTOR);
    if (n != SECTOR) {
        log_io(d, "write", d->lba, n < 0 ? errno : 0);
        end_error(d, ATA_ER_ABRT);
        return -1;
    }
    return 0;
}

static void put_word(uint8_t *b, unsigned word, uint32_t v)
{
    b[2 * word] = (uint8_t)v; /* little-endian words */
    b[2 * word + 1] = (uint8_t)(v >> 8);
}

/* c7200.md §15.3 */
static void identify_block(struct ata_disk *d)
{
    memset(d->buf, 0, SECTOR);
    put_word(d->buf, 0, 0x848A);
    put_word(d->buf, 1, d->cylinders);
    put_word(d->buf, 3, ATA_DISK_HEADS);
    put_word(d->buf, 6, ATA_DISK_SECTS_PER_TRACK);
    put_word(d->buf, 7, d->sectors >> 16); /* high word first */
    put_word(d->buf, 8, d->sectors & 0xFFFF);
    put_word(d->buf, 22, 4);
    put_word(d->buf, 53, 3);
    put_word(d->buf, 54, d->cylinders);
    put_word(d->buf, 55, ATA_DISK_HEADS);
    put_word(d->buf, 56, ATA_DISK_SECTS_PER_TRACK);
    put_word(d->buf, 57, d->sectors & 0xFFFF); /* low word first */
    put_word(d->buf, 58, d->sectors >> 16);
}

static void start_command(struct ata_disk *d)
{
    uint64_t lba = 0;
    uint32_t count = d->sect_count ? d->sect_count : 256;

    switch (d->command) {
    case ATA_CMD_IDENTIFY:
        d->error = 0;
        identify_block(d);
        d->identify = 1;
        d->remaining = 1;
        d->word = 0;
        d->xfer = XFER_IN;
        d->status = STATUS_DATA;
        break;
    case ATA_CMD_READ_SECTORS:
    case ATA_CMD_WRITE_SECTORS:
        d->error = 0;
        d->identify = 0;
        d->word = 0;
        d->remaining = count;
        if (task_file_lba(d, &lba) < 0 || lba >= d->sectors) {
            range_error(d, lba);
            break;
        }
        d->lba = (uint32_t)lba;
        if (d->command == ATA_CMD_READ_SECTORS) {
            if (load_sector(d) < 0) {
                break;
            }
            d->xfer = XFER_IN;
        } else {
            d->xfer = XFER_OUT;
        }
        d->status = STATUS_DATA;
        break;
    default:
        /* c7200.md §15.3: ignored, status unchanged */
        if (!(d->logged_cmd[d->command / 8] & (1u << (d->command % 8)))) {
            d->logged_cmd[d->command / 8] |= (uint8_t)(1u << (d->command % 8));
            log_msg(d->lg, "ATA", "%s: command 0x%02x ignored", d->name,
                    d->command);
        }
        break;
    }
}

/* The last word of the buffer went to the host. */
static void sector_read_done(struct ata_disk *d)
{
    d->word = 0;
    if (--d->remaining == 0 || d->identify) {
        end_ok(d);
        return;
    }
    d->lba++;
    load_sector(d);
}

/* The host filled the buffer. */
static void sector_written(struct ata_disk *d)
{
    d->word = 0;
    if (store_sector(d) < 0) {
        return;
    }
    if (--d->remaining == 0) {
        end_ok(d);
        return;
    }
    if (++d->lba >= d->sectors) {
        range_error(d, d->lba);
    }
}

static void log_data_misuse(struct ata_disk *d, int is_write)
{
    if (!(d->logged & LOGGED_DATA)) {
        d->logged |= LOGGED_DATA;
        log_msg(d->lg, "ATA", "guest error: %s: data %s with no %s transfer "
                "pending (ignored)", d->name, is_write ? "write" : "read",
                is_write ? "host-to-disk" : "disk-to-host");
    }
}

static uint16_t data_read(struct ata_disk *d)
{
    if (d->xfer != XFER_IN) {
        log_data_misuse(d, 0);
        return 0;
    }
    uint16_t v = (uint16_t)(d->buf[2 * d->word] | d->buf[2 * d->word + 1] << 8);
    if (++d->word == WORDS_PER_SECTOR) {
        sector_read_done(d);
    }
    return v;
}

static void data_write(struct ata_disk *d, uint16_t v)
{
    if (d->xfer != XFER_OUT) {
        log_data_misuse(d, 1);
        return;
    }
    d->buf[2 * d->word] = (uint8_t)v;
    d->buf[2 * d->word + 1] = (uint8_t)(v >> 8);
    if (++d->word == WORDS_PER_SECTOR) {
        sector_written(d);
    }
}

/* ------------------------------------------------------------ window */

static enum reg decode(const struct ata_disk *d, uint64_t off, uint32_t *idx)
{
    uint32_t i = (uint32_t)((off >> 1) ^ 1);
    *idx = i;
    if (d->mode == ATA_DISK_CF) {
        switch (i) {
        case CF_ERROR: return REG_ERROR;
        case CF_COUNT_NUMBER: return REG_COUNT_NUMBER;
        case CF_CYLINDER: return REG_CYLINDER;
        case CF_DRIVE_COMMAND: return REG_DRIVE_COMMAND;
        case CF_DATA: return REG_DATA;
        default: return REG_NONE; /* CF_DEVICE_CONTROL: ignored */
        }
    }
    if (i < ata_disk_cis_len) {
        return REG_CIS;
    }
    switch (i) {
    case PC_PIN_REPLACEMENT: return REG_PIN;
    case PC_ERROR: return REG_ERROR;
    case PC_COUNT_NUMBER: return REG_COUNT_NUMBER;
    case PC_CYLINDER: return REG_CYLINDER;
    case PC_DRIVE_COMMAND: return REG_DRIVE_COMMAND;
    default:
        return i >= PC_DATA_FIRST && i < PC_DATA_END ? REG_DATA : REG_NONE;
    }
}

static uint64_t ata_disk_read(struct device *dev, uint64_t off, unsigned size)
{
    struct ata_disk *d = to_disk(dev);
    uint32_t i;

    if (off >= ATA_DISK_WINDOW_SIZE) {
        return 0;
    }
    switch (decode(d, off, &i)) {
    case REG_CIS: return ata_disk_cis[i];
    case REG_PIN: return PIN_REPLACEMENT_VALUE;
    case REG_ERROR: return (uint64_t)d->error << 8;
    case REG_COUNT_NUMBER:
        return (uint64_t)d->sect_number << 8 | d->sect_count;
    case REG_CYLINDER: return (uint64_t)d->cyl_high << 8 | d->cyl_low;
    case REG_DRIVE_COMMAND: return (uint64_t)d->status << 8 | d->drive_head;
    case REG_DATA: return data_read(d);
    default: return 0;
    }
}

static void ata_disk_write(struct device *dev, uint64_t off, unsigned size,
                           uint64_t value)
{
    struct ata_disk *d = to_disk(dev);
    uint32_t i;

    if (off >= ATA_DISK_WINDOW_SIZE) {
        return;
    }
    switch (decode(d, off, &i)) {
    case REG_COUNT_NUMBER:
        d->sect_count = (uint8_t)value;
        d->sect_number = (uint8_t)(value >> 8);
        break;
    case REG_CYLINDER:
        d->cyl_low = (uint8_t)value;
        d->cyl_high = (uint8_t)(value >> 8);
        break;
    case REG_DRIVE_COMMAND:
        d->drive_head = (uint8_t)value;
        d->command = (uint8_t)(value >> 8);
        start_command(d);
        break;
    case REG_DATA:
        data_write(d, (uint16_t)value);
        break;
    default:
        break; /* CIS, attribute registers, error/feature: read-only here */
    }
}

static void ata_disk_dev_reset(struct device *dev)
{
    ata_disk_reset(to_disk(dev));
}

static void ata_disk_dev_destroy(struct device *dev)
{
    ata_disk_destroy(to_disk(dev));
}

static const struct device_ops ata_disk_ops = {
    .read = ata_disk_read,
    .write = ata_disk_write,
    .reset = ata_disk_dev_reset,
    .destroy = ata_disk_dev_destroy,
    .fields = ata_disk_fields,
};

/* ------------------------------------------------------------ image */

static uint32_t clock_volume_id(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint32_t)ts.tv_sec * 2654435761u ^ (uint32_t)ts.tv_nsec ^
           (uint32_t)getpid();
}

static int open_image(struct ata_disk *d, const struct ata_disk_config *c,
                      char *err, size_t errlen)
{
    uint64_t want = (uint64_t)c->size_mb * ATA_DISK_CYLS_PER_MB * CYL_BYTES;
    int fd = open(c->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        return errf(err, errlen, -errno, "%s image %s: %s", d->name, c->path,
                    strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int rc = -errno;
        close(fd);
        return errf(err, errlen, rc, "%s image %s: %s", d->name, c->path,
                    strerror(-rc));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return errf(err, errlen, -EINVAL, "%s image %s is not a regular file",
                    d->name, c->path);
    }
    uint64_t have = (uint64_t)st.st_size;
    d->fd = fd;
    if (have > want) {
        uint64_t cyl = have / CYL_BYTES;
        d->cylinders = cyl > MAX_CYLINDERS ? MAX_CYLINDERS : (unsigned)cyl;
        log_msg(d->lg, "ATA", "%s: image %s (%llu bytes) is larger than the "
                "configured %u MB: the card keeps the image's %u cylinders",
                d->name, c->path, (unsigned long long)have, c->size_mb,
                d->cylinders);
    } else {
        d->cylinders = c->size_mb * ATA_DISK_CYLS_PER_MB;
    }
    d->sectors = d->cylinders * ATA_DISK_HEADS * ATA_DISK_SECTS_PER_TRACK;
    if (have >= want) {
        return 0;
    }
    if (ftruncate(fd, (off_t)want) != 0) {
        return errf(err, errlen, -errno, "%s image %s: cannot make it %llu "
                    "bytes: %s", d->name, c->path, (unsigned long long)want,
                    strerror(errno));
    }
    if (have > 0) {
        log_msg(d->lg, "ATA", "%s: image %s had %llu bytes: extended to %u "
                "MB, contents kept", d->name, c->path,
                (unsigned long long)have, c->size_mb);
        return 0;
    }
    /* a new (or empty) image: pre-formatted, c7200.md §15.4 */
    struct disk_format_params fp = {
        .sectors = d->sectors,
        .heads = ATA_DISK_HEADS,
        .sects_per_track = ATA_DISK_SECTS_PER_TRACK,
        .label = d->name,
        .volume_id = c->volume_id ? c->volume_id : clock_volume_id(),
    };
    int rc = disk_format_fat16(fd, &fp);
    if (rc < 0) {
        return errf(err, errlen, rc, "%s image %s: cannot format it: %s",
                    d->name, c->path, strerror(-rc));
    }
    return 0;
}

int ata_disk_open(const struct ata_disk_config *c, struct ata_disk **out,
                  char *err, size_t errlen)
{
    *out = NULL;
    const char *name = c->name ? c->name : "disk";
    if (!c->path) {
        return errf(err, errlen, -EINVAL, "%s: no image file", name);
    }
    if (c->size_mb == 0 || c->size_mb > ATA_DISK_MAX_MB) {
        return errf(err, errlen, -EINVAL, "%s: size %u MB out of range "
                    "(1-%u)", name, c->size_mb, ATA_DISK_MAX_MB);
    }
    if (c->mode != ATA_DISK_PCMCIA && c->mode != ATA_DISK_CF) {
        return errf(err, errlen, -EINVAL, "%s: unknown card mode", name);
    }
    struct ata_disk *d = calloc(1, sizeof(*d));
    if (!d) {
        return errf(err, errlen, -ENOMEM, "out of memory");
    }
    d->dev.ops = &ata_disk_ops;
    d->lg = c->lg;
    d->mode = c->mode;
    d->fd = -1;
    snprintf(d->name, sizeof(d->name), "%s", name);
    d->dev.name = d->name;
    int rc = open_image(d, c, err, errlen);
    if (rc < 0) {
        ata_disk_destroy(d);
        return rc;
    }
    log_msg(d->lg, "ATA", "%s: %s, C/H/S %u/%u/%u (%u sectors)", d->name,
            c->path, d->cylinders, ATA_DISK_HEADS, ATA_DISK_SECTS_PER_TRACK,
            d->sectors);
    ata_disk_reset(d);
    *out = d;
    return 0;
}

void ata_disk_destroy(struct ata_disk *d)
{
    if (!d) {
        return;
    }
    if (d->fd >= 0) {
        close(d->fd);
    }
    free(d);
}

struct device *ata_disk_device(struct ata_disk *d)
{
    return &d->dev;
}

void ata_disk_reset(struct ata_disk *d)
{
    d->sect_count = d->sect_number = 0;
    d->cyl_low = d->cyl_high = 0;
    d->drive_head = d->command = 0;
    d->error = 0;
    d->xfer = XFER_NONE;
    d->identify = 0;
    d->word = 0;
    d->lba = 0;
    d->remaining = 0;
    d->status = STATUS_IDLE;
}

unsigned ata_disk_cylinders(const struct ata_disk *d)
{
    return d->cylinders;
}

uint32_t ata_disk_sectors(const struct ata_disk *d)
{
    return d->sectors;
}
