/*
 * Module "vm_debug": CPU state and physical memory of a VM
 * (hypervisor.md §5.3). Memory commands touch RAM-like regions only (DRAM,
 * ROM, NVRAM-less host memory), never a device: a debug read must not have
 * side effects. Without hardware (halted VM) reads give 0.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv_router.h"
#include "hv/hv_vm_cmds.h"

/* Host address of len bytes at pa in one RAM region, or NULL. */
static uint8_t *ram_ptr(struct hv_router *r, uint64_t pa, size_t len,
                        int for_write)
{
    if (hv_router_status(r) == VM_HALTED || !r->vm)
        return NULL;
    const struct phys_region *reg = physmap_find(&r->vm->pm, pa);
    if (!reg || !(reg->flags & PR_RAM) || !reg->host)
        return NULL;
    if (for_write && (reg->flags & PR_READONLY))
        return NULL;
    if (pa - reg->base + len > reg->size)
        return NULL;
    return reg->host + (pa - reg->base);
}

static struct mips_cpu *cpu_of(struct hv_router *r, const char *id)
{
    if (hv_router_status(r) == VM_HALTED || !r->vm || hv_arg_int(id) != 0)
        return NULL;
    return &r->vm->cpu;
}

/*
 * The CPU thread owns the registers and runs over RAM: a debug command
 * stops it between two slices for its access (hv_router_hold) and lets
 * it go at the end, so a dump is one consistent state, a register set is
 * not lost in a host register, and a read sees no half-written word.
 */

static void show_cpu(struct hv_ctx *c, char **argv, int mmu)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    struct mips_cpu *cpu = cpu_of(r, argv[1]);
    if (cpu) {
        int held = hv_router_hold(r);
        if (mmu)
            mips_cpu_dump_tlb(cpu, stdout);
        else
            mips_cpu_dump(cpu, stdout);
        fflush(stdout);
        vm_unhold(r->vm, held);
    }
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

static void cmd_show_cpu_regs(struct hv_ctx *c, int argc, char **argv)
{
    show_cpu(c, argv, 0);
}

static void cmd_show_cpu_mmu(struct hv_ctx *c, int argc, char **argv)
{
    show_cpu(c, argv, 1);
}

static void cmd_set_cpu_reg(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    struct mips_cpu *cpu = cpu_of(r, argv[1]);
    int reg = hv_arg_int(argv[2]);
    if (!cpu || reg < 1 || reg > 31) {
        hv_err(c, HSC_ERR_BAD_OBJ, "Bad CPU or register");
    } else {
        int held = hv_router_hold(r);
        cpu->gpr[reg] = (uint64_t)hv_arg_num(argv[3]);
        vm_unhold(r->vm, held);
        hv_ok(c, "OK");
    }
    hv_router_unlock(c->hv, obj);
}

static void breakpoint(struct hv_ctx *c, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    if (!cpu_of(hv_router_of(obj), argv[1]))
        hv_err(c, HSC_ERR_BAD_OBJ, "Bad CPU");
    else
        hv_err(c, HSC_ERR_UNSPECIFIED,
               "CPU breakpoints are not supported yet");
    hv_router_unlock(c->hv, obj);
}

static void cmd_add_cpu_breakpoint(struct hv_ctx *c, int argc, char **argv)
{
    breakpoint(c, argv);
}

static void cmd_remove_cpu_breakpoint(struct hv_ctx *c, int argc,
                                      char **argv)
{
    breakpoint(c, argv);
}

static void pmem_write(struct hv_ctx *c, char **argv, size_t size)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    uint64_t pa = hv_arg_num(argv[2]);
    uint64_t v = hv_arg_num(argv[3]);
    uint8_t *p = ram_ptr(r, pa, size, 1);
    if (p) {
        int held = hv_router_hold(r);
        if (size == 4)
            be32_store(p, (uint32_t)v);
        else
            be16_store(p, (uint16_t)v);
        /* code translated from these bytes is dropped, as for DMA */
        const struct physmap *pm = &r->vm->pm;
        if (pm->ram_write_hook)
            pm->ram_write_hook(pm->ram_write_arg, pa, size);
        vm_unhold(r->vm, held);
    }
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

static void pmem_read(struct hv_ctx *c, char **argv, size_t size)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    uint8_t *p = ram_ptr(r, hv_arg_num(argv[2]), size, 0);
    uint32_t v = 0;
    if (p) {
        int held = hv_router_hold(r);
        v = size == 4 ? be32_load(p) : be16_load(p);
        vm_unhold(r->vm, held);
    }
    if (size == 4)
        hv_ok(c, "0x%8.8x", v);
    else
        hv_ok(c, "0x%4.4x", v);
    hv_router_unlock(c->hv, obj);
}

static void cmd_pmem_w32(struct hv_ctx *c, int argc, char **argv)
{
    pmem_write(c, argv, 4);
}

static void cmd_pmem_r32(struct hv_ctx *c, int argc, char **argv)
{
    pmem_read(c, argv, 4);
}

static void cmd_pmem_w16(struct hv_ctx *c, int argc, char **argv)
{
    pmem_write(c, argv, 2);
}

static void cmd_pmem_r16(struct hv_ctx *c, int argc, char **argv)
{
    pmem_read(c, argv, 2);
}

static int hex_nibble(char ch)
{
    return isdigit((unsigned char)ch) ? ch - '0'
                                      : tolower((unsigned char)ch) - 'a' + 10;
}

/* First match of the bytes in the RAM-like regions within [first, last]. */
static void cmd_pmem_cfind(struct hv_ctx *c, int argc, char **argv)
{
    size_t hexlen = strlen(argv[2]);
    if (hexlen == 0 || hexlen % 2) {
        hv_err(c, HSC_ERR_INV_PARAM,
               "Invalid byte sequence (invalid length=%zu)", hexlen);
        return;
    }
    for (size_t i = 0; i < hexlen; i++) {
        if (!isxdigit((unsigned char)argv[2][i])) {
            hv_err(c, HSC_ERR_INV_PARAM,
                   "Invalid byte sequence (non-hexadecimal character)");
            return;
        }
    }
    size_t n = hexlen / 2;
    uint8_t *needle = malloc(n);
    if (!needle) {
        hv_err(c, HSC_ERR_UNSPECIFIED, "out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++)
        needle[i] = (uint8_t)(hex_nibble(argv[2][2 * i]) << 4 |
                              hex_nibble(argv[2][2 * i + 1]));
    uint64_t first = argc > 3 ? hv_arg_num(argv[3]) : 0;
    uint64_t last = argc > 4 ? hv_arg_num(argv[4]) : UINT64_MAX;

    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj) {
        free(needle);
        return;
    }
    struct hv_router *r = hv_router_of(obj);
    int found = 0;
    uint64_t at = 0;
    if (hv_router_status(r) != VM_HALTED && r->vm) {
        int held = hv_router_hold(r);
        const struct physmap *pm = &r->vm->pm;
        for (int i = 0; i < pm->count && !found; i++) {
            const struct phys_region *reg = &pm->regions[i];
            if (!(reg->flags & PR_RAM) || !reg->host || reg->size < n)
                continue;
            uint64_t lo = reg->base > first ? reg->base : first;
            uint64_t hi = reg->base + reg->size - n; /* last start */
            if (last < hi)
                hi = last;
            for (uint64_t pa = lo; pa <= hi && pa >= lo; pa++) {
                const uint8_t *p = reg->host + (pa - reg->base);
                if (p[0] == needle[0] && memcmp(p, needle, n) == 0) {
                    found = 1;
                    at = pa;
                    break;
                }
            }
        }
        vm_unhold(r->vm, held);
    }
    free(needle);
    if (found)
        hv_ok(c, "0x%4.4llx", (unsigned long long)at);
    else
        hv_err(c, HSC_ERR_NOT_FOUND, "Not found");
    hv_router_unlock(c->hv, obj);
}

static const struct hv_cmd vm_debug_cmds[] = {
    {"show_cpu_regs", 2, 2, cmd_show_cpu_regs},
    {"show_cpu_mmu", 2, 2, cmd_show_cpu_mmu},
    {"set_cpu_reg", 4, 4, cmd_set_cpu_reg},
    {"add_cpu_breakpoint", 3, 3, cmd_add_cpu_breakpoint},
    {"remove_cpu_breakpoint", 3, 3, cmd_remove_cpu_breakpoint},
    {"pmem_w32", 4, 4, cmd_pmem_w32},
    {"pmem_r32", 3, 3, cmd_pmem_r32},
    {"pmem_w16", 4, 4, cmd_pmem_w16},
    {"pmem_r16", 3, 3, cmd_pmem_r16},
    {"pmem_cfind", 3, 5, cmd_pmem_cfind},
};

HV_MODULE(hv_mod_vm_debug, "vm_debug", vm_debug_cmds);
