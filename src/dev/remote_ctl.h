/*
 * Emulator "remote control" device (shared spec c7200.md §17.5): a 4 KB
 * window (physical 0x16000000 on the c7200, c3600-c2691-c37xx.md §2.4 for
 * the others) through which the ROM monitor learns the machine's sizes
 * and settings, writes to the console and the log, stops the router and
 * keeps the ROM monitor variables. It is not real hardware and raises no
 * interrupt.
 *
 * Registers (32-bit, value in the low-order bits of any access size):
 *   0x000 R  signature 0x1E94B3DF         0x004 R  CPU number
 *   0x008 W  dump CPU state to the log     0x00C W  dump MMU state
 *   0x014 R  DRAM MB   0x018 R ROM MB      0x01C R  NVRAM KB
 *   0x020 R  I/O memory MB                 0x024 R  configuration register
 *   0x028 R  IOS entry point               0x02C R  platform id
 *   0x030 R  restart request (always 0)    0x034 W  stop the router
 *   0x038 W  log the NUL-terminated string at this PHYSICAL address
 *            (at most 512 characters)
 *   0x03C W  append a character to the log line (flushed at '\n')
 *   0x040 W  console output character
 *   0x044 R  NVRAM address (KSEG1 form)    0x048 R  "NM I/O memory" value
 *   0x04C RW chassis-cookie index (0-63)   0x050 R  cookie half-word there
 *   0x054 RW ROM-variable character port   0x058 RW ROM-variable command
 *
 * ROM-variable protocol (0x054/0x058), one 512-byte buffer and one
 * position shared by reads and writes:
 *   write 3 to 0x058       position := 0
 *   write c to 0x054       buffer[position++] := c (dropped when full)
 *   write 1 to 0x058       set: buffer[0..position) holds "NAME=value"
 *   write 2 to 0x058       get: buffer[0..position) holds NAME; on success
 *                          the buffer becomes the value, NUL-padded, and
 *                          position := 0
 *   read 0x054             buffer[position++] (0 past the end)
 *   read 0x058             status of the last command: 0 ok, -1 failure
 * A NUL written into the buffer ends the text early. Values are at most
 * 511 characters (c7200.md §17.3); names are non-empty, and neither may
 * contain '\n'. The variables persist in a file of "NAME=value" lines
 * (<vm prefix>_rommon_vars), rewritten atomically on every set; malformed
 * lines in it are skipped (and logged) when it is loaded.
 */
#ifndef DEV_REMOTE_CTL_H
#define DEV_REMOTE_CTL_H

#include <stddef.h>
#include <stdint.h>

#include "dev/device.h"

struct logger;
struct vtty;
struct remote_ctl;

#define REMOTE_CTL_SIZE 0x1000
#define REMOTE_CTL_SIGNATURE_VALUE 0x1E94B3DFu /* c7200.md §16.3 step 3 */
#define REMOTE_CTL_COOKIE_WORDS 64             /* c7200.md §17.2 EMT 44 */
#define REMOTE_CTL_VAR_BUF 512                 /* c7200.md §17.5 0x054 */
#define REMOTE_CTL_VAR_VALUE_MAX 511           /* c7200.md §17.3 */
#define REMOTE_CTL_LOG_STRING_MAX 512

/* Register offsets, c7200.md §17.5. */
#define REMOTE_CTL_SIGNATURE 0x000
#define REMOTE_CTL_CPU_ID 0x004
#define REMOTE_CTL_DUMP_CPU 0x008
#define REMOTE_CTL_DUMP_MMU 0x00C
#define REMOTE_CTL_RAM_MB 0x014
#define REMOTE_CTL_ROM_MB 0x018
#define REMOTE_CTL_NVRAM_KB 0x01C
#define REMOTE_CTL_IOMEM_MB 0x020
#define REMOTE_CTL_CONFREG 0x024
#define REMOTE_CTL_ENTRY 0x028
#define REMOTE_CTL_PLATFORM_ID 0x02C
#define REMOTE_CTL_RESTART 0x030
#define REMOTE_CTL_STOP 0x034
#define REMOTE_CTL_LOG_STRING 0x038
#define REMOTE_CTL_LOG_CHAR 0x03C
#define REMOTE_CTL_CONSOLE_CHAR 0x040
#define REMOTE_CTL_NVRAM_ADDR 0x044
#define REMOTE_CTL_NM_IOMEM 0x048
#define REMOTE_CTL_COOKIE_INDEX 0x04C
#define REMOTE_CTL_COOKIE_DATA 0x050
#define REMOTE_CTL_VAR_CHAR 0x054
#define REMOTE_CTL_VAR_CMD 0x058

enum remote_ctl_var_cmd {
    REMOTE_CTL_VAR_SET = 1,
    REMOTE_CTL_VAR_GET = 2,
    REMOTE_CTL_VAR_RESET = 3,
};

struct remote_ctl_config {
    struct logger *lg;
    struct vtty *console;  /* 0x040; NULL discards */
    void *ctx;             /* passed to every callback */
    void (*stop)(void *ctx);                       /* 0x034 */
    /* 0x038: copy len bytes at a physical address; 0 or negative errno. */
    int (*phys_read)(void *ctx, uint64_t paddr, void *buf, size_t len);
    uint32_t (*config_register)(void *ctx);        /* 0x024; NULL: conf_reg */
    uint32_t (*entry_point)(void *ctx);            /* 0x028; NULL: entry */
    void (*dump_cpu)(void *ctx);                   /* 0x008 */
    void (*dump_mmu)(void *ctx);                   /* 0x00C */

    uint32_t cpu_id;      /* 0x004, 0 */
    uint32_t ram_mb;      /* 0x014 */
    uint32_t rom_mb;      /* 0x018 */
    uint32_t nvram_kb;    /* 0x01C */
    uint32_t iomem_mb;    /* 0x020 */
    uint32_t conf_reg;    /* 0x024 when config_register is NULL */
    uint32_t entry;       /* 0x028 when entry_point is NULL */
    uint32_t platform_id; /* 0x02C, 0x19 on the c7200 (§1) */
    uint32_t nvram_addr;  /* 0x044, 0xBE000000 on the c7200 (§17.5) */
    uint32_t nm_iomem;    /* 0x048, 0 on the c7200 */
    uint16_t cookie[REMOTE_CTL_COOKIE_WORDS]; /* 0x050, all 0 on c7200 */
    /* ROM variable file; NULL keeps the variables in memory only. */
    const char *rommon_vars_path;
};

/* Loads the variable file if it exists. NULL (errno = ENOMEM) on failure. */
struct remote_ctl *remote_ctl_create(const struct remote_ctl_config *c);
/* Flushes a pending log line and frees. */
void remote_ctl_destroy(struct remote_ctl *rc);
struct device *remote_ctl_device(struct remote_ctl *rc);

/*
 * The variable store, for a ROM service implemented natively (EMT 45/46)
 * or the hypervisor. set takes "NAME=value": 0, -EINVAL (malformed, value
 * too long) or the negative errno of the file write (the variable is set
 * in memory anyway). get copies at most size-1 characters plus a NUL and
 * returns the value's full length, or -ENOENT.
 */
int remote_ctl_var_set(struct remote_ctl *rc, const char *assignment);
int remote_ctl_var_get(struct remote_ctl *rc, const char *name, char *buf,
                       size_t size);

#endif
