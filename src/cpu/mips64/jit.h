/*
 * Dynamic translator from MIPS64 to x86-64 (issue: "x86-64 dynamic
 * translator: faster than the reference, identical to the interpreter").
 *
 * Guest code is translated one basic block at a time (up to and including
 * a branch and its delay slot, or an instruction that changes CPU mode),
 * keyed by (virtual PC, physical address, CPU mode). Blocks are chained by
 * patched direct jumps; register jumps go through a jump cache probed in
 * translated code. Every block checks the instruction budget on entry,
 * and raising `attention` takes the budget away, so timer, interrupts,
 * stop requests and deterministic mode behave exactly as with the
 * interpreter.
 *
 * Instructions without a native translation call the interpreter for that
 * one instruction, so the interpreter stays the single definition of every
 * instruction's semantics.
 *
 * A store into a physical page holding translations drops them: pages
 * with code are mapped read-only in the CPU's translation cache (so only
 * the store slow path sees them), and device DMA reports writes through
 * the physical map's write hook.
 */
#ifndef CPU_MIPS64_JIT_H
#define CPU_MIPS64_JIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mips_cpu;

struct mips_jit_config {
    size_t code_size;   /* bytes of code memory; 0 = default (32 MB) */
    int lockstep;       /* check every block against the interpreter */
    int no_chain;       /* never chain blocks (debugging) */
    int perf_map;       /* append every block to /tmp/perf-<pid>.map */
    int eager;          /* translate code the first time it runs (by
                         * default the second: code run once is
                         * interpreted) */
    int no_movbe;       /* byte-swap words with BSWAP even where the host
                         * has MOVBE (tests) */
};

struct mips_jit_stats {
    uint64_t blocks;        /* blocks translated */
    uint64_t flushes;       /* whole code cache flushes */
    uint64_t invalidations; /* blocks dropped by writes to their page */
    uint64_t chains;        /* direct jumps patched */
    uint64_t chains_fast;   /* ... of them past the target's loads */
    uint64_t interp_steps;  /* instructions the dispatcher interpreted */
    uint64_t lockstep_blocks;
    uint64_t lockstep_resyncs; /* blocks not compared: device access */
    size_t code_used;
};

/* Attach a translator to cpu (cpu->jit). 0 or a negative errno. */
int mips_jit_create(struct mips_cpu *cpu, const struct mips_jit_config *cfg);
void mips_jit_destroy(struct mips_cpu *cpu);

/*
 * Run translated code until insn_count reaches `end`, the attention flag
 * is raised, or the guest reached its idle PC often enough to sleep
 * (cpu->idle_sleep_req). Called by the run loop in place of the
 * interpreter's inner loop. `exact`: stop at `end` exactly (deterministic
 * time, stepping); otherwise a block started before `end` may run past it.
 */
void mips_jit_exec(struct mips_cpu *cpu, uint64_t end, int exact);

/* Drop every translation (idle PC changes, tests). */
void mips_jit_flush(struct mips_cpu *cpu);

/* Translation cache fill: may stores to this physical page bypass the
 * slow path? (No when the page holds translated code, or in lockstep.) */
int mips_jit_store_direct(struct mips_cpu *cpu, uint64_t pa_page);

/* The CPU is about to store to physical RAM at pa (CPU thread, slow
 * path): drop translations of that page; lockstep logs the write. */
void mips_jit_cpu_write(struct mips_cpu *cpu, uint64_t pa, unsigned size);

/* Physical-map write hook (any thread: DMA, loaders). arg = the jit. */
void mips_jit_ram_written(void *arg, uint64_t pa, uint64_t len);

void mips_jit_get_stats(const struct mips_cpu *cpu, struct mips_jit_stats *st);

#endif
