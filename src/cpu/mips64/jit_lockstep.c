/*
 * Lockstep: every translated block is checked against the interpreter.
 *
 * For each block the dispatcher would run: save the architectural state,
 * run the block with every RAM store logged (in lockstep mode the
 * translation cache never maps a page writable, so all stores reach the
 * store slow path, which logs the old bytes), record the result and the
 * final bytes of every written location, undo the writes, restore the
 * state, run the same number of instructions in the interpreter, and
 * compare registers, CP0, TLB, timer state and written memory.
 *
 * Blocks that touched a device (physmap dev_accesses changed) cannot be
 * replayed without repeating the device's side effects: their translated
 * result is kept and the check resumes at the next block. Time must come
 * from the instruction count (--deterministic), or Count reads differ.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "cpu/mips64/jit_internal.h"

#define WLOG_MAX 4096

struct arch_state {
    uint64_t gpr[32];
    uint64_t hi, lo, pc;
    uint64_t cp0[32];
    uint64_t cp0_set1[32];
    uint64_t fpr[32];
    uint32_t fcr31;
    int ll_bit;
    struct tlb_entry tlb[MIPS_TLB_MAX];
    uint64_t random_base;
    int in_delay_slot;
    int waiting;
    int timer_pending;
    uint64_t insn_count;
    uint64_t count_base;
    uint64_t time_base_ns;
    uint64_t compare_deadline_ns;
    unsigned mode_key;
    unsigned exc_loop_count;
    uint64_t last_exc_key;
};

static void state_save(const struct mips_cpu *c, struct arch_state *s)
{
    memset(s, 0, sizeof(*s));
    memcpy(s->gpr, c->gpr, sizeof(s->gpr));
    s->hi = c->hi;
    s->lo = c->lo;
    s->pc = c->pc;
    memcpy(s->cp0, c->cp0, sizeof(s->cp0));
    memcpy(s->cp0_set1, c->cp0_set1, sizeof(s->cp0_set1));
    memcpy(s->fpr, c->fpr, sizeof(s->fpr));
    s->fcr31 = c->fcr31;
    s->ll_bit = c->ll_bit;
    memcpy(s->tlb, c->tlb, sizeof(s->tlb));
    s->random_base = c->random_base;
    s->in_delay_slot = c->in_delay_slot;
    s->waiting = c->waiting;
    s->timer_pending = c->timer_pending;
    s->insn_count = c->insn_count;
    s->count_base = c->count_base;
    s->time_base_ns = c->time_base_ns;
    s->compare_deadline_ns = c->compare_deadline_ns;
    s->mode_key = c->mode_key;
    s->exc_loop_count = c->exc_loop_count;
    s->last_exc_key = c->last_exc_key;
}

static void state_restore(struct mips_cpu *c, const struct arch_state *s)
{
    int remap = memcmp(c->tlb, s->tlb, sizeof(s->tlb)) != 0 ||
                c->mode_key != s->mode_key ||
                (c->cp0[CP0_ENTRYHI] & 0xFF) != (s->cp0[CP0_ENTRYHI] & 0xFF);
    memcpy(c->gpr, s->gpr, sizeof(s->gpr));
    c->hi = s->hi;
    c->lo = s->lo;
    c->pc = s->pc;
    memcpy(c->cp0, s->cp0, sizeof(s->cp0));
    memcpy(c->cp0_set1, s->cp0_set1, sizeof(s->cp0_set1));
    memcpy(c->fpr, s->fpr, sizeof(s->fpr));
    c->fcr31 = s->fcr31;
    c->ll_bit = s->ll_bit;
    memcpy(c->tlb, s->tlb, sizeof(s->tlb));
    c->random_base = s->random_base;
    c->in_delay_slot = s->in_delay_slot;
    c->waiting = s->waiting;
    c->timer_pending = s->timer_pending;
    c->insn_count = s->insn_count;
    c->count_base = s->count_base;
    c->time_base_ns = s->time_base_ns;
    c->compare_deadline_ns = s->compare_deadline_ns;
    c->mode_key = s->mode_key;
    c->exc_loop_count = s->exc_loop_count;
    c->last_exc_key = s->last_exc_key;
    c->fetch_page = TC_INVALID;
    if (remap)
        mips_tc_flush(c);
}

/* First differing field, described into buf; 0 when equal. */
static int state_diff(const struct arch_state *a, const struct arch_state *b,
                      char *buf, size_t len)
{
#define CMP64(name, x, y)                                                    \
    do {                                                                     \
        if ((x) != (y)) {                                                    \
            snprintf(buf, len, "%s: jit 0x%016" PRIx64 " interp 0x%016" PRIx64, \
                     name, (uint64_t)(x), (uint64_t)(y));                    \
            return 1;                                                        \
        }                                                                    \
    } while (0)
    char n[32];
    CMP64("pc", a->pc, b->pc);
    CMP64("insn_count", a->insn_count, b->insn_count);
    for (int i = 0; i < 32; i++) {
        snprintf(n, sizeof(n), "gpr %s", mips_gpr_names[i]);
        CMP64(n, a->gpr[i], b->gpr[i]);
    }
    CMP64("hi", a->hi, b->hi);
    CMP64("lo", a->lo, b->lo);
    for (int i = 0; i < 32; i++) {
        snprintf(n, sizeof(n), "cp0 r%d", i);
        CMP64(n, a->cp0[i], b->cp0[i]);
        snprintf(n, sizeof(n), "cp0 set1 r%d", i);
        CMP64(n, a->cp0_set1[i], b->cp0_set1[i]);
        snprintf(n, sizeof(n), "fpr f%d", i);
        CMP64(n, a->fpr[i], b->fpr[i]);
    }
    CMP64("fcr31", a->fcr31, b->fcr31);
    CMP64("ll_bit", a->ll_bit, b->ll_bit);
    CMP64("random_base", a->random_base, b->random_base);
    CMP64("in_delay_slot", a->in_delay_slot, b->in_delay_slot);
    CMP64("waiting", a->waiting, b->waiting);
    CMP64("timer_pending", a->timer_pending, b->timer_pending);
    CMP64("count_base", a->count_base, b->count_base);
    CMP64("time_base_ns", a->time_base_ns, b->time_base_ns);
    CMP64("compare_deadline_ns", a->compare_deadline_ns, b->compare_deadline_ns);
    CMP64("mode_key", a->mode_key, b->mode_key);
    CMP64("exc_loop_count", a->exc_loop_count, b->exc_loop_count);
    CMP64("last_exc_key", a->last_exc_key, b->last_exc_key);
    if (memcmp(a->tlb, b->tlb, sizeof(a->tlb)) != 0) {
        snprintf(buf, len, "TLB contents differ");
        return 1;
    }
    return 0;
#undef CMP64
}

static uint8_t *ram_ptr(struct physmap *pm, uint64_t pa, unsigned size)
{
    const struct phys_region *r = physmap_find(pm, pa);
    if (!r || !(r->flags & PR_RAM) || pa - r->base + size > r->size)
        return NULL;
    return r->host + (pa - r->base);
}

static uint64_t ram_get(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    memcpy(&v, p, size);
    return v;
}

static void ram_put(uint8_t *p, unsigned size, uint64_t v)
{
    memcpy(p, &v, size);
}

void jit_lockstep_log(struct mips_jit *jit, uint64_t pa, unsigned size)
{
    uint8_t *p = ram_ptr(jit->cpu->pm, pa, size);
    if (!p)
        return; /* device: the block is not replayed (dev_accesses) */
    if (!jit->wlog) {
        jit->wlog = calloc(WLOG_MAX, sizeof(*jit->wlog));
        jit->maxwlog = jit->wlog ? WLOG_MAX : 0;
    }
    if (jit->nwlog == jit->maxwlog) {
        jit->wlog_overflow = 1;
        return;
    }
    struct jit_wlog *w = &jit->wlog[jit->nwlog++];
    w->pa = pa;
    w->size = size;
    w->old_val = ram_get(p, size);
}

static void mismatch(struct mips_jit *jit, struct jit_block *blk,
                     const char *what)
{
    struct mips_cpu *cpu = jit->cpu;
    char msg[512];
    snprintf(msg, sizeof(msg), "JIT lockstep mismatch in block 0x%016" PRIx64
             " (%u insns, mode 0x%x): %s", blk->va, blk->ninsns, blk->mode,
             what);
    fprintf(stderr, "dynamips: %s\n", msg);
    /* the page range its instructions come from (a trace may skip some
     * of them), at most 128 of them */
    for (uint32_t off = blk->lo; off < blk->hi && off < blk->lo + 512;
         off += 4) {
        uint64_t pc = (blk->va & ~0xFFFull) | off;
        uint8_t *p = ram_ptr(cpu->pm, (blk->pa & ~0xFFFull) | off, 4);
        if (!p)
            break;
        char d[96];
        uint32_t w = be32_load(p);
        fprintf(stderr, "  %016" PRIx64 ": %08x  %s\n", pc, w,
                mips_disasm(w, pc, d, sizeof(d)));
    }
    mips_cpu_halt(cpu, msg);
}

/* Per-VM scratch of jit_lockstep_block (jit->ls). */
struct jit_lockstep_bufs {
    struct arch_state s0, s1, s2;
    struct jit_wlog l1[WLOG_MAX];
    uint64_t final1[WLOG_MAX];
};

void jit_lockstep_block(struct mips_jit *jit, struct jit_block *blk)
{
    struct mips_cpu *cpu = jit->cpu;
    struct physmap *pm = cpu->pm;
    /* 160 KB: on the heap of the VMs that use lockstep, not in the
     * thread-local storage that every thread of the process gets (and
     * touches when it starts). */
    if (!jit->ls) {
        jit->ls = malloc(sizeof(*jit->ls));
        if (!jit->ls) {
            mips_cpu_halt(cpu, "lockstep: out of memory");
            return;
        }
    }
    struct arch_state *const s0 = &jit->ls->s0, *const s1 = &jit->ls->s1,
                             *const s2 = &jit->ls->s2;
    struct jit_wlog *const l1 = jit->ls->l1;
    uint64_t *const final1 = jit->ls->final1;

    state_save(cpu, s0);
    uint64_t dev0 = pm->dev_accesses;
    jit->nwlog = 0;
    jit->wlog_overflow = 0;
    jit->wlog_on = 1;
    jit_enter(jit, blk->code);
    jit->wlog_on = 0;
    jit->stats.lockstep_blocks++;
    uint64_t n = cpu->insn_count - s0->insn_count;
    if (n == 0)
        return; /* left through its entry check: nothing ran */
    if (pm->dev_accesses != dev0 || jit->wlog_overflow) {
        jit->stats.lockstep_resyncs++;
        return;
    }
    state_save(cpu, s1);
    size_t n1 = jit->nwlog;
    if (n1)
        memcpy(l1, jit->wlog, n1 * sizeof(l1[0]));
    for (size_t i = 0; i < n1; i++)
        final1[i] = ram_get(ram_ptr(pm, l1[i].pa, l1[i].size), l1[i].size);
    for (size_t i = n1; i-- > 0;)
        ram_put(ram_ptr(pm, l1[i].pa, l1[i].size), l1[i].size, l1[i].old_val);

    /* the same instructions in the interpreter */
    state_restore(cpu, s0);
    jit->nwlog = 0;
    jit->wlog_on = 1;
    for (uint64_t guard = 0; cpu->insn_count < s0->insn_count + n; guard++) {
        if (guard > 4 * n + 16) {
            jit->wlog_on = 0;
            mismatch(jit, blk, "the interpreter does not reach the same "
                     "instruction count");
            return;
        }
        mips_exec_one(cpu);
    }
    jit->wlog_on = 0;
    state_save(cpu, s2);

    char why[256];
    if (memcmp(s1, s2, sizeof(*s1)) != 0 &&
        state_diff(s1, s2, why, sizeof(why))) {
        mismatch(jit, blk, why);
        return;
    }
    if (jit->wlog_overflow)
        return;
    for (size_t i = 0; i < n1; i++) {
        uint64_t v = ram_get(ram_ptr(pm, l1[i].pa, l1[i].size), l1[i].size);
        if (v != final1[i]) {
            snprintf(why, sizeof(why), "memory at pa 0x%" PRIx64 " (%u bytes)"
                     " jit 0x%" PRIx64 " interp 0x%" PRIx64, l1[i].pa,
                     l1[i].size, final1[i], v);
            mismatch(jit, blk, why);
            return;
        }
    }
    /* locations only the interpreter wrote must hold their old bytes */
    for (size_t i = 0; i < jit->nwlog; i++) {
        const struct jit_wlog *w = &jit->wlog[i];
        int seen = 0;
        for (size_t j = 0; j < n1 && !seen; j++)
            seen = l1[j].pa < w->pa + w->size && w->pa < l1[j].pa + l1[j].size;
        for (size_t j = 0; j < i && !seen; j++)
            seen = jit->wlog[j].pa == w->pa && jit->wlog[j].size == w->size;
        if (seen)
            continue;
        uint64_t v = ram_get(ram_ptr(pm, w->pa, w->size), w->size);
        if (v != w->old_val) {
            snprintf(why, sizeof(why), "memory at pa 0x%" PRIx64 " written "
                     "by the interpreter only", w->pa);
            mismatch(jit, blk, why);
            return;
        }
    }
}
