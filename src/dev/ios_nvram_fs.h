/*
 * The IOS NVRAM file system ("nvram:") in which IOS keeps startup-config
 * and private-config (shared spec c7200.md §13.3-13.6; the variants of
 * other platforms: c3600-c2691-c37xx.md §8).
 *
 * Pure functions over an NVRAM image held in memory (the guest-visible
 * bytes of the NVRAM device, or a file read by nvram_export): no I/O, no
 * global state. The file system starts at a platform offset (0x800 on the
 * c7200, after the area the ROM monitor owns); nothing before it is ever
 * read or written.
 *
 * Layout of the area (all fields big-endian), "fs+N" = area offset N:
 *   fs+0   6 zero bytes, fs+6 magic 0xF0A5
 *   fs+8   startup-config header (36 bytes): magic 0xABCD, format
 *          (1 raw, 2 compress .Z), checksum, unk1, start, end, length,
 *          unk2, unk3, unk4, unk5, uncompressed length
 *   fs+44  startup-config bytes, padding, private-config header (16 bytes:
 *          magic 0xFEDC, format 1, start, end, length), private bytes
 * Header addresses are absolute CPU addresses (c7200: fs start =
 * 0x1E000800) or relative (fs offset - 8), per layout.
 *
 * Reading never modifies the image. Writing validates everything first:
 * when it fails (configs that do not fit, a config to keep that cannot be
 * read) the image is left byte-identical.
 */
#ifndef DEV_IOS_NVRAM_FS_H
#define DEV_IOS_NVRAM_FS_H

#include <stddef.h>
#include <stdint.h>

#define IOS_NVRAM_SECTOR_SIZE 0x400     /* c7200.md §13.4 */
#define IOS_NVRAM_FS_MAGIC 0xF0A5       /* at fs+6 */
#define IOS_NVRAM_STARTUP_MAGIC 0xABCD  /* at fs+8 */
#define IOS_NVRAM_PRIVATE_MAGIC 0xFEDC
#define IOS_NVRAM_FORMAT_RAW 1
#define IOS_NVRAM_FORMAT_COMPRESSED 2   /* Unix compress (.Z) */
#define IOS_NVRAM_FS_HEADER 8
#define IOS_NVRAM_STARTUP_HEADER 36
#define IOS_NVRAM_PRIVATE_HEADER 16
#define IOS_NVRAM_CHECKSUM_OFFSET 12    /* fs+12: the startup header's field */
/* Smallest area that holds the headers of an empty configuration. */
#define IOS_NVRAM_MIN_AREA (IOS_NVRAM_FS_HEADER + IOS_NVRAM_STARTUP_HEADER + \
                            IOS_NVRAM_PRIVATE_HEADER)
/* A compressed startup-config may not claim to expand beyond this. */
#define IOS_NVRAM_MAX_CONFIG (16u * 1024 * 1024)

/* Where the file system lives in an image and how its headers look. */
struct ios_nvram_layout {
    const char *name;      /* "c7200" */
    const char *aka;       /* another platform with the same layout, or NULL */
    const char *signature; /* text IOS leaves at image offset 0x200, or NULL */
    size_t offset;         /* image offset of the file-system area */
    size_t size;           /* bytes of the area; 0 = to the end of the image */
    int absolute;          /* header addresses are CPU addresses */
    uint32_t base_addr;    /* CPU address of the area start (absolute only) */
    unsigned pad;          /* private header alignment: 4 or 8 (pad-4/-8) */
    uint16_t unk1;         /* written in the startup header, 0x0C04 */
    int with_backup;       /* two interleaved copies (2691/37xx, §8.3) */
};

/* c7200 with NPE-100...400: NVRAM at 0x1E000000 (c7200.md §13.1). */
extern const struct ios_nvram_layout ios_nvram_layout_c7200;

/* Every known layout, in the order nvram_export tries them. */
const struct ios_nvram_layout *ios_nvram_layout_get(size_t i);
/* By name or aka ("c7200", "c3600", "c3725", ...); NULL if unknown. */
const struct ios_nvram_layout *ios_nvram_layout_find(const char *name);

/* What a read found. Free with ios_nvram_configs_free. */
struct ios_nvram_configs {
    char *startup;          /* NUL-terminated; NULL when NVRAM has none */
    size_t startup_len;     /* bytes, not counting the NUL */
    char *priv;             /* private-config, same conventions */
    size_t priv_len;
    int startup_compressed; /* stored as format 2 (startup_len: expanded) */
    size_t startup_stored;  /* bytes the startup-config occupies in NVRAM */
    int checksum_ok;        /* stored checksum matches the contents */
    uint16_t checksum_stored;
    uint16_t checksum_computed;
};
void ios_nvram_configs_free(struct ios_nvram_configs *c);

/*
 * Reads both configs from the image (img, len: the whole NVRAM image, the
 * layout says where the file system is). A formatted file system without
 * configs gives 0 with both NULL. The checksum is compared and reported,
 * not enforced (the caller decides; c7200.md §13.6 extracts regardless).
 *
 * Returns 0, or (err says what and at which image offset):
 *   -EINVAL   image too small for the layout
 *   -ENODATA  no file system (area blank, or magic 0xF0A5 missing)
 *   -EBADMSG  corrupt: bad header magic/format, addresses outside the
 *             file system, end != start + length, bad compressed data,
 *             backup copy differing from the normal copy
 *   -ENOMEM
 */
int ios_nvram_fs_read(const uint8_t *img, size_t len,
                      const struct ios_nvram_layout *l,
                      struct ios_nvram_configs *out, char *err,
                      size_t errlen);

/*
 * Writes startup-config and private-config (c7200.md §13.6): raw format,
 * startup at fs+44, then padding, the private header and the private
 * bytes; the rest of the old configuration extent (rounded up to a
 * sector) is zeroed and the checksum recomputed. A NULL config keeps what
 * NVRAM holds (a kept compressed startup-config is rewritten raw); an
 * empty one (non-NULL, length 0) stores an empty config. A missing file
 * system is created first (the whole area is formatted).
 *
 * Returns 0, or with the image unchanged: -EINVAL (image too small),
 * -ENOSPC (the configs do not fit; err gives the sizes), -EBADMSG (a
 * config to keep cannot be read), -ENOMEM.
 */
int ios_nvram_fs_write(uint8_t *img, size_t len,
                       const struct ios_nvram_layout *l, const char *startup,
                       size_t startup_len, const char *priv, size_t priv_len,
                       char *err, size_t errlen);

/* Makes an empty file system over the whole area (c7200.md §13.4). */
int ios_nvram_fs_format(uint8_t *img, size_t len,
                        const struct ios_nvram_layout *l, char *err,
                        size_t errlen);

/*
 * The checksum the contents call for (c7200.md §13.5): one's complement
 * of the end-around-carry sum of the big-endian 16-bit words from fs+8 to
 * the end of the area, the checksum field counted as 0. 0 when the image
 * is too small for the layout.
 */
uint16_t ios_nvram_fs_checksum(const uint8_t *img, size_t len,
                               const struct ios_nvram_layout *l);

/*
 * Finds the layout of an image of unknown origin (nvram_export): layouts
 * whose signature is at offset 0x200 are tried first, then the others;
 * the first that reads without error wins (*found, *out filled). When none
 * does, returns the most telling error (corruption found under a matching
 * signature first, then any corruption, then "no file system").
 */
int ios_nvram_fs_detect(const uint8_t *img, size_t len,
                        const struct ios_nvram_layout **found,
                        struct ios_nvram_configs *out, char *err,
                        size_t errlen);

#endif
