/*
 * Bootflash SIMM: a bank of Intel flash chips in byte mode, interleaved
 * by byte (shared spec c7200.md §14; c3600-c2691-c37xx.md §3.10). The
 * c7200 has four 28F016SA, 8 MB at physical 0x1A000000 ("bootflash:").
 *
 * Bus view: array byte a belongs to chip (a mod chips) at chip offset
 * (a / chips). An access of 1, 2, 4 or 8 bytes is big-endian and hands
 * each byte to the chip on its lane, in address order, so a 32-bit store
 * gives each of four chips one command or data byte. Accesses beyond the
 * bank read 0 and are dropped (logged once).
 *
 * Blank flash reads 0xFF, as an erased chip does (c7200.md §21 lists the
 * reference's all-zero blank image as a quirk not to copy): a new image
 * file is filled with 0xFF. IOS formats bootflash: before first use either
 * way, and its format erases every block, so images written by the
 * reference (blank = zeros) keep working here.
 *
 * Image file (e.g. c7200_i0_bootflash), mapped MAP_SHARED so every guest
 * write is in the file at once (kill -9 loses nothing). The erased bytes of
 * a new or short file are written with write calls, not through the
 * mapping, so the process holds only the pages the guest has touched:
 *   missing or empty   created at the bank size, all 0xFF;
 *   shorter            kept, extended to the bank size with 0xFF (logged);
 *   longer             the first bank-size bytes are the flash, the rest is
 *                      left untouched (logged);
 *   not a regular file refused (-EINVAL).
 *
 * No interrupt. Accesses come from the CPU thread.
 */
#ifndef DEV_BOOTFLASH_H
#define DEV_BOOTFLASH_H

#include <stddef.h>
#include <stdint.h>

#include "dev/device.h"

struct logger;
struct bootflash;
struct intel_flash;

#define BOOTFLASH_MAX_CHIPS 4

struct bootflash_config {
    const char *path;  /* image file; NULL = anonymous memory (tests) */
    const char *chip;  /* intel_flash model name: "28F016SA" */
    unsigned chips;    /* interleave: 1, 2 or 4 */
    struct logger *lg;
    /* Write the erased bytes of a new or short image on a thread of its
     * own (the file has its size at once; the first access, sync and
     * destroy wait for it): an 8 MB bank takes milliseconds to write,
     * which a VM start then does not wait for. */
    int fill_async;
};

/*
 * Opens (creating or extending) and maps the image. Returns 0 and the
 * bank in *out, or a negative errno with a message in err: -EINVAL (unknown
 * chip, bad chip count, not a regular file), or the open/ftruncate/mmap
 * error.
 */
int bootflash_open(const struct bootflash_config *c, struct bootflash **out,
                   char *err, size_t errlen);
/* Unmaps (the file keeps everything) and frees. */
void bootflash_destroy(struct bootflash *bf);
struct device *bootflash_device(struct bootflash *bf);
/* Every chip back to read-array mode (cells kept). */
void bootflash_reset(struct bootflash *bf);

size_t bootflash_size(const struct bootflash *bf);
/* The raw interleaved image (array byte a at [a]), for tools and tests. */
uint8_t *bootflash_data(struct bootflash *bf);
/* Chip i's state machine, for tests; NULL if out of range. */
struct intel_flash *bootflash_chip(struct bootflash *bf, unsigned i);
/* Ask the kernel to write the mapping to disk now (msync). 0 or -errno. */
int bootflash_sync(struct bootflash *bf);

#endif
