/*
 * The machines of the 3600 family and the GT-96100 routers, created but
 * not started (shared spec c3600-c2691-c37xx.md): the physical map of
 * §3.2 / §4.2 per chassis, the card layer's rules (which card goes where,
 * built-in slot-0 cards, WICs on the GT96100-FE with their windows, port
 * numbering, NM presence in the I/O FPGA, PCI placement behind the
 * bridges), unknown chassis, and configuration push / extract on the
 * NVRAM of a halted router (§8.2).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/evloop.h"
#include "core/log.h"
#include "core/vm.h"
#include "machine/ciscomid/mid.h"
#include "machine/ciscomid/mid_nm.h"
#include "net/nio.h"

struct fx {
    char dir[64];
    char cwd[PATH_MAX];
    struct evloop *ev;
    struct logger *log;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(getcwd(f->cwd, sizeof(f->cwd)));
    snprintf(f->dir, sizeof(f->dir), "/tmp/test_c3600.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    assert_int_equal(chdir(f->dir), 0);
    f->ev = evloop_create();
    assert_int_equal(evloop_start_thread(f->ev), 0);
    f->log = log_open(NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    evloop_destroy(f->ev);
    log_close(f->log);
    assert_int_equal(chdir(f->cwd), 0);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static struct vm *make(struct fx *f, const char *platform,
                       const char *chassis, char *err, size_t errlen)
{
    const struct machine_ops *mops = machine_find(platform);
    assert_non_null(mops);
    struct vm_config cfg;
    vm_config_init(&cfg, mops);
    cfg.ram_mmap = 0;
    cfg.ram_mb = 32;
    cfg.con.type = VTTY_NONE;
    cfg.aux.type = VTTY_NONE;
    if (chassis)
        cfg.chassis = strdup(chassis);
    struct vm *vm = vm_create(&cfg, mops, f->log, f->ev, err, errlen);
    vm_config_free(&cfg);
    return vm;
}

static const char *region_at(struct vm *vm, uint64_t pa)
{
    const struct phys_region *r = physmap_find(&vm->pm, pa);
    return r ? r->name : "";
}

/* ---- memory maps ---- */

static void test_memory_maps(void **state)
{
    struct fx *f = *state;
    char err[256];
    struct vm *vm = make(f, "c3600", "3620", err, sizeof(err));
    assert_non_null(vm);
    assert_string_equal(region_at(vm, 0x14000000), "gt64k");
    assert_string_equal(region_at(vm, 0x16000000), "remote");
    assert_string_equal(region_at(vm, 0x1E800000), "iofpga");
    assert_string_equal(region_at(vm, 0x1E840000), "duart");
    assert_string_equal(region_at(vm, 0x1EC00000), "bitbucket");
    assert_string_equal(region_at(vm, 0x1FC00000), "rom");
    assert_string_equal(region_at(vm, 0x1FE00000), "nvram");
    assert_string_equal(region_at(vm, 0x30000000), "bootflash");
    assert_string_equal(region_at(vm, 0x100000000ull), "pci-io");
    assert_string_equal(region_at(vm, 0x40000000), ""); /* no disk0 */
    assert_int_equal(vm->cpu.cp0[CP0_PRID], PRID_R4700);
    vm_destroy(vm);

    vm = make(f, "c2691", NULL, err, sizeof(err));
    assert_non_null(vm);
    assert_string_equal(region_at(vm, 0x14000000), "gt96100");
    assert_string_equal(region_at(vm, 0x16001000), "ssa");
    assert_string_equal(region_at(vm, 0x3C100000), "duart");
    assert_string_equal(region_at(vm, 0x30000000), "disk0");
    assert_string_equal(region_at(vm, 0xC0000000), "bswap");
    assert_string_equal(region_at(vm, 0x1EC00000), ""); /* §4.2 */
    /* the ROM flash reads as memory, its commands take writes */
    const struct phys_region *rom = physmap_find(&vm->pm, 0x1FC00000);
    assert_non_null(rom);
    assert_true(rom->flags & PR_RAM);
    assert_non_null(rom->dev);
    assert_int_equal(vm->cpu.cp0[CP0_PRID], PRID_RM7000);
    vm_destroy(vm);

    vm = make(f, "c3745", NULL, err, sizeof(err));
    assert_non_null(vm);
    assert_string_equal(region_at(vm, 0x24000000), "gt96100");
    assert_string_equal(region_at(vm, 0x1FA00000), "iofpga");
    assert_string_equal(region_at(vm, 0x14000000), "");
    vm_destroy(vm);
}

static void test_unknown_chassis(void **state)
{
    struct fx *f = *state;
    char err[256] = "";
    assert_null(make(f, "c3600", "3699", err, sizeof(err)));
    assert_non_null(strstr(err, "unknown c3600 chassis '3699'"));
    assert_non_null(strstr(err, "3660"));
}

/* ---- the card layer ---- */

static void test_card_rules(void **state)
{
    (void)state;
    /* 3600 family: NM bays from 0, the Leopard-2FE only in slot 0 */
    assert_int_equal(mid_nm_card_check(MID_FAM_C3600, 4, 0, 0, "NM-4E"), 0);
    assert_int_equal(mid_nm_card_check(MID_FAM_C3600, 4, 4, 0, "NM-4E"),
                     -EINVAL);
    assert_int_equal(mid_nm_card_check(MID_FAM_C3600, 7, 0, 0,
                                       "Leopard-2FE"), 0);
    assert_int_equal(mid_nm_card_check(MID_FAM_C3600, 7, 2, 0,
                                       "Leopard-2FE"), -EINVAL);
    assert_int_equal(mid_nm_card_check(MID_FAM_C3600, 7, 1, 1, "WIC-1T"),
                     -EINVAL);
    /* GT-96100 routers: NMs from slot 1, WICs in slot 0 sub-slots 1-3 */
    assert_int_equal(mid_nm_card_check(MID_FAM_GT96K, 2, 1, 0, "NM-4E"),
                     -EINVAL);
    assert_int_equal(mid_nm_card_check(MID_FAM_GT96K, 2, 0, 0, "NM-4T"),
                     -EINVAL);
    assert_int_equal(mid_nm_card_check(MID_FAM_GT96K, 2, 0, 3, "WIC-2T"),
                     0);
    assert_int_equal(mid_nm_card_check(MID_FAM_GT96K, 2, 0, 4, "WIC-2T"),
                     -EINVAL);
    assert_int_equal(mid_nm_card_check(MID_FAM_GT96K, 5, 4, 0,
                                       "NM-16ESW"), 0);
    assert_int_equal(mid_nm_card_check(MID_FAM_GT96K, 5, 4, 0, "NM-NAM"),
                     -ENOTSUP);
    assert_int_equal(mid_nm_card_check(MID_FAM_GT96K, 5, 0, 1,
                                       "WIC-1ENET"), 0);
    assert_int_equal(mid_nm_card_check(MID_FAM_C3600, 7, 0, 1,
                                       "WIC-1ENET"), -EINVAL);
    assert_int_equal(mid_nm_card_check(MID_FAM_GT96K, 5, 1, 0, "PA-4T+"),
                     -ENOENT);
    assert_int_equal(mid_nm_card_ports("NM-4E"), 4);
    assert_int_equal(mid_nm_card_ports("GT96100-FE"), 2);
    assert_int_equal(mid_nm_card_ports("WIC-2T"), 2);
}

static void test_wics_and_ports(void **state)
{
    struct fx *f = *state;
    char err[256];
    struct vm *vm = make(f, "c3725", NULL, err, sizeof(err));
    assert_non_null(vm);
    assert_string_equal(mid_nm_card(vm, 0, 0), "GT96100-FE");
    assert_int_equal(mid_nm_insert(vm, 0, 0, "GT96100-FE"), 0); /* there */
    assert_int_equal(mid_nm_remove(vm, 0, 0), -EPERM);
    assert_int_equal(mid_nm_insert(vm, 0, 2, "WIC-2T"), 0);
    assert_string_equal(region_at(vm, 0x3C202000), "WIC-2T");
    assert_int_equal(mid_nm_insert(vm, 0, 2, "WIC-1T"), -EBUSY);
    struct nio *a, *b;
    assert_int_equal(nio_create_null(&a, f->ev, NULL, "a"), 0);
    assert_int_equal(nio_create_null(&b, f->ev, NULL, "b"), 0);
    /* WIC 1 port 1 = port 33; there is no port 34 */
    assert_int_equal(mid_nm_bind_nio(vm, 0, 33, a), 0);
    assert_ptr_equal(mid_nm_nio(vm, 0, 33), a);
    assert_int_equal(mid_nm_bind_nio(vm, 0, 34, b), -EINVAL);
    assert_int_equal(mid_nm_bind_nio(vm, 0, 1, b), 0); /* FastEthernet0/1 */
    assert_int_equal(mid_nm_bind_nio(vm, 1, 0, b), -ENODEV);
    /* the module goes after its WICs */
    assert_int_equal(mid_nm_insert(vm, 2, 0, "NM-4T"), 0);
    assert_int_equal(mid_nm_remove(vm, 0, 2), 0);
    assert_string_equal(region_at(vm, 0x3C202000), "");
    assert_null(mid_nm_nio(vm, 0, 33));
    /* NM presence in the I/O FPGA (§4.6: slot 2 clears bit 11) */
    assert_int_equal(physmap_read(&vm->pm, 0x1E800020, 2, 0), 0xF7FF);
    vm_destroy(vm);
    nio_destroy(a);
    nio_destroy(b);
}

static uint32_t cfg_read(struct vm *vm, uint64_t gt, int root, uint32_t addr)
{
    uint64_t port = root ? 0xCF0 : 0xCF8;
    physmap_write(&vm->pm, gt + port, 4, __builtin_bswap32(addr), 0);
    return __builtin_bswap32(
        (uint32_t)physmap_read(&vm->pm, gt + port + 4, 4, 0));
}

static void cfg_write(struct vm *vm, uint64_t gt, int root, uint32_t addr,
                      uint32_t v)
{
    uint64_t port = root ? 0xCF0 : 0xCF8;
    physmap_write(&vm->pm, gt + port, 4, __builtin_bswap32(addr), 0);
    physmap_write(&vm->pm, gt + port + 4, 4, __builtin_bswap32(v), 0);
}

static void test_3660_slots_behind_bridges(void **state)
{
    struct fx *f = *state;
    char err[256];
    struct vm *vm = make(f, "c3600", "3660", err, sizeof(err));
    assert_non_null(vm);
    assert_string_equal(mid_nm_card(vm, 0, 0), "Leopard-2FE");
    assert_int_equal(mid_nm_insert(vm, 5, 0, "NM-4E"), 0);
    /* §3.5: slot 5's DEC21152 is GT bus-1 device 4 */
    uint64_t gt = 0x14000000;
    assert_int_equal(cfg_read(vm, gt, 1, 0x80000000u | 4 << 11), 0x00241011);
    cfg_write(vm, gt, 1, 0x80000000u | 4 << 11 | 0x18, 0x070700);
    for (unsigned d = 0; d < 4; d++)
        assert_int_equal(cfg_read(vm, gt, 1, 0x80000000u | 7 << 16 | d << 11),
                         0x20001022);
    /* the Leopard-2FE on bus 0, devices 6 and 7 */
    assert_int_equal(cfg_read(vm, gt, 0, 0x80000000u | 7 << 11), 0x20001022);
    /* §3.7: slot 5 present in 0x10008 */
    assert_int_equal(physmap_read(&vm->pm, 0x1E810008, 2, 0), 0xF0FF);
    assert_int_equal(mid_nm_remove(vm, 5, 0), 0);
    assert_int_equal(physmap_read(&vm->pm, 0x1E810008, 2, 0), 0xFFFF);
    assert_int_equal(cfg_read(vm, gt, 1, 0x80000000u | 7 << 16), 0xFFFFFFFFu);
    vm_destroy(vm);
}

/* ---- configurations in NVRAM (§8.2) ---- */

static void test_config_push_extract(void **state)
{
    (void)state;
    static const char *const plats[] = {"c3600", "c2691", "c3745"};
    for (size_t i = 0; i < 3; i++) {
        const struct machine_ops *mops = machine_find(plats[i]);
        struct vm_config cfg;
        vm_config_init(&cfg, mops);
        char err[256], prefix[32];
        snprintf(prefix, sizeof(prefix), "%s_t", plats[i]);
        static const char s[] = "hostname r\n", p[] = "secret\n";
        assert_int_equal(mops->push_config(&cfg, prefix, s, strlen(s), p,
                                           strlen(p), err, sizeof(err)), 0);
        char *gs = NULL, *gp = NULL;
        size_t sl = 0, pl = 0;
        assert_int_equal(mops->extract_config(&cfg, prefix, &gs, &sl, &gp,
                                              &pl, err, sizeof(err)), 0);
        assert_string_equal(gs, s);
        assert_string_equal(gp, p);
        free(gs);
        free(gp);
        vm_config_free(&cfg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_memory_maps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_chassis, setup,
                                        teardown),
        cmocka_unit_test(test_card_rules),
        cmocka_unit_test_setup_teardown(test_wics_and_ports, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_3660_slots_behind_bridges,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_push_extract, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
