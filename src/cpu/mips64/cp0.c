/*
 * Coprocessor 0: system control registers, the TLB instructions and the
 * Count/Compare timer (R4000 manual ch. 4-6, RM7000 manual ch. 6).
 *
 * Count runs at cpu->count_hz in host time (or, in deterministic mode,
 * at one tick per two executed instructions). When Count reaches Compare
 * the timer interrupt IP7 is raised; a write to Compare clears it
 * (shared spec c7200.md §5.1).
 */
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "cpu/mips64/cpu_internal.h"

/* Write masks (R4000 manual §4.x register figures) */
#define ENTRYHI_MASK 0xC00000FFFFFFE0FFull /* R, VPN2, ASID */
#define ENTRYLO_MASK 0x3FFFFFFFull         /* PFN, C, D, V, G */
#define PAGEMASK_MASK 0x01FFE000ull        /* 4 KB .. 16 MB */
#define INDEX_P 0x80000000ull
#define CONFIG_K0_MASK 0x7ull              /* kseg0 coherency, writable */
#define CONTEXT_PTEBASE_MASK (~0x7FFFFFull)
#define XCONTEXT_PTEBASE_MASK (~0x1FFFFFFFFull)

uint64_t mips_time_ns(const struct mips_cpu *cpu)
{
    if (cpu->time_fixed_ns)
        return cpu->time_fixed_ns;
    if (cpu->deterministic) {
        /* Count advances once per two instructions: ns = insns/2/hz */
        return (uint64_t)((unsigned __int128)cpu->insn_count * 1000000000u /
                          (2 * cpu->count_hz));
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint32_t mips_count_now(const struct mips_cpu *cpu, uint64_t now_ns)
{
    uint64_t ticks = (uint64_t)((unsigned __int128)(now_ns - cpu->time_base_ns) *
                                cpu->count_hz / 1000000000u);
    return (uint32_t)(cpu->count_base + ticks);
}

/* Host time at which Count next equals Compare. */
void mips_timer_rearm(struct mips_cpu *cpu, uint64_t now_ns)
{
    uint32_t count = mips_count_now(cpu, now_ns);
    uint32_t cmp = (uint32_t)cpu->cp0[CP0_COMPARE];
    uint64_t delta = (uint32_t)(cmp - count);
    if (delta == 0)
        delta = 1ull << 32;
    /* Exact instant of the tick that makes Count == Compare. */
    uint64_t ticks_now = (uint64_t)((unsigned __int128)(now_ns - cpu->time_base_ns) *
                                    cpu->count_hz / 1000000000u);
    uint64_t target = ticks_now + delta;
    cpu->compare_deadline_ns = cpu->time_base_ns +
        (uint64_t)(((unsigned __int128)target * 1000000000u + cpu->count_hz - 1) /
                   cpu->count_hz);
}

int mips_timer_check(struct mips_cpu *cpu, uint64_t now_ns)
{
    if (now_ns < cpu->compare_deadline_ns)
        return 0;
    __atomic_store_n(&cpu->timer_pending, 1, __ATOMIC_RELAXED);
    mips_timer_rearm(cpu, now_ns);
    return 1;
}

/* Cause as software sees it: stored bits plus the live interrupt lines. */
uint32_t mips_cause_read(const struct mips_cpu *cpu)
{
    uint32_t cause = (uint32_t)cpu->cp0[CP0_CAUSE] & ~(CAUSE_IP_MASK & ~CAUSE_IP_SW);
    uint32_t lines = __atomic_load_n(&cpu->irq_lines, __ATOMIC_ACQUIRE);
    cause |= (lines & 0xFC) << 8;
    if (cpu->timer_pending)
        cause |= 0x8000; /* IP7: timer (R4000 manual §5.4.18) */
    return cause;
}

int mips_irq_deliverable(const struct mips_cpu *cpu)
{
    uint32_t st = (uint32_t)cpu->cp0[CP0_STATUS];
    if ((st & (ST_IE | ST_EXL | ST_ERL)) != ST_IE)
        return 0;
    return (mips_cause_read(cpu) & st & ST_IM_MASK) != 0;
}

static uint32_t cp0_random(const struct mips_cpu *cpu)
{
    /* Random decrements each instruction from N-1 down to Wired; reset and
     * Wired writes restart it at N-1 (R4000 manual §4.5.2). */
    uint32_t wired = (uint32_t)cpu->cp0[CP0_WIRED];
    uint32_t n = (uint32_t)cpu->tlb_entries;
    if (wired >= n)
        return n - 1;
    uint32_t span = n - wired;
    return n - 1 - (uint32_t)((cpu->insn_count - cpu->random_base) % span);
}

uint64_t mips_cp0_read(struct mips_cpu *cpu, int reg)
{
    switch (reg) {
    case CP0_RANDOM:
        return cp0_random(cpu);
    case CP0_COUNT:
        return mips_count_now(cpu, mips_time_ns(cpu));
    case CP0_CAUSE:
        return mips_cause_read(cpu);
    case CP0_INFO:
        return cpu->cfg_info;
    case CP0_PRID:
        return cpu->cfg_prid;
    default:
        return cpu->cp0[reg & 31];
    }
}

void mips_cp0_write(struct mips_cpu *cpu, int reg, uint64_t val)
{
    uint64_t now;
    switch (reg) {
    case CP0_INDEX:
        cpu->cp0[reg] = (cpu->cp0[reg] & INDEX_P) | (val & 0x3F);
        break;
    case CP0_RANDOM:
    case CP0_BADVADDR:
    case CP0_PRID:
    case CP0_INFO:
        break; /* read-only */
    case CP0_ENTRYLO0:
    case CP0_ENTRYLO1:
        cpu->cp0[reg] = val & ENTRYLO_MASK;
        break;
    case CP0_CONTEXT:
        cpu->cp0[reg] = (cpu->cp0[reg] & ~CONTEXT_PTEBASE_MASK) |
                        (val & CONTEXT_PTEBASE_MASK);
        break;
    case CP0_XCONTEXT:
        cpu->cp0[reg] = (cpu->cp0[reg] & ~XCONTEXT_PTEBASE_MASK) |
                        (val & XCONTEXT_PTEBASE_MASK);
        break;
    case CP0_PAGEMASK:
        cpu->cp0[reg] = val & PAGEMASK_MASK;
        break;
    case CP0_WIRED:
        cpu->cp0[reg] = val & 0x3F;
        cpu->random_base = cpu->insn_count + 1;
        break;
    case CP0_ENTRYHI: {
        uint64_t old = cpu->cp0[reg];
        cpu->cp0[reg] = val & ENTRYHI_MASK;
        if ((old & 0xFF) != (val & 0xFF))
            mips_tc_flush(cpu); /* new ASID: cached mappings may differ */
        break;
    }
    case CP0_COUNT:
        now = mips_time_ns(cpu);
        cpu->count_base = (uint32_t)val;
        cpu->time_base_ns = now;
        mips_timer_rearm(cpu, now);
        break;
    case CP0_COMPARE:
        now = mips_time_ns(cpu);
        cpu->cp0[reg] = (uint32_t)val;
        __atomic_store_n(&cpu->timer_pending, 0, __ATOMIC_RELAXED);
        mips_timer_rearm(cpu, now);
        cpu_attention(cpu);
        break;
    case CP0_STATUS:
        cpu->cp0[reg] = (uint32_t)val;
        mips_update_mode(cpu);
        cpu_attention(cpu);
        break;
    case CP0_CAUSE:
        /* Only the software interrupt bits IP1..IP0 are writable. */
        cpu->cp0[reg] = (cpu->cp0[reg] & ~(uint64_t)CAUSE_IP_SW) |
                        (val & CAUSE_IP_SW);
        cpu_attention(cpu);
        break;
    case CP0_CONFIG:
        cpu->cp0[reg] = (cpu->cp0[reg] & ~CONFIG_K0_MASK) |
                        (val & CONFIG_K0_MASK);
        break;
    default:
        cpu->cp0[reg & 31] = val;
        break;
    }
}

/* ---- TLB instructions (R4000 manual §4.12, "TLB Instructions") ---- */

static void tlb_write(struct mips_cpu *cpu, unsigned idx)
{
    struct tlb_entry *e = &cpu->tlb[idx];
    uint64_t lo0 = cpu->cp0[CP0_ENTRYLO0], lo1 = cpu->cp0[CP0_ENTRYLO1];
    e->mask = cpu->cp0[CP0_PAGEMASK] & PAGEMASK_MASK;
    e->hi = cpu->cp0[CP0_ENTRYHI] & ~e->mask & ENTRYHI_MASK;
    e->global = (lo0 & lo1 & 1) != 0; /* G = G0 AND G1 */
    e->lo0 = lo0 & ~1ull;
    e->lo1 = lo1 & ~1ull;
    mips_tc_flush(cpu);
}

void mips_tlbwi(struct mips_cpu *cpu)
{
    unsigned idx = cpu->cp0[CP0_INDEX] & 0x3F;
    if (idx >= (unsigned)cpu->tlb_entries) {
        log_msg(cpu->log, "CPU", "TLBWI with Index %u out of range", idx);
        idx %= (unsigned)cpu->tlb_entries;
    }
    tlb_write(cpu, idx);
}

void mips_tlbwr(struct mips_cpu *cpu)
{
    tlb_write(cpu, cp0_random(cpu));
}

void mips_tlbr(struct mips_cpu *cpu)
{
    unsigned idx = cpu->cp0[CP0_INDEX] & 0x3F;
    if (idx >= (unsigned)cpu->tlb_entries)
        idx %= (unsigned)cpu->tlb_entries;
    const struct tlb_entry *e = &cpu->tlb[idx];
    uint64_t g = e->global ? 1 : 0;
    uint64_t old_asid = cpu->cp0[CP0_ENTRYHI] & 0xFF;
    cpu->cp0[CP0_PAGEMASK] = e->mask;
    cpu->cp0[CP0_ENTRYHI] = e->hi;
    cpu->cp0[CP0_ENTRYLO0] = e->lo0 | g;
    cpu->cp0[CP0_ENTRYLO1] = e->lo1 | g;
    if ((e->hi & 0xFF) != old_asid)
        mips_tc_flush(cpu);
}

void mips_tlbp(struct mips_cpu *cpu)
{
    uint64_t hi = cpu->cp0[CP0_ENTRYHI];
    unsigned asid = hi & 0xFF;
    uint64_t vmask = 0xC00000FFFFFFE000ull;
    for (int i = 0; i < cpu->tlb_entries; i++) {
        const struct tlb_entry *e = &cpu->tlb[i];
        uint64_t m = vmask & ~e->mask;
        if ((hi & m) == (e->hi & m) && (e->global || (e->hi & 0xFF) == asid)) {
            cpu->cp0[CP0_INDEX] = (uint64_t)i;
            return;
        }
    }
    cpu->cp0[CP0_INDEX] = INDEX_P | (cpu->cp0[CP0_INDEX] & 0x3F);
}
