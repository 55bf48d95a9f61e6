/*
 * Virtual-to-physical translation (R4000 manual ch. 4) and the per-CPU
 * translation cache that maps a guest virtual 4 KB page to host memory.
 *
 * 32-bit addressing (Status.KX/SX/UX = 0 for the current space): only
 * sign-extended 32-bit addresses are legal; kuseg 0x00000000-0x7FFFFFFF
 * and ksseg/kseg3 0xC0000000-0xFFFFFFFF are mapped through the TLB, kseg0
 * 0x80000000 (cached) and kseg1 0xA0000000 (uncached) map the first 512 MB
 * of physical space directly. 64-bit addressing adds xuseg, xsseg, xkphys
 * and xkseg. User mode reaches only (x)useg, supervisor also (x)sseg;
 * anything else is an Address Error.
 *
 * Cache tags carry the privilege/addressing mode (mode_key), so a page
 * filled in kernel mode is never used by a user-mode access. TLB writes,
 * ASID changes and addressing-mode changes flush the cache.
 */
#include <string.h>

#include "core/log.h"
#include "cpu/mips64/cpu_internal.h"
#include "cpu/mips64/jit.h"
#include "dev/device.h"

#define KSEG0_BASE 0xFFFFFFFF80000000ull
#define KSEG1_BASE 0xFFFFFFFFA0000000ull
#define KSEG_SIZE 0x20000000ull
#define SEG64_SIZE (1ull << 40) /* xuseg/xsseg/xkseg span (R4000 §4.4) */
#define PA_MASK_36 0xFFFFFFFFFull /* R4000 36-bit physical addresses */

/* EntryLo fields (R4000 manual, figure 4-9) */
#define LO_G 0x1
#define LO_V 0x2
#define LO_D 0x4
#define LO_C(lo) (((lo) >> 3) & 7)
#define LO_PFN(lo) (((lo) >> 6) & 0xFFFFFF)
#define CCA_UNCACHED 2

void mips_tc_flush(struct mips_cpu *cpu)
{
    for (unsigned i = 0; i < TC_SIZE; i++)
        cpu->tc[i].tag = TC_INVALID;
    cpu->fetch_page = TC_INVALID;
    cpu->tc_gen++; /* translated code's shortcuts check it (jit.c) */
}

/* Recompute the mode key after Status changes; flush if 64-bit mode bits
 * change (they change what an address means). */
void mips_update_mode(struct mips_cpu *cpu)
{
    uint32_t st = (uint32_t)cpu->cp0[CP0_STATUS];
    unsigned x = (st & (ST_KX | ST_SX | ST_UX)) >> 5;
    unsigned key = ((unsigned)mips_priv(cpu) << 1) | (x << 4);
    unsigned erl = (st & ST_ERL) ? 1 : 0;
    key |= erl << 7; /* ERL changes what kuseg means */
    if ((key >> 4) != (cpu->mode_key >> 4))
        mips_tc_flush(cpu);
    if (key != cpu->mode_key)
        cpu->fetch_page = TC_INVALID;
    cpu->mode_key = key;
}

int mips_tlb_find(const struct mips_cpu *cpu, uint64_t va, int compat32)
{
    uint64_t vmask = compat32 ? 0xFFFFE000ull : 0xC00000FFFFFFE000ull;
    unsigned asid = cpu->cp0[CP0_ENTRYHI] & 0xFF;
    for (int i = 0; i < cpu->tlb_entries; i++) {
        const struct tlb_entry *e = &cpu->tlb[i];
        uint64_t m = vmask & ~e->mask;
        if ((va & m) == (e->hi & m) &&
            (e->global || (e->hi & 0xFF) == asid))
            return i;
    }
    return -1;
}

static int tlb_translate(struct mips_cpu *cpu, uint64_t va, int acc,
                         int compat32, uint64_t *pa, int *cached,
                         int *writable)
{
    int store = acc == ACC_STORE;
    int i = mips_tlb_find(cpu, va, compat32);
    if (i < 0) {
        mips_exception_tlb(cpu, store ? EXC_TLBS : EXC_TLBL, va, 1);
        return -1;
    }
    const struct tlb_entry *e = &cpu->tlb[i];
    uint64_t half = (e->mask | 0x1FFF) + 1; /* size of the pair */
    half >>= 1;
    uint64_t lo = (va & half) ? e->lo1 : e->lo0;
    if (!(lo & LO_V)) {
        mips_exception_tlb(cpu, store ? EXC_TLBS : EXC_TLBL, va, 0);
        return -1;
    }
    if (store && !(lo & LO_D)) {
        mips_exception_tlb(cpu, EXC_MOD, va, 0);
        return -1;
    }
    *pa = ((LO_PFN(lo) << 12) & ~(half - 1)) | (va & (half - 1));
    *pa &= cpu->bus_mask;
    *cached = LO_C(lo) != CCA_UNCACHED;
    *writable = (lo & LO_D) != 0;
    return 0;
}

int mips_translate(struct mips_cpu *cpu, uint64_t va, int acc, uint64_t *pa,
                   int *cached, int *writable)
{
    uint32_t st = (uint32_t)cpu->cp0[CP0_STATUS];
    int priv = mips_priv(cpu);
    int bad_code = acc == ACC_STORE ? EXC_ADES : EXC_ADEL;

    if (SEXT32(va) == va) {
        /* 32-bit compatibility space */
        uint32_t a = (uint32_t)va;
        if (a < 0x80000000u) {
            if (st & ST_ERL) {
                /* ERL makes kuseg an unmapped, uncached window onto
                 * physical memory (R4000 manual §4.4, "kuseg"). */
                *pa = va;
                *cached = 0;
                *writable = 1;
                return 0;
            }
            return tlb_translate(cpu, va, acc, !(st & ST_UX), pa, cached,
                                 writable);
        }
        if (priv == 2)
            goto bad;
        if (a >= 0xC0000000u && a < 0xE0000000u)
            return tlb_translate(cpu, va, acc, !(st & ST_SX), pa, cached,
                                 writable);
        if (priv == 1)
            goto bad;
        if (a < 0xA0000000u) {
            *pa = va - KSEG0_BASE;
            *cached = 1;
            *writable = 1;
            return 0;
        }
        if (a < 0xC0000000u) {
            *pa = va - KSEG1_BASE;
            *cached = 0;
            *writable = 1;
            return 0;
        }
        return tlb_translate(cpu, va, acc, !(st & ST_KX), pa, cached,
                             writable);
    }

    /* 64-bit spaces: legal only when enabled for the space */
    unsigned region = va >> 62;
    switch (region) {
    case 0: /* xuseg */
        if (!(st & ST_UX) || va >= SEG64_SIZE)
            goto bad;
        return tlb_translate(cpu, va, acc, 0, pa, cached, writable);
    case 1: /* xsseg */
        if (priv == 2 || !(st & ST_SX) || (va & ~(3ull << 62)) >= SEG64_SIZE)
            goto bad;
        return tlb_translate(cpu, va, acc, 0, pa, cached, writable);
    case 2: /* xkphys: PA in bits 35:0, CCA in bits 61:59 */
        if (priv != 0 || !(st & ST_KX) || (va & 0x07FFFFF000000000ull))
            goto bad;
        *pa = va & PA_MASK_36 & cpu->bus_mask;
        *cached = ((va >> 59) & 7) != CCA_UNCACHED;
        *writable = 1;
        return 0;
    default: /* xkseg, below the compatibility segments */
        if (priv != 0 || !(st & ST_KX) ||
            (va & ~(3ull << 62)) >= SEG64_SIZE - 0x80000000ull)
            goto bad;
        return tlb_translate(cpu, va, acc, 0, pa, cached, writable);
    }

bad:
    mips_exception_addr(cpu, bad_code, va);
    return -1;
}

/*
 * Fill the translation cache for va when the page is plain RAM answering
 * the access; returns the entry or NULL (device, ROM write, partial page).
 */
static struct tc_entry *tc_fill(struct mips_cpu *cpu, uint64_t va, uint64_t pa,
                                int cached, int writable)
{
    const struct phys_region *r = physmap_find(cpu->pm, pa);
    if (!r || !(r->flags & PR_RAM))
        return NULL;
    if (cached && (r->flags & PR_UNCACHED_ONLY))
        return NULL;
    uint64_t page = pa & ~0xFFFull;
    if (page < r->base || page + 0x1000 > r->base + r->size)
        return NULL;
    struct tc_entry *e = mips_tc_lookup(cpu, va);
    e->tag = mips_tc_tag(cpu, va);
    e->host = r->host + (page - r->base);
    e->pa_page = page;
    e->writable = writable && !(r->flags & PR_READONLY);
    if (e->writable && cpu->jit && !mips_jit_store_direct(cpu, page))
        e->writable = 0; /* translated code: stores take the slow path */
    return e;
}

int mips_mem_read_slow(struct mips_cpu *cpu, uint64_t va, unsigned size,
                       int acc, uint64_t *val)
{
    uint64_t pa;
    int cached, writable;
    if (mips_translate(cpu, va, acc, &pa, &cached, &writable) < 0)
        return -1;
    struct tc_entry *e = tc_fill(cpu, va, pa, cached, writable);
    if (e) {
        const uint8_t *p = e->host + (va & 0xFFF);
        switch (size) {
        case 1: *val = *p; break;
        case 2: *val = be16_load(p); break;
        case 4: *val = be32_load(p); break;
        default: *val = be64_load(p); break;
        }
        return 0;
    }
    *val = physmap_read(cpu->pm, pa, size, cached);
    return 0;
}

int mips_mem_write_slow(struct mips_cpu *cpu, uint64_t va, unsigned size,
                        uint64_t val)
{
    uint64_t pa;
    int cached, writable;
    if (mips_translate(cpu, va, ACC_STORE, &pa, &cached, &writable) < 0)
        return -1;
    if (cpu->jit)
        mips_jit_cpu_write(cpu, pa, size); /* drop code translated there */
    struct tc_entry *e = tc_fill(cpu, va, pa, cached, writable);
    if (e && e->writable) {
        uint8_t *p = e->host + (va & 0xFFF);
        switch (size) {
        case 1: *p = (uint8_t)val; break;
        case 2: be16_store(p, (uint16_t)val); break;
        case 4: be32_store(p, (uint32_t)val); break;
        default: be64_store(p, val); break;
        }
        return 0;
    }
    physmap_write(cpu->pm, pa, size, val, cached);
    return 0;
}

int mips_fetch_slow(struct mips_cpu *cpu, uint64_t pc, uint32_t *insn)
{
    if (pc & 3) {
        mips_exception_addr(cpu, EXC_ADEL, pc);
        return -1;
    }
    struct tc_entry *e = mips_tc_lookup(cpu, pc);
    if (e->tag != mips_tc_tag(cpu, pc) || !e->host) {
        uint64_t pa;
        int cached, writable;
        if (mips_translate(cpu, pc, ACC_FETCH, &pa, &cached, &writable) < 0)
            return -1;
        e = tc_fill(cpu, pc, pa, cached, writable);
        if (!e) {
            /* Fetch from a device window: slow, but legal. */
            *insn = (uint32_t)physmap_read(cpu->pm, pa, 4, cached);
            return 0;
        }
    }
    cpu->fetch_page = pc & ~0xFFFull;
    cpu->fetch_host = e->host;
    *insn = be32_load(e->host + (pc & 0xFFF));
    return 0;
}
