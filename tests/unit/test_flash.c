/*
 * Intel 28F016SA command set and the c7200 bootflash bank (c7200.md §14,
 * §21; 28F016SA datasheet): identifiers per byte lane, read status,
 * program that only clears bits, block-aligned erase, command-sequence
 * errors, write-to-buffer, 8/16/32/64-bit interleaving, file backing
 * (blank 0xFF, size policy, persistence across SIGKILL, reference images).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dev/bootflash.h"
#include "dev/intel_flash.h"
#include "file_harness.h"

#define MB (1u << 20)
#define BANK (8 * MB)
#define BLOCK_BUS 0x40000u /* one 64 KB block in each of the 4 chips */

struct fx {
    char dir[64];
    char path[128];
    struct bootflash *bf;
    struct device *dev;
    char err[256];
};

static int open_bf(struct fx *f, const char *path)
{
    struct bootflash_config c = {
        .path = path,
        .chip = "28F016SA",
        .chips = 4,
    };
    int rc = bootflash_open(&c, &f->bf, f->err, sizeof(f->err));
    f->dev = rc == 0 ? bootflash_device(f->bf) : NULL;
    return rc;
}

static void close_bf(struct fx *f)
{
    bootflash_destroy(f->bf);
    f->bf = NULL;
    f->dev = NULL;
}

static int setup(void **state)
{
    struct fx *f = test_calloc(1, sizeof(*f));
    strcpy(f->dir, "/tmp/test_flash.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/c7200_i0_bootflash", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    close_bf(f);
    unlink(f->path);
    rmdir(f->dir);
    test_free(f);
    return 0;
}

static void file_fill(const char *path, off_t len, uint8_t byte)
{
    uint8_t buf[4096];
    memset(buf, byte, sizeof(buf));
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    for (off_t o = 0; o < len; o += (off_t)sizeof(buf)) {
        size_t n = len - o < (off_t)sizeof(buf) ? (size_t)(len - o)
                                                : sizeof(buf);
        assert_int_equal(pwrite(fd, buf, n, o), (ssize_t)n);
    }
    close(fd);
}

/* A command to all four chips: the same byte on every lane. */
static void cmd_all(struct device *d, uint64_t a, uint8_t c)
{
    dev_write(d, a, 4, 0x01010101u * c);
}

/* Program a 32-bit word (one byte per chip) and return to read array. */
static void program32(struct device *d, uint64_t a, uint32_t v)
{
    cmd_all(d, a, 0x40);
    dev_write(d, a, 4, v);
    assert_int_equal(dev_read(d, a, 4), 0x80808080u); /* status, ready */
    cmd_all(d, a, 0xFF);
}

static void erase_block(struct device *d, uint64_t a)
{
    cmd_all(d, a, 0x20);
    cmd_all(d, a, 0xD0);
    assert_int_equal(dev_read(d, a, 4), 0x80808080u);
    cmd_all(d, a, 0xFF);
}

/* ------------------------------------------------ the chip model */
static void test_models(void **state)
{
    (void)state;
    const struct intel_flash_model *m = intel_flash_model_find("28F016SA");
    assert_non_null(m);
    assert_int_equal(m->manufacturer, 0x89); /* §14 */
    assert_int_equal(m->device, 0xA0);
    assert_int_equal(m->size, 2 * MB);
    assert_int_equal(m->block_size, 0x10000);
    m = intel_flash_model_find("28F008SA");
    assert_non_null(m);
    assert_int_equal(m->device, 0xA2);
    assert_null(intel_flash_model_find("28F640J5"));
    assert_null(intel_flash_model_find(NULL));
}

/* One chip on its own memory, stride 1. */
static void test_single_chip(void **state)
{
    (void)state;
    const struct intel_flash_model *m = intel_flash_model_find("28F008SA");
    uint8_t *mem = malloc(m->size);
    assert_non_null(mem);
    memset(mem, 0xFF, m->size);
    struct intel_flash c;
    intel_flash_init(&c, m, mem, 1, NULL, "chip");
    intel_flash_write(&c, 0x1234, 0x10);
    intel_flash_write(&c, 0x1234, 0x5A);
    assert_int_equal(intel_flash_read(&c, 0x1234), 0x80);
    intel_flash_write(&c, 0, 0xFF);
    assert_int_equal(intel_flash_read(&c, 0x1234), 0x5A);
    assert_int_equal(mem[0x1234], 0x5A);
    intel_flash_write(&c, 0, 0x90);
    assert_int_equal(intel_flash_read(&c, 1), 0xA2);
    /* beyond the chip: 0, ignored */
    assert_int_equal(intel_flash_read(&c, m->size), 0);
    intel_flash_write(&c, m->size, 0xFF);
    intel_flash_reset(&c);
    assert_int_equal(c.state, INTEL_FLASH_READ_ARRAY);
    assert_int_equal(intel_flash_read(&c, 0x1234), 0x5A);
    free(mem);
}

/* ------------------------------------------------ the bank */
static void test_blank_is_erased(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_bf(f, NULL), 0);
    assert_int_equal(bootflash_size(f->bf), BANK);
    assert_int_equal(dev_read(f->dev, 0, 4), 0xFFFFFFFFu);
    assert_int_equal(dev_read(f->dev, BANK - 4, 4), 0xFFFFFFFFu);
    assert_int_equal(dev_read(f->dev, 0x123457, 1), 0xFF);
    assert_int_equal(dev_read(f->dev, 0x10, 8), UINT64_MAX);
}

static void test_read_identifier_per_lane(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_bf(f, NULL), 0);
    cmd_all(f->dev, 0, 0x90);
    /* chip offset 0 = bus bytes 0-3, offset 1 = bytes 4-7 (§14) */
    assert_int_equal(dev_read(f->dev, 0, 4), 0x89898989u);
    assert_int_equal(dev_read(f->dev, 4, 4), 0xA0A0A0A0u);
    assert_int_equal(dev_read(f->dev, 8, 4), 0);
    assert_int_equal(dev_read(f->dev, 0x1000, 4), 0);
    assert_int_equal(dev_read(f->dev, 2, 2), 0x8989);
    assert_int_equal(dev_read(f->dev, 5, 1), 0xA0);
    assert_int_equal(dev_read(f->dev, 0, 8), 0x89898989A0A0A0A0ull);
    /* any write is a new command: back to the array */
    cmd_all(f->dev, 0, 0xFF);
    assert_int_equal(dev_read(f->dev, 0, 4), 0xFFFFFFFFu);
    /* lanes are independent: chips 0 and 2 in ID mode, 1 and 3 not */
    dev_write(f->dev, 0, 4, 0x90FF90FFu);
    assert_int_equal(dev_read(f->dev, 0, 4), 0x89FF89FFu);
    assert_int_equal(dev_read(f->dev, 4, 4), 0xA0FFA0FFu);
    /* a byte command reaches only its chip */
    cmd_all(f->dev, 0, 0xFF);
    dev_write(f->dev, 3, 1, 0x90);
    assert_int_equal(dev_read(f->dev, 0, 4), 0xFFFFFF89u);
}

static void test_status_register(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_bf(f, NULL), 0);
    cmd_all(f->dev, 0x100, 0x70);
    /* read-status mode lasts until the next command (datasheet) */
    assert_int_equal(dev_read(f->dev, 0x100, 4), 0x80808080u);
    assert_int_equal(dev_read(f->dev, 0x7FFF00, 4), 0x80808080u);
    assert_int_equal(dev_read(f->dev, 0x100, 1), 0x80);
    cmd_all(f->dev, 0, 0xFF);
    assert_int_equal(dev_read(f->dev, 0x100, 4), 0xFFFFFFFFu);
    /* clear status goes back to read array (§14) */
    cmd_all(f->dev, 0, 0x70);
    cmd_all(f->dev, 0, 0x50);
    assert_int_equal(dev_read(f->dev, 0x100, 4), 0xFFFFFFFFu);
}

static void test_program_only_clears_bits(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_bf(f, NULL), 0);
    program32(f->dev, 0x100, 0x12345678u);
    assert_int_equal(dev_read(f->dev, 0x100, 4), 0x12345678u);
    /* §21 quirk not copied: a second program ANDs */
    program32(f->dev, 0x100, 0xF0F0F0F0u);
    assert_int_equal(dev_read(f->dev, 0x100, 4), 0x10305070u);
    program32(f->dev, 0x100, 0xFFFFFFFFu);
    assert_int_equal(dev_read(f->dev, 0x100, 4), 0x10305070u);
    /* 0x10 is the alternate program setup; the status stays until 0xFF */
    cmd_all(f->dev, 0x104, 0x10);
    dev_write(f->dev, 0x104, 4, 0xA5A5A5A5u);
    assert_int_equal(dev_read(f->dev, 0x104, 4), 0x80808080u);
    assert_int_equal(dev_read(f->dev, 0x200, 4), 0x80808080u);
    cmd_all(f->dev, 0, 0xFF);
    assert_int_equal(dev_read(f->dev, 0x104, 4), 0xA5A5A5A5u);
    /* the raw image is interleaved: bus byte a = chip a & 3 */
    const uint8_t *raw = bootflash_data(f->bf);
    assert_int_equal(raw[0x100], 0x10);
    assert_int_equal(raw[0x103], 0x70);
}

static void test_program_16_and_8_bit(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_bf(f, NULL), 0);
    /* a halfword drives chips 2 and 3 only */
    dev_write(f->dev, 0x22, 2, 0x4040);
    dev_write(f->dev, 0x22, 2, 0xBEEF);
    assert_int_equal(dev_read(f->dev, 0x20, 4), 0xFFFF8080u);
    dev_write(f->dev, 0x22, 2, 0xFFFF);
    assert_int_equal(dev_read(f->dev, 0x20, 4), 0xFFFFBEEFu);
    /* a byte on chip 1 */
    dev_write(f->dev, 0x31, 1, 0x40);
    dev_write(f->dev, 0x31, 1, 0x00);
    dev_write(f->dev, 0x31, 1, 0xFF);
    assert_int_equal(dev_read(f->dev, 0x30, 4), 0xFF00FFFFu);
    /* 64-bit: two consecutive offsets of every chip, in address order,
     * so the first word sets the chips up and the second is the data */
    dev_write(f->dev, 0x40, 8, 0x4040404001020304ull);
    assert_int_equal(dev_read(f->dev, 0x40, 8), 0x8080808080808080ull);
    dev_write(f->dev, 0x40, 8, UINT64_MAX);
    assert_int_equal(dev_read(f->dev, 0x40, 8), 0xFFFFFFFF01020304ull);
}

static void test_erase_whole_block(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_bf(f, NULL), 0);
    program32(f->dev, 0x10, 0);
    program32(f->dev, BLOCK_BUS - 4, 0);        /* last word of block 0 */
    program32(f->dev, BLOCK_BUS, 0x11111111u);  /* first of block 1 */
    program32(f->dev, BANK - 4, 0x22222222u);   /* last block */
    /* §21 quirk not copied: an address inside the block erases all of it */
    erase_block(f->dev, 0x20000);
    assert_int_equal(dev_read(f->dev, 0x10, 4), 0xFFFFFFFFu);
    assert_int_equal(dev_read(f->dev, BLOCK_BUS - 4, 4), 0xFFFFFFFFu);
    assert_int_equal(dev_read(f->dev, BLOCK_BUS, 4), 0x11111111u);
    assert_int_equal(dev_read(f->dev, BANK - 4, 4), 0x22222222u);
    /* erase only chip 1's block 31 */
    dev_write(f->dev, BANK - 3, 1, 0x20);
    dev_write(f->dev, BANK - 3, 1, 0xD0);
    /* chip 1 shows its status, the others their array */
    assert_int_equal(dev_read(f->dev, BANK - 4, 4), 0x22802222u);
    dev_write(f->dev, BANK - 3, 1, 0xFF);
    assert_int_equal(dev_read(f->dev, BANK - 4, 4), 0x22FF2222u);
    /* the erased block programs again */
    program32(f->dev, 0x10, 0xCAFEF00Du);
    assert_int_equal(dev_read(f->dev, 0x10, 4), 0xCAFEF00Du);
}

static void test_erase_sequence_error(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_bf(f, NULL), 0);
    program32(f->dev, 0x10, 0x01020304u);
    cmd_all(f->dev, 0x10, 0x20);
    cmd_all(f->dev, 0x10, 0xFF); /* not the confirm byte */
    /* datasheet: ES and DWS set, nothing erased, read-status mode */
    assert_int_equal(dev_read(f->dev, 0x10, 4), 0xB0B0B0B0u);
    cmd_all(f->dev, 0, 0xFF);
    assert_int_equal(dev_read(f->dev, 0x10, 4), 0x01020304u);
    cmd_all(f->dev, 0, 0x70);
    assert_int_equal(dev_read(f->dev, 0x10, 4), 0xB0B0B0B0u);
    cmd_all(f->dev, 0, 0x50);
    cmd_all(f->dev, 0, 0x70);
    assert_int_equal(dev_read(f->dev, 0x10, 4), 0x80808080u);
}

static void test_write_to_buffer(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_bf(f, NULL), 0);
    /* chip 0 alone (bus addresses 4k): E8 at chip offset 0x100, count 3 */
    dev_write(f->dev, 0x400, 1, 0xE8);
    assert_int_equal(dev_read(f->dev, 0x400, 1), 0x80);
    dev_write(f->dev, 0x400, 1, 0x03); /* 4 bytes */
    dev_write(f->dev, 0x408, 1, 0xC3);
    dev_write(f->dev, 0x400, 1, 0xA0);
    dev_write(f->dev, 0x500, 1, 0x00); /* outside the buffer: ignored */
    dev_write(f->dev, 0x404, 1, 0xB1);
    assert_int_equal(bootflash_data(f->bf)[0x400], 0xFF); /* not yet */
    dev_write(f->dev, 0x40C, 1, 0xD2);
    dev_write(f->dev, 0x400, 1, 0xD0); /* confirm */
    assert_int_equal(dev_read(f->dev, 0x400, 1), 0x80);
    dev_write(f->dev, 0x400, 1, 0xFF);
    assert_int_equal(dev_read(f->dev, 0x400, 1), 0xA0);
    assert_int_equal(dev_read(f->dev, 0x404, 1), 0xB1);
    assert_int_equal(dev_read(f->dev, 0x408, 1), 0xC3);
    assert_int_equal(dev_read(f->dev, 0x40C, 1), 0xD2);
    assert_int_equal(dev_read(f->dev, 0x500, 1), 0xFF);
    assert_int_equal(dev_read(f->dev, 0x401, 1), 0xFF); /* other chips */
    /* a buffer not confirmed is a sequence error and writes nothing */
    dev_write(f->dev, 0x600, 1, 0xE8);
    dev_write(f->dev, 0x600, 1, 0x00);
    dev_write(f->dev, 0x600, 1, 0x00);
    dev_write(f->dev, 0x600, 1, 0x77);
    assert_int_equal(dev_read(f->dev, 0x600, 1), 0xB0);
    dev_write(f->dev, 0x600, 1, 0x50);
    assert_int_equal(dev_read(f->dev, 0x600, 1), 0xFF);
}

static void test_unknown_command_and_reset(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_bf(f, NULL), 0);
    cmd_all(f->dev, 0, 0x90);
    cmd_all(f->dev, 0, 0x99); /* not modelled: read array */
    assert_int_equal(dev_read(f->dev, 0, 4), 0xFFFFFFFFu);
    /* suspend/resume with nothing running: status */
    cmd_all(f->dev, 0, 0xB0);
    assert_int_equal(dev_read(f->dev, 0, 4), 0x80808080u);
    cmd_all(f->dev, 0, 0xD0);
    assert_int_equal(dev_read(f->dev, 0, 4), 0x80808080u);
    /* reset: read array on every chip */
    cmd_all(f->dev, 0, 0x90);
    dev_reset(f->dev);
    assert_int_equal(dev_read(f->dev, 0, 4), 0xFFFFFFFFu);
    cmd_all(f->dev, 0, 0x40);
    bootflash_reset(f->bf);
    assert_int_equal(bootflash_chip(f->bf, 3)->state, INTEL_FLASH_READ_ARRAY);
    assert_null(bootflash_chip(f->bf, 4));
}

static void test_out_of_range(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_bf(f, NULL), 0);
    assert_int_equal(dev_read(f->dev, BANK, 1), 0);
    assert_int_equal(dev_read(f->dev, BANK - 2, 4), 0);
    assert_int_equal(dev_read(f->dev, UINT64_MAX - 1, 4), 0);
    dev_write(f->dev, BANK - 2, 4, 0x40404040u);
    dev_write(f->dev, UINT64_MAX, 1, 0x40);
    assert_int_equal(dev_read(f->dev, 0, 3), 0xFFFFFF);
    assert_int_equal(dev_read(f->dev, 0, 16), 0); /* bad size */
    assert_int_equal(dev_read(f->dev, BANK - 4, 4), 0xFFFFFFFFu);
}

static void test_bad_configs(void **state)
{
    struct fx *f = *state;
    struct bootflash_config c = {.chip = "28F999", .chips = 4};
    assert_int_equal(bootflash_open(&c, &f->bf, f->err, sizeof(f->err)),
                     -EINVAL);
    assert_non_null(strstr(f->err, "28F999"));
    c.chip = "28F016SA";
    c.chips = 3;
    assert_int_equal(bootflash_open(&c, &f->bf, f->err, sizeof(f->err)),
                     -EINVAL);
    assert_null(f->bf);
    /* 28F008SA x 4 = the 4 MB SIMM */
    c.chip = "28F008SA";
    c.chips = 4;
    assert_int_equal(bootflash_open(&c, &f->bf, f->err, sizeof(f->err)), 0);
    assert_int_equal(bootflash_size(f->bf), 4 * MB);
    close_bf(f);
}

/* ------------------------------------------------ file backing */
static void test_new_file_is_erased(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_bf(f, f->path), 0);
    assert_int_equal(file_size(f->path), BANK);
    uint8_t b[16];
    file_read(f->path, BANK - 16, b, sizeof(b));
    for (size_t i = 0; i < sizeof(b); i++) {
        assert_int_equal(b[i], 0xFF);
    }
    /* a write is in the file at once, seen through another fd */
    program32(f->dev, 0x1000, 0x0BADF00Du);
    file_read(f->path, 0x1000, b, 4);
    assert_int_equal(b[0], 0x0B);
    assert_int_equal(b[3], 0x0D);
    assert_int_equal(bootflash_sync(f->bf), 0);
    close_bf(f);
    assert_int_equal(open_bf(f, f->path), 0);
    assert_int_equal(dev_read(f->dev, 0x1000, 4), 0x0BADF00Du);
}

/* fill_async: the erased bytes are written on a thread; the first
 * access, sync and destroy wait for it. */
static void test_new_file_filled_in_the_background(void **state)
{
    struct fx *f = *state;
    file_fill(f->path, 0x100, 0x5A); /* short: the rest is filled */
    struct bootflash_config c = {
        .path = f->path,
        .chip = "28F016SA",
        .chips = 4,
        .fill_async = 1,
    };
    assert_int_equal(bootflash_open(&c, &f->bf, f->err, sizeof(f->err)), 0);
    f->dev = bootflash_device(f->bf);
    assert_int_equal(file_size(f->path), BANK); /* the size at once */
    /* the first access waits for the fill */
    assert_int_equal(dev_read(f->dev, BANK - 4, 4), 0xFFFFFFFFu);
    assert_int_equal(dev_read(f->dev, 0xFC, 4), 0x5A5A5A5Au);
    program32(f->dev, 0x3000, 0x12345678u);
    assert_int_equal(bootflash_sync(f->bf), 0);
    uint8_t b[16];
    file_read(f->path, BANK - 16, b, sizeof(b));
    for (size_t i = 0; i < sizeof(b); i++) {
        assert_int_equal(b[i], 0xFF);
    }
    file_read(f->path, 0x3000, b, 4);
    assert_int_equal(b[0], 0x12);
    assert_int_equal(b[3], 0x78);
    close_bf(f);
    /* destroyed before any access: the fill still completes */
    unlink(f->path);
    assert_int_equal(bootflash_open(&c, &f->bf, f->err, sizeof(f->err)), 0);
    close_bf(f);
    file_read(f->path, BANK / 2, b, sizeof(b));
    for (size_t i = 0; i < sizeof(b); i++) {
        assert_int_equal(b[i], 0xFF);
    }
}

static void test_survives_sigkill(void **state)
{
    struct fx *f = *state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct bootflash *bf;
        struct bootflash_config c = {.path = f->path, .chip = "28F016SA",
                                     .chips = 4};
        if (bootflash_open(&c, &bf, NULL, 0) != 0) {
            _exit(1);
        }
        struct device *d = bootflash_device(bf);
        dev_write(d, 0x2000, 4, 0x40404040u);
        dev_write(d, 0x2000, 4, 0xC0FFEE00u);
        raise(SIGKILL);
        _exit(2);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    uint8_t b[4];
    file_read(f->path, 0x2000, b, 4);
    assert_int_equal(b[0], 0xC0);
    assert_int_equal(b[1], 0xFF);
    assert_int_equal(b[2], 0xEE);
    assert_int_equal(b[3], 0x00);
}

static void test_short_file_extended_erased(void **state)
{
    struct fx *f = *state;
    file_fill(f->path, 0x100, 0x5A);
    assert_int_equal(open_bf(f, f->path), 0);
    assert_int_equal(file_size(f->path), BANK);
    assert_int_equal(dev_read(f->dev, 0xFC, 4), 0x5A5A5A5Au);
    assert_int_equal(dev_read(f->dev, 0x100, 4), 0xFFFFFFFFu);
    assert_int_equal(dev_read(f->dev, BANK - 4, 4), 0xFFFFFFFFu);
}

static void test_long_file_kept(void **state)
{
    struct fx *f = *state;
    file_fill(f->path, BANK + 4096, 0x33);
    assert_int_equal(open_bf(f, f->path), 0);
    assert_int_equal(file_size(f->path), BANK + 4096);
    assert_int_equal(dev_read(f->dev, BANK - 4, 4), 0x33333333u);
    assert_int_equal(dev_read(f->dev, BANK, 4), 0);
}

/* A reference image (blank = zeros): erase first, as IOS's format does. */
static void test_reference_zero_image(void **state)
{
    struct fx *f = *state;
    file_fill(f->path, BANK, 0x00);
    assert_int_equal(open_bf(f, f->path), 0);
    assert_int_equal(dev_read(f->dev, 0, 4), 0);
    program32(f->dev, 0, 0x12345678u);
    assert_int_equal(dev_read(f->dev, 0, 4), 0); /* bits only go down */
    erase_block(f->dev, 0);
    program32(f->dev, 0, 0x12345678u);
    assert_int_equal(dev_read(f->dev, 0, 4), 0x12345678u);
    assert_int_equal(dev_read(f->dev, BLOCK_BUS, 4), 0);
}

static void test_directory_refused(void **state)
{
    struct fx *f = *state;
    assert_int_equal(mkdir(f->path, 0755), 0);
    int rc = open_bf(f, f->path);
    assert_true(rc == -EISDIR || rc == -EINVAL);
    assert_non_null(strstr(f->err, f->path));
    assert_null(f->bf);
    rmdir(f->path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_models),
        cmocka_unit_test(test_single_chip),
        cmocka_unit_test_setup_teardown(test_blank_is_erased, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_identifier_per_lane, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_status_register, setup, teardown),
        cmocka_unit_test_setup_teardown(test_program_only_clears_bits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_program_16_and_8_bit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_erase_whole_block, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_erase_sequence_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_write_to_buffer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_command_and_reset, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_out_of_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_configs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_file_is_erased, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_new_file_filled_in_the_background,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_survives_sigkill, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_short_file_extended_erased, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_long_file_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reference_zero_image, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_directory_refused, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
