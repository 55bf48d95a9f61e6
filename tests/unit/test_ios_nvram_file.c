/*
 * Config push/extract on NVRAM image files (dev/ios_nvram_file) and the
 * c7200 machine hooks built on it (hypervisor.md §5.2.4: they work on the
 * halted VM's <platform>_<tag>_nvram file): file creation, in-place
 * update that keeps the ROM's bytes and bytes past the NVRAM size, no
 * file touched on failure, a live MAP_SHARED mapping seeing the push.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/vm.h"
#include "dev/ios_nvram_file.h"
#include "dev/ios_nvram_fs.h"
#include "dev/nvram.h"

#define NV_SIZE (128 * 1024)

struct fx {
    char dir[64];
    char path[128];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    strcpy(f->dir, "/tmp/nvfileXXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/c7200_i1_nvram", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    uint8_t *buf;
    char err[256];
    assert_int_equal(ios_nvram_file_load(path, IOS_NVRAM_FILE_MAX, &buf, len,
                                         err, sizeof(err)), 0);
    return buf;
}

static void spit(const char *path, const uint8_t *p, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(p, 1, n, fp), n);
    fclose(fp);
}

static void test_push_creates_file(void **state)
{
    struct fx *f = *state;
    char err[256] = "";
    struct ios_nvram_configs c;
    assert_int_equal(ios_nvram_file_extract(f->path, NV_SIZE,
                                            &ios_nvram_layout_c7200, &c, err,
                                            sizeof(err)), -ENOENT);
    assert_non_null(strstr(err, f->path));

    assert_int_equal(ios_nvram_file_push(f->path, NV_SIZE,
                                         &ios_nvram_layout_c7200, "cfg", 3,
                                         "pv", 2, err, sizeof(err)), 0);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_size, NV_SIZE);
    assert_int_equal(ios_nvram_file_extract(f->path, NV_SIZE,
                                            &ios_nvram_layout_c7200, &c, err,
                                            sizeof(err)), 0);
    assert_string_equal(c.startup, "cfg");
    assert_string_equal(c.priv, "pv");
    ios_nvram_configs_free(&c);
}

static void test_push_in_place_keeps_other_bytes(void **state)
{
    struct fx *f = *state;
    size_t flen = NV_SIZE + 4096; /* longer than the NVRAM: tail kept */
    uint8_t *img = malloc(flen);
    for (size_t i = 0; i < flen; i++) {
        img[i] = (uint8_t)(i * 13 + 1);
    }
    memset(img + 0x800, 0, NV_SIZE - 0x800);
    spit(f->path, img, flen);
    struct stat before;
    assert_int_equal(stat(f->path, &before), 0);

    char err[256];
    assert_int_equal(ios_nvram_file_push(f->path, NV_SIZE,
                                         &ios_nvram_layout_c7200,
                                         "hostname X\n", 11, NULL, 0, err,
                                         sizeof(err)), 0);
    struct stat after;
    assert_int_equal(stat(f->path, &after), 0);
    assert_int_equal(after.st_ino, before.st_ino); /* not replaced */
    size_t len;
    uint8_t *now = slurp(f->path, &len);
    assert_int_equal(len, flen);
    assert_memory_equal(now, img, 0x800);
    assert_memory_equal(now + NV_SIZE, img + NV_SIZE, flen - NV_SIZE);

    /* extract looks only at the first NV_SIZE bytes */
    struct ios_nvram_configs c;
    assert_int_equal(ios_nvram_file_extract(f->path, NV_SIZE,
                                            &ios_nvram_layout_c7200, &c, err,
                                            sizeof(err)), 0);
    assert_string_equal(c.startup, "hostname X\n");
    assert_true(c.checksum_ok);
    ios_nvram_configs_free(&c);
    free(now);
    free(img);
}

static void test_push_failure_touches_nothing(void **state)
{
    struct fx *f = *state;
    char err[256] = "";
    char *big = calloc(1, NV_SIZE);
    memset(big, 'b', NV_SIZE - 1);

    /* no file: none is created */
    assert_int_equal(ios_nvram_file_push(f->path, NV_SIZE,
                                         &ios_nvram_layout_c7200, big,
                                         NV_SIZE - 1, "", 0, err, sizeof(err)),
                     -ENOSPC);
    assert_non_null(strstr(err, f->path));
    assert_int_equal(access(f->path, F_OK), -1);

    /* a short file is neither extended nor changed */
    spit(f->path, (const uint8_t *)"\x01\x02", 2);
    assert_int_equal(ios_nvram_file_push(f->path, NV_SIZE,
                                         &ios_nvram_layout_c7200, big,
                                         NV_SIZE - 1, "", 0, err, sizeof(err)),
                     -ENOSPC);
    size_t len;
    uint8_t *now = slurp(f->path, &len);
    assert_int_equal(len, 2);
    free(now);
    free(big);
}

/* A VM that has the file mapped (created, not running) sees the push. */
static void test_live_mapping_sees_push(void **state)
{
    struct fx *f = *state;
    struct nvram *nv;
    struct nvram_config nc = {.path = f->path, .size = NV_SIZE};
    assert_int_equal(nvram_open(&nc, &nv), 0);
    char err[256];
    assert_int_equal(ios_nvram_file_push(f->path, NV_SIZE,
                                         &ios_nvram_layout_c7200, "live", 4,
                                         "", 0, err, sizeof(err)), 0);
    struct ios_nvram_configs c;
    assert_int_equal(ios_nvram_fs_read(nvram_data(nv), nvram_size(nv),
                                       &ios_nvram_layout_c7200, &c, err,
                                       sizeof(err)), 0);
    assert_string_equal(c.startup, "live");
    ios_nvram_configs_free(&c);
    assert_false(nvram_is_blank(nv));
    nvram_destroy(nv);
}

static void test_c7200_machine_hooks(void **state)
{
    struct fx *f = *state;
    const struct machine_ops *mops = machine_find("c7200");
    assert_non_null(mops);
    assert_non_null(mops->push_config);
    assert_non_null(mops->extract_config);
    struct vm_config cfg;
    vm_config_init(&cfg, mops);
    char prefix[96], err[256] = "";
    snprintf(prefix, sizeof(prefix), "%s/c7200_i1", f->dir);
    char *s = NULL, *p = NULL;
    size_t sl = 1, pl = 1;

    assert_int_equal(mops->extract_config(&cfg, prefix, &s, &sl, &p, &pl, err,
                                          sizeof(err)), -ENOENT);
    assert_int_equal(mops->push_config(&cfg, prefix, "S", 1, "P", 1, err,
                                       sizeof(err)), 0);
    assert_int_equal(mops->push_config(&cfg, prefix, NULL, 0, "P2", 2, err,
                                       sizeof(err)), 0);
    assert_int_equal(mops->extract_config(&cfg, prefix, &s, &sl, &p, &pl, err,
                                          sizeof(err)), 0);
    assert_string_equal(s, "S");
    assert_int_equal(sl, 1);
    assert_string_equal(p, "P2");
    assert_int_equal(pl, 2);
    free(s);
    free(p);

    /* the file is the VM's NVRAM file, of the configured size */
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_size, (off_t)cfg.nvram_kb << 10);

    /* a file system-less NVRAM file: -ENODATA */
    uint8_t *zero = calloc(1, NV_SIZE);
    spit(f->path, zero, NV_SIZE);
    free(zero);
    assert_int_equal(mops->extract_config(&cfg, prefix, &s, &sl, &p, &pl, err,
                                          sizeof(err)), -ENODATA);
    assert_non_null(strstr(err, "c7200_i1_nvram"));
    vm_config_free(&cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_push_creates_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_push_in_place_keeps_other_bytes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_push_failure_touches_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_live_mapping_sees_push, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_c7200_machine_hooks, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
