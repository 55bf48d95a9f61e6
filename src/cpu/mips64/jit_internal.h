/*
 * Translator internals shared by jit.c (code cache, dispatcher,
 * invalidation), jit_trans.c (MIPS -> x86-64 translation) and
 * jit_lockstep.c (interpreter cross-check).
 *
 * Host register use inside translated code:
 *   R15            the CPU structure (constant)
 *   R14            cpu->insn_count: loaded on entry, stored on exit and
 *                  before every helper call (helpers read it in memory)
 *   RBX RBP R12 R13  guest registers cached for the current block
 *   R8-R11 RDI     more cached guest registers; helper calls clobber
 *                  them, so the memory slow paths store the dirty ones
 *                  before a call and reload all of them after it
 *   RAX RCX RDX RSI  scratch
 *   [RSP+0..23]    scratch slots (branch condition, register-jump target)
 * RSP is 16-byte aligned inside blocks, so helpers are called directly.
 */
#ifndef CPU_MIPS64_JIT_INTERNAL_H
#define CPU_MIPS64_JIT_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/mips64/cpu_internal.h"
#include "cpu/mips64/jit.h"
#include "cpu/mips64/x86_emit.h"

#define JIT_DEFAULT_CODE_SIZE (32u << 20)
#define JIT_MAX_BLOCK_INSNS 64u
#define JIT_TRACE_INSNS 32      /* most instructions of a block that follows a branch */
/* and up to this many more to reach the end of the trace's next branch
 * (an interpreter's dispatch: its load and register jump) */
#define JIT_TRACE_TAIL 4
/* Worst case host bytes of one block (64 instructions, stubs included). */
#define JIT_BLOCK_MARGIN (64u << 10)
/* Block and page hash tables: buckets at first (a few KB, what an idle
 * router's few hundred blocks need) and most; they double while there
 * are more entries than buckets, so an idle router touches only what it
 * uses and a big guest gets the 16K buckets it always had. */
#define JIT_HASH_BITS_MIN 10
#define JIT_HASH_BITS 14
#define JIT_PAGE_HASH_BITS_MIN 6
#define JIT_PAGE_HASH_BITS 12
/* Jump cache entries at first and most; it doubles, with a flush of the
 * translations that embed its address and mask, when more than half of
 * its entries are in use (an idle router uses about 200). */
#define JIT_JC_BITS_MIN 9
#define JIT_JC_BITS 12
/* Block starts remembered as seen once (jit.c first_sight): 32 KB at
 * most, touched where used; a few thousand covers a boot's one-time code. */
#define JIT_COLD_SLOTS 4096u
#define JIT_HOT_RUNS 3          /* translated at the third run (at most 3:
                                 * the count is in the low 2 bits of a pc) */
#define JIT_PA_BITS 36             /* R4000 physical address width */
#define JIT_PENDING_MAX 64

/* Stack scratch slots (see above) */
/* host registers that hold guest registers in translated code (jit_trans.c
 * cache_hregs) */
#define JIT_NCACHE 9
#define SLOT_COND 0
#define SLOT_TARGET 8

struct jit_block;

/* A direct exit of a block: patched into a jump to its target block. */
struct jit_exit {
    uintptr_t jmp_field;      /* rx address of the rel32 of the jmp */
    uintptr_t gen_field;      /* rx address of the tc_gen imm32, or 0 */
    uintptr_t va_field;       /* register jumps: rx address of the imm64
                               * the target is compared with (the target
                               * chained to, set when chaining), or 0 */
    uint64_t target;          /* guest PC */
    struct jit_block *from;
    struct jit_block *to;     /* block the jump is patched to, or NULL */
    struct jit_exit *next_in; /* list of exits linked to one block */
    /* guest register each cache host register holds at the jump (0:
     * none): a target whose prologue would load the same ones there is
     * entered past its loads (jit_block.fast) */
    uint8_t held[JIT_NCACHE];
    /* the loads of the target's prologue the exit does not hold, then a
     * jump past the prologue (jit.c chain_loads), made for `tramp_to` */
    uintptr_t tramp;
    struct jit_block *tramp_to;
};

struct jit_block {
    uint64_t va;
    uint64_t pa;
    uint32_t mode;            /* cpu->mode_key when translated */
    uint32_t ninsns;          /* most instructions one run can count */
    uint32_t lo, hi;          /* page offsets [lo, hi) holding all its
                               * instructions (a trace may jump around) */
    uintptr_t code;           /* entry (rx) */
    uintptr_t reenter;        /* stub: pc = va, back to the dispatcher */
    uintptr_t fast;           /* entry for chained jumps from exits whose
                               * host registers already hold what the
                               * prologue loads: budget check, no loads */
    uint8_t loads[JIT_NCACHE]; /* guest register the prologue loads into
                                * each cache host register (0: none) */
    uint8_t nloads;           /* the prologue's loads, in order: */
    uint8_t load_h[JIT_NCACHE]; /* ... the cache host register of each */
    uint32_t load_at[JIT_NCACHE + 1]; /* ... and its offset from `code`
                                       * (load_at[nloads]: `fast`) */
    uint32_t code_len;
    int valid;
    struct jit_block *hnext;  /* (va) hash chain */
    struct jit_block *pnext;  /* same physical page */
    struct jit_exit *incoming;
};

struct jit_page {
    uint64_t pa_page;
    uint64_t lines;           /* 64-byte lines holding translated code */
    struct jit_block *blocks;
    struct jit_page *next;
};

/* Jump cache entry: probed by translated register jumps. */
struct jit_jc_entry {
    uint64_t va;
    uint32_t gen;
    uint32_t mode;
    uintptr_t code;
    struct jit_block *blk;
};

/* Lockstep memory write log entry */
struct jit_wlog {
    uint64_t pa;
    uint64_t old_val;
    uint64_t new_val;
    unsigned size;
};

struct mips_jit {
    struct mips_cpu *cpu;
    struct mips_jit_config cfg;

    /* code memory: one memfd mapped twice (W^X), or mprotect toggling */
    uint8_t *rw;
    uint8_t *rx;
    size_t size;
    size_t used;
    int dual_map;             /* 0: one mapping, flipped with mprotect */
    int movbe;                /* the host has MOVBE (and cfg allows it) */
    int writable_now;         /* single mapping currently RW */
    uintptr_t enter;          /* uintptr_t enter(cpu, code) */
    uintptr_t exit;           /* restores host registers, returns rax */
    size_t tramp_size;

    /* blocks and exits: bump-allocated, reset by a flush */
    struct jit_block *blocks;
    size_t nblocks, maxblocks;
    struct jit_exit *exits;
    size_t nexits, maxexits;
    struct jit_page *pages;
    size_t npages, maxpages;
    struct jit_block **hash;  /* 1 << hash_bits chains by guest va */
    struct jit_page **page_hash; /* 1 << page_hash_bits chains */
    unsigned hash_bits, page_hash_bits;
    uint64_t *code_bits;      /* physical pages holding translations */
    uint8_t *k0_code;         /* the same for the first 512 MB, a byte a
                               * page: cpu->jit_k0_code (kseg0 stores) */

    struct jit_jc_entry *jc;  /* 1 << jc_bits entries */
    unsigned jc_bits;
    unsigned jc_used;         /* entries filled since the last flush */
    uint64_t *cold;           /* JIT_COLD_SLOTS block starts seen once */

    uint64_t idle_pc;         /* idle PC the translations were made for */
    uint64_t flush_epoch;     /* bumped by flushes */
    uint64_t inval_epoch;     /* bumped by invalidations */

    /* writes reported by other threads, applied by the CPU thread */
    pthread_mutex_t pending_lock;
    uint64_t pending[JIT_PENDING_MAX][2]; /* pa, length (one page) */
    int npending;             /* atomic reads */
    int pending_overflow;

    /* lockstep (jit_lockstep.c) */
    struct jit_wlog *wlog;
    size_t nwlog, maxwlog;
    struct jit_lockstep_bufs *ls; /* allocated at the first check */
    int wlog_on;
    int wlog_overflow;

    FILE *perf_map;           /* cfg.perf_map: /tmp/perf-<pid>.map */

    struct mips_jit_stats stats;
};

/* helpers called from translated code (jit.c) */
struct jit_ret {
    uint64_t val;
    uint64_t status;   /* 0 ok, 1 exception (pc = vector), 2 leave block */
};

struct jit_ret jit_helper_load(struct mips_cpu *cpu, uint64_t va,
                               unsigned kind);
struct jit_ret jit_helper_store(struct mips_cpu *cpu, uint64_t va,
                                uint64_t val, unsigned size);
struct jit_ret jit_helper_exec(struct mips_cpu *cpu, uint32_t insn);
void jit_helper_raise(struct mips_cpu *cpu, int code);

/* load kinds for jit_helper_load */
enum { LK_U8, LK_S8, LK_U16, LK_S16, LK_U32, LK_S32, LK_64 };

/* jit_trans.c: translate the block at va (host page bytes `page`). */
struct jit_block *jit_translate(struct mips_jit *jit, uint64_t va,
                                uint64_t pa, const uint8_t *page,
                                const struct jit_exit *from);
/* Emit the entry/exit trampoline at the start of the code area. */
void jit_emit_trampoline(struct mips_jit *jit);
/* The x86 register number of cache host register h (jit_block.loads). */
int jit_cache_hreg(unsigned h);

/* jit.c */
void *jit_rw(struct mips_jit *jit, uintptr_t rx);
void jit_code_writable(struct mips_jit *jit, int on);
struct jit_exit *jit_new_exit(struct mips_jit *jit);
uintptr_t jit_enter(struct mips_jit *jit, uintptr_t code);

/* jit_lockstep.c */
void jit_lockstep_block(struct mips_jit *jit, struct jit_block *blk);
void jit_lockstep_log(struct mips_jit *jit, uint64_t pa, unsigned size);

#endif
