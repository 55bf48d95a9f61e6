/*
 * Shared between the files of the MIPS64 CPU model: memory access paths,
 * exceptions, CP0 and timer helpers.
 */
#ifndef CPU_MIPS64_CPU_INTERNAL_H
#define CPU_MIPS64_CPU_INTERNAL_H

#include "cpu/mips64/cpu.h"
#include "mem/physmap.h"

enum mips_access { ACC_LOAD = 0, ACC_STORE = 1, ACC_FETCH = 2 };

#define SEXT32(x) ((uint64_t)(int64_t)(int32_t)(uint32_t)(x))

static inline void cpu_attention(struct mips_cpu *cpu)
{
    __atomic_store_n(&cpu->attention, 1, __ATOMIC_SEQ_CST);
    /* translated code checks only its budget: none left (jit.c) */
    __atomic_store_n(&cpu->jit_end, 0, __ATOMIC_SEQ_CST);
}

/* ---- exceptions (exception.c) ---- */

/* Raise exception `code` for the instruction at cpu->pc. */
void mips_exception(struct mips_cpu *cpu, int code);
/* Address error / TLB exceptions record BadVAddr (and Context, EntryHi). */
void mips_exception_addr(struct mips_cpu *cpu, int code, uint64_t va);
void mips_exception_tlb(struct mips_cpu *cpu, int code, uint64_t va,
                        int refill);
void mips_exception_cpu(struct mips_cpu *cpu, int unit);
void mips_take_interrupt(struct mips_cpu *cpu);

/* ---- memory (mmu.c) ---- */

void mips_tc_flush(struct mips_cpu *cpu);
void mips_update_mode(struct mips_cpu *cpu);

/*
 * Translate va for an access; on failure the exception has been raised
 * and -1 is returned.
 */
int mips_translate(struct mips_cpu *cpu, uint64_t va, int acc, uint64_t *pa,
                   int *cached, int *writable);

/* Slow paths: fill the translation cache, or go to the device. */
int mips_mem_read_slow(struct mips_cpu *cpu, uint64_t va, unsigned size,
                       int acc, uint64_t *val);
int mips_mem_write_slow(struct mips_cpu *cpu, uint64_t va, unsigned size,
                        uint64_t val);

static inline struct tc_entry *mips_tc_lookup(struct mips_cpu *cpu,
                                              uint64_t va)
{
    return &cpu->tc[(va >> 12) & (TC_SIZE - 1)];
}

static inline uint64_t mips_tc_tag(const struct mips_cpu *cpu, uint64_t va)
{
    return (va & ~0xFFFull) | cpu->mode_key;
}

/* Aligned loads/stores: 0 on success, -1 when an exception was raised. */
static inline int mips_read(struct mips_cpu *cpu, uint64_t va, unsigned size,
                            uint64_t *val)
{
    if (__builtin_expect(va & (size - 1), 0)) {
        mips_exception_addr(cpu, EXC_ADEL, va);
        return -1;
    }
    struct tc_entry *e = mips_tc_lookup(cpu, va);
    if (__builtin_expect(e->tag == mips_tc_tag(cpu, va) && e->host != NULL, 1)) {
        const uint8_t *p = e->host + (va & 0xFFF);
        switch (size) {
        case 1: *val = *p; break;
        case 2: *val = be16_load(p); break;
        case 4: *val = be32_load(p); break;
        default: *val = be64_load(p); break;
        }
        return 0;
    }
    return mips_mem_read_slow(cpu, va, size, ACC_LOAD, val);
}

static inline int mips_write(struct mips_cpu *cpu, uint64_t va, unsigned size,
                             uint64_t val)
{
    if (__builtin_expect(va & (size - 1), 0)) {
        mips_exception_addr(cpu, EXC_ADES, va);
        return -1;
    }
    struct tc_entry *e = mips_tc_lookup(cpu, va);
    if (__builtin_expect(e->tag == mips_tc_tag(cpu, va) && e->writable, 1)) {
        uint8_t *p = e->host + (va & 0xFFF);
        switch (size) {
        case 1: *p = (uint8_t)val; break;
        case 2: be16_store(p, (uint16_t)val); break;
        case 4: be32_store(p, (uint32_t)val); break;
        default: be64_store(p, val); break;
        }
        return 0;
    }
    return mips_mem_write_slow(cpu, va, size, val);
}

/* Instruction fetch; a fault is raised against cpu->pc (the branch when
 * fetching a delay slot). */
int mips_fetch_slow(struct mips_cpu *cpu, uint64_t va, uint32_t *insn);
static inline int mips_fetch_at(struct mips_cpu *cpu, uint64_t pc,
                                uint32_t *insn)
{
    /* A misaligned pc never equals the (4 KB aligned) cached page. */
    if (__builtin_expect((pc & ~0xFFCull) == cpu->fetch_page, 1)) {
        *insn = be32_load(cpu->fetch_host + (pc & 0xFFF));
        return 0;
    }
    return mips_fetch_slow(cpu, pc, insn);
}
static inline int mips_fetch(struct mips_cpu *cpu, uint32_t *insn)
{
    return mips_fetch_at(cpu, cpu->pc, insn);
}

/* Decode through the per-CPU cache of recently seen words. */
static inline enum insn_id mips_decode_cached(struct mips_cpu *cpu,
                                              uint32_t insn)
{
    struct dc_entry *e = &cpu->dcache[(insn * 0x9E3779B1u) >> (32 - DC_BITS)];
    if (__builtin_expect(e->word == insn, 1))
        return (enum insn_id)e->id;
    e->word = insn;
    e->id = mips_decode(cpu->dec, insn);
    return (enum insn_id)e->id;
}

/*
 * Decode outside the interpreter's loop. With the translator on, the
 * words interpreted are few (ROM code, instructions without a native
 * form, idle probes) and mips_decode is a bucket lookup: the 128 KB
 * cache, whose entries are spread over all of its pages by the hash,
 * stays untouched (and costs the router no memory).
 */
static inline enum insn_id mips_decode_side(struct mips_cpu *cpu,
                                            uint32_t insn)
{
    if (cpu->jit)
        return mips_decode(cpu->dec, insn);
    return mips_decode_cached(cpu, insn);
}

/* ---- interpreter (interp.c) ---- */
void mips_exec_one(struct mips_cpu *cpu);
/* The same through mips_decode_side (the translator's dispatcher). */
void mips_exec_one_side(struct mips_cpu *cpu);
/* Execute one (non-branch) instruction word for the translator, with
 * cpu->pc and in_delay_slot already set; returns 1 when it set PC
 * (exception, ERET), else 0. */
int mips_exec_insn(struct mips_cpu *cpu, uint32_t insn);

/* ---- CP0 and timer (cp0.c) ---- */

uint64_t mips_cp0_read(struct mips_cpu *cpu, int reg);
void mips_cp0_write(struct mips_cpu *cpu, int reg, uint64_t val);
uint32_t mips_cause_read(const struct mips_cpu *cpu);
int mips_irq_deliverable(const struct mips_cpu *cpu);
uint64_t mips_time_ns(const struct mips_cpu *cpu);
uint32_t mips_count_now(const struct mips_cpu *cpu, uint64_t now_ns);
void mips_timer_rearm(struct mips_cpu *cpu, uint64_t now_ns);
/* Raise IP7 if Count passed Compare; returns nonzero if it did. */
int mips_timer_check(struct mips_cpu *cpu, uint64_t now_ns);

void mips_tlbr(struct mips_cpu *cpu);
void mips_tlbwi(struct mips_cpu *cpu);
void mips_tlbwr(struct mips_cpu *cpu);
void mips_tlbp(struct mips_cpu *cpu);
/* Find the TLB entry mapping va (first match) or -1. */
int mips_tlb_find(const struct mips_cpu *cpu, uint64_t va, int compat32);

/* Effective privilege: 0 kernel, 1 supervisor, 2 user. */
static inline int mips_priv(const struct mips_cpu *cpu)
{
    uint32_t st = (uint32_t)cpu->cp0[CP0_STATUS];
    if (st & (ST_EXL | ST_ERL))
        return 0;
    return (st & ST_KSU_MASK) >> 3 > 2 ? 2 : (int)((st & ST_KSU_MASK) >> 3);
}

#endif
