/*
 * Translator runtime: code memory (W^X), block lookup, the dispatcher that
 * runs blocks, chaining, invalidation of translations when their physical
 * page is written, and the C helpers translated code calls.
 *
 * Validity rules (see jit.h):
 *  - a block is found by (PC, mode, physical address of PC), the physical
 *    address coming from the CPU's translation cache, so TLB changes are
 *    seen at every lookup;
 *  - the jump cache and cross-page chained jumps carry cpu->tc_gen, which
 *    every translation cache flush (TLB write, ASID change) bumps; jumps
 *    within one virtual page, or inside kseg0/kseg1, need no check;
 *  - a dropped block has its entry patched into a jump back to the
 *    dispatcher, and the jumps chained into it are unpatched.
 */
#include <cpuid.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/log.h"
#include "cpu/mips64/jit_internal.h"
#include "mem/physmap.h"

#define JC_MASK(jit) ((1u << (jit)->jc_bits) - 1)
#define PAGE_BITS_WORDS ((1ull << (JIT_PA_BITS - 12)) / 64)
#define KSEG0_BASE 0xFFFFFFFF80000000ull
#define KSEG_SIZE 0x20000000ull    /* kseg0 maps the first 512 MB */
#define K0_PAGES (KSEG_SIZE >> 12)

/* ---- code memory ---- */

static int code_map(struct mips_jit *jit, size_t size)
{
    jit->size = size;
    /* perf(1) reads the map file for anonymous memory only */
    int fd = jit->cfg.perf_map ? -1
                               : memfd_create("opendynamips-jit", MFD_CLOEXEC);
    if (fd >= 0) {
        if (ftruncate(fd, (off_t)size) == 0) {
            void *rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
                            fd, 0);
            void *rx = mmap(NULL, size, PROT_READ | PROT_EXEC, MAP_SHARED,
                            fd, 0);
            if (rw != MAP_FAILED && rx != MAP_FAILED) {
                close(fd);
                jit->rw = rw;
                jit->rx = rx;
                jit->dual_map = 1;
                return 0;
            }
            if (rw != MAP_FAILED)
                munmap(rw, size);
            if (rx != MAP_FAILED)
                munmap(rx, size);
        }
        close(fd);
    }
    /* No memfd (or no shared exec mapping): one mapping, RW while
     * emitting or patching and RX while running. */
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return -errno;
    jit->rw = jit->rx = p;
    jit->dual_map = 0;
    jit->writable_now = 1;
    return 0;
}

void jit_code_writable(struct mips_jit *jit, int on)
{
    if (jit->dual_map || jit->writable_now == on)
        return;
    mprotect(jit->rw, jit->size,
             on ? PROT_READ | PROT_WRITE : PROT_READ | PROT_EXEC);
    jit->writable_now = on;
}

void *jit_rw(struct mips_jit *jit, uintptr_t rx)
{
    return jit->rw + (rx - (uintptr_t)jit->rx);
}

static void patch_rel32(struct mips_jit *jit, uintptr_t field, uintptr_t target)
{
    int32_t rel = (int32_t)((int64_t)target - (int64_t)(field + 4));
    memcpy(jit_rw(jit, field), &rel, 4);
}

uintptr_t jit_enter(struct mips_jit *jit, uintptr_t code)
{
    uintptr_t (*enter)(struct mips_cpu *, uintptr_t);
    enter = (uintptr_t (*)(struct mips_cpu *, uintptr_t))jit->enter;
    return enter(jit->cpu, code);
}

/* ---- life cycle ---- */

static void page_bit(struct mips_jit *jit, uint64_t pa_page, int on);

/* fresh: the tables were just calloc'd, all zero already. */
static void jit_reset_tables(struct mips_jit *jit, int fresh)
{
    /* clear the bits of the pages that had code (touching the whole 2 MB
     * bitmap would cost every router that much resident memory) */
    for (size_t i = 0; i < jit->npages; i++)
        page_bit(jit, jit->pages[i].pa_page, 0);
    jit->used = jit->tramp_size;
    jit->nblocks = jit->nexits = jit->npages = 0;
    if (!fresh) {
        memset(jit->hash, 0, sizeof(*jit->hash) << jit->hash_bits);
        memset(jit->page_hash, 0,
               sizeof(*jit->page_hash) << jit->page_hash_bits);
        memset(jit->jc, 0, sizeof(*jit->jc) << jit->jc_bits);
    }
    jit->jc_used = 0;
    if (!fresh)
        memset(jit->cold, 0, JIT_COLD_SLOTS * sizeof(*jit->cold));
    jit->flush_epoch++;
}

int mips_jit_create(struct mips_cpu *cpu, const struct mips_jit_config *cfg)
{
    struct mips_jit *jit = calloc(1, sizeof(*jit));
    if (!jit)
        return -ENOMEM;
    jit->cpu = cpu;
    if (cfg)
        jit->cfg = *cfg;
    unsigned a, b, c, d;
    /* CPUID leaf 1, ECX bit 22 (bit_MOVBE): the byte-swapping move */
    jit->movbe = !jit->cfg.no_movbe && __get_cpuid(1, &a, &b, &c, &d) &&
                 (c & bit_MOVBE);
    size_t size = jit->cfg.code_size ? jit->cfg.code_size
                                     : JIT_DEFAULT_CODE_SIZE;
    if (size < 4 * JIT_BLOCK_MARGIN)
        size = 4 * JIT_BLOCK_MARGIN;
    jit->maxblocks = size / 64;
    jit->maxexits = size / 32;
    jit->maxpages = size / 256;
    jit->blocks = calloc(jit->maxblocks, sizeof(*jit->blocks));
    jit->exits = calloc(jit->maxexits, sizeof(*jit->exits));
    jit->pages = calloc(jit->maxpages, sizeof(*jit->pages));
    /* 2 MB of mostly untouched (zero-page) memory for 36-bit addresses */
    jit->code_bits = calloc(PAGE_BITS_WORDS, sizeof(uint64_t));
    jit->k0_code = calloc(K0_PAGES, 1); /* 128 KB, touched where code is */
    jit->hash_bits = JIT_HASH_BITS_MIN;
    jit->hash = calloc(1u << jit->hash_bits, sizeof(*jit->hash));
    jit->page_hash_bits = JIT_PAGE_HASH_BITS_MIN;
    jit->page_hash = calloc(1u << jit->page_hash_bits,
                            sizeof(*jit->page_hash));
    jit->jc_bits = JIT_JC_BITS_MIN;
    jit->jc = calloc(1u << jit->jc_bits, sizeof(*jit->jc));
    jit->cold = calloc(JIT_COLD_SLOTS, sizeof(*jit->cold));
    int rc = -ENOMEM;
    if (!jit->blocks || !jit->exits || !jit->pages || !jit->code_bits ||
        !jit->k0_code || !jit->hash || !jit->page_hash || !jit->jc || !jit->cold)
        goto fail;
    rc = code_map(jit, size);
    if (rc < 0)
        goto fail;
    pthread_mutex_init(&jit->pending_lock, NULL);
    if (jit->cfg.perf_map) {
        /* the file name perf(1) looks for symbols of JIT code in */
        char path[64];
        snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
        jit->perf_map = fopen(path, "a");
        if (jit->perf_map)
            setvbuf(jit->perf_map, NULL, _IOLBF, 0);
    }
    jit_code_writable(jit, 1);
    jit_emit_trampoline(jit);
    jit_code_writable(jit, 0);
    jit_reset_tables(jit, 1);
    jit->idle_pc = cpu->idle_pc;
    cpu->jit = jit;
    cpu->jit_end = 0;
    if (cpu->pm) {
        cpu->pm->ram_write_hook = mips_jit_ram_written;
        cpu->pm->ram_write_arg = jit;
    }
    mips_tc_flush(cpu);
    return 0;
fail:
    free(jit->blocks);
    free(jit->exits);
    free(jit->pages);
    free(jit->code_bits);
    free(jit->k0_code);
    free(jit->hash);
    free(jit->page_hash);
    free(jit->jc);
    free(jit->cold);
    free(jit);
    return rc;
}

void mips_jit_destroy(struct mips_cpu *cpu)
{
    struct mips_jit *jit = cpu->jit;
    if (!jit)
        return;
    if (cpu->pm && cpu->pm->ram_write_arg == jit) {
        cpu->pm->ram_write_hook = NULL;
        cpu->pm->ram_write_arg = NULL;
    }
    cpu->jit = NULL;
    memset(cpu->jit_k0_limit, 0, sizeof(cpu->jit_k0_limit));
    cpu->jit_k0_code = NULL;
    munmap(jit->rw, jit->size);
    if (jit->dual_map)
        munmap(jit->rx, jit->size);
    pthread_mutex_destroy(&jit->pending_lock);
    if (jit->perf_map)
        fclose(jit->perf_map);
    free(jit->blocks);
    free(jit->exits);
    free(jit->pages);
    free(jit->code_bits);
    free(jit->k0_code);
    free(jit->hash);
    free(jit->page_hash);
    free(jit->jc);
    free(jit->cold);
    free(jit->wlog);
    free(jit->ls);
    free(jit);
    mips_tc_flush(cpu);
}

void mips_jit_flush(struct mips_cpu *cpu)
{
    struct mips_jit *jit = cpu->jit;
    if (!jit)
        return;
    jit_reset_tables(jit, 0);
    jit->stats.flushes++;
}

void mips_jit_get_stats(const struct mips_cpu *cpu, struct mips_jit_stats *st)
{
    memset(st, 0, sizeof(*st));
    if (!cpu->jit)
        return;
    *st = cpu->jit->stats;
    st->code_used = cpu->jit->used;
}

/* ---- physical pages holding code ---- */

static int page_has_code(const struct mips_jit *jit, uint64_t pa_page)
{
    uint64_t n = (pa_page >> 12) & ((1ull << (JIT_PA_BITS - 12)) - 1);
    uint64_t w = __atomic_load_n(&jit->code_bits[n >> 6], __ATOMIC_RELAXED);
    return (w >> (n & 63)) & 1;
}

static void page_bit(struct mips_jit *jit, uint64_t pa_page, int on)
{
    uint64_t n = (pa_page >> 12) & ((1ull << (JIT_PA_BITS - 12)) - 1);
    uint64_t bit = 1ull << (n & 63);
    if (n < K0_PAGES)
        jit->k0_code[n] = (uint8_t)on;
    if (on)
        __atomic_fetch_or(&jit->code_bits[n >> 6], bit, __ATOMIC_RELAXED);
    else
        __atomic_fetch_and(&jit->code_bits[n >> 6], ~bit, __ATOMIC_RELAXED);
}

static unsigned page_hash(uint64_t pa_page, unsigned bits)
{
    return (unsigned)((pa_page >> 12) * 0x9E3779B1u) >> (32 - bits);
}

static struct jit_page *page_find(struct mips_jit *jit, uint64_t pa_page)
{
    unsigned h = page_hash(pa_page, jit->page_hash_bits);
    for (struct jit_page *p = jit->page_hash[h]; p; p = p->next)
        if (p->pa_page == pa_page)
            return p;
    return NULL;
}

/* More pages than buckets: twice the buckets (an allocation failure
 * keeps the table as it is, only its chains get longer). */
static void page_hash_grow(struct mips_jit *jit)
{
    unsigned bits = jit->page_hash_bits + 1;
    if (bits > JIT_PAGE_HASH_BITS || jit->npages <= 1u << jit->page_hash_bits)
        return;
    struct jit_page **t = calloc(1u << bits, sizeof(*t));
    if (!t)
        return;
    for (unsigned i = 0; i < 1u << jit->page_hash_bits; i++) {
        struct jit_page *p = jit->page_hash[i], *next;
        for (; p; p = next) {
            next = p->next;
            unsigned h = page_hash(p->pa_page, bits);
            p->next = t[h];
            t[h] = p;
        }
    }
    free(jit->page_hash);
    jit->page_hash = t;
    jit->page_hash_bits = bits;
}

int mips_jit_store_direct(struct mips_cpu *cpu, uint64_t pa_page)
{
    struct mips_jit *jit = cpu->jit;
    if (jit->cfg.lockstep)
        return 0;
    return !page_has_code(jit, pa_page & ~0xFFFull);
}

/* Bit n: the 64-byte line n of the page. */
static uint64_t line_mask(uint64_t pa, uint64_t len)
{
    unsigned first = (pa & 0xFFF) >> 6;
    unsigned last = ((pa & 0xFFF) + len - 1) >> 6;
    if (last > 63)
        last = 63;
    uint64_t hi = last == 63 ? ~0ull : (1ull << (last + 1)) - 1;
    return hi & ~((1ull << first) - 1);
}

static uint64_t block_lines(const struct jit_block *blk)
{
    return line_mask((blk->pa & ~0xFFFull) | blk->lo, blk->hi - blk->lo);
}

/* Record blk under its physical page; a page getting its first block
 * becomes read-only in the translation cache. */
static int page_add_block(struct mips_jit *jit, struct jit_block *blk)
{
    uint64_t pa_page = blk->pa & ~0xFFFull;
    struct jit_page *p = page_find(jit, pa_page);
    if (!p) {
        if (jit->npages == jit->maxpages)
            return -1;
        p = &jit->pages[jit->npages++];
        p->pa_page = pa_page;
        p->lines = 0;
        p->blocks = NULL;
        unsigned h = page_hash(pa_page, jit->page_hash_bits);
        p->next = jit->page_hash[h];
        jit->page_hash[h] = p;
        page_hash_grow(jit);
    }
    if (!page_has_code(jit, pa_page)) {
        page_bit(jit, pa_page, 1);
        struct mips_cpu *cpu = jit->cpu;
        for (unsigned i = 0; i < TC_SIZE; i++)
            if (cpu->tc[i].pa_page == pa_page)
                cpu->tc[i].writable = 0;
    }
    blk->pnext = p->blocks;
    p->blocks = blk;
    p->lines |= block_lines(blk);
    return 0;
}

static unsigned va_hash(const struct mips_jit *jit, uint64_t va)
{
    return (unsigned)(((va >> 2) ^ (va >> 17)) &
                      ((1u << jit->hash_bits) - 1));
}

/* More blocks than buckets: twice the buckets (as page_hash_grow). */
static void hash_grow(struct mips_jit *jit)
{
    unsigned old = jit->hash_bits;
    if (old + 1 > JIT_HASH_BITS || jit->nblocks <= 1u << old)
        return;
    struct jit_block **t = calloc(2u << old, sizeof(*t));
    if (!t)
        return;
    jit->hash_bits = old + 1;
    for (unsigned i = 0; i < 1u << old; i++) {
        struct jit_block *b = jit->hash[i], *next;
        for (; b; b = next) {
            next = b->hnext;
            unsigned h = va_hash(jit, b->va);
            b->hnext = t[h];
            t[h] = b;
        }
    }
    free(jit->hash);
    jit->hash = t;
}

/* Undo every chained jump into blk (they return to the dispatcher). */
static void unlink_incoming(struct mips_jit *jit, struct jit_block *blk)
{
    for (struct jit_exit *e = blk->incoming; e; e = e->next_in) {
        patch_rel32(jit, e->jmp_field, e->jmp_field + 4);
        e->to = NULL;
    }
    blk->incoming = NULL;
}

static void block_drop(struct mips_jit *jit, struct jit_block *blk)
{
    if (!blk->valid)
        return;
    blk->valid = 0;
    jit->stats.invalidations++;
    /* Entry -> "pc = va; back to the dispatcher": a jmp rel32 over the
     * first (7-byte) instruction of the prologue (jit_trans.c
     * x_mov_load_f32, x_add_r14_f32). */
    uint8_t *p = jit_rw(jit, blk->code);
    int32_t rel = (int32_t)((int64_t)blk->reenter - (int64_t)(blk->code + 5));
    p[0] = 0xE9;
    memcpy(p + 1, &rel, 4);
    unlink_incoming(jit, blk);
    struct jit_block **pp = &jit->hash[va_hash(jit, blk->va)];
    while (*pp && *pp != blk)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = blk->hnext;
    struct jit_jc_entry *je = &jit->jc[(blk->va >> 2) & JC_MASK(jit)];
    if (je->blk == blk)
        memset(je, 0, sizeof(*je));
}

/* Drop the blocks of page pa_page that overlap [pa, pa + len): writes
 * to data sharing a page with code keep the code. */
static void page_invalidate(struct mips_jit *jit, uint64_t pa_page,
                            uint64_t pa, uint64_t len)
{
    struct jit_page *p = page_find(jit, pa_page);
    if (!p || !p->blocks) {
        page_bit(jit, pa_page, 0);
        return;
    }
    if (!(p->lines & line_mask(pa, len)))
        return;
    uint64_t end = pa + len;
    struct jit_block **pp = &p->blocks;
    jit_code_writable(jit, 1);
    p->lines = 0;
    while (*pp) {
        struct jit_block *b = *pp;
        uint64_t b_pa = (b->pa & ~0xFFFull) | b->lo;
        if (b_pa < end && pa < b_pa + (b->hi - b->lo)) {
            block_drop(jit, b);
            *pp = b->pnext;
        } else {
            p->lines |= block_lines(b);
            pp = &b->pnext;
        }
    }
    jit_code_writable(jit, 0);
    if (!p->blocks)
        page_bit(jit, pa_page, 0);
    jit->inval_epoch++;
}

void mips_jit_cpu_write(struct mips_cpu *cpu, uint64_t pa, unsigned size)
{
    struct mips_jit *jit = cpu->jit;
    if (jit->wlog_on)
        jit_lockstep_log(jit, pa, size);
    uint64_t first = pa & ~0xFFFull, last = (pa + size - 1) & ~0xFFFull;
    if (page_has_code(jit, first))
        page_invalidate(jit, first, pa, size);
    if (last != first && page_has_code(jit, last))
        page_invalidate(jit, last, last, pa + size - last);
}

/* Any thread: queue the pages for the CPU thread, which applies them
 * before it runs translated code again. */
void mips_jit_ram_written(void *arg, uint64_t pa, uint64_t len)
{
    struct mips_jit *jit = arg;
    if (len == 0)
        return;
    uint64_t first = pa & ~0xFFFull, last = (pa + len - 1) & ~0xFFFull;
    int any = 0;
    for (uint64_t pg = first; pg <= last; pg += 0x1000) {
        if (!page_has_code(jit, pg))
            continue;
        if (!any) {
            pthread_mutex_lock(&jit->pending_lock);
            any = 1;
        }
        uint64_t a = pg < pa ? pa : pg;
        uint64_t e = pg + 0x1000 < pa + len ? pg + 0x1000 : pa + len;
        if (jit->npending < JIT_PENDING_MAX) {
            jit->pending[jit->npending][0] = a;
            jit->pending[jit->npending++][1] = e - a;
        } else {
            jit->pending_overflow = 1;
        }
        __atomic_store_n(&jit->npending, jit->npending, __ATOMIC_RELEASE);
    }
    if (any) {
        pthread_mutex_unlock(&jit->pending_lock);
        cpu_attention(jit->cpu);
    }
}

static void apply_pending(struct mips_jit *jit)
{
    uint64_t pages[JIT_PENDING_MAX][2];
    pthread_mutex_lock(&jit->pending_lock);
    int n = jit->npending, over = jit->pending_overflow;
    memcpy(pages, jit->pending, (size_t)n * sizeof(pages[0]));
    jit->pending_overflow = 0;
    __atomic_store_n(&jit->npending, 0, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&jit->pending_lock);
    if (over) {
        mips_jit_flush(jit->cpu);
        return;
    }
    for (int i = 0; i < n; i++)
        page_invalidate(jit, pages[i][0] & ~0xFFFull, pages[i][0], pages[i][1]);
}

/* ---- allocation ---- */

struct jit_exit *jit_new_exit(struct mips_jit *jit)
{
    if (jit->nexits == jit->maxexits)
        return NULL;
    struct jit_exit *e = &jit->exits[jit->nexits++];
    memset(e, 0, sizeof(*e));
    return e;
}

/* ---- helpers called from translated code ---- */

struct jit_ret jit_helper_load(struct mips_cpu *cpu, uint64_t va, unsigned kind)
{
    static const unsigned sizes[] = {1, 1, 2, 2, 4, 4, 8};
    struct jit_ret r = {0, 0};
    uint64_t v;
    if (mips_read(cpu, va, sizes[kind], &v)) {
        r.status = 1;
        return r;
    }
    switch (kind) {
    case LK_S8: v = (uint64_t)(int64_t)(int8_t)v; break;
    case LK_S16: v = (uint64_t)(int64_t)(int16_t)v; break;
    case LK_S32: v = SEXT32(v); break;
    default: break;
    }
    r.val = v;
    return r;
}

struct jit_ret jit_helper_store(struct mips_cpu *cpu, uint64_t va, uint64_t val,
                                unsigned size)
{
    struct jit_ret r = {0, 0};
    uint64_t epoch = cpu->jit->inval_epoch;
    if (mips_write(cpu, va, size, val))
        r.status = 1;
    else if (cpu->jit->inval_epoch != epoch ||
             __atomic_load_n(&cpu->attention, __ATOMIC_RELAXED))
        r.status = 2;
    return r;
}

struct jit_ret jit_helper_exec(struct mips_cpu *cpu, uint32_t insn)
{
    struct jit_ret r = {0, 0};
    uint64_t epoch = cpu->jit->inval_epoch;
    cpu->exception_taken = 0;
    if (mips_exec_insn(cpu, insn))
        r.status = 1;
    else if (cpu->jit->inval_epoch != epoch ||
             __atomic_load_n(&cpu->attention, __ATOMIC_RELAXED))
        r.status = 2;
    cpu->gpr[0] = 0;
    return r;
}

void jit_helper_raise(struct mips_cpu *cpu, int code)
{
    mips_exception(cpu, code);
}

/* ---- dispatcher ---- */

static int in_kseg01(uint64_t va)
{
    return va >= 0xFFFFFFFF80000000ull && va < 0xFFFFFFFFC0000000ull;
}

static int can_chain(const struct mips_jit *jit, const struct jit_exit *e,
                     const struct jit_block *blk)
{
    const struct jit_block *from = e->from;
    if (jit->cfg.no_chain || !from->valid || !blk->valid ||
        blk->va != e->target || from->mode != blk->mode ||
        blk->va == jit->cpu->idle_pc)
        return 0;
    return e->gen_field || (blk->va & ~0xFFFull) == (from->va & ~0xFFFull) ||
           in_kseg01(blk->va);
}

/* The entry of a chained jump from exit e into blk, whose prologue's
 * loads from the k-th on include some of what e's host registers hold:
 * a stub in the code area with the loads of the others, then a jump past
 * the prologue (blk->fast), made once per exit and target; `dflt` (the
 * k-th load) when none of them is held or there is no room. */
static uintptr_t chain_loads(struct mips_jit *jit, struct jit_exit *e,
                             struct jit_block *blk, unsigned k,
                             uintptr_t dflt)
{
    unsigned held = 0;
    for (unsigned i = k; i < blk->nloads; i++)
        held += blk->loads[blk->load_h[i]] == e->held[blk->load_h[i]];
    if (held == 0)
        return dflt;
    if (e->tramp_to == blk)
        return e->tramp;
    /* a load is 4 or 7 bytes (jit_trans.c x_mov_load), the jump 5 */
    size_t need = 7 * JIT_NCACHE + 5;
    if (jit->used + need + JIT_BLOCK_MARGIN > jit->size)
        return dflt;
    struct xbuf b = {.rw = jit->rw + jit->used,
                     .rx = (uintptr_t)jit->rx + jit->used,
                     .pos = 0, .cap = need};
    for (unsigned i = k; i < blk->nloads; i++) {
        unsigned h = blk->load_h[i], g = blk->loads[h];
        if (e->held[h] != g)
            x_mov_load(&b, 1, jit_cache_hreg(h), X_R15,
                       (int32_t)(offsetof(struct mips_cpu, gpr) + 8 * g));
    }
    x_jmp(&b, blk->fast);
    if (b.overflow)
        return dflt;
    jit->used += (b.pos + 15) & ~(size_t)15;
    e->tramp = b.rx;
    e->tramp_to = blk;
    return e->tramp;
}

static void try_chain(struct mips_jit *jit, struct jit_exit *e,
                      struct jit_block *blk)
{
    if (e->va_field) {
        /* a register jump's inline cache: takes the first kseg0/kseg1
         * target it misses while it is not chained (its compare holds
         * the target, so no tc_gen check) */
        if (e->to || !blk || !in_kseg01(blk->va))
            return;
        e->target = blk->va;
    }
    if (!can_chain(jit, e, blk))
        return;
    jit_code_writable(jit, 1);
    if (e->va_field)
        memcpy(jit_rw(jit, e->va_field), &blk->va, 8);
    if (e->to) {
        /* relinking after a TLB generation change */
        struct jit_exit **pp = &e->to->incoming;
        while (*pp && *pp != e)
            pp = &(*pp)->next_in;
        if (*pp)
            *pp = e->next_in;
    }
    if (e->gen_field) {
        uint32_t g = jit->cpu->tc_gen;
        memcpy(jit_rw(jit, e->gen_field), &g, 4);
    }
    /* past the prologue's loads of the guest registers the exit's host
     * registers hold in the same places, up to the first one they do
     * not (the loads after it run, reloading what they may hold) */
    unsigned k = 0;
    while (k < blk->nloads &&
           blk->loads[blk->load_h[k]] == e->held[blk->load_h[k]])
        k++;
    uintptr_t to = blk->code + blk->load_at[k];
    if (k < blk->nloads)
        to = chain_loads(jit, e, blk, k, to);
    if (k == blk->nloads || to == e->tramp)
        jit->stats.chains_fast++;
    patch_rel32(jit, e->jmp_field, to);
    jit_code_writable(jit, 0);
    e->to = blk;
    e->next_in = blk->incoming;
    blk->incoming = e;
    jit->stats.chains++;
}

static struct jit_block *register_block(struct mips_jit *jit,
                                        struct jit_block *blk)
{
    if (page_add_block(jit, blk) < 0)
        return NULL;
    unsigned h = va_hash(jit, blk->va);
    blk->hnext = jit->hash[h];
    jit->hash[h] = blk;
    hash_grow(jit);
    jit->stats.blocks++;
    if (jit->perf_map)
        fprintf(jit->perf_map, "%" PRIxPTR " %" PRIx32 " mips_%016" PRIx64
                "\n", blk->code, blk->code_len, blk->va);
    return blk;
}

enum { LOOKUP_INTERP = 0, LOOKUP_FAULT = 1, LOOKUP_COLD = 2 };

/*
 * Code is translated the JIT_HOT_RUNS-th time the dispatcher reaches it,
 * not the first: what runs only once or twice (a boot's initialisation,
 * most of an idle router's code) is interpreted and costs no code memory.
 * jit->cold holds the block starts seen fewer times, with their count; a
 * start whose slot another one holds is translated at once, so two
 * colliding hot blocks never keep each other interpreted.
 */
static int first_sight(struct mips_jit *jit, uint64_t pc)
{
    if (jit->cfg.eager)
        return 0;
    uint64_t *slot = &jit->cold[(pc >> 2) & (JIT_COLD_SLOTS - 1)];
    if (!*slot) {
        *slot = pc | 1; /* pc is word aligned: the low bits count */
        return 1;
    }
    if ((*slot & ~3ull) != pc)
        return 0;
    if ((*slot & 3) + 1 < JIT_HOT_RUNS) {
        (*slot)++;
        return 1;
    }
    *slot = 0;
    return 0;
}

/* *jc: the jump cache entry for cpu->pc, NULL when it already holds the
 * block found */
static struct jit_block *jit_lookup(struct mips_jit *jit, struct mips_cpu *cpu,
                                    int *why, struct jit_jc_entry **jc,
                                    const struct jit_exit *from)
{
    uint64_t pc = cpu->pc;
    *why = LOOKUP_INTERP;
    *jc = NULL;
    if (pc & 3)
        return NULL; /* the interpreter raises the address error */
    struct jit_jc_entry *je = &jit->jc[(pc >> 2) & JC_MASK(jit)];
    if (je->va == pc && je->blk && je->gen == cpu->tc_gen &&
        je->mode == cpu->mode_key)
        return je->blk;
    struct tc_entry *te = mips_tc_lookup(cpu, pc);
    if (te->tag != mips_tc_tag(cpu, pc)) {
        uint32_t w;
        if (mips_fetch_slow(cpu, pc, &w) < 0) {
            *why = LOOKUP_FAULT;
            return NULL;
        }
        te = mips_tc_lookup(cpu, pc);
        if (te->tag != mips_tc_tag(cpu, pc))
            return NULL; /* code in a device window: interpret */
    }
    uint64_t pa = te->pa_page | (pc & 0xFFF);
    struct jit_block *b;
    for (b = jit->hash[va_hash(jit, pc)]; b; b = b->hnext)
        if (b->va == pc && b->pa == pa && b->mode == cpu->mode_key)
            break;
    if (!b) {
        if (first_sight(jit, pc)) {
            *why = LOOKUP_COLD;
            return NULL;
        }
        if (jit->used + JIT_BLOCK_MARGIN > jit->size ||
            jit->nblocks + 1 >= jit->maxblocks ||
            jit->nexits + 4 * JIT_MAX_BLOCK_INSNS >= jit->maxexits ||
            jit->npages + 1 >= jit->maxpages) {
            mips_jit_flush(cpu);
            from = NULL; /* exit records are gone */
        }
        const uint8_t *host = te->host;
        jit_code_writable(jit, 1);
        b = jit_translate(jit, pc, pa, host,
                          from && from->target == pc ? from : NULL);
        jit_code_writable(jit, 0);
        if (!b)
            return NULL;
        if (!register_block(jit, b))
            return NULL;
    }
    if (pc != cpu->idle_pc)
        *jc = je;
    return b;
}

/* Returns 1 when the cache grew: the translations were flushed. */
static int jc_fill(struct mips_jit *jit, struct mips_cpu *cpu,
                   struct jit_jc_entry *je, struct jit_block *b)
{
    if (!je->blk && ++jit->jc_used > 1u << (jit->jc_bits - 1) &&
        jit->jc_bits < JIT_JC_BITS) {
        struct jit_jc_entry *t = calloc(2u << jit->jc_bits, sizeof(*t));
        if (t) {
            free(jit->jc);
            jit->jc = t;
            jit->jc_bits++;
            mips_jit_flush(cpu); /* code embeds the old address and mask */
            return 1;
        }
    }
    je->va = b->va;
    je->gen = cpu->tc_gen;
    je->mode = cpu->mode_key;
    je->code = b->code;
    je->blk = b;
    return 0;
}

/*
 * The idle PC changed (hypervisor, automatic detection): blocks are split
 * at the idle PC and never chained into it, so only the blocks that hold
 * the old or the new idle PC need translating again.
 */
static void idle_pc_changed(struct mips_jit *jit, uint64_t old, uint64_t pc)
{
    jit_code_writable(jit, 1);
    for (size_t i = 0; i < jit->nblocks; i++) {
        struct jit_block *b = &jit->blocks[i];
        uint64_t start = (b->va & ~0xFFFull) | b->lo;
        uint64_t end = (b->va & ~0xFFFull) | b->hi;
        if (!b->valid)
            continue;
        if ((old && start <= old && old < end) ||
            (pc && start <= pc && pc < end)) {
            struct jit_page *p = page_find(jit, b->pa & ~0xFFFull);
            block_drop(jit, b);
            if (p) { /* unlink from its page */
                struct jit_block **pp = &p->blocks;
                while (*pp && *pp != b)
                    pp = &(*pp)->pnext;
                if (*pp)
                    *pp = b->pnext;
            }
        }
    }
    jit_code_writable(jit, 0);
    jit->idle_pc = pc;
}

/* After running something: did the guest reach its idle PC often enough
 * to sleep? (cpu.c keeps the same rule for the interpreter.) */
static int idle_check(struct mips_cpu *cpu)
{
    if (cpu->idle_pc && cpu->pc == cpu->idle_pc &&
        ++cpu->idle_hits >= cpu->idle_max) {
        cpu->idle_hits = 0;
        cpu->idle_sleep_req = 1;
        return 1;
    }
    return 0;
}

/*
 * The kseg0 window of translated code: the RAM region at physical 0 as
 * far as kseg0 reaches, when kseg0 accesses may use it directly (RAM
 * answering cached accesses, writable). Checked before running code, so
 * a changed physical map is seen at the next slice.
 */
static void k0_window(struct mips_jit *jit, struct mips_cpu *cpu)
{
    const struct phys_region *r = cpu->pm ? physmap_find(cpu->pm, 0) : NULL;
    uint64_t limit = 0;
    if (r && r->base == 0 && (r->flags & PR_RAM) &&
        !(r->flags & (PR_READONLY | PR_UNCACHED_ONLY))) {
        limit = r->size < KSEG_SIZE ? r->size & ~0xFFFull : KSEG_SIZE;
        cpu->jit_k0_base = (uintptr_t)r->host - (uintptr_t)KSEG0_BASE;
        /* sign extension of a kseg0 word adds 2^64 - 2^32 (wraps) */
        cpu->jit_k0_base_zx = cpu->jit_k0_base - (uintptr_t)0x100000000ull;
    }
    for (unsigned sh = 0; sh < 4; sh++)
        cpu->jit_k0_limit[sh] = limit >> sh;
    cpu->jit_k0_code = jit->k0_code;
}

/*
 * Interprets code not yet hot (first_sight) up to its first jump: a taken
 * branch (with its delay slot), an exception or ERET, the idle PC, the
 * end of the slice or something for the CPU loop to do.
 */
static void interp_run(struct mips_jit *jit, struct mips_cpu *cpu,
                       uint64_t end)
{
    uint64_t start = cpu->insn_count;
    for (;;) {
        uint64_t pc = cpu->pc;
        mips_exec_one_side(cpu);
        if (cpu->pc - pc - 4 > 4 || /* not the next or the one after */
            cpu->insn_count >= end || cpu->pc == cpu->idle_pc ||
            __atomic_load_n(&cpu->attention, __ATOMIC_RELAXED))
            break;
    }
    jit->stats.interp_steps += cpu->insn_count - start;
}

void mips_jit_exec(struct mips_cpu *cpu, uint64_t end, int exact)
{
    struct mips_jit *jit = cpu->jit;
    k0_window(jit, cpu);
    if (__atomic_load_n(&jit->npending, __ATOMIC_ACQUIRE))
        apply_pending(jit);
    if (jit->idle_pc != cpu->idle_pc)
        idle_pc_changed(jit, jit->idle_pc, cpu->idle_pc);
    /* blocks start while insn_count + their length <= limit */
    uint64_t limit = exact ? end : end + JIT_MAX_BLOCK_INSNS;
    /* seq_cst: either the attention check below sees a raise, or the
     * raise's jit_end = 0 (cpu_attention) comes after this store */
    __atomic_store_n(&cpu->jit_end, limit, __ATOMIC_SEQ_CST);
    struct jit_exit *link = NULL;
    uint64_t epoch = jit->flush_epoch;
    while (cpu->insn_count < end) {
        if (__atomic_load_n(&cpu->attention, __ATOMIC_RELAXED))
            break;
        int why;
        struct jit_jc_entry *je;
        struct jit_block *blk = jit_lookup(jit, cpu, &why, &je, link);
        if (jit->flush_epoch != epoch) {
            link = NULL; /* exit records are gone */
            epoch = jit->flush_epoch;
        }
        /* The jump cache serves register jumps and the dispatcher; a
         * block reached by a direct exit about to be chained to it is
         * not looked up again that way, and its entry would only make
         * one more page of the cache resident. */
        if (je && !(link && can_chain(jit, link, blk)) &&
            jc_fill(jit, cpu, je, blk)) {
            link = NULL;
            epoch = jit->flush_epoch;
            continue; /* blk went with the flush */
        }
        if (!blk && why == LOOKUP_COLD) {
            link = NULL;
            interp_run(jit, cpu, end);
            if (idle_check(cpu))
                break;
            continue;
        }
        if (!blk || blk->ninsns > limit - cpu->insn_count) {
            link = NULL;
            if (!blk && why == LOOKUP_FAULT)
                continue; /* exception raised: attention is set */
            mips_exec_one_side(cpu);
            jit->stats.interp_steps++;
            if (idle_check(cpu))
                break;
            continue;
        }
        if (link)
            try_chain(jit, link, blk);
        if (jit->cfg.lockstep) {
            jit_lockstep_block(jit, blk);
            link = NULL;
        } else {
            link = (struct jit_exit *)jit_enter(jit, blk->code);
        }
        if (idle_check(cpu))
            break;
    }
}
