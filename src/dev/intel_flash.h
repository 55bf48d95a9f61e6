/*
 * One Intel flash chip in 8-bit (byte) mode, 28F008SA/28F016SA command
 * set (shared spec c7200.md §14, c3600-c2691-c37xx.md §3.10; Intel
 * 28F016SA and 28F008SA datasheets, "Command Definitions" and "Status
 * Register Definitions").
 *
 * The chip does not own its bytes: it works on storage that the bank
 * around it (dev/bootflash.h) provides, chip byte k at mem[k * stride],
 * so four chips can share one byte-interleaved image.
 *
 * Commands (the byte written while the chip is in a read mode):
 *   0xFF       read array
 *   0x90       read identifier: offset 0 manufacturer, 1 device, others 0
 *   0x70       read status register
 *   0x50       clear status register (error bits), back to read array
 *   0x40/0x10  program setup: the next write programs one byte
 *   0x20       erase setup: 0xD0 next erases the addressed block
 *   0xE8       write to buffer: count - 1 (5 bits), the data bytes, 0xD0
 *   0xB0/0xD0  erase suspend / resume: nothing is ever in progress here,
 *              so both only select the status register
 * After program, erase and buffer writes the chip stays in read-status
 * mode until the next command, as the datasheet says. Any other byte is
 * logged once as unimplemented and selects read array.
 *
 * Where this model differs from the reference (c7200.md §14, §21), it
 * follows the datasheet:
 *   - programming can only clear bits: the cell becomes old AND new;
 *   - block erase sets the whole block holding the address to 0xFF;
 *   - read-status mode lasts until the next command (the reference
 *     returns to read array after one status read);
 *   - a setup command followed by anything but 0xD0 is a command-sequence
 *     error (status 0xB0) instead of being waited out.
 * Operations complete at once: the status register always reads ready
 * (bit 7), with error bits only after a command-sequence error.
 */
#ifndef DEV_INTEL_FLASH_H
#define DEV_INTEL_FLASH_H

#include <stddef.h>
#include <stdint.h>

struct logger;

/* Status register bits (28F016SA datasheet, compatible status register). */
#define INTEL_FLASH_SR_READY 0x80u     /* WSMS: write state machine ready */
#define INTEL_FLASH_SR_ERASE_SUSP 0x40u /* ESS */
#define INTEL_FLASH_SR_ERASE_ERR 0x20u /* ES */
#define INTEL_FLASH_SR_PROG_ERR 0x10u  /* DWS */
#define INTEL_FLASH_SR_VPP_LOW 0x08u   /* VPPS */

#define INTEL_FLASH_BUF_MAX 32 /* write-to-buffer: 5-bit count + 1 */

struct intel_flash_model {
    const char *name;      /* "28F016SA" */
    uint8_t manufacturer;  /* 0x89 = Intel */
    uint8_t device;
    uint32_t size;         /* bytes */
    uint32_t block_size;   /* erase block, bytes */
};

/* "28F016SA" (2 MB, device 0xA0), "28F008SA" (1 MB, device 0xA2); NULL
 * for an unknown name. */
const struct intel_flash_model *intel_flash_model_find(const char *name);

enum intel_flash_state {
    INTEL_FLASH_READ_ARRAY = 0,
    INTEL_FLASH_READ_ID,
    INTEL_FLASH_READ_STATUS,
    INTEL_FLASH_PROGRAM_SETUP,
    INTEL_FLASH_ERASE_SETUP,
    INTEL_FLASH_BUF_COUNT,
    INTEL_FLASH_BUF_DATA,
    INTEL_FLASH_BUF_CONFIRM,
};

/* Plain state, so a bank can embed its chips (and snapshot them). */
struct intel_flash {
    const struct intel_flash_model *model;
    uint8_t *mem;     /* chip byte k at mem[k * stride] */
    size_t stride;
    struct logger *lg;
    const char *name; /* for the log: "bootflash chip 2" */

    uint8_t state;    /* enum intel_flash_state */
    uint8_t status;
    uint8_t buf_count;  /* bytes the buffer write expects */
    uint8_t buf_loaded; /* bytes received so far */
    uint32_t buf_base;  /* chip offset of buffer byte 0 */
    uint32_t buf_valid; /* bit i: buffer byte i was written */
    uint8_t buf[INTEL_FLASH_BUF_MAX];
    uint8_t logged;     /* one-time log flags */
};

void intel_flash_init(struct intel_flash *f,
                      const struct intel_flash_model *model, uint8_t *mem,
                      size_t stride, struct logger *lg, const char *name);
/* Power-on: read-array mode, status ready, buffer empty (cells kept). */
void intel_flash_reset(struct intel_flash *f);
/* A read or write of one byte at chip offset off (off < model->size). */
uint8_t intel_flash_read(struct intel_flash *f, uint32_t off);
void intel_flash_write(struct intel_flash *f, uint32_t off, uint8_t value);

#endif
