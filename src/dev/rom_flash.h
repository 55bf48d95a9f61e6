/*
 * The boot-ROM flash of the Cisco 2691, 3725 and 3745 (shared spec
 * c3600-c2691-c37xx.md §4.10): a byte-wide flash with the AMD/JEDEC
 * command set, 2 MB by default at physical 0x1FC00000, holding the ROM
 * monitor at offset 0 and IOS's NVRAM further up (0xE0000 on the
 * 2691/3725, 0xB0000 on the 3745; §8.2).
 *
 * Reads are plain memory (the command set's ID and status modes are not
 * modelled, §4.10), so the machine maps the contents with
 * physmap_add_rom(): fetches and loads go straight to host memory, stores
 * reach this device, which runs the command sequences:
 *   0xAAA<-0xAA, 0x555<-0x55, 0xAAA<-0xA0, addr<-byte     program a byte
 *   0xAAA<-0xAA, 0x555<-0x55, 0xAAA<-0x80,
 *   0xAAA<-0xAA, 0x555<-0x55, addr<-0x30                  erase the 16 KB
 *                                                         from addr
 *   ... same with 0xAAA<-0x10                             erase the chip
 * Erasing fills with 0x00 and a program stores the byte as it is, as the
 * reference does (§10 item 5); the empty-NVRAM test of the machine
 * relies on that. 0x90/0xC0/0xD0 after the unlock cycles enter modes that
 * are not modelled (the sequencer waits for the next unlock). Offsets are
 * byte offsets from the flash base; the data is the low byte of the
 * access.
 *
 * The contents live in a host file (e.g. c2691_i0_rom) mapped MAP_SHARED:
 * what the guest programs is in the file at once. A missing file is
 * created zero-filled, a short one extended.
 *
 * Threads: CPU thread for guest writes; rom_flash_data users (config
 * push, the ROM copy at start) only while the CPU does not run.
 */
#ifndef DEV_ROM_FLASH_H
#define DEV_ROM_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include "dev/device.h"

struct logger;
struct rom_flash;

#define ROM_FLASH_SECTOR 0x4000u /* §4.10: a sector erase clears 16 KB */

struct rom_flash_config {
    const char *path; /* host file; NULL = anonymous memory */
    size_t size;      /* bytes, > 0 */
    struct logger *lg;
    /* Told about bytes a command changed (the JIT drops code it
     * translated from them); may be NULL. */
    void (*modified)(void *ctx, uint64_t off, uint64_t len);
    void *ctx;
};

/* 0, -EINVAL or the open/ftruncate/mmap error. */
int rom_flash_open(const struct rom_flash_config *c, struct rom_flash **out);
void rom_flash_destroy(struct rom_flash *f);
/* The command side (writes); reads through it return memory too. */
struct device *rom_flash_device(struct rom_flash *f);
uint8_t *rom_flash_data(struct rom_flash *f);
size_t rom_flash_size(const struct rom_flash *f);
/* msync; 0 or -errno. */
int rom_flash_sync(struct rom_flash *f);

#endif
