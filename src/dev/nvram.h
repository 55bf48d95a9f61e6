/*
 * Battery-backed NVRAM of the Cisco routers (shared spec c7200.md §13.1,
 * §13.2): plain byte-addressed, big-endian, "packed" memory (one byte per
 * address), default 128 KB, mapped by the machine at its platform base
 * (0x1E000000 on NPE-100...400). Byte offset 3 hides the DS1216 calendar
 * port (dev/ds1216.h): only a 1-byte access at exactly offset 3 reaches
 * it; wider accesses covering byte 3 read and write memory.
 *
 * The contents live in a host file (e.g. c7200_i0_nvram in the working
 * directory) mapped MAP_SHARED, so every guest store is in the file at
 * once (a killed process loses nothing). A missing file is created
 * zero-filled at the configured size; a shorter file is extended with
 * zeros; a longer file is left as it is (nothing is cut off: the guest
 * sees the first `size` bytes and the rest is kept for a later, larger
 * configuration).
 *
 * Layout ownership (§13.3): the first 0x800 bytes belong to the ROM
 * monitor, the IOS file system starts at 0x800; this device knows
 * neither and only offers the raw bytes (nvram_data) to the code that
 * pushes and extracts configurations.
 *
 * No interrupt. Accesses come from the CPU thread; nvram_data users must
 * not run while the CPU does.
 */
#ifndef DEV_NVRAM_H
#define DEV_NVRAM_H

#include <stddef.h>
#include <stdint.h>

#include "dev/device.h"
#include "dev/ds1216.h"

struct logger;
struct nvram;

#define NVRAM_DEFAULT_SIZE (128 * 1024) /* c7200.md §1 */
#define NVRAM_CALENDAR_OFFSET 3         /* c7200.md §13.1 */
#define NVRAM_ROM_RESERVED 0x800        /* c7200.md §13.3 */

struct nvram_config {
    const char *path; /* host file; NULL = anonymous memory, not persisted */
    size_t size;      /* bytes; 0 = NVRAM_DEFAULT_SIZE */
    struct logger *lg;
    ds1216_clock_fn clock; /* calendar clock; NULL = time() */
    void *clock_ctx;
    int calendar_localtime; /* 0: UTC, as the reference (§13.2) */
};

/*
 * Opens (creating or extending) and maps the file. Returns 0 and the
 * device in *out, or a negative errno (-EINVAL for size 0 or an
 * unmappable size, the open/ftruncate/mmap error otherwise).
 */
int nvram_open(const struct nvram_config *c, struct nvram **out);
/* Unmaps (the file keeps everything) and frees. */
void nvram_destroy(struct nvram *nv);
struct device *nvram_device(struct nvram *nv);

/* 1 when every byte the guest sees is zero (c7200.md §13.1, §16.1). */
int nvram_is_blank(const struct nvram *nv);
/* The guest-visible bytes, for configuration push/extract (§13.6). */
uint8_t *nvram_data(struct nvram *nv);
size_t nvram_size(const struct nvram *nv);
/* Ask the kernel to write the mapping to disk now (msync). 0 or -errno. */
int nvram_sync(struct nvram *nv);

#endif
