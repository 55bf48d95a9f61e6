/*
 * NVRAM: big-endian memory with the DS1216 calendar at offset 3
 * (c7200.md §13.1-13.2, observed values included), file backing (creation,
 * size policy, persistence seen from another fd and across SIGKILL),
 * blank detection.
 */
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dev/ds1216.h"
#include "dev/nvram.h"
#include "file_harness.h"

struct fx {
    char dir[64];
    char path[128];
    struct nvram *nv;
    struct device *dev;
    time_t now;
};

static time_t fixed_clock(void *ctx)
{
    return ((struct fx *)ctx)->now;
}

static int open_nv(struct fx *f, size_t size)
{
    struct nvram_config c = {
        .path = f->path,
        .size = size,
        .clock = fixed_clock,
        .clock_ctx = f,
    };
    int rc = nvram_open(&c, &f->nv);
    f->dev = rc == 0 ? nvram_device(f->nv) : NULL;
    return rc;
}

static void close_nv(struct fx *f)
{
    if (f->nv) {
        nvram_destroy(f->nv);
        f->nv = NULL;
        f->dev = NULL;
    }
}

static int setup(void **state)
{
    struct fx *f = test_calloc(1, sizeof(*f));
    strcpy(f->dir, "/tmp/test_nvram.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/c7200_i0_nvram", f->dir);
    /* 2024-03-15 13:45:56 UTC, a Friday. */
    f->now = 1710510356;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    close_nv(f);
    unlink(f->path);
    rmdir(f->dir);
    test_free(f);
    return 0;
}

/* ------------------------------------------------ memory */
static void test_create_blank(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_nv(f, 0), 0);
    assert_int_equal(file_size(f->path), 128 * 1024);
    assert_int_equal(nvram_size(f->nv), 0x20000);
    assert_true(nvram_is_blank(f->nv));
    assert_int_equal(dev_read(f->dev, 0x1FFFC, 4), 0);
}

static void test_big_endian_accesses(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_nv(f, 0), 0);
    /* Observed layout after boot: halfwords 0x494F / 0x5300 at 0x80. */
    dev_write(f->dev, 0x80, 1, 'I');
    dev_write(f->dev, 0x81, 1, 'O');
    dev_write(f->dev, 0x82, 1, 'S');
    assert_int_equal(dev_read(f->dev, 0x80, 2), 0x494F);
    assert_int_equal(dev_read(f->dev, 0x82, 2), 0x5300);
    assert_false(nvram_is_blank(f->nv));
    /* A word, a halfword and two bytes at 0x1000. */
    dev_write(f->dev, 0x1000, 4, 0x11223344);
    dev_write(f->dev, 0x1004, 2, 0x5566);
    dev_write(f->dev, 0x1006, 1, 0x77);
    dev_write(f->dev, 0x1007, 1, 0x88);
    assert_int_equal(dev_read(f->dev, 0x1000, 4), 0x11223344);
    assert_int_equal(dev_read(f->dev, 0x1004, 4), 0x55667788);
    assert_int_equal(dev_read(f->dev, 0x1000, 8), 0x1122334455667788ULL);
    assert_int_equal(dev_read(f->dev, 0x1001, 1), 0x22);
    dev_write(f->dev, 0x1010, 8, 0x0102030405060708ULL);
    assert_int_equal(dev_read(f->dev, 0x1014, 4), 0x05060708);
    /* The last word is writable (observed). */
    dev_write(f->dev, 0x1FFFC, 4, 0xDEADBEEF);
    assert_int_equal(dev_read(f->dev, 0x1FFFC, 4), 0xDEADBEEF);
    /* Outside the window: 0, ignored. */
    assert_int_equal(dev_read(f->dev, 0x1FFFE, 4), 0);
    assert_int_equal(dev_read(f->dev, 0x20000, 1), 0);
    dev_write(f->dev, 0x20000, 4, 1);
    dev_write(f->dev, UINT64_MAX - 1, 4, 1);
    assert_int_equal(dev_read(f->dev, UINT64_MAX - 1, 4), 0);
}

static void test_offset3_is_calendar_only_for_bytes(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_nv(f, 0), 0);
    /* Observed: a byte store of 1 at offset 3 leaves the word at 0 zero. */
    dev_write(f->dev, 3, 1, 1);
    assert_int_equal(dev_read(f->dev, 0, 4), 0);
    assert_true(nvram_is_blank(f->nv));
    /* Word/halfword accesses covering byte 3 reach memory. */
    dev_write(f->dev, 0, 4, 0xA1B2C3D4);
    assert_int_equal(dev_read(f->dev, 0, 4), 0xA1B2C3D4);
    assert_int_equal(dev_read(f->dev, 2, 2), 0xC3D4);
    assert_int_equal(dev_read(f->dev, 3, 1), 0); /* calendar, not 0xD4 */
    assert_int_equal(nvram_data(f->nv)[3], 0xD4);
}

/* ------------------------------------------------ file backing */
static void test_write_reaches_file(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_nv(f, 0), 0);
    dev_write(f->dev, 0x800, 4, 0xF0A5ABCD);
    /* Another fd sees it without any sync (shared mapping). */
    uint8_t b[4];
    file_read(f->path, 0x800, b, 4);
    assert_int_equal(b[0], 0xF0);
    assert_int_equal(b[1], 0xA5);
    assert_int_equal(b[2], 0xAB);
    assert_int_equal(b[3], 0xCD);
    assert_int_equal(nvram_sync(f->nv), 0);
    /* Reopen: same contents. */
    close_nv(f);
    assert_int_equal(open_nv(f, 0), 0);
    assert_int_equal(dev_read(f->dev, 0x800, 4), 0xF0A5ABCD);
    assert_false(nvram_is_blank(f->nv));
}

static void test_survives_sigkill(void **state)
{
    struct fx *f = *state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct nvram *nv;
        struct nvram_config c = {.path = f->path};
        if (nvram_open(&c, &nv) != 0) {
            _exit(1);
        }
        dev_write(nvram_device(nv), 0x1234, 4, 0xC0FFEE00);
        raise(SIGKILL);
        _exit(2);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    uint8_t b[4];
    file_read(f->path, 0x1234, b, 4);
    assert_int_equal(b[0], 0xC0);
    assert_int_equal(b[1], 0xFF);
    assert_int_equal(b[2], 0xEE);
    assert_int_equal(b[3], 0x00);
}

static void test_short_file_extended(void **state)
{
    struct fx *f = *state;
    file_write(f->path, 0x100, "keep", 4);
    assert_int_equal(file_size(f->path), 0x104);
    assert_int_equal(open_nv(f, 0), 0);
    assert_int_equal(file_size(f->path), 0x20000);
    assert_int_equal(dev_read(f->dev, 0x100, 4), 0x6B656570); /* "keep" */
    assert_int_equal(dev_read(f->dev, 0x1FFFC, 4), 0);
    assert_false(nvram_is_blank(f->nv));
}

static void test_long_file_kept(void **state)
{
    struct fx *f = *state;
    file_write(f->path, 0x30000, "tail", 4); /* a 192 KB file */
    file_write(f->path, 0x10, "head", 4);
    assert_int_equal(open_nv(f, 0x20000), 0);
    assert_int_equal(nvram_size(f->nv), 0x20000);
    assert_int_equal(dev_read(f->dev, 0x10, 4), 0x68656164); /* "head" */
    assert_int_equal(dev_read(f->dev, 0x20000, 4), 0);       /* outside */
    dev_write(f->dev, 0x1FFFC, 4, 0x01020304);
    close_nv(f);
    assert_int_equal(file_size(f->path), 0x30004);
    char b[4];
    file_read(f->path, 0x30000, b, 4);
    assert_memory_equal(b, "tail", 4);
    /* Growing back later finds the old bytes. */
    assert_int_equal(open_nv(f, 0x40000), 0);
    assert_int_equal(dev_read(f->dev, 0x30000, 4), 0x7461696C); /* "tail" */
    assert_int_equal(dev_read(f->dev, 0x1FFFC, 4), 0x01020304);
    assert_int_equal(file_size(f->path), 0x40000);
}

static void test_blank_only_guest_window(void **state)
{
    struct fx *f = *state;
    file_write(f->path, 0x20000, "x", 1); /* beyond a 128 KB window */
    assert_int_equal(open_nv(f, 0x20000), 0);
    assert_true(nvram_is_blank(f->nv));
    nvram_data(f->nv)[0x1FFFF] = 1;
    assert_false(nvram_is_blank(f->nv));
}

/* kB of the process's mapping at addr that are resident (smaps Rss). */
static long mapping_rss_kb(const void *addr)
{
    FILE *fp = fopen("/proc/self/smaps", "r");
    assert_non_null(fp);
    char line[256];
    int in = 0;
    long rss = -1;
    while (fgets(line, sizeof(line), fp)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) { /* a mapping's line */
            in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
        } else if (in && strncmp(line, "Rss:", 4) == 0) {
            rss = strtol(line + 4, NULL, 10);
            break;
        }
    }
    fclose(fp);
    return rss;
}

/* The blank test reads the file, not the mapping, whose pages would all
 * become part of the router's memory: zeros written as data (no holes)
 * and a last non-zero byte are found without mapping a page. */
static void test_blank_test_maps_no_page(void **state)
{
    struct fx *f = *state;
    static char zeros[0x20000];
    file_write(f->path, 0, zeros, sizeof(zeros));
    assert_int_equal(open_nv(f, 0x20000), 0);
    assert_true(nvram_is_blank(f->nv));
    close_nv(f);
    file_write(f->path, 0x1FFFF, "\x01", 1);
    assert_int_equal(open_nv(f, 0x20000), 0);
    assert_false(nvram_is_blank(f->nv));
    assert_int_equal(mapping_rss_kb(nvram_data(f->nv)), 0);
    assert_int_equal(dev_read(f->dev, 0x1FFFC, 4), 1); /* same bytes */
}

static void test_open_errors(void **state)
{
    struct fx *f = *state;
    struct nvram *nv = (struct nvram *)1;
    struct nvram_config c = {.path = "/nonexistent-dir/nvram"};
    assert_int_equal(nvram_open(&c, &nv), -2); /* ENOENT */
    assert_null(nv);
    c.path = f->path;
    c.size = 3;
    assert_int_equal(nvram_open(&c, &nv), -22);
    c.size = (size_t)1 << 40;
    assert_int_equal(nvram_open(&c, &nv), -22);
}

static void test_anonymous(void **state)
{
    (void)state;
    struct nvram *nv;
    struct nvram_config c = {.size = 4096};
    assert_int_equal(nvram_open(&c, &nv), 0);
    struct device *d = nvram_device(nv);
    assert_true(nvram_is_blank(nv));
    dev_write(d, 0x10, 2, 0xABCD);
    assert_int_equal(dev_read(d, 0x10, 2), 0xABCD);
    dev_destroy(d);
}

/* ------------------------------------------------ DS1216 (§13.2) */
static void unlock(struct device *d)
{
    static const uint8_t pattern[8] = {0xC5, 0x3A, 0xA3, 0x5C,
                                       0xC5, 0x3A, 0xA3, 0x5C};
    for (int i = 0; i < 8; i++) {
        for (int b = 0; b < 8; b++) {
            /* Upper bits set to show only bit 0 counts. */
            dev_write(d, 3, 1, 0xFE | ((pattern[i] >> b) & 1));
        }
    }
}

static uint64_t read_clock(struct device *d)
{
    uint64_t v = 0;
    for (int i = 0; i < 64; i++) {
        uint64_t bit = dev_read(d, 3, 1);
        assert_true(bit <= 1); /* bits 1-7 read 0 */
        v |= bit << i;
    }
    return v;
}

static const uint64_t expected_2024 =
    0x00ULL | 0x56ULL << 8 | 0x45ULL << 16 | 0x13ULL << 24 |
    0x05ULL << 32 | 0x15ULL << 40 | 0x03ULL << 48 | 0xC4ULL << 56;

static void test_calendar_read_sequence(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_nv(f, 0), 0);
    /* Before any unlock: 0 (observed bytes 0-7 read 00). */
    for (int i = 0; i < 8; i++) {
        assert_int_equal(dev_read(f->dev, (uint64_t)i, 1), 0);
    }
    unlock(f->dev);
    assert_int_equal(read_clock(f->dev), expected_2024);
    /* Register exhausted: reads 0 again. */
    assert_int_equal(dev_read(f->dev, 3, 1), 0);
    /* Memory untouched by the whole exchange. */
    assert_true(nvram_is_blank(f->nv));
    /* A second unlock latches the new time. */
    f->now += 3600 * 24 * 365; /* 2025-03-15 13:45:56, a Saturday */
    unlock(f->dev);
    uint64_t v = read_clock(f->dev);
    assert_int_equal(v >> 56, 0xC5);
    assert_int_equal((v >> 32) & 0xFF, 0x06);
}

static void test_calendar_wrong_pattern(void **state)
{
    struct fx *f = *state;
    assert_int_equal(open_nv(f, 0), 0);
    for (int i = 0; i < 64; i++) {
        dev_write(f->dev, 3, 1, (uint8_t)(i & 1));
    }
    assert_int_equal(read_clock(f->dev), 0);
    /* Pattern preceded by noise still unlocks (sliding recogniser). */
    for (int i = 0; i < 13; i++) {
        dev_write(f->dev, 3, 1, 1);
    }
    unlock(f->dev);
    assert_int_equal(read_clock(f->dev), expected_2024);
    /* Halfword access at 2 does not feed the recogniser. */
    for (int i = 0; i < 64; i++) {
        dev_write(f->dev, 2, 2, 1);
    }
    unlock(f->dev);
    dev_reset(f->dev); /* reset clears the latched time */
    assert_int_equal(read_clock(f->dev), 0);
    assert_int_equal(dev_read(f->dev, 2, 2), 1); /* memory kept */
}

static void test_ds1216_register_layout(void **state)
{
    (void)state;
    struct ds1216 c;
    ds1216_init(&c, NULL, NULL, 0);
    /* time(): every byte is a plausible BCD-ish value. */
    uint64_t v = ds1216_time_register(&c);
    assert_int_equal(v & 0xFF, 0);
    assert_true(((v >> 8) & 0xFF) <= 0x60);  /* seconds (leap: 60) */
    assert_true(((v >> 16) & 0xFF) <= 0x59); /* minutes */
    assert_true(((v >> 24) & 0xFF) <= 0x23); /* hours */
    assert_true(((v >> 32) & 0xFF) <= 0x06); /* weekday */
    assert_true(((v >> 48) & 0xFF) >= 0x01 && ((v >> 48) & 0xFF) <= 0x12);
    assert_true((v >> 56) >= 0xC4); /* 2024 or later */
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_create_blank),
        T(test_big_endian_accesses),
        T(test_offset3_is_calendar_only_for_bytes),
        T(test_write_reaches_file),
        T(test_survives_sigkill),
        T(test_short_file_extended),
        T(test_long_file_kept),
        T(test_blank_only_guest_window),
        T(test_blank_test_maps_no_page),
        T(test_open_errors),
        cmocka_unit_test(test_anonymous),
        T(test_calendar_read_sequence),
        T(test_calendar_wrong_pattern),
        cmocka_unit_test(test_ds1216_register_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
