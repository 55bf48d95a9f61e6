/*
 * Remote-control device: registers of c7200.md §17.5 with c7200 values,
 * callbacks, console/log output, the ROM-variable protocol and its file
 * (round trip, atomic rewrite, corrupt file).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"
#include "core/vtty.h"
#include "dev/remote_ctl.h"

/* ------------------------------------------------ fake vtty (output only) */
struct vtty {
    char out[64];
    size_t out_len;
};

void vtty_put(struct vtty *vt, const void *buf, size_t len)
{
    for (size_t i = 0; i < len && vt->out_len < sizeof(vt->out); i++) {
        vt->out[vt->out_len++] = ((const char *)buf)[i];
    }
}

/* ------------------------------------------------ fixture */
#define MEM_SIZE 4096

struct fx {
    char dir[64];
    char vars[128];
    char logpath[128];
    struct logger *lg;
    struct vtty con;
    unsigned char mem[MEM_SIZE]; /* fake physical memory at 0x1000 */
    int stops, dumps_cpu, dumps_mmu;
    uint32_t confreg;
    struct remote_ctl *rc;
    struct device *dev;
};

static void on_stop(void *ctx)
{
    ((struct fx *)ctx)->stops++;
}

static void on_dump_cpu(void *ctx)
{
    ((struct fx *)ctx)->dumps_cpu++;
}

static void on_dump_mmu(void *ctx)
{
    ((struct fx *)ctx)->dumps_mmu++;
}

static uint32_t get_confreg(void *ctx)
{
    return ((struct fx *)ctx)->confreg;
}

static uint32_t get_entry(void *ctx)
{
    (void)ctx;
    return 0x80008000;
}

#define MEM_BASE 0x1000

static int phys_read(void *ctx, uint64_t paddr, void *buf, size_t len)
{
    struct fx *f = ctx;
    if (paddr < MEM_BASE || paddr + len > MEM_BASE + MEM_SIZE) {
        return -14; /* EFAULT */
    }
    memcpy(buf, f->mem + (paddr - MEM_BASE), len);
    return 0;
}

static struct remote_ctl *make(struct fx *f)
{
    struct remote_ctl_config c = {
        .lg = f->lg,
        .console = &f->con,
        .ctx = f,
        .stop = on_stop,
        .phys_read = phys_read,
        .config_register = get_confreg,
        .entry_point = get_entry,
        .dump_cpu = on_dump_cpu,
        .dump_mmu = on_dump_mmu,
        .ram_mb = 256,
        .rom_mb = 4,
        .nvram_kb = 128,
        .iomem_mb = 0,
        .platform_id = 0x19,
        .nvram_addr = 0xBE000000,
        .nm_iomem = 0,
        .rommon_vars_path = f->vars,
    };
    c.cookie[0] = 0x1234;
    c.cookie[63] = 0xBEEF;
    return remote_ctl_create(&c);
}

static int setup(void **state)
{
    struct fx *f = test_calloc(1, sizeof(*f));
    strcpy(f->dir, "/tmp/test_remote_ctl.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->vars, sizeof(f->vars), "%s/c7200_i0_rommon_vars", f->dir);
    snprintf(f->logpath, sizeof(f->logpath), "%s/log.txt", f->dir);
    f->lg = log_open(f->logpath);
    assert_non_null(f->lg);
    f->confreg = 0x2102;
    f->rc = make(f);
    assert_non_null(f->rc);
    f->dev = remote_ctl_device(f->rc);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    if (f->dev) {
        dev_destroy(f->dev);
    }
    log_close(f->lg);
    DIR *d = opendir(f->dir);
    struct dirent *e;
    char p[400];
    while ((e = readdir(d))) {
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
            unlink(p);
        }
    }
    closedir(d);
    rmdir(f->dir);
    test_free(f);
    return 0;
}

static uint32_t rd(struct fx *f, uint64_t off)
{
    return (uint32_t)dev_read(f->dev, off, 4);
}

static void wr(struct fx *f, uint64_t off, uint32_t v)
{
    dev_write(f->dev, off, 4, v);
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        return NULL;
    }
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    buf[n] = 0;
    fclose(fp);
    return buf;
}

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    fclose(fp);
}

/* ------------------------------------------------ registers */
static void test_identity_registers(void **state)
{
    struct fx *f = *state;
    assert_int_equal(rd(f, 0x000), 0x1E94B3DF);
    assert_int_equal(rd(f, 0x004), 0);
    assert_int_equal(rd(f, 0x014), 256);
    assert_int_equal(rd(f, 0x018), 4);
    assert_int_equal(rd(f, 0x01C), 128);
    assert_int_equal(rd(f, 0x020), 0);
    assert_int_equal(rd(f, 0x024), 0x2102);
    f->confreg = 0x2142; /* callback: changes are seen at once */
    assert_int_equal(rd(f, 0x024), 0x2142);
    assert_int_equal(rd(f, 0x028), 0x80008000);
    assert_int_equal(rd(f, 0x02C), 0x19);
    assert_int_equal(rd(f, 0x030), 0);
    assert_int_equal(rd(f, 0x044), 0xBE000000);
    assert_int_equal(rd(f, 0x048), 0);
    assert_int_equal(dev_read(f->dev, 0x000, 2), 0xB3DF); /* low bits */
    assert_int_equal(rd(f, 0x05C), 0);
    assert_int_equal(rd(f, 0x2000), 0);
    wr(f, 0x05C, 1);
    wr(f, 0x000, 1);
}

static void test_plain_fields(void **state)
{
    (void)state;
    struct remote_ctl_config c = {.conf_reg = 0x2142, .entry = 0x80010000};
    struct remote_ctl *rc = remote_ctl_create(&c);
    struct device *d = remote_ctl_device(rc);
    assert_int_equal(dev_read(d, 0x024, 4), 0x2142);
    assert_int_equal(dev_read(d, 0x028, 4), 0x80010000);
    /* No callbacks, no console, no phys_read: nothing crashes. */
    dev_write(d, 0x034, 4, 1);
    dev_write(d, 0x008, 4, 1);
    dev_write(d, 0x00C, 4, 1);
    dev_write(d, 0x040, 4, 'x');
    dev_write(d, 0x038, 4, 0x1000);
    dev_write(d, 0x03C, 4, 'a');
    remote_ctl_destroy(rc);
}

static void test_callbacks(void **state)
{
    struct fx *f = *state;
    wr(f, 0x034, 1);
    assert_int_equal(f->stops, 1);
    wr(f, 0x008, 0);
    wr(f, 0x00C, 0);
    assert_int_equal(f->dumps_cpu, 1);
    assert_int_equal(f->dumps_mmu, 1);
    wr(f, 0x040, 'R');
    wr(f, 0x040, 0x100 | 'O'); /* low byte only */
    assert_int_equal(f->con.out_len, 2);
    assert_memory_equal(f->con.out, "RO", 2);
}

static void test_cookie(void **state)
{
    struct fx *f = *state;
    assert_int_equal(rd(f, 0x04C), 0);
    assert_int_equal(rd(f, 0x050), 0x1234);
    wr(f, 0x04C, 1);
    assert_int_equal(rd(f, 0x04C), 1);
    assert_int_equal(rd(f, 0x050), 0);
    wr(f, 0x04C, 63);
    assert_int_equal(rd(f, 0x050), 0xBEEF);
    wr(f, 0x04C, 64);
    assert_int_equal(rd(f, 0x050), 0);
}

/* ------------------------------------------------ log output */
static void test_log_char_and_string(void **state)
{
    struct fx *f = *state;
    const char *m = "Microcode has started.\n";
    for (const char *p = m; *p; p++) {
        wr(f, 0x03C, (uint8_t)*p);
    }
    for (const char *p = "no newline yet"; *p; p++) {
        wr(f, 0x03C, (uint8_t)*p);
    }
    /* A string crossing the 64-byte read chunks. */
    strcpy((char *)f->mem + 60, "string at a physical address");
    wr(f, 0x038, MEM_BASE + 60);
    /* Unterminated up to the end of readable memory: logged, no crash. */
    memset(f->mem + MEM_SIZE - 100, 'z', 100);
    wr(f, 0x038, MEM_BASE + MEM_SIZE - 100);
    /* More than 512 characters: cut at 512. */
    memset(f->mem + 1024, 'y', 1000);
    f->mem[2024] = 0;
    wr(f, 0x038, MEM_BASE + 1024);
    wr(f, 0x038, 0x99999999); /* unreadable address */

    dev_destroy(f->dev); /* flushes "no newline yet" */
    f->dev = NULL;
    log_close(f->lg);
    f->lg = log_open(NULL);
    char *log = slurp(f->logpath);
    assert_non_null(log);
    assert_non_null(strstr(log, "Microcode has started."));
    assert_non_null(strstr(log, "no newline yet"));
    assert_non_null(strstr(log, "string at a physical address"));
    char zs[101];
    memset(zs, 'z', 100);
    zs[100] = 0;
    assert_non_null(strstr(log, zs));
    char ys[514];
    memset(ys, 'y', 513);
    ys[513] = 0;
    assert_null(strstr(log, ys));
    ys[512] = 0;
    assert_non_null(strstr(log, ys));
}

/* ------------------------------------------------ ROM variables */
static void put_text(struct fx *f, const char *s)
{
    for (; *s; s++) {
        wr(f, 0x054, (uint8_t)*s);
    }
}

static int32_t var_cmd(struct fx *f, uint32_t cmd)
{
    wr(f, 0x058, cmd);
    return (int32_t)rd(f, 0x058);
}

static int32_t port_set(struct fx *f, const char *assignment)
{
    var_cmd(f, REMOTE_CTL_VAR_RESET);
    put_text(f, assignment);
    return var_cmd(f, REMOTE_CTL_VAR_SET);
}

static int32_t port_get(struct fx *f, const char *name, char *out, size_t n)
{
    var_cmd(f, REMOTE_CTL_VAR_RESET);
    put_text(f, name);
    int32_t st = var_cmd(f, REMOTE_CTL_VAR_GET);
    if (st == 0) {
        for (size_t i = 0; i < n; i++) {
            out[i] = (char)rd(f, 0x054);
            if (!out[i]) {
                break;
            }
        }
    }
    return st;
}

static void test_vars_port_round_trip(void **state)
{
    struct fx *f = *state;
    char buf[600];
    assert_int_equal(port_get(f, "BOOT", buf, sizeof(buf)), -1);
    assert_int_equal(port_set(f, "BOOT=disk0:c7200.bin,1"), 0);
    assert_int_equal(port_set(f, "CONFIG_FILE=nvram:startup-config"), 0);
    assert_int_equal(port_get(f, "BOOT", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "disk0:c7200.bin,1");
    /* Overwrite keeps one line. */
    assert_int_equal(port_set(f, "BOOT=hello"), 0);
    assert_int_equal(port_get(f, "BOOT", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "hello");
    /* Empty value is a value. */
    assert_int_equal(port_set(f, "EMPTY="), 0);
    assert_int_equal(port_get(f, "EMPTY", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");

    assert_string_equal(slurp(f->vars), "BOOT=hello\n"
                                        "CONFIG_FILE=nvram:startup-config\n"
                                        "EMPTY=\n");
    /* No temporary file left behind. */
    DIR *d = opendir(f->dir);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] != '.') {
            files++;
        }
    }
    closedir(d);
    assert_int_equal(files, 2); /* vars + log */

    /* A new device (next start) sees them. */
    dev_destroy(f->dev);
    f->rc = make(f);
    f->dev = remote_ctl_device(f->rc);
    assert_int_equal(port_get(f, "CONFIG_FILE", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "nvram:startup-config");
    assert_int_equal(remote_ctl_var_get(f->rc, "BOOT", buf, 3), 5);
    assert_string_equal(buf, "he");
}

static void test_vars_port_details(void **state)
{
    struct fx *f = *state;
    char buf[600];
    /* A NUL written by the guest ends the text. */
    var_cmd(f, REMOTE_CTL_VAR_RESET);
    put_text(f, "A=1");
    wr(f, 0x054, 0);
    put_text(f, "junk");
    assert_int_equal(var_cmd(f, REMOTE_CTL_VAR_SET), 0);
    assert_int_equal(port_get(f, "A", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "1");
    /* Malformed assignments fail. */
    assert_int_equal(port_set(f, "novalue"), -1);
    assert_int_equal(port_set(f, "=x"), -1);
    assert_int_equal(port_set(f, "A=line\nbreak"), -1);
    /* Reading past the value returns 0s. */
    assert_int_equal(port_get(f, "A", buf, sizeof(buf)), 0);
    assert_int_equal(rd(f, 0x054), 0);
    /* Unknown command. */
    assert_int_equal(var_cmd(f, 7), -1);
    assert_int_equal(var_cmd(f, REMOTE_CTL_VAR_RESET), 0);
    /* After a get, reading and writing share the position. */
    assert_int_equal(port_get(f, "A", buf, 0), 0);
    assert_int_equal(rd(f, 0x054), '1');
}

static void test_vars_limits(void **state)
{
    struct fx *f = *state;
    char big[600], buf[600];
    /* 511-character value with a 1-character name fits 512 bytes less 1. */
    memset(big, 'v', sizeof(big));
    memcpy(big, "N=", 2);
    big[2 + 509] = 0; /* 511 characters in the buffer */
    assert_int_equal(port_set(f, big), 0);
    assert_int_equal(port_get(f, "N", buf, sizeof(buf)), 0);
    assert_int_equal(strlen(buf), 509);
    /* The C API enforces the value limit. */
    memset(big, 'w', sizeof(big));
    memcpy(big, "M=", 2);
    big[2 + 511] = 0;
    assert_int_equal(remote_ctl_var_set(f->rc, big), 0);
    big[2 + 511] = 'w';
    big[2 + 512] = 0; /* 512 characters: one too many */
    assert_int_equal(remote_ctl_var_set(f->rc, big), -22);
    assert_int_equal(remote_ctl_var_get(f->rc, "nope", buf, 10), -2);
    /* Overflowing the port buffer: extra bytes dropped, no crash. */
    var_cmd(f, REMOTE_CTL_VAR_RESET);
    put_text(f, "Q=");
    for (int i = 0; i < 700; i++) {
        wr(f, 0x054, 'q');
    }
    assert_int_equal(var_cmd(f, REMOTE_CTL_VAR_SET), 0);
    assert_int_equal(remote_ctl_var_get(f->rc, "Q", buf, sizeof(buf)), 510);
}

static void test_vars_corrupt_file(void **state)
{
    struct fx *f = *state;
    static const char text[] =
        "GOOD=1\n"
        "no equals sign\n"
        "=empty name\n"
        "\n"
        "WIN=dos line\r\n"
        "NUL=a\0b\n"
        "GOOD2=x=y\n"
        "LAST=unterminated";
    char buf[600];
    dev_destroy(f->dev);
    write_file(f->vars, text, sizeof(text) - 1);
    f->rc = make(f);
    f->dev = remote_ctl_device(f->rc);
    assert_int_equal(remote_ctl_var_get(f->rc, "GOOD", buf, sizeof(buf)), 1);
    assert_int_equal(remote_ctl_var_get(f->rc, "WIN", buf, sizeof(buf)), 8);
    assert_string_equal(buf, "dos line");
    assert_int_equal(remote_ctl_var_get(f->rc, "NUL", buf, sizeof(buf)), -2);
    assert_int_equal(remote_ctl_var_get(f->rc, "GOOD2", buf, sizeof(buf)), 3);
    assert_string_equal(buf, "x=y");
    assert_int_equal(remote_ctl_var_get(f->rc, "LAST", buf, sizeof(buf)), 12);

    /* Too long a value in the file is skipped too. */
    dev_destroy(f->dev);
    char longline[700];
    memset(longline, 'L', sizeof(longline));
    memcpy(longline, "X=", 2);
    longline[2 + 600] = '\n';
    write_file(f->vars, longline, 2 + 601);
    f->rc = make(f);
    f->dev = remote_ctl_device(f->rc);
    assert_int_equal(remote_ctl_var_get(f->rc, "X", buf, sizeof(buf)), -2);

    /* The next set rewrites a clean file. */
    assert_int_equal(remote_ctl_var_set(f->rc, "Y=2"), 0);
    assert_string_equal(slurp(f->vars), "Y=2\n");
    char *log = slurp(f->logpath);
    assert_non_null(strstr(log, "malformed line"));
}

static void test_vars_unwritable(void **state)
{
    (void)state;
    struct remote_ctl_config c = {
        .rommon_vars_path = "/nonexistent-dir/c7200_i0_rommon_vars"};
    struct remote_ctl *rc = remote_ctl_create(&c);
    char buf[16];
    assert_true(remote_ctl_var_set(rc, "A=1") < 0);
    /* Still known for this run. */
    assert_int_equal(remote_ctl_var_get(rc, "A", buf, sizeof(buf)), 1);
    /* Through the port: status -1. */
    struct device *d = remote_ctl_device(rc);
    dev_write(d, 0x058, 4, 3);
    dev_write(d, 0x054, 4, 'B');
    dev_write(d, 0x054, 4, '=');
    dev_write(d, 0x058, 4, 1);
    assert_int_equal((int32_t)dev_read(d, 0x058, 4), -1);
    remote_ctl_destroy(rc);
}

static void test_no_file(void **state)
{
    (void)state;
    struct remote_ctl_config c = {0};
    struct remote_ctl *rc = remote_ctl_create(&c);
    char buf[16];
    assert_int_equal(remote_ctl_var_set(rc, "A=1"), 0);
    assert_int_equal(remote_ctl_var_get(rc, "A", buf, sizeof(buf)), 1);
    remote_ctl_destroy(rc);
}

static void test_reset(void **state)
{
    struct fx *f = *state;
    wr(f, 0x04C, 5);
    wr(f, 0x054, 'x');
    var_cmd(f, 9);
    dev_reset(f->dev);
    assert_int_equal(rd(f, 0x04C), 0);
    assert_int_equal(rd(f, 0x058), 0);
    assert_int_equal(rd(f, 0x054), 0);
    assert_non_null(f->dev->ops->fields);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_identity_registers),
        cmocka_unit_test(test_plain_fields),
        T(test_callbacks),
        T(test_cookie),
        T(test_log_char_and_string),
        T(test_vars_port_round_trip),
        T(test_vars_port_details),
        T(test_vars_limits),
        T(test_vars_corrupt_file),
        cmocka_unit_test(test_vars_unwritable),
        cmocka_unit_test(test_no_file),
        T(test_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
