/*
 * MIPS64 -> x86-64 translation of one basic block.
 *
 * A block starts at a PC and runs to the first branch (with its delay
 * slot), an instruction that changes the CPU mode or TLB (F_ENDBLOCK), the
 * end of the 4 KB page, the idle PC, or JIT_MAX_BLOCK_INSNS. Its shape:
 *
 *   entry:   load the guest registers cached for this block (chained
 *            exits that hold them already jump past the loads), then the
 *            budget check (insn_count += N, > jit_end? jit_end is 0 once
 *            attention is raised), leaving through `reenter` (pc = start);
 *            exits before the end subtract what they did not run
 *   body:    one translation per instruction; loads/stores inline the
 *            translation cache hit and branch to out-of-line slow paths
 *   exits:   write back dirty cached registers, add the executed count,
 *            then a patchable jump (chaining) or the jump-cache probe
 *   stubs:   memory slow paths, reenter
 *
 * A block with a loop back to its start whose back edges hold 32-bit
 * results not yet sign-extended has its body translated twice: the
 * first copy runs from the prologue, the second from the back edges,
 * with those registers left unextended from turn to turn (tctx.copy).
 *
 * Instructions without a native form call jit_helper_exec(), i.e. the
 * interpreter, after writing back the cached registers and publishing pc,
 * in_delay_slot and insn_count exactly as the interpreter would have them.
 */
#include <stddef.h>
#include <string.h>

#include "cpu/mips64/jit_internal.h"

#define OFF(f) ((int32_t)offsetof(struct mips_cpu, f))
#define GPR(r) (OFF(gpr) + 8 * (int32_t)(r))
#define TC_OFF OFF(tc)

/* cpu.h: the per-block fields must not alias the registers modulo 4 KB. */
_Static_assert(offsetof(struct mips_cpu, jit_end) < 4096 &&
                   offsetof(struct mips_cpu, tc_gen) < 4096 &&
                   offsetof(struct mips_cpu, attention) < 4096 &&
                   offsetof(struct mips_cpu, jit_k0_code) < 4096 &&
                   offsetof(struct mips_cpu, jit_k0_base_zx) < 4096 &&
                   offsetof(struct mips_cpu, insn_count) >
                       offsetof(struct mips_cpu, pc),
               "per-block fields of struct mips_cpu moved");
_Static_assert(2 * JIT_TRACE_INSNS <= JIT_MAX_BLOCK_INSNS,
               "a block translated twice (tctx.copy) fits the stubs and "
               "the margin");
#define TC_INDEX_MASK ((TC_SIZE - 1) << 5) /* (va >> 7) & this = index * 32 */

/* host registers that hold guest registers for a block: callee-saved
 * ones first (they survive helper calls), then caller-saved ones, which
 * the memory slow paths save around their calls (jit_internal.h) */
static const int cache_hregs[] = {X_RBX, X_RBP, X_R12, X_R13,
                                  X_R8, X_R9, X_R10, X_R11, X_RDI};
#define NCACHE ((int)(sizeof(cache_hregs) / sizeof(cache_hregs[0])))
_Static_assert(NCACHE == JIT_NCACHE, "jit_internal.h JIT_NCACHE");
#define HREG_VOLATILE ((1u << X_R8) | (1u << X_R9) | (1u << X_R10) | \
                       (1u << X_R11) | (1u << X_RDI))

/* The index in cache_hregs of a host register that caches a guest one. */
static int cache_slot(int hreg)
{
    for (int h = 0; h < NCACHE; h++)
        if (cache_hregs[h] == hreg)
            return h;
    return -1;
}

int jit_cache_hreg(unsigned h)
{
    return cache_hregs[h];
}

enum stub_kind { STUB_LOAD, STUB_STORE, STUB_EXC, STUB_TC };

struct stub {
    enum stub_kind kind;
    size_t jumps[3];
    int njumps;
    uintptr_t resume;
    unsigned arg;        /* load kind, store size or exception code */
    int dst;             /* loads: host register of the value (at resume) */
    int word_lazy;       /* LW into dst left without sign extension */
    int idx;             /* kseg0 window: the base's host register the
                          * access indexes with displacement `disp`,
                          * RSI not computed (the stubs compute it); -1:
                          * RSI holds the address */
    int32_t disp;
    int zx;              /* ... idx is lazy: its zero-extended low word
                          * indexes jit_k0_base_zx */
    unsigned size;       /* bytes accessed */
    int store;           /* STUB_TC: a store */
    struct stub *slow;   /* STUB_TC: the helper call for misses */
    uintptr_t entry;     /* where the stub was emitted */
    uint64_t pc;         /* cpu->pc to publish */
    int in_slot;
    int k;               /* index of the instruction in the block */
    int sync_to;         /* insn_count the helper must see (see sync_point) */
    int synced;          /* counted instructions already added */
    uint32_t dirty;      /* dirty cached registers at that point */
    uint32_t lazy;       /* ... and not sign-extended (tctx.lazy) */
    uint64_t next_pc;    /* after a store that must leave the block */
    int slot_leave;      /* in the slot of a branch the block follows: a
                          * store that drops translations leaves for... */
    uint64_t leave_pc;   /* ... the branch target */
};

struct tctx {
    struct mips_jit *jit;
    struct mips_cpu *cpu;
    struct xbuf b;
    uint64_t va;
    uint32_t mode;
    int allow64;         /* 64-bit operations legal in this mode */
    int direct_ok;       /* chaining and jump cache allowed */
    int slot_endblock;   /* the delay slot may have changed mode/TLB */
    int stash;           /* RSI holds a value over the delay slot */
    int stash_spilled;   /* ... moved to its stack slot (see stash_spill) */
    int slot_writes;     /* the delay slot may have written memory (and
                          * dropped translations, this block's among them) */
    int slot_leave;      /* translating the slot of a branch the block
                          * follows to its target (slot_leave_pc) */
    uint64_t slot_leave_pc;
    int n;
    uint32_t insn[JIT_MAX_BLOCK_INSNS];
    enum insn_id id[JIT_MAX_BLOCK_INSNS];
    uint64_t pcs[JIT_MAX_BLOCK_INSNS]; /* guest PC of each (scan_block) */
    unsigned lo, hi;     /* page offsets: [lo, hi) holds them all */
    int followed;        /* scan_block went on at a branch target */

    int8_t hreg[32];     /* host register of a cached guest register */
    int uses[32];        /* weighted reads and writes (choose_cached) */
    uint32_t cached;
    uint32_t volatile_cached; /* cached in caller-saved host registers */
    uint32_t dirty;
    uint32_t body_dirty; /* dirty where in-block loops come back to */
    uint32_t entry_dirty; /* dirty after the prologue (choose_cached) */
    uint32_t entry_load;  /* loaded by the prologue */
    /* cached registers whose host register holds the result of a 32-bit
     * operation not yet sign-extended: the low 32 bits are the value's,
     * the upper ones zero (the guest value is the low word sign-
     * extended; kseg0 addresses index jit_k0_base_zx as they are).
     * Always dirty; extended where all 64 bits are read and before any
     * store to cpu->gpr. */
    uint32_t lazy;
    uint32_t valid;      /* cached registers whose host register holds
                          * the guest value (with `dirty`): loaded,
                          * reloaded after a helper, or written */
    /* known bounds: guest register g < 2^width[g] (64: nothing known),
     * so 32-bit results below 2^31 need no sign extension */
    uint8_t width[32];
    int synced;          /* instructions already added to insn_count */

    /* the instruction being translated */
    int k;
    uint64_t pc;
    int in_slot;
    uint64_t branch_pc;

    /*
     * An in-block loop whose back edges hold some registers lazy is
     * translated twice (jit_translate): the first copy entered from the
     * prologue, the second at body2 from back edges, with the registers
     * of peel_lazy lazy there (no sign extension per turn). copy: 0 (one
     * copy; back_sext collects what the back edges know), 1 or 2.
     */
    int copy;
    uintptr_t body2;
    uint32_t peel_lazy;
    uint32_t back_sext;  /* copy 0: sext-known at every back edge */
    uint32_t back_lazy;  /* ... lazy at one */
    int back_edges;
    size_t body2_jumps[8]; /* copy 1: back edges to body2, bound later */
    int nbody2;

    /* the host flags hold condition flag_cc, which is guest register
     * flag_g (nonzero) being 1, set by SLT and its kin; instructions up
     * to the branch that reads it keep them (flag_safe) */
    int flag_g;
    int flag_cc;
    int keep_flags;      /* the instruction being translated must */

    int k0_inline;       /* kseg0 window inline, translation cache aside */
    struct stub stubs[3 * JIT_MAX_BLOCK_INSNS];
    int nstubs;
    size_t reenter_jumps[4];
    int nreenter;
    struct jit_block *blk;
    uintptr_t body;      /* after the prologue: target of in-block loops */
};

/* ---- registers ---- */

static void x_add_r14_f32(struct xbuf *b, int32_t imm)
{
    /* fixed-length (7 bytes) add r14, imm32: the patchable block entry
     * when the prologue loads nothing */
    x_byte(b, 0x49); /* REX.W + REX.B (r14) */
    x_byte(b, 0x81); /* ALU r/m64, imm32; /0 = add */
    x_byte(b, 0xC6); /* mod 11, reg 0, rm r14 & 7 */
    x_u32(b, (uint32_t)imm);
}

static void x_mov_load_f32(struct xbuf *b, int dst, int base, int32_t disp)
{
    /* fixed-length (7 bytes) mov r64, [base+disp32], base not RSP/R12:
     * the patchable block entry (block_drop) */
    x_rex(b, 1, dst, 0, base, 0);
    x_byte(b, 0x8B);
    x_modrm_mem(b, dst, base, -1, 1, disp, 1);
}

static int is_lazy(const struct tctx *t, int g)
{
    return g != 0 && (t->lazy >> g) & 1;
}

static int w_of(const struct tctx *t, int g);

/* The guest value of g is a sign-extended word: lazy, or below 2^31
 * (whose host register then holds it whole). */
static int sext32_known(const struct tctx *t, int g)
{
    return is_lazy(t, g) || w_of(t, g) <= 31;
}

/* Guest register g into host register x: all 64 bits (g_load32: only
 * the low 32 bits are meaningful, for 32-bit operations). */
static void g_load32(struct tctx *t, int x, int g)
{
    if (g == 0)
        x_mov_ri(&t->b, x, 0);
    else if (t->hreg[g] >= 0) {
        if (t->hreg[g] != x)
            x_mov_rr(&t->b, 1, x, t->hreg[g]);
    } else
        x_mov_load(&t->b, 1, x, X_R15, GPR(g));
}

static void g_load(struct tctx *t, int x, int g)
{
    if (is_lazy(t, g))
        x_movsxd(&t->b, x, t->hreg[g]);
    else
        g_load32(t, x, g);
}

/* A host register holding guest register g (read only; g_src32: only
 * its low 32 bits are meaningful). */
static int g_src32(struct tctx *t, int g, int scratch)
{
    if (g != 0 && t->hreg[g] >= 0)
        return t->hreg[g];
    g_load(t, scratch, g);
    return scratch;
}

static int g_src(struct tctx *t, int g, int scratch)
{
    if (is_lazy(t, g)) {
        x_movsxd(&t->b, scratch, t->hreg[g]);
        return scratch;
    }
    return g_src32(t, g, scratch);
}

#define W_ANY 64

static void widths_unknown(struct tctx *t)
{
    memset(t->width, W_ANY, sizeof(t->width));
}

static int w_of(const struct tctx *t, int g)
{
    return g == 0 ? 0 : t->width[g];
}

/* Bits of v (0 for 0), W_ANY when it is not below 2^31. */
static int w_const(uint64_t v)
{
    if (v >= 0x80000000ull)
        return W_ANY;
    int n = 0;
    while (v >> n)
        n++;
    return n;
}

static void g_store(struct tctx *t, int g, int x)
{
    if (g == 0)
        return;
    t->width[g] = W_ANY;
    t->lazy &= ~(1u << g);
    if (t->hreg[g] >= 0) {
        if (t->hreg[g] != x)
            x_mov_rr(&t->b, 1, t->hreg[g], x);
        t->dirty |= 1u << g;
    } else {
        x_mov_store(&t->b, 1, X_R15, GPR(g), x);
    }
}

/* Register to compute guest rd into: its cache register when it has one
 * that no later operand (guest `avoid`) still needs, else RAX. */
static int g_dst(struct tctx *t, int rd, int avoid)
{
    if (rd != 0 && t->hreg[rd] >= 0 && rd != avoid)
        return t->hreg[rd];
    return X_RAX;
}

static void g_commit(struct tctx *t, int rd, int x)
{
    t->width[rd] = W_ANY;
    if (rd != 0 && t->hreg[rd] == x) {
        t->dirty |= 1u << rd;
        t->lazy &= ~(1u << rd);
    } else
        g_store(t, rd, x);
}

/* g_commit of a 32-bit result in the low half of x, not sign-extended:
 * left so in rd's host register (tctx.lazy), extended otherwise. */
static void g_commit32(struct tctx *t, int rd, int x)
{
    if (rd != 0 && t->hreg[rd] == x) {
        g_commit(t, rd, x);
        t->lazy |= 1u << rd;
        return;
    }
    x_movsxd(&t->b, x, x);
    g_commit(t, rd, x);
}

/*
 * SLT and its kin: the host register the flag is set in, cleared before
 * the compare (setcc writes only its low byte). rd's own host register
 * unless rd is an operand of the compare (`clash`), RCX then.
 */
static int flag_dst(struct tctx *t, int rd, int clash)
{
    int d = clash ? X_RCX : g_dst(t, rd, -1);
    if (d == X_RAX)
        d = X_RCX;
    x_mov_ri(&t->b, d, 0);
    return d;
}

/* ... and after the compare: the flag for condition cc, committed to rd,
 * known to be 0 or 1. */
static void flag_set(struct tctx *t, int rd, int d, int cc)
{
    x_setcc(&t->b, cc, d);
    g_commit(t, rd, d);
    t->width[rd] = 1;
    t->flag_g = rd;
    t->flag_cc = cc;
}

static void g_store_imm(struct tctx *t, int g, uint64_t v)
{
    if (g == 0)
        return;
    t->width[g] = (uint8_t)w_const(v);
    t->lazy &= ~(1u << g);
    if (t->hreg[g] >= 0) {
        x_mov_ri(&t->b, t->hreg[g], v);
        t->dirty |= 1u << g;
    } else if (x_fits32((int64_t)v)) {
        x_mov_store_imm(&t->b, 1, X_R15, GPR(g), (int32_t)v);
    } else {
        x_mov_ri(&t->b, X_RAX, v);
        x_mov_store(&t->b, 1, X_R15, GPR(g), X_RAX);
    }
}

/* Sign-extend lazy registers in place: the same guest values, so it may
 * run on one path and not another. */
static void sext_regs(struct tctx *t, uint32_t regs)
{
    regs &= t->lazy;
    for (int g = 1; g < 32; g++)
        if (regs & (1u << g))
            x_movsxd(&t->b, t->hreg[g], t->hreg[g]);
}

static void write_back(struct tctx *t, uint32_t dirty)
{
    sext_regs(t, dirty);
    for (int g = 1; g < 32; g++)
        if (dirty & (1u << g))
            x_mov_store(&t->b, 1, X_R15, GPR(g), t->hreg[g]);
}

static void reload_regs(struct tctx *t, uint32_t regs)
{
    for (int g = 1; g < 32; g++)
        if (regs & (1u << g))
            x_mov_load(&t->b, 1, t->hreg[g], X_R15, GPR(g));
    t->lazy &= ~regs;
}

static void reload_cached(struct tctx *t)
{
    reload_regs(t, t->cached);
}

/* insn_count lives in R14 inside translated code (the trampoline loads
 * and stores it); helpers see it in memory. */
static void count_add(struct tctx *t, int n)
{
    if (n)
        x_alu_ri(&t->b, ALU_ADD, 1, X_R14, n);
}

static void count_publish(struct tctx *t)
{
    x_mov_store(&t->b, 1, X_R15, OFF(insn_count), X_R14);
}

static void set_pc(struct tctx *t, uint64_t v)
{
    if (x_fits32((int64_t)v)) {
        x_mov_store_imm(&t->b, 1, X_R15, OFF(pc), (int32_t)v);
    } else {
        x_mov_ri(&t->b, X_RAX, v);
        x_mov_store(&t->b, 1, X_R15, OFF(pc), X_RAX);
    }
}

static void jmp_exit(struct tctx *t)
{
    x_jmp(&t->b, t->jit->exit);
}

/* ---- exits ---- */

static int in_kseg01(uint64_t va)
{
    return va >= 0xFFFFFFFF80000000ull && va < 0xFFFFFFFFC0000000ull;
}

/* e->held: the guest registers the host registers hold here (all written
 * back by then, so clean in the block the exit is chained to). */
static void exit_held(struct tctx *t, struct jit_exit *e)
{
    uint32_t held = (t->valid | t->dirty) & t->cached;
    for (int g = 1; g < 32; g++)
        if (held & (1u << g))
            e->held[cache_slot(t->hreg[g])] = (uint8_t)g;
}

/* Leave for `target` having executed `total` instructions of the block. */
static void exit_direct(struct tctx *t, uint64_t target, int total, int chain)
{
    struct xbuf *b = &t->b;
    if (target == t->va && chain && t->direct_ok && !t->slot_endblock &&
        !t->slot_writes && target != t->cpu->idle_pc) {
        /* a loop on this block: stay here while the budget allows,
         * guest registers kept in host registers (not after a slot that
         * may have dropped this block: `body` is past the entry that
         * block_drop() patches) */
        count_add(t, total - t->synced);
        /* sign-extended words here among the registers the loop writes
         * (lazy, or below 2^31: then zero-extended as well) */
        uint32_t sx = t->lazy;
        for (int g = 1; g < 32; g++)
            if (w_of(t, g) <= 31)
                sx |= 1u << g;
        sx &= t->cached & t->body_dirty;
        if (t->copy == 0) {
            t->back_sext = t->back_edges++ ? t->back_sext & sx : sx;
            t->back_lazy |= t->lazy;
        }
        /* to body2 when the registers it has lazy are words here */
        int to2 = t->copy != 0 && (t->peel_lazy & ~sx) == 0 &&
                  (t->copy == 2 || t->nbody2 < 8);
        uint32_t keep = to2 ? t->peel_lazy : 0;
        /* registers dirty here but not at `body` go to memory first;
         * `body` expects the others sign-extended */
        uint32_t lazy = t->lazy;
        write_back(t, t->dirty & ~t->body_dirty);
        sext_regs(t, t->lazy & ~keep & ~(t->dirty & ~t->body_dirty));
        /* the entry's budget check, back to `body` while it passes
         * (`body` has the block counted already: t->n more) */
        count_add(t, t->n);
        x_alu_rm(b, ALU_CMP, 1, X_R14, X_R15, OFF(jit_end));
        if (!to2)
            x_jcc(b, CC_BE, t->body);
        else if (t->copy == 2)
            x_jcc(b, CC_BE, t->body2);
        else
            t->body2_jumps[t->nbody2++] = x_jcc(b, CC_BE, 0);
        count_add(t, -t->n);
        t->lazy &= keep;
        write_back(t, t->dirty);
        t->lazy = lazy;
        set_pc(t, target);
        x_mov_ri(b, X_RAX, 0);
        jmp_exit(t);
        return;
    }
    write_back(t, t->dirty);
    count_add(t, total - t->synced);
    struct jit_exit *e = chain && t->direct_ok && !t->slot_endblock
                             ? jit_new_exit(t->jit) : NULL;
    if (!e) {
        set_pc(t, target);
        x_mov_ri(b, X_RAX, 0);
        jmp_exit(t);
        return;
    }
    e->target = target;
    e->from = t->blk;
    exit_held(t, e);
    size_t gen_jump = 0;
    int gen = (target & ~0xFFFull) != (t->va & ~0xFFFull) && !in_kseg01(target);
    if (gen) {
        /* cmp dword [r15+tc_gen], imm32 (patched when chained) */
        x_rm(b, 0x81, 0, ALU_CMP, X_R15, OFF(tc_gen));
        e->gen_field = x_here(b);
        x_u32(b, 0xFFFFFFFFu);
        gen_jump = x_jcc(b, CC_NE, 0);
    }
    size_t j = x_jmp(b, 0);
    e->jmp_field = b->rx + j;
    x_bind(b, j); /* unchained: fall into the stub below */
    if (gen)
        x_bind(b, gen_jump);
    set_pc(t, target);
    x_mov_ri64(b, X_RAX, (uint64_t)(uintptr_t)e);
    jmp_exit(t);
}

/* Leave with cpu->pc already set (exception, ERET). */
static void exit_pcset(struct tctx *t, uint32_t dirty, int total, int synced)
{
    write_back(t, dirty);
    count_add(t, total - synced);
    x_mov_ri(&t->b, X_RAX, 0);
    jmp_exit(t);
}

/*
 * A value a branch computes before its delay slot and uses after it (the
 * condition when the slot changes an operand, a register jump's target)
 * stays in RSI unless the slot needs RSI (memory access) or calls a
 * helper: those move it to its stack slot first.
 */
enum { STASH_NONE, STASH_COND, STASH_TARGET };

static void stash_spill(struct tctx *t)
{
    if (t->stash == STASH_NONE || t->stash_spilled)
        return;
    if (t->stash == STASH_COND)
        x_mov_store8(&t->b, X_RSP, SLOT_COND, X_RSI);
    else
        x_mov_store(&t->b, 1, X_RSP, SLOT_TARGET, X_RSI);
    t->stash_spilled = 1;
}

/* Flags for the stashed condition (nonzero: taken). */
static void stash_test(struct tctx *t)
{
    if (t->stash_spilled)
        x_cmp8_mi(&t->b, X_RSP, SLOT_COND, 0);
    else
        x_test8_rr(&t->b, X_RSI, X_RSI); /* setcc set the low byte only */
}

/* Register jump: target stashed (RSI or SLOT_TARGET). */
static void exit_indirect(struct tctx *t, int total)
{
    struct xbuf *b = &t->b;
    write_back(t, t->dirty);
    count_add(t, total - t->synced);
    if (t->stash_spilled)
        x_mov_load(b, 1, X_RSI, X_RSP, SLOT_TARGET);
    struct jit_exit *e = t->direct_ok && !t->slot_endblock
                             ? jit_new_exit(t->jit) : NULL;
    if (e) {
        /*
         * An inline cache of one target: the first one the jump cache
         * below misses (in kseg0/kseg1, whose translations do not depend
         * on the TLB), compared here and jumped to directly once the
         * dispatcher has chained it (jit.c try_chain), like a direct exit.
         */
        e->from = t->blk;
        exit_held(t, e);
        x_mov_ri64(b, X_RAX, 1); /* no target yet: never equal (pc & 3) */
        e->va_field = x_here(b) - 8;
        x_alu_rr(b, ALU_CMP, 1, X_RSI, X_RAX);
        size_t other = x_jcc(b, CC_NE, 0);
        size_t j = x_jmp(b, 0);
        e->jmp_field = b->rx + j;
        x_bind(b, j); /* not chained: on to the jump cache */
        x_bind(b, other);
    }
    if (t->direct_ok && !t->slot_endblock) {
        /* entry (va >> 2) & mask, 32 bytes each: at RDX + RAX * 8 with
         * RAX = va & (mask << 2) */
        _Static_assert(sizeof(struct jit_jc_entry) == 32,
                       "jump cache entries indexed with scale 8");
        x_mov_rr(b, 0, X_RAX, X_RSI);
        x_alu_ri(b, ALU_AND, 0, X_RAX,
                 (int32_t)(((1u << t->jit->jc_bits) - 1) << 2));
        x_mov_ri64(b, X_RDX, (uint64_t)(uintptr_t)t->jit->jc);
        x_rmi(b, 0x3B, 1, X_RSI, X_RDX, X_RAX, 8,
              (int32_t)offsetof(struct jit_jc_entry, va)); /* cmp rsi, va */
        size_t m1 = x_jcc(b, CC_NE, 0);
        x_mov_load(b, 0, X_RCX, X_R15, OFF(tc_gen));
        x_rmi(b, 0x3B, 0, X_RCX, X_RDX, X_RAX, 8,
              (int32_t)offsetof(struct jit_jc_entry, gen));
        size_t m2 = x_jcc(b, CC_NE, 0);
        /* cmp dword [entry.mode], imm32 */
        x_rmi(b, 0x81, 0, ALU_CMP, X_RDX, X_RAX, 8,
              (int32_t)offsetof(struct jit_jc_entry, mode));
        x_u32(b, t->mode);
        size_t m3 = x_jcc(b, CC_NE, 0);
        /* jmp [entry.code] */
        x_rmi(b, 0xFF, 0, 4, X_RDX, X_RAX, 8,
              (int32_t)offsetof(struct jit_jc_entry, code));
        x_bind(b, m1);
        x_bind(b, m2);
        x_bind(b, m3);
    }
    x_mov_store(b, 1, X_R15, OFF(pc), X_RSI);
    if (e)
        x_mov_ri64(b, X_RAX, (uint64_t)(uintptr_t)e);
    else
        x_mov_ri(b, X_RAX, 0);
    jmp_exit(t);
}

/* ---- which registers an instruction reads and writes ---- */

static void insn_regs(enum insn_id id, uint32_t insn, uint32_t *rd_mask,
                      uint32_t *wr_mask)
{
    const struct insn_desc *d = &mips_insn_desc[id];
    uint32_t rs = 1u << INSN_RS(insn), rt = 1u << INSN_RT(insn);
    uint32_t rdm = 1u << INSN_RD(insn);
    uint32_t r = 0, w = 0;
    switch (d->fmt) {
    case FMT_RRR: r = rs | rt; w = rdm; if (id == INSN_movz || id == INSN_movn) r |= rdm; break;
    case FMT_SHIFT: r = rt; w = rdm; break;
    case FMT_SHIFTV: r = rs | rt; w = rdm; break;
    case FMT_RRI: case FMT_RRU: r = rs; w = rt; break;
    case FMT_LUI: w = rt; break;
    case FMT_MEM:
        r = rs;
        if (d->flags & F_STORE)
            r |= rt;
        if ((d->flags & F_LOAD) || id == INSN_sc || id == INSN_scd)
            w = rt;
        if (id == INSN_lwl || id == INSN_lwr || id == INSN_ldl || id == INSN_ldr)
            r |= rt;
        break;
    case FMT_FMEM: case FMT_CACHE: r = rs; break;
    case FMT_BRANCH1: r = rs; if (id == INSN_bltzal || id == INSN_bgezal || id == INSN_bltzall || id == INSN_bgezall) w = 1u << 31; break;
    case FMT_BRANCH2: r = rs | rt; break;
    case FMT_JUMP: if (id == INSN_jal) w = 1u << 31; break;
    case FMT_JR: r = rs; break;
    case FMT_JALR: r = rs; w = rdm; break;
    case FMT_RS_RT: case FMT_RS_IMM: r = rs | rt; break;
    case FMT_RD: w = rdm; break;
    case FMT_RS: r = rs; break;
    case FMT_COP0: case FMT_COP1: r = rt; w = rt; break;
    case FMT_MOVCI: r = rs | rdm; w = rdm; break;
    default: break;
    }
    *rd_mask = r & ~1u;
    *wr_mask = w & ~1u;
}

/* ---- helper call (interpreter for one instruction) ---- */

static void call_abs(struct tctx *t, const void *fn)
{
    x_mov_ri64(&t->b, X_RAX, (uint64_t)(uintptr_t)fn);
    x_call_r(&t->b, X_RAX);
}

static void slot_flag(struct tctx *t, int on)
{
    if (t->in_slot)
        x_mov_store_imm(&t->b, 0, X_R15, OFF(in_delay_slot), on);
}

/*
 * Instructions of the block counted when instruction k runs: k, except in
 * a delay slot, where the interpreter has counted neither the branch nor
 * the slot yet (interp.c branch()).
 */
static int sync_point(const struct tctx *t)
{
    return t->in_slot ? t->k - 1 : t->k;
}

/* Interpret this one instruction; `endblock`: it ends the block. */
static void emit_helper(struct tctx *t, int endblock)
{
    struct xbuf *b = &t->b;
    stash_spill(t);
    t->slot_writes |= t->in_slot;
    write_back(t, t->dirty);
    t->dirty = 0;
    count_add(t, sync_point(t) - t->synced);
    count_publish(t);
    t->synced = sync_point(t);
    set_pc(t, t->in_slot ? t->branch_pc : t->pc);
    slot_flag(t, 1);
    x_mov_rr(b, 1, X_RDI, X_R15);
    x_mov_ri(b, X_RSI, t->insn[t->k]);
    call_abs(t, (const void *)jit_helper_exec);
    slot_flag(t, 0);
    x_mov_load(b, 1, X_R14, X_R15, OFF(insn_count));
    reload_cached(t);
    t->valid = t->cached;
    widths_unknown(t);
    x_test_rr(b, 0, X_RDX, X_RDX);
    size_t ok = x_jcc(b, CC_E, 0);
    if (!t->in_slot) {
        x_alu_ri(b, ALU_CMP, 0, X_RDX, 1);
        size_t leave = x_jcc(b, CC_NE, 0);
        exit_pcset(t, 0, t->k + 1, t->synced);
        x_bind(b, leave);
        exit_direct(t, t->pc + 4, t->k + 1, 0);
    } else {
        x_alu_ri(b, ALU_CMP, 0, X_RDX, 1);
        size_t cont = x_jcc(b, CC_NE, 0);
        exit_pcset(t, 0, t->k + 1, t->synced);
        x_bind(b, cont);
    }
    x_bind(b, ok);
    if (endblock)
        exit_direct(t, t->pc + 4, t->k + 1, 0);
}

/* ---- loads and stores ---- */

static struct stub *new_stub(struct tctx *t, enum stub_kind kind, unsigned arg)
{
    struct stub *s = &t->stubs[t->nstubs++];
    memset(s, 0, sizeof(*s));
    s->kind = kind;
    s->arg = arg;
    s->pc = t->in_slot ? t->branch_pc : t->pc;
    s->in_slot = t->in_slot;
    s->k = t->k;
    s->sync_to = sync_point(t);
    s->synced = t->synced;
    s->dirty = t->dirty;
    s->lazy = t->lazy;
    s->next_pc = t->pc + 4;
    s->dst = X_RCX;
    s->idx = -1;
    return s;
}

/* Loads and stores through the kseg0 window inline (emit_k0_lookup). */
static int k0_path(const struct tctx *t, int store)
{
    return t->k0_inline && !(store && t->jit->cfg.lockstep);
}

/*
 * The address base + imm: through the kseg0 window, a cached base is
 * used as it is (s->idx, the window's check also catches misaligned
 * addresses); otherwise va in RSI, and misaligned addresses jump to the
 * stub unless the window checks them.
 */
static void emit_va(struct tctx *t, struct stub *s, int base, int imm,
                    unsigned size)
{
    struct xbuf *b = &t->b;
    stash_spill(t);
    s->size = size;
    int k0 = k0_path(t, s->kind == STUB_STORE);
    /* a lazy base only with imm <= 0: its zero-extended low word plus a
     * positive imm reaches 0x80000000 from a positive address too */
    if (k0 && base != 0 && t->hreg[base] >= 0 &&
        (imm <= 0 || !is_lazy(t, base))) {
        s->idx = t->hreg[base];
        s->disp = imm;
        s->zx = is_lazy(t, base);
        return;
    }
    if (base != 0 && t->hreg[base] >= 0 && imm && !is_lazy(t, base)) {
        x_lea(b, 1, X_RSI, t->hreg[base], imm);
    } else {
        g_load(t, X_RSI, base);
        if (imm)
            x_alu_ri(b, ALU_ADD, 1, X_RSI, imm);
    }
    if (size > 1 && !k0) {
        x_test_ri(b, 0, X_RSI, size - 1);
        s->jumps[s->njumps++] = x_jcc(b, CC_NE, 0);
    }
}

/* RSI = the address of a kseg0 window access whose fast path did not
 * compute it (emit_va): base + disp, all 64 bits */
static void stub_va(struct tctx *t, const struct stub *s)
{
    if (s->idx < 0)
        return;
    if (s->zx) {
        x_movsxd(&t->b, X_RSI, s->idx);
        if (s->disp)
            x_alu_ri(&t->b, ALU_ADD, 1, X_RSI, s->disp);
    } else {
        x_lea(&t->b, 1, X_RSI, s->idx, s->disp);
    }
}

static int log2_size(unsigned size)
{
    return size == 8 ? 3 : size == 4 ? 2 : size == 2 ? 1 : 0;
}

/* A jump to the helper-call stub `slow` (bound later, or already there). */
static void jcc_slow(struct tctx *t, struct stub *slow, int cc)
{
    if (slow->entry)
        x_jcc(&t->b, cc, slow->entry);
    else
        slow->jumps[slow->njumps++] = x_jcc(&t->b, cc, 0);
}

/* Translation cache probe for va in RSI: on a hit RDX = host page and
 * RAX = offset in page; misses go to `slow`. */
static void emit_tc_lookup(struct tctx *t, struct stub *slow, int store)
{
    struct xbuf *b = &t->b;
    x_mov_rr(b, 0, X_RAX, X_RSI);
    x_shift_ri(b, SH_SHR, 0, X_RAX, 7);
    x_alu_ri(b, ALU_AND, 0, X_RAX, TC_INDEX_MASK);
    x_mov_rr(b, 1, X_RDX, X_RSI);
    x_alu_ri(b, ALU_AND, 1, X_RDX, -4096);
    if (t->mode)
        x_alu_ri(b, ALU_OR, 1, X_RDX, (int32_t)t->mode);
    x_rmi(b, 0x3B, 1, X_RDX, X_R15, X_RAX, 1, TC_OFF); /* cmp rdx, tag */
    jcc_slow(t, slow, CC_NE);
    if (store) {
        /* cmp dword [r15+rax+writable], 0 */
        x_rmi(b, 0x83, 0, ALU_CMP, X_R15, X_RAX, 1,
              TC_OFF + (int32_t)offsetof(struct tc_entry, writable));
        x_byte(b, 0);
        jcc_slow(t, slow, CC_E);
    }
    x_rmi(b, 0x8B, 1, X_RDX, X_R15, X_RAX, 1,
          TC_OFF + (int32_t)offsetof(struct tc_entry, host));
    x_mov_rr(b, 0, X_RAX, X_RSI);
    x_alu_ri(b, ALU_AND, 0, X_RAX, 0xFFF);
}

/*
 * The kseg0 window (cpu.h jit_k0_*) for the address of `slow` (emit_va):
 * RAX = va - KSEG0, rotated right by log2(size), and a jump to `miss`
 * unless that is below jit_k0_limit[log2(size)] (misaligned addresses
 * too); stores also go to `slow` on pages holding translations. On a
 * hit RDX = jit_k0_base (jit_k0_base_zx for a lazy index), the host
 * address being RDX + index + disp.
 */
static void emit_k0_lookup(struct tctx *t, int store, size_t *miss,
                           struct stub *slow)
{
    struct xbuf *b = &t->b;
    int sh = log2_size(slow->size);
    int w = 1;
    if (slow->idx >= 0 && slow->zx) {
        /* the low word + disp - 0x80000000 in 32 bits: the offset in
         * kseg0, or 2^31 - 2^15 and more for other addresses (disp <= 0:
         * a positive base stays below 0x80000000; a kseg0 address that
         * lands in kseg0 does not wrap in 64 bits) */
        x_lea(b, 0, X_RAX, slow->idx,
              (int32_t)((uint32_t)slow->disp + 0x80000000u));
        w = 0;
    } else if (slow->idx >= 0) {
        /* 0x80000000 + disp fits in 32 bits; + base: va - KSEG0
         * (0xFFFFFFFF80000000) modulo 2^64 */
        x_mov_ri(b, X_RAX, (uint32_t)slow->disp + 0x80000000u);
        x_alu_rr(b, ALU_ADD, 1, X_RAX, slow->idx);
    } else {
        x_mov_ri(b, X_RAX, 0x80000000u); /* - KSEG0 (0xFFFFFFFF80000000) */
        x_alu_rr(b, ALU_ADD, 1, X_RAX, X_RSI);
    }
    if (sh)
        x_shift_ri(b, SH_ROR, w, X_RAX, (uint8_t)sh);
    x_alu_rm(b, ALU_CMP, 1, X_RAX, X_R15, OFF(jit_k0_limit) + 8 * sh);
    *miss = x_jcc(b, CC_AE, 0);
    if (store) {
        /* the page: below 2^29 (kseg0 is 512 MB), aligned */
        x_shift_ri(b, SH_SHR, 0, X_RAX, (uint8_t)(12 - sh));
        x_mov_load(b, 1, X_RDX, X_R15, OFF(jit_k0_code));
        x_rmi(b, 0x80, 0, ALU_CMP, X_RDX, X_RAX, 1, 0); /* cmp byte, imm8 */
        x_byte(b, 0);
        jcc_slow(t, slow, CC_NE);
    }
    x_mov_load(b, 1, X_RDX, X_R15,
               slow->idx >= 0 && slow->zx ? OFF(jit_k0_base_zx)
                                          : OFF(jit_k0_base));
}

/* The access itself at [hbase + hidx + disp]: loads into `dst`, stores
 * from RCX (which it may byte-swap). */
static void emit_access(struct tctx *t, int store, unsigned arg, int hbase,
                        int hidx, int32_t disp, int dst, int word_lazy)
{
    struct xbuf *b = &t->b;
    if (!store) {
        switch (arg) {
        case LK_U8: x_rmi(b, OP_MOVZX8, 0, dst, hbase, hidx, 1, disp); break;
        case LK_S8: x_rmi(b, OP_MOVSX8, 1, dst, hbase, hidx, 1, disp); break;
        case LK_U16:
        case LK_S16:
            x_rmi(b, OP_MOVZX16, 0, dst, hbase, hidx, 1, disp);
            x_rol16_8(b, dst);
            if (arg == LK_S16)
                x_rr(b, OP_MOVSX16, 1, dst, dst);
            break;
        case LK_U32:
        case LK_S32:
            if (t->jit->movbe) {
                x_rmi(b, OP_MOVBE_LOAD, 0, dst, hbase, hidx, 1, disp);
            } else {
                x_rmi(b, 0x8B, 0, dst, hbase, hidx, 1, disp);
                x_bswap(b, 0, dst);
            }
            if (arg == LK_S32 && !word_lazy)
                x_movsxd(b, dst, dst);
            break;
        default:
            if (t->jit->movbe) {
                x_rmi(b, OP_MOVBE_LOAD, 1, dst, hbase, hidx, 1, disp);
            } else {
                x_rmi(b, 0x8B, 1, dst, hbase, hidx, 1, disp);
                x_bswap(b, 1, dst);
            }
            break;
        }
        return;
    }
    switch (arg) {
    case 1:
        x_rex(b, 0, X_RCX, hidx, hbase, 0);
        x_byte(b, 0x88);
        x_modrm_mem(b, X_RCX, hbase, hidx, 1, disp, 0);
        break;
    case 2:
        x_rol16_8(b, X_RCX);
        x_byte(b, 0x66);
        x_rmi(b, 0x89, 0, X_RCX, hbase, hidx, 1, disp);
        break;
    case 4:
    case 8:
        if (t->jit->movbe) {
            x_rmi(b, OP_MOVBE_STORE, arg == 8, X_RCX, hbase, hidx, 1, disp);
        } else {
            x_bswap(b, arg == 8, X_RCX);
            x_rmi(b, 0x89, arg == 8, X_RCX, hbase, hidx, 1, disp);
        }
        break;
    }
}

/* Fast paths of one load or store (va in RSI, store value in RCX); the
 * access resumes at s->resume with a loaded value in RCX. */
static void emit_mem_fast(struct tctx *t, struct stub *s, int store)
{
    struct xbuf *b = &t->b;
    if (k0_path(t, store)) {
        /* kseg0 inline, the translation cache out of line */
        size_t miss;
        emit_k0_lookup(t, store, &miss, s);
        emit_access(t, store, s->arg, X_RDX, s->idx >= 0 ? s->idx : X_RSI,
                    s->idx >= 0 ? s->disp : 0, s->dst, s->word_lazy);
        s->resume = x_here(b);
        struct stub *tc = new_stub(t, STUB_TC, s->arg);
        tc->dst = s->dst;
        tc->word_lazy = s->word_lazy;
        tc->idx = s->idx;
        tc->disp = s->disp;
        tc->zx = s->zx;
        tc->size = s->size;
        tc->store = store;
        tc->slow = s;
        tc->resume = s->resume;
        tc->jumps[tc->njumps++] = miss;
        return;
    }
    emit_tc_lookup(t, s, store);
    emit_access(t, store, s->arg, X_RDX, X_RAX, 0, s->dst, s->word_lazy);
    s->resume = x_here(b);
}

static void emit_load(struct tctx *t, int rt, int base, int imm, unsigned kind)
{
    static const unsigned sizes[] = {1, 1, 2, 2, 4, 4, 8};
    struct stub *s = new_stub(t, STUB_LOAD, kind);
    /* straight into rt's host register (only once the access succeeded:
     * a faulting load leaves rt as it was) */
    s->dst = rt != 0 && t->hreg[rt] >= 0 ? t->hreg[rt] : X_RCX;
    /* a word loaded into a host register is its lazy form (tctx.lazy);
     * the slow path's value, sign-extended, is one too */
    s->word_lazy = kind == LK_S32 && s->dst != X_RCX;
    emit_va(t, s, base, imm, sizes[kind]);
    emit_mem_fast(t, s, 0);
    g_commit(t, rt, s->dst);
    if (s->word_lazy)
        t->lazy |= 1u << rt;
    if (rt)
        t->width[rt] = kind == LK_U8 ? 8 : kind == LK_U16 ? 16
                       : kind == LK_U32 ? 32 : W_ANY;
}

static void emit_store(struct tctx *t, int rt, int base, int imm, unsigned size)
{
    struct stub *s = new_stub(t, STUB_STORE, size);
    if (t->in_slot && t->slot_leave) {
        /* dropped translations: leave for the target (emit_stub) */
        s->slot_leave = 1;
        s->leave_pc = t->slot_leave_pc;
    } else {
        t->slot_writes |= t->in_slot;
    }
    /* the value, also for the slow path (which stores its low bytes) */
    if (size <= 4)
        g_load32(t, X_RCX, rt);
    else
        g_load(t, X_RCX, rt);
    emit_va(t, s, base, imm, size);
    emit_mem_fast(t, s, 1);
}

static void emit_stub(struct tctx *t, struct stub *s)
{
    struct xbuf *b = &t->b;
    s->entry = x_here(b);
    t->lazy = s->lazy; /* for write_back */
    for (int i = 0; i < s->njumps; i++)
        x_bind(b, s->jumps[i]);
    stub_va(t, s);
    if (s->kind == STUB_TC) {
        /* kseg0 window missed (or the address is misaligned): the
         * translation cache, then the helper */
        if (s->size > 1) {
            x_test_ri(b, 0, X_RSI, s->size - 1);
            jcc_slow(t, s->slow, CC_NE);
        }
        emit_tc_lookup(t, s->slow, s->store);
        emit_access(t, s->store, s->arg, X_RDX, X_RAX, 0, s->dst,
                    s->word_lazy);
        x_jmp(b, s->resume);
        return;
    }
    int delta = s->sync_to - s->synced;
    int fault = s->k + 1 - s->sync_to; /* the faulting one (and branch) */
    count_add(t, delta);
    count_publish(t);
    set_pc(t, s->pc);
    if (s->in_slot)
        x_mov_store_imm(b, 0, X_R15, OFF(in_delay_slot), 1);
    /* caller-saved cache registers: to memory, back after the call */
    write_back(t, s->dirty & t->volatile_cached);
    x_mov_rr(b, 1, X_RDI, X_R15);
    if (s->kind == STUB_EXC) {
        x_mov_ri(b, X_RSI, s->arg);
        call_abs(t, (const void *)jit_helper_raise);
        reload_regs(t, t->volatile_cached);
        if (s->in_slot)
            x_mov_store_imm(b, 0, X_R15, OFF(in_delay_slot), 0);
        write_back(t, s->dirty);
        count_add(t, fault);
        x_mov_ri(b, X_RAX, 0);
        jmp_exit(t);
        return;
    }
    if (s->kind == STUB_LOAD) {
        x_mov_ri(b, X_RDX, s->arg);
        call_abs(t, (const void *)jit_helper_load);
    } else {
        x_mov_rr(b, 1, X_RDX, X_RCX); /* value, not yet byte-swapped */
        x_mov_ri(b, X_RCX, s->arg);
        call_abs(t, (const void *)jit_helper_store);
    }
    reload_regs(t, t->volatile_cached);
    /* back in the block: lazy ones as the block has them, the low word
     * zero-extended (tctx.lazy) */
    for (int g = 1; g < 32; g++)
        if (s->lazy & t->volatile_cached & (1u << g))
            x_mov_rr(b, 0, t->hreg[g], t->hreg[g]);
    t->lazy |= s->lazy & t->volatile_cached;
    if (s->in_slot)
        x_mov_store_imm(b, 0, X_R15, OFF(in_delay_slot), 0);
    x_test_rr(b, 0, X_RDX, X_RDX);
    size_t ok = x_jcc(b, CC_E, 0);
    if (s->kind == STUB_STORE && !s->in_slot) {
        x_alu_ri(b, ALU_CMP, 0, X_RDX, 2);
        size_t exc = x_jcc(b, CC_NE, 0);
        /* the store dropped translations (maybe this block) or raised
         * attention: leave after it */
        write_back(t, s->dirty);
        count_add(t, fault);
        set_pc(t, s->next_pc);
        x_mov_ri(b, X_RAX, 0);
        jmp_exit(t);
        x_bind(b, exc);
    } else if (s->kind == STUB_STORE && s->slot_leave) {
        /* the slot of a branch the block goes on through: after a store
         * that dropped translations, leave for the branch target with
         * the branch and the slot counted */
        x_alu_ri(b, ALU_CMP, 0, X_RDX, 2);
        size_t exc = x_jcc(b, CC_NE, 0);
        write_back(t, s->dirty);
        count_add(t, fault);
        set_pc(t, s->leave_pc);
        x_mov_ri(b, X_RAX, 0);
        jmp_exit(t);
        x_bind(b, exc);
    } else if (s->kind == STUB_STORE) {
        x_alu_ri(b, ALU_CMP, 0, X_RDX, 2);
        size_t cont = x_jcc(b, CC_E, 0);
        write_back(t, s->dirty);
        count_add(t, fault);
        x_mov_ri(b, X_RAX, 0);
        jmp_exit(t);
        x_bind(b, cont);
        count_add(t, -delta);
        x_jmp(b, s->resume);
        x_bind(b, ok);
        count_add(t, -delta);
        x_jmp(b, s->resume);
        return;
    }
    /* exception: pc is the vector; the faulting instruction counts */
    write_back(t, s->dirty);
    count_add(t, fault);
    x_mov_ri(b, X_RAX, 0);
    jmp_exit(t);
    x_bind(b, ok);
    count_add(t, -delta);
    if (s->kind == STUB_LOAD)
        x_mov_rr(b, !s->word_lazy, s->dst, X_RAX); /* lazy: zero-extended */
    x_jmp(b, s->resume);
}

/* ---- ALU ---- */

enum op32 { OP_ADDU, OP_SUBU };

static int emit_alu(struct tctx *t, enum insn_id id, uint32_t insn)
{
    struct xbuf *b = &t->b;
    int rs = INSN_RS(insn), rt = INSN_RT(insn), rd = INSN_RD(insn);
    int sa = INSN_SA(insn);
    int32_t imm = (int32_t)INSN_IMM(insn);
    uint32_t uimm = (uint32_t)INSN_UIMM(insn);
    int src;

    switch (id) {
    case INSN_sll: case INSN_srl: case INSN_sra: {
        if (!rd) return 1;
        int w = w_of(t, rt); /* result < 2^nw (nw <= 31): no sign extension */
        int nw = id == INSN_sll ? (w + sa <= 31 ? w + sa : W_ANY)
                 : w <= 31 ? (w > sa ? w - sa : 0)
                 : id == INSN_srl && sa ? 32 - sa : W_ANY;
        int d = g_dst(t, rd, -1);
        g_load32(t, d, rt);
        if (sa)
            x_shift_ri(b, id == INSN_sll ? SH_SHL : id == INSN_srl ? SH_SHR : SH_SAR,
                       0, d, (uint8_t)sa);
        if (!sa)
            x_mov_rr(b, 0, d, d); /* the low word, zero-extended */
        if (nw == W_ANY)
            g_commit32(t, rd, d);
        else
            g_commit(t, rd, d);
        t->width[rd] = (uint8_t)nw;
        return 1;
    }
    case INSN_sllv: case INSN_srlv: case INSN_srav: {
        if (!rd) return 1;
        g_load32(t, X_RCX, rs);
        int d = g_dst(t, rd, -1);
        g_load32(t, d, rt);
        x_mov_rr(b, 0, d, d); /* zero-extended even for a shift by 0 */
        x_shift_rcl(b, id == INSN_sllv ? SH_SHL : id == INSN_srlv ? SH_SHR : SH_SAR,
                    0, d);
        g_commit32(t, rd, d);
        return 1;
    }
    case INSN_dsll: case INSN_dsrl: case INSN_dsra:
    case INSN_dsll32: case INSN_dsrl32: case INSN_dsra32: {
        if (!t->allow64) return 0;
        if (!rd) return 1;
        int op = (id == INSN_dsll || id == INSN_dsll32) ? SH_SHL
                 : (id == INSN_dsrl || id == INSN_dsrl32) ? SH_SHR : SH_SAR;
        int n = sa + ((id == INSN_dsll32 || id == INSN_dsrl32 || id == INSN_dsra32) ? 32 : 0);
        int d = g_dst(t, rd, -1);
        g_load(t, d, rt);
        if (n)
            x_shift_ri(b, op, 1, d, (uint8_t)n);
        g_commit(t, rd, d);
        return 1;
    }
    case INSN_dsllv: case INSN_dsrlv: case INSN_dsrav:
        if (!t->allow64) return 0;
        if (!rd) return 1;
        g_load(t, X_RCX, rs);
        g_load(t, X_RAX, rt);
        x_shift_rcl(b, id == INSN_dsllv ? SH_SHL : id == INSN_dsrlv ? SH_SHR : SH_SAR,
                    1, X_RAX);
        g_store(t, rd, X_RAX);
        return 1;

    case INSN_addu: case INSN_subu: {
        if (!rd) return 1;
        if (id == INSN_addu && rd == rt) {
            int tmp = rs; rs = rt; rt = tmp; /* commutative: rd op= other */
        }
        int ws = w_of(t, rs), wt = w_of(t, rt);
        int nw = id == INSN_addu && ws <= 30 && wt <= 30
                 ? (ws > wt ? ws : wt) + 1 : W_ANY;
        int d = g_dst(t, rd, rt);
        if (t->keep_flags) {
            /* flag_safe: rs and rt not $zero; lea keeps the flags */
            int a = g_src32(t, rs, X_RAX);
            src = g_src32(t, rt, X_RCX);
            x_lea_idx(b, 0, d, a, src, 1, 0);
        } else {
            g_load32(t, d, rs);
            src = g_src32(t, rt, X_RCX);
            x_alu_rr(b, id == INSN_addu ? ALU_ADD : ALU_SUB, 0, d, src);
        }
        if (nw == W_ANY)
            g_commit32(t, rd, d);
        else
            g_commit(t, rd, d);
        t->width[rd] = (uint8_t)nw;
        return 1;
    }
    case INSN_daddu: case INSN_dsubu:
        if (!t->allow64) return 0;
        /* fall through */
    case INSN_and: case INSN_or: case INSN_xor: case INSN_nor: {
        if (!rd) return 1;
        int op = id == INSN_daddu ? ALU_ADD : id == INSN_dsubu ? ALU_SUB
                 : id == INSN_and ? ALU_AND : id == INSN_xor ? ALU_XOR : ALU_OR;
        int ws = w_of(t, rs), wt = w_of(t, rt);
        if (id != INSN_nor && id != INSN_and &&
            (rt == 0 || (rs == 0 && id != INSN_dsubu))) {
            /* a move ("move" is or rd, rs, zero) */
            int from = rt == 0 ? rs : rt;
            int w = rt == 0 ? ws : wt;
            int d = g_dst(t, rd, -1);
            g_load(t, d, from);
            g_commit(t, rd, d);
            t->width[rd] = (uint8_t)w;
            return 1;
        }
        if (id != INSN_dsubu && rd == rt) {
            int tmp = rs; rs = rt; rt = tmp;
        }
        /* bitwise operations on sign-extended words give one: lazy
         * operands give a lazy result (an and with a value below 2^31
         * clears the stale upper bits) */
        int narrow = id != INSN_daddu && id != INSN_dsubu &&
                     (is_lazy(t, rs) || is_lazy(t, rt)) &&
                     sext32_known(t, rs) && sext32_known(t, rt);
        int d = g_dst(t, rd, rt);
        if (narrow) {
            g_load32(t, d, rs);
            src = g_src32(t, rt, X_RCX);
        } else {
            g_load(t, d, rs);
            src = g_src(t, rt, X_RCX);
        }
        x_alu_rr(b, op, !narrow, d, src);
        if (id == INSN_nor)
            x_unary(b, UN_NOT, !narrow, d);
        if (narrow && !(id == INSN_and && (ws <= 31 || wt <= 31)))
            g_commit32(t, rd, d);
        else
            g_commit(t, rd, d);
        if (id == INSN_and)
            t->width[rd] = (uint8_t)(ws < wt ? ws : wt);
        else if (id == INSN_or || id == INSN_xor)
            t->width[rd] = (uint8_t)(ws > wt ? ws : wt);
        return 1;
    }
    case INSN_teq: case INSN_tne: case INSN_tge: case INSN_tgeu:
    case INSN_tlt: case INSN_tltu:
    case INSN_teqi: case INSN_tnei: case INSN_tgei: case INSN_tgeiu:
    case INSN_tlti: case INSN_tltiu: {
        /* Trap exception when the comparison holds (interp.c TRAP_IF);
         * sign-extended words compare in their low 32 bits */
        int reg = id == INSN_teq || id == INSN_tne || id == INSN_tge ||
                  id == INSN_tgeu || id == INSN_tlt || id == INSN_tltu;
        int narrow = sext32_known(t, rs) && (!reg || sext32_known(t, rt));
        int a = narrow ? g_src32(t, rs, X_RAX) : g_src(t, rs, X_RAX);
        if (reg) {
            int o = narrow ? g_src32(t, rt, X_RCX) : g_src(t, rt, X_RCX);
            x_alu_rr(b, ALU_CMP, !narrow, a, o);
        } else {
            x_alu_ri(b, ALU_CMP, !narrow, a, imm);
        }
        int cc = (id == INSN_teq || id == INSN_teqi) ? CC_E
                 : (id == INSN_tne || id == INSN_tnei) ? CC_NE
                 : (id == INSN_tge || id == INSN_tgei) ? CC_GE
                 : (id == INSN_tgeu || id == INSN_tgeiu) ? CC_AE
                 : (id == INSN_tlt || id == INSN_tlti) ? CC_L : CC_B;
        struct stub *s = new_stub(t, STUB_EXC, EXC_TR);
        s->jumps[s->njumps++] = x_jcc(b, cc, 0);
        return 1;
    }
    case INSN_add: case INSN_sub: case INSN_dadd: case INSN_dsub: {
        /* on overflow: Integer Overflow, rd unchanged */
        int is64 = id == INSN_dadd || id == INSN_dsub;
        if (is64 && !t->allow64) return 0;
        g_load(t, X_RAX, rs);
        src = g_src(t, rt, X_RCX);
        x_alu_rr(b, (id == INSN_add || id == INSN_dadd) ? ALU_ADD : ALU_SUB,
                 is64, X_RAX, src);
        struct stub *s = new_stub(t, STUB_EXC, EXC_OV);
        s->jumps[s->njumps++] = x_jcc(b, CC_O, 0);
        if (!is64)
            x_movsxd(b, X_RAX, X_RAX);
        g_store(t, rd, X_RAX);
        return 1;
    }
    case INSN_addi: case INSN_daddi: {
        int is64 = id == INSN_daddi;
        if (is64 && !t->allow64) return 0;
        g_load(t, X_RAX, rs);
        x_alu_ri(b, ALU_ADD, is64, X_RAX, imm);
        struct stub *s = new_stub(t, STUB_EXC, EXC_OV);
        s->jumps[s->njumps++] = x_jcc(b, CC_O, 0);
        if (!is64)
            x_movsxd(b, X_RAX, X_RAX);
        g_store(t, rt, X_RAX);
        return 1;
    }
    case INSN_slt: case INSN_sltu:
        if (!rd) return 1;
    {
        /* sign-extended words: the same order in their low 32 bits,
         * signed and unsigned */
        int narrow = sext32_known(t, rs) && sext32_known(t, rt);
        int a = narrow ? g_src32(t, rs, X_RAX) : g_src(t, rs, X_RAX);
        src = narrow ? g_src32(t, rt, X_RDX) : g_src(t, rt, X_RDX);
        int d = flag_dst(t, rd, rd == rs || rd == rt);
        x_alu_rr(b, ALU_CMP, !narrow, a, src);
        flag_set(t, rd, d, id == INSN_slt ? CC_L : CC_B);
        return 1;
    }
    case INSN_movz: case INSN_movn:
        if (!rd) return 1;
        g_load(t, X_RAX, rd);
        g_load(t, X_RCX, rs);
        src = g_src(t, rt, X_RDX);
        x_test_rr(b, 1, src, src);
        x_cmov(b, id == INSN_movz ? CC_E : CC_NE, 1, X_RAX, X_RCX);
        g_store(t, rd, X_RAX);
        return 1;

    case INSN_addiu: {
        if (!rt) return 1;
        int ws = w_of(t, rs);
        int nw = imm >= 0 && ws <= 30 ? (ws > 15 ? ws : 15) + 1 : W_ANY;
        int d = g_dst(t, rt, -1);
        if (t->keep_flags && imm) {
            /* flag_safe: rs not $zero; lea keeps the flags */
            x_lea(b, 0, d, g_src32(t, rs, X_RAX), imm);
        } else {
            g_load32(t, d, rs);
            if (imm)
                x_alu_ri(b, ALU_ADD, 0, d, imm);
            else
                x_mov_rr(b, 0, d, d); /* the low word, zero-extended */
        }
        if (nw == W_ANY)
            g_commit32(t, rt, d);
        else
            g_commit(t, rt, d);
        t->width[rt] = (uint8_t)nw;
        return 1;
    }
    case INSN_daddiu: {
        if (!t->allow64) return 0;
        if (!rt) return 1;
        int d = g_dst(t, rt, -1);
        if (rs != 0 && t->hreg[rs] >= 0 && d != t->hreg[rs] && !is_lazy(t, rs))
            x_lea(b, 1, d, t->hreg[rs], imm);
        else {
            g_load(t, d, rs);
            if (imm)
                x_alu_ri(b, ALU_ADD, 1, d, imm);
        }
        g_commit(t, rt, d);
        return 1;
    }
    case INSN_slti: case INSN_sltiu:
        if (!rt) return 1;
    {
        int narrow = sext32_known(t, rs);
        src = narrow ? g_src32(t, rs, X_RAX) : g_src(t, rs, X_RAX);
        int d = flag_dst(t, rt, rt == rs);
        x_alu_ri(b, ALU_CMP, !narrow, src, imm);
        flag_set(t, rt, d, id == INSN_slti ? CC_L : CC_B);
        return 1;
    }
    case INSN_andi: {
        if (!rt) return 1;
        int ws = w_of(t, rs), wi = w_const(uimm);
        int d = g_dst(t, rt, -1);
        g_load32(t, d, rs);
        x_alu_ri(b, ALU_AND, 0, d, (int32_t)uimm);
        g_commit(t, rt, d);
        t->width[rt] = (uint8_t)(ws < wi ? ws : wi);
        return 1;
    }
    case INSN_ori: case INSN_xori: {
        if (!rt) return 1;
        int d = g_dst(t, rt, -1);
        g_load(t, d, rs);
        if (uimm)
            x_alu_ri(b, id == INSN_ori ? ALU_OR : ALU_XOR, 1, d, (int32_t)uimm);
        g_commit(t, rt, d);
        return 1;
    }
    case INSN_lui:
        g_store_imm(t, rt, SEXT32(uimm << 16));
        return 1;

    case INSN_mfhi: case INSN_mflo: {
        if (!rd) return 1;
        int d = g_dst(t, rd, -1);
        x_mov_load(b, 1, d, X_R15, id == INSN_mfhi ? OFF(hi) : OFF(lo));
        g_commit(t, rd, d);
        return 1;
    }
    case INSN_mthi: case INSN_mtlo:
        src = g_src(t, rs, X_RAX);
        x_mov_store(b, 1, X_R15, id == INSN_mthi ? OFF(hi) : OFF(lo), src);
        return 1;
    case INSN_mult: case INSN_multu: {
        /* the low words, sign- or zero-extended, multiplied in 64 bits:
         * HI is the upper half (for MULT already sign-extended) */
        int a = g_src32(t, rs, X_RAX), c = g_src32(t, rt, X_RCX);
        if (id == INSN_mult) {
            x_movsxd(b, X_RAX, a);
            x_movsxd(b, X_RCX, c);
        } else {
            x_mov_rr(b, 0, X_RAX, a);
            x_mov_rr(b, 0, X_RCX, c);
        }
        x_imul_rr(b, 1, X_RAX, X_RCX);
        x_mov_rr(b, 1, X_RDX, X_RAX);
        x_shift_ri(b, id == INSN_mult ? SH_SAR : SH_SHR, 1, X_RDX, 32);
        if (id == INSN_multu)
            x_movsxd(b, X_RDX, X_RDX);
        x_movsxd(b, X_RAX, X_RAX);
        x_mov_store(b, 1, X_R15, OFF(lo), X_RAX);
        x_mov_store(b, 1, X_R15, OFF(hi), X_RDX);
        return 1;
    }
    case INSN_mul:
        if (!rd) return 1;
        g_load(t, X_RAX, rs);
        src = g_src(t, rt, X_RCX);
        x_imul_rr(b, 0, X_RAX, src);
        x_movsxd(b, X_RAX, X_RAX);
        g_store(t, rd, X_RAX);
        return 1;
    case INSN_dmult: case INSN_dmultu:
        if (!t->allow64) return 0;
        g_load(t, X_RAX, rs);
        g_load(t, X_RCX, rt);
        x_unary(b, id == INSN_dmult ? UN_IMUL : UN_MUL, 1, X_RCX);
        x_mov_store(b, 1, X_R15, OFF(lo), X_RAX);
        x_mov_store(b, 1, X_R15, OFF(hi), X_RDX);
        return 1;
    case INSN_div: case INSN_divu: case INSN_ddiv: case INSN_ddivu: {
        int w = id == INSN_ddiv || id == INSN_ddivu;
        int sgn = id == INSN_div || id == INSN_ddiv;
        if (w && !t->allow64) return 0;
        if (w) {
            g_load(t, X_RAX, rs);
            g_load(t, X_RCX, rt);
        } else {
            /* 32-bit forms divide the low words */
            g_load32(t, X_RAX, rs);
            g_load32(t, X_RCX, rt);
        }
        /* divisor 0: HI/LO unchanged (interp.c); never a host fault */
        x_test_rr(b, w, X_RCX, X_RCX);
        size_t zero = x_jcc(b, CC_E, 0);
        size_t done2 = 0;
        if (sgn) {
            /* x / -1 = -x (INT_MIN stays INT_MIN), remainder 0 */
            x_alu_ri(b, ALU_CMP, w, X_RCX, -1);
            size_t normal = x_jcc(b, CC_NE, 0);
            x_unary(b, UN_NEG, w, X_RAX);
            x_mov_ri(b, X_RDX, 0);
            done2 = x_jmp(b, 0);
            x_bind(b, normal);
            if (w)
                x_cqo(b);
            else
                x_cdq(b);
            x_unary(b, UN_IDIV, w, X_RCX);
        } else {
            x_mov_ri(b, X_RDX, 0);
            x_unary(b, UN_DIV, w, X_RCX);
        }
        if (done2)
            x_bind(b, done2);
        if (!w) {
            x_movsxd(b, X_RAX, X_RAX);
            x_movsxd(b, X_RDX, X_RDX);
        }
        x_mov_store(b, 1, X_R15, OFF(lo), X_RAX);
        x_mov_store(b, 1, X_R15, OFF(hi), X_RDX);
        x_bind(b, zero);
        return 1;
    }
    case INSN_sync: case INSN_pref:
        return 1;

    case INSN_lb: emit_load(t, rt, rs, imm, LK_S8); return 1;
    case INSN_lbu: emit_load(t, rt, rs, imm, LK_U8); return 1;
    case INSN_lh: emit_load(t, rt, rs, imm, LK_S16); return 1;
    case INSN_lhu: emit_load(t, rt, rs, imm, LK_U16); return 1;
    case INSN_lw: emit_load(t, rt, rs, imm, LK_S32); return 1;
    case INSN_lwu:
        if (!t->allow64) return 0;
        emit_load(t, rt, rs, imm, LK_U32);
        return 1;
    case INSN_ld:
        if (!t->allow64) return 0;
        emit_load(t, rt, rs, imm, LK_64);
        return 1;
    case INSN_sb: emit_store(t, rt, rs, imm, 1); return 1;
    case INSN_sh: emit_store(t, rt, rs, imm, 2); return 1;
    case INSN_sw: emit_store(t, rt, rs, imm, 4); return 1;
    case INSN_sd:
        if (!t->allow64) return 0;
        emit_store(t, rt, rs, imm, 8);
        return 1;
    default:
        return 0;
    }
}

/* Instructions translated without changing the host flags when asked
 * (tctx.keep_flags): ADDIU and ADDU through LEA. */
static int flag_safe(enum insn_id id, uint32_t insn)
{
    if (id == INSN_addiu)
        return INSN_RS(insn) != 0;
    if (id == INSN_addu)
        return INSN_RS(insn) != 0 && INSN_RT(insn) != 0;
    return 0;
}

/*
 * SLL rd, rt, 1..3 followed by ADDU rd, other, rd (either order) in the
 * same block: one LEA rd = other + rt * 2^sa in 32 bits (the shifted
 * value, overwritten by the sum and unable to fault in between, is never
 * seen). Returns 1 when it translated both (t->k then at the ADDU).
 */
static int emit_scaled_add(struct tctx *t, uint32_t insn)
{
    int rd = INSN_RD(insn), rt = INSN_RT(insn), sa = INSN_SA(insn);
    if (t->in_slot || t->k + 1 >= t->n || rd == 0 || sa < 1 || sa > 3 ||
        t->id[t->k + 1] != INSN_addu)
        return 0;
    uint32_t next = t->insn[t->k + 1];
    int a = INSN_RS(next), c = INSN_RT(next);
    if ((int)INSN_RD(next) != rd || (a == rd) == (c == rd))
        return 0;
    int other = a == rd ? c : a;
    int base = g_src32(t, other, X_RAX);
    int idx = g_src32(t, rt, X_RCX);
    int d = g_dst(t, rd, -1);
    x_lea_idx(&t->b, 0, d, base, idx, 1 << sa, 0);
    g_commit32(t, rd, d);
    t->k++;
    t->pc = t->pcs[t->k];
    return 1;
}

/* One non-branch instruction. */
static void emit_insn(struct tctx *t)
{
    enum insn_id id = t->id[t->k];
    uint32_t insn = t->insn[t->k];
    unsigned fl = mips_insn_desc[id].flags;
    if (t->flag_g && flag_safe(id, insn)) {
        uint32_t r, w;
        insn_regs(id, insn, &r, &w);
        t->keep_flags = 1;
        emit_alu(t, id, insn);
        t->keep_flags = 0;
        if (w & (1u << t->flag_g))
            t->flag_g = 0;
        return;
    }
    t->flag_g = 0;
    if (id == INSN_sll && emit_scaled_add(t, insn))
        return;
    if (fl & F_ENDBLOCK) {
        if (t->in_slot)
            t->slot_endblock = 1; /* the branch's exits must not chain */
        emit_helper(t, !t->in_slot);
        return;
    }
    int r = emit_alu(t, id, insn);
    if (r == 0)
        emit_helper(t, 0);
}

/* ---- branches ---- */

enum cond { C_ALWAYS, C_NEVER, C_EQ, C_NE, C_LEZ, C_GTZ, C_LTZ, C_GEZ };

/* Flags for the condition; returns the x86 cc that means "taken". */
static int emit_cond(struct tctx *t, enum cond c, int rs, int rt)
{
    struct xbuf *b = &t->b;
    if ((c == C_EQ || c == C_NE) && rs == 0) {
        rs = rt; /* compared with zero */
        rt = 0;
    }
    if ((c == C_EQ || c == C_NE) && rt == 0 && rs != 0 && rs == t->flag_g)
        return c == C_NE ? t->flag_cc : t->flag_cc ^ 1; /* SLT's compare */
    /* values known to be sign-extended words compare in their low 32
     * bits (equality, sign, zero) */
    int narrow = sext32_known(t, rs) &&
                 (c != C_EQ && c != C_NE ? 1 : sext32_known(t, rt));
    int a = narrow ? g_src32(t, rs, X_RAX) : g_src(t, rs, X_RAX);
    switch (c) {
    case C_EQ:
    case C_NE: {
        if (rt == 0) {
            x_test_rr(b, !narrow, a, a);
        } else {
            int o = narrow ? g_src32(t, rt, X_RCX) : g_src(t, rt, X_RCX);
            x_alu_rr(b, ALU_CMP, !narrow, a, o);
        }
        return c == C_EQ ? CC_E : CC_NE;
    }
    default:
        x_test_rr(b, !narrow, a, a);
        return c == C_LEZ ? CC_LE : c == C_GTZ ? CC_G : c == C_LTZ ? CC_L : CC_GE;
    }
}

/*
 * A branch and its delay slot. Returns 1 when translation goes on at
 * pc + 8 (the block continues on the not-taken path of a conditional
 * branch), 0 when the block ends here.
 */
static int emit_branch(struct tctx *t)
{
    struct xbuf *b = &t->b;
    enum insn_id id = t->id[t->k];
    uint32_t insn = t->insn[t->k];
    int rs = INSN_RS(insn), rt = INSN_RT(insn);
    uint64_t pc = t->pc;
    int likely = (mips_insn_desc[id].flags & F_LIKELY) != 0;
    enum cond c = C_ALWAYS;
    int link = 0;
    int regjump = 0;
    uint64_t target = pc + 4 + ((uint64_t)INSN_IMM(insn) << 2);

    switch (id) {
    case INSN_beq: case INSN_beql: c = C_EQ; break;
    case INSN_bne: case INSN_bnel: c = C_NE; break;
    case INSN_blez: case INSN_blezl: c = C_LEZ; break;
    case INSN_bgtz: case INSN_bgtzl: c = C_GTZ; break;
    case INSN_bltz: case INSN_bltzl: c = C_LTZ; break;
    case INSN_bgez: case INSN_bgezl: c = C_GEZ; break;
    case INSN_bltzal: case INSN_bltzall: c = C_LTZ; link = 31; break;
    case INSN_bgezal: case INSN_bgezall: c = C_GEZ; link = 31; break;
    case INSN_j: case INSN_jal:
        target = ((pc + 4) & ~0x0FFFFFFFull) | ((uint64_t)INSN_TARGET(insn) << 2);
        link = id == INSN_jal ? 31 : 0;
        break;
    case INSN_jr: regjump = 1; break;
    case INSN_jalr: regjump = 1; link = INSN_RD(insn); break;
    default: break;
    }
    /* conditions on $zero alone are known now */
    if (c == C_EQ && rs == rt)
        c = C_ALWAYS;
    else if (c == C_NE && rs == rt)
        c = C_NEVER;
    else if (rs == 0 && c >= C_LEZ)
        c = (c == C_LEZ || c == C_GEZ) ? C_ALWAYS : C_NEVER;

    uint32_t brd, bwr, srd, swr;
    insn_regs(id, insn, &brd, &bwr);
    insn_regs(t->id[t->k + 1], t->insn[t->k + 1], &srd, &swr);

    t->stash = STASH_NONE;
    t->stash_spilled = 0;
    if (regjump) {
        g_load(t, X_RSI, rs);
        t->stash = STASH_TARGET;
    }
    int cc = -1, early = 0;
    size_t not_taken = 0;
    if (c != C_ALWAYS && c != C_NEVER) {
        early = likely || (brd & (swr | (link ? 1u << link : 0)));
        if (early) {
            cc = emit_cond(t, c, rs, rt);
            if (likely) {
                not_taken = x_jcc(b, cc ^ 1, 0);
            } else {
                x_setcc(b, cc, X_RSI);
                t->stash = STASH_COND;
            }
        }
    }
    uint32_t dirty_before_link = t->dirty;
    uint32_t valid_before_slot = t->valid;
    uint32_t lazy_before_slot = t->lazy;
    int synced_before_slot = t->synced;
    uint8_t width_before_slot[32];
    memcpy(width_before_slot, t->width, sizeof(width_before_slot));
    if (link)
        g_store_imm(t, link, pc + 8);
    /* instructions after the slot belong to this block (scan_block) */
    int cont = t->k + 2 < t->n;
    if (c == C_NEVER && likely) {
        if (cont) {
            /* the slot is skipped: the count is one below its index */
            t->k++;
            count_add(t, -1);
            return 1;
        }
        exit_direct(t, pc + 8, t->k + 1, 1);
        return 0;
    }

    /* delay slot: faults report the branch (EPC) with Cause.BD */
    t->k++;
    t->pc = pc + 4;
    t->in_slot = 1;
    t->branch_pc = pc;
    t->slot_writes = 0;
    t->slot_leave = c == C_ALWAYS && !regjump && !likely && cont;
    t->slot_leave_pc = target;
    emit_insn(t);
    t->in_slot = 0;
    t->slot_leave = 0;
    int total = t->k + 1;
    /* a store in the slot that dropped translations goes on to the
     * branch's exits (stub.in_slot): the rest of the block may be stale */
    if (t->slot_writes)
        cont = 0;

    if (c == C_NEVER) {
        if (!cont)
            exit_direct(t, pc + 8, total, 1);
        return cont;
    }
    if (c != C_ALWAYS && !likely && cont) {
        /* taken: leave; not taken: go on */
        size_t stay;
        if (early) {
            stash_test(t);
            stay = x_jcc(b, CC_E, 0);
        } else {
            cc = emit_cond(t, c, rs, rt);
            stay = x_jcc(b, cc ^ 1, 0);
        }
        exit_direct(t, target, total, 1);
        x_bind(b, stay);
        return 1;
    }
    if (c != C_ALWAYS && !likely) {
        size_t taken;
        if (early) {
            stash_test(t);
            taken = x_jcc(b, CC_NE, 0);
        } else {
            cc = emit_cond(t, c, rs, rt);
            taken = x_jcc(b, cc, 0);
        }
        exit_direct(t, pc + 8, total, 1);
        x_bind(b, taken);
    }
    if (c == C_ALWAYS && !regjump && !likely && cont)
        return 1; /* scan_block went on at the target */
    if (regjump)
        exit_indirect(t, total);
    else
        exit_direct(t, target, total, 1);
    if (likely && not_taken) {
        /* not taken: the slot is skipped, only the branch counts; the
         * link register is written all the same */
        x_bind(b, not_taken);
        t->dirty = dirty_before_link;
        t->valid = valid_before_slot;
        t->lazy = lazy_before_slot;
        t->synced = synced_before_slot; /* a slot helper's sync didn't run */
        memcpy(t->width, width_before_slot, sizeof(t->width));
        t->slot_endblock = 0;
        if (link)
            g_store_imm(t, link, pc + 8);
        if (cont) {
            count_add(t, -1); /* see above */
            return 1;
        }
        exit_direct(t, pc + 8, t->k, 1);
    }
    return 0;
}

/* ---- block ---- */

static int is_bc1(enum insn_id id)
{
    return id == INSN_bc1f || id == INSN_bc1t || id == INSN_bc1fl ||
           id == INSN_bc1tl;
}

/* A conditional branch whose not-taken path reaches pc + 8. */
static int falls_through(enum insn_id id, uint32_t insn)
{
    int rs = INSN_RS(insn), rt = INSN_RT(insn);
    switch (id) {
    case INSN_beq: case INSN_beql:
        return rs != rt;
    case INSN_bne: case INSN_bnel:
    case INSN_bgtz: case INSN_bgtzl: case INSN_bltz: case INSN_bltzl:
    case INSN_bltzal: case INSN_bltzall:
        return 1;
    case INSN_blez: case INSN_blezl: case INSN_bgez: case INSN_bgezl:
    case INSN_bgezal: case INSN_bgezall:
        return rs != 0;
    default:
        return 0;
    }
}

/*
 * Target of a branch that is always taken, does not skip its slot and is
 * not a register jump (emit_branch's C_ALWAYS cases: j, jal, beq r,r,
 * blez/bgez/bgezal $zero); 0 otherwise.
 */
static int always_target(enum insn_id id, uint32_t insn, uint64_t pc,
                         uint64_t *target)
{
    int rs = INSN_RS(insn), rt = INSN_RT(insn);
    switch (id) {
    case INSN_j: case INSN_jal:
        *target = ((pc + 4) & ~0x0FFFFFFFull) |
                  ((uint64_t)INSN_TARGET(insn) << 2);
        return 1;
    case INSN_beq:
        if (rs != rt)
            return 0;
        break;
    case INSN_blez: case INSN_bgez: case INSN_bgezal:
        if (rs != 0)
            return 0;
        break;
    default:
        return 0;
    }
    *target = pc + 4 + ((uint64_t)INSN_IMM(insn) << 2);
    return 1;
}

static int scanned(const struct tctx *t, int n, uint64_t pc)
{
    for (int i = 0; i < n; i++)
        if (t->pcs[i] == pc)
            return 1;
    return 0;
}

/* How many instructions from `off` to the end of the delay slot of the
 * next branch, when that branch is among the next JIT_TRACE_TAIL
 * instructions of the page (0 if not, or if the idle PC or an
 * instruction that ends blocks comes first). */
static int trace_tail(const struct tctx *t, const uint8_t *page, unsigned off)
{
    uint64_t page_va = t->va & ~0xFFFull;
    for (int k = 0; k < JIT_TRACE_TAIL && off + 4 * (unsigned)k + 4 < 0x1000;
         k++) {
        unsigned o = off + 4 * (unsigned)k;
        if ((page_va | o) == t->cpu->idle_pc)
            return 0;
        enum insn_id id = mips_decode(t->cpu->dec, be32_load(page + o));
        unsigned fl = mips_insn_desc[id].flags;
        if (fl & F_BRANCH)
            return k + 2;
        if (fl & F_ENDBLOCK)
            return 0;
    }
    return 0;
}

/* Collect the block's instructions (on through the not-taken paths of
 * conditional branches, and to the targets of unconditional branches in
 * the same page that the block has not been through yet: a trace that
 * keeps its registers in host registers across them); returns their
 * number and sets t->lo, t->hi. */
static int scan_block(struct tctx *t, const uint8_t *page)
{
    const struct mips_decoder *dec = t->cpu->dec;
    unsigned off = t->va & 0xFFF;
    uint64_t page_va = t->va & ~0xFFFull;
    int n = 0;
    t->lo = off;
    t->hi = off;
    int limit = (int)JIT_MAX_BLOCK_INSNS - 1;
    int tail_added = 0;
    while (off < 0x1000) {
        if (n >= limit) {
            /* a trace cut just before its last branch would leave for a
             * block of those few instructions alone (storing and loading
             * all its registers on the way): take them in, once */
            int tail = t->followed && !tail_added
                           ? trace_tail(t, page, off) : 0;
            if (!tail || n + tail > (int)JIT_MAX_BLOCK_INSNS - 1)
                break;
            limit = n + tail;
            tail_added = 1;
        }
        uint64_t pc = page_va | off;
        if (n > 0 && (pc == t->cpu->idle_pc || scanned(t, n, pc)))
            break;
        if (off < t->lo)
            t->lo = off;
        if (off + 4 > t->hi)
            t->hi = off + 4;
        uint32_t w = be32_load(page + off);
        enum insn_id id = mips_decode(dec, w);
        unsigned fl = mips_insn_desc[id].flags;
        if (fl & F_BRANCH) {
            if (is_bc1(id) || off + 4 >= 0x1000)
                break;
            uint32_t w2 = be32_load(page + off + 4);
            enum insn_id id2 = mips_decode(dec, w2);
            if ((mips_insn_desc[id2].flags & F_BRANCH) || id2 == INSN_eret)
                break;
            if (off + 8 > t->hi)
                t->hi = off + 8;
            t->pcs[n] = pc;
            t->insn[n] = w;
            t->id[n++] = id;
            t->pcs[n] = pc + 4;
            t->insn[n] = w2;
            t->id[n++] = id2;
            if (mips_insn_desc[id2].flags & F_ENDBLOCK)
                return n;
            uint64_t target;
            if (always_target(id, w, pc, &target)) {
                if ((target & ~0xFFFull) != page_va || (target & 3))
                    return n;
                off = (unsigned)(target & 0xFFF);
                t->followed = 1;
                /* a trace stays short: its exits store and its entry
                 * loads the registers of the whole of it */
                if (limit > JIT_TRACE_INSNS)
                    limit = n > JIT_TRACE_INSNS ? n : JIT_TRACE_INSNS;
                continue; /* breaks above if already scanned */
            }
            if (!falls_through(id, w))
                return n;
            off += 8; /* the not-taken path goes on in this block */
            continue;
        }
        t->pcs[n] = pc;
        t->insn[n] = w;
        t->id[n++] = id;
        off += 4;
        if (fl & F_ENDBLOCK)
            break;
    }
    return n;
}

/* Cache the guest registers the block uses most (all of them when there
 * are enough host registers: a load in the prologue costs no more than
 * one at the use, and in-block loops then run from registers alone). */
static void choose_cached(struct tctx *t)
{
    /* An in-block loop (a branch back to the start of the block) runs
     * its body many times: its instructions weigh more than the way out
     * after it. */
    int loop_end = -1;
    for (int i = 0; i < t->n; i++) {
        unsigned fl = mips_insn_desc[t->id[i]].flags;
        uint64_t pc = t->pcs[i];
        uint64_t target = pc + 4 + ((uint64_t)INSN_IMM(t->insn[i]) << 2);
        if (t->id[i] == INSN_j || t->id[i] == INSN_jal)
            target = ((pc + 4) & ~0x0FFFFFFFull) |
                     ((uint64_t)INSN_TARGET(t->insn[i]) << 2);
        if ((fl & F_BRANCH) && t->id[i] != INSN_jr && t->id[i] != INSN_jalr &&
            target == t->va)
            loop_end = i + 1; /* with its delay slot */
    }
    int *uses = t->uses;
    memset(t->uses, 0, sizeof(t->uses));
    uint32_t loop_written = 0;
    for (int i = 0; i < t->n; i++) {
        uint32_t r, w;
        insn_regs(t->id[i], t->insn[i], &r, &w);
        if (i <= loop_end)
            loop_written |= w;
        int weight = i <= loop_end ? 8 : 1; /* a guess at the trip count */
        for (int g = 1; g < 32; g++)
            uses[g] += weight * (((r >> g) & 1) + ((w >> g) & 1));
    }
    memset(t->hreg, -1, sizeof(t->hreg));
    t->cached = 0;
    t->volatile_cached = 0;
    for (int h = 0; h < NCACHE; h++) {
        int best = 0;
        for (int g = 1; g < 32; g++)
            if (!(t->cached & (1u << g)) && uses[g] > uses[best])
                best = g;
        if (best == 0)
            break;
        t->cached |= 1u << best;
    }
    /* Each guest register goes to the same host register in every block
     * where it can (slot g mod NCACHE, else the next free one), so that
     * chained blocks find in host registers what their prologue loads
     * (jit_block.fast). */
    int taken = 0;
    for (int g = 1; g < 32; g++) {
        if (!(t->cached & (1u << g)))
            continue;
        int h = g % NCACHE;
        while (taken & (1 << h))
            h = (h + 1) % NCACHE;
        taken |= 1 << h;
        t->hreg[g] = (int8_t)cache_hregs[h];
        if (HREG_VOLATILE & (1u << cache_hregs[h]))
            t->volatile_cached |= 1u << g;
    }
    /* dirty when the loop comes back (the ones written after it are
     * stored by the exits that follow their writes) */
    t->body_dirty = t->cached & loop_written;

    /*
     * A block no branch of which comes back to its start is entered only
     * through the prologue: its registers start clean (exits store only
     * what their path wrote), and the ones it writes before reading are
     * not loaded at all. A write in the slot of a likely branch does not
     * count (the not-taken path skips it).
     */
    int loops = 0;
    uint32_t seen = 0, write_first = 0;
    for (int i = 0; i < t->n; i++) {
        uint32_t r, w;
        insn_regs(t->id[i], t->insn[i], &r, &w);
        uint64_t pc = t->pcs[i];
        unsigned fl = mips_insn_desc[t->id[i]].flags;
        if (fl & F_BRANCH) {
            uint64_t target = pc + 4 + ((uint64_t)INSN_IMM(t->insn[i]) << 2);
            if (t->id[i] == INSN_j || t->id[i] == INSN_jal)
                target = ((pc + 4) & ~0x0FFFFFFFull) |
                         ((uint64_t)INSN_TARGET(t->insn[i]) << 2);
            if (t->id[i] != INSN_jr && t->id[i] != INSN_jalr &&
                target == t->va)
                loops = 1;
        }
        int likely_slot = i > 0 &&
            (mips_insn_desc[t->id[i - 1]].flags & (F_BRANCH | F_LIKELY)) ==
                (F_BRANCH | F_LIKELY);
        seen |= r;
        if (!likely_slot)
            write_first |= w & ~seen;
        seen |= w;
    }
    t->entry_dirty = loops ? t->body_dirty : 0;
    t->entry_load = loops ? t->cached : t->cached & ~write_first;
}

/* The block's instructions after the prologue, entered with the
 * registers of `lazy` lazy (tctx.copy). */
static void emit_copy(struct tctx *t, int copy, uint32_t lazy)
{
    t->copy = copy;
    t->dirty = t->entry_dirty;
    t->valid = copy == 2 ? t->cached : t->entry_load;
    t->lazy = lazy;
    widths_unknown(t);
    t->synced = t->n; /* the prologue counted the whole block */
    t->stash = STASH_NONE;
    t->stash_spilled = 0;
    t->slot_endblock = 0;
    t->slot_writes = 0;
    t->slot_leave = 0;
    t->in_slot = 0;
    t->flag_g = 0;
    for (t->k = 0; t->k < t->n; t->k++) {
        t->pc = t->pcs[t->k];
        enum insn_id id = t->id[t->k];
        unsigned fl = mips_insn_desc[id].flags;
        if (fl & F_BRANCH) {
            int go_on = emit_branch(t);
            t->stash = STASH_NONE;
            t->flag_g = 0;
            if (!go_on)
                break;
            continue; /* the slot was consumed */
        }
        emit_insn(t);
        if (fl & F_ENDBLOCK)
            break;
        if (t->k == t->n - 1)
            exit_direct(t, t->pc + 4, t->n, 1);
    }
}

static int allow64(uint32_t mode)
{
    unsigned priv = (mode >> 1) & 3;
    return priv == 0 || (priv == 1 && (mode & (1u << 5))) ||
           (priv == 2 && (mode & (1u << 4)));
}

struct jit_block *jit_translate(struct mips_jit *jit, uint64_t va, uint64_t pa,
                                const uint8_t *page,
                                const struct jit_exit *from)
{
    static __thread struct tctx tls_ctx;
    struct tctx *t = &tls_ctx;
    memset(t, 0, offsetof(struct tctx, stubs));
    t->nstubs = 0;
    t->nreenter = 0;
    t->jit = jit;
    t->cpu = jit->cpu;
    t->va = va;
    t->mode = jit->cpu->mode_key;
    t->allow64 = allow64(t->mode);
    t->direct_ok = !jit->cfg.lockstep && !jit->cfg.no_chain;
    /* code in kseg0 (kernel mode) mostly reaches its data there too */
    t->k0_inline = ((t->mode >> 1) & 3) == 0 && in_kseg01(va) &&
                   va < 0xFFFFFFFFA0000000ull;
    t->n = scan_block(t, page);
    if (t->n == 0)
        return NULL;
    if (jit->nblocks == jit->maxblocks)
        return NULL;
    struct jit_block *blk = &jit->blocks[jit->nblocks++];
    memset(blk, 0, sizeof(*blk));
    blk->va = va;
    blk->pa = pa;
    blk->mode = t->mode;
    blk->ninsns = (uint32_t)t->n;
    blk->lo = t->lo;
    blk->hi = t->hi;
    t->blk = blk;
    choose_cached(t);

    struct xbuf *b = &t->b;
    b->rw = jit->rw + jit->used;
    b->rx = (uintptr_t)jit->rx + jit->used;
    b->cap = jit->size - jit->used;
    blk->code = x_here(b);

    /*
     * prologue: the cached registers, then the budget (also zero once
     * attention is raised; the registers are clean, `reenter` leaves
     * them). Its first instruction is 7 bytes long: block_drop()
     * overwrites it with a jump to `reenter`. Chained exits whose host
     * registers hold blk->loads already enter at blk->fast.
     */
    /* a chained exit enters after the loads of the registers it holds up
     * to the first one it does not (jit.c try_chain): first the ones the
     * exit that led here holds (it is chained to this block next), then
     * the most used, the likeliest to be held by other exits */
    uint32_t todo = t->entry_load, held = 0;
    for (int g = 1; from && g < 32; g++)
        if ((todo & (1u << g)) && from->held[cache_slot(t->hreg[g])] == g)
            held |= 1u << g;
    while (todo) {
        int g = 0;
        uint32_t pick = todo & held ? todo & held : todo;
        for (int i = 1; i < 32; i++)
            if ((pick & (1u << i)) && (g == 0 || t->uses[i] > t->uses[g]))
                g = i;
        todo &= ~(1u << g);
        blk->load_at[blk->nloads] = (uint32_t)b->pos;
        if (blk->nloads == 0)
            x_mov_load_f32(b, t->hreg[g], X_R15, GPR(g));
        else
            x_mov_load(b, 1, t->hreg[g], X_R15, GPR(g));
        int h = cache_slot(t->hreg[g]);
        blk->loads[h] = (uint8_t)g;
        blk->load_h[blk->nloads] = (uint8_t)h;
        blk->nloads++;
    }
    blk->load_at[blk->nloads] = (uint32_t)b->pos;
    blk->fast = x_here(b);
    /* counted in advance: exits that end the block add nothing, earlier
     * ones subtract what they did not run (tctx.synced) */
    x_add_r14_f32(b, t->n);
    x_alu_rm(b, ALU_CMP, 1, X_R14, X_R15, OFF(jit_end));
    t->reenter_jumps[t->nreenter++] = x_jcc(b, CC_A, 0);
    /* Loops back to `body` arrive with the cached registers the block
     * writes possibly modified: they are dirty from here on. */
    t->body = x_here(b);
    size_t body_pos = b->pos;
    size_t nexits = jit->nexits;
    emit_copy(t, 0, 0);
    if (t->back_edges && (t->back_sext & t->back_lazy) &&
        t->n <= JIT_TRACE_INSNS) {
        /* again, with a second copy for the turns after the first (its
         * stubs fit: JIT_TRACE_INSNS is half of JIT_MAX_BLOCK_INSNS) */
        b->pos = body_pos;
        t->nstubs = 0;
        jit->nexits = nexits;
        t->peel_lazy = t->back_sext;
        emit_copy(t, 1, 0);
        t->body2 = x_here(b);
        for (int i = 0; i < t->nbody2; i++)
            x_bind(b, t->body2_jumps[i]);
        emit_copy(t, 2, t->peel_lazy);
    }

    for (int i = 0; i < t->nstubs; i++)
        emit_stub(t, &t->stubs[i]);
    for (int i = 0; i < t->nreenter; i++)
        x_bind(b, t->reenter_jumps[i]);
    count_add(t, -t->n); /* the prologue's count, not run */
    blk->reenter = x_here(b); /* block_drop: entered before the count */
    set_pc(t, va);
    x_mov_ri(b, X_RAX, 0);
    jmp_exit(t);

    if (b->overflow) {
        jit->nblocks--;
        return NULL;
    }
    blk->code_len = (uint32_t)b->pos;
    blk->valid = 1;
    jit->used += (b->pos + 15) & ~(size_t)15;
    return blk;
}

void jit_emit_trampoline(struct mips_jit *jit)
{
    struct xbuf bb = {.rw = jit->rw, .rx = (uintptr_t)jit->rx,
                      .pos = 0, .cap = jit->size};
    struct xbuf *b = &bb;
    static const int saved[] = {X_RBX, X_RBP, X_R12, X_R13, X_R14, X_R15};
    jit->enter = x_here(b);
    for (int i = 0; i < 6; i++)
        x_push(b, saved[i]);
    /* 8 (return address) + 48 + 24 = 80: RSP 16-byte aligned in blocks */
    x_alu_ri(b, ALU_SUB, 1, X_RSP, 24);
    x_mov_rr(b, 1, X_R15, X_RDI);
    x_mov_load(b, 1, X_R14, X_R15, OFF(insn_count));
    x_jmp_r(b, X_RSI);
    while (b->pos & 15)
        x_int3(b);
    jit->exit = x_here(b);
    x_mov_store(b, 1, X_R15, OFF(insn_count), X_R14);
    x_alu_ri(b, ALU_ADD, 1, X_RSP, 24);
    for (int i = 5; i >= 0; i--)
        x_pop(b, saved[i]);
    x_ret(b);
    jit->tramp_size = (b->pos + 63) & ~(size_t)63;
}
