/*
 * CPU life cycle and the run loop: reset, interrupt delivery between
 * instructions, the Count/Compare timer, WAIT, and stop/halt requests
 * from other threads.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "cpu/mips64/cpu_internal.h"
#include "cpu/mips64/idle_auto.h"
#include "cpu/mips64/jit.h"

/* Instructions between checks of host time for the timer. */
#define SLICE_INSNS 1024u
/* Translated code runs about ten times faster: look at the clock about as
 * often in host time (the slice still ends exactly at a timer deadline in
 * deterministic mode, so results do not depend on it). */
#define SLICE_INSNS_JIT (16u * SLICE_INSNS)

const char *const mips_gpr_names[32] = {
    "zero", "at", "v0", "v1", "a0", "a1", "a2", "a3",
    "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7",
    "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7",
    "t8", "t9", "k0", "k1", "gp", "sp", "s8", "ra",
};

/*
 * memset(p, 0, n) that leaves alone the 4 KB pieces already zero. The
 * CPU is 168 KB, mostly the decode and translation caches, and usually
 * sits in fresh calloc'd memory: reading an untouched page costs no
 * memory, writing zeros to it would make all of it resident at once.
 */
static void clear_lazily(void *p, size_t n)
{
    enum { PIECE = 4096 }; /* the host page size on x86-64 and arm64 */
    unsigned char *b = p;
    for (size_t off = 0; off < n; off += PIECE) {
        size_t k = n - off < PIECE ? n - off : PIECE;
        size_t i = 0;
        while (i < k && b[off + i] == 0)
            i++;
        if (i < k)
            memset(b + off, 0, k);
    }
}

int mips_cpu_init(struct mips_cpu *cpu, const struct mips_cpu_config *cfg,
                  struct physmap *pm, struct logger *log)
{
    clear_lazily(cpu, sizeof(*cpu));
    if (cfg->tlb_entries <= 0 || cfg->tlb_entries > MIPS_TLB_MAX ||
        cfg->count_hz == 0)
        return -EINVAL;
    cpu->cfg_prid = cfg->prid;
    cpu->cfg_config = cfg->config;
    cpu->cfg_info = cfg->info;
    cpu->tlb_entries = cfg->tlb_entries;
    cpu->count_hz = cfg->count_hz;
    cpu->deterministic = cfg->deterministic;
    cpu->bus_mask = cfg->bus_mask ? cfg->bus_mask : ~0ull;
    cpu->pm = pm;
    cpu->log = log;
    cpu->dec = mips_decoder_get();
    /* An empty entry must decode word 0; when that is id 0 (sll, the
     * first of the table), the cleared cache already does. */
    enum insn_id id0 = mips_decode(cpu->dec, 0);
    for (unsigned i = 0; id0 != 0 && i < DC_SIZE; i++) {
        cpu->dcache[i].word = 0;
        cpu->dcache[i].id = id0;
    }
    cpu->idle_max = 500;       /* mips64.md §10.4 defaults */
    cpu->idle_sleep_us = 30000;
    mips_idle_init(cpu); /* automatic detection off until asked for */
    mips_cpu_reset(cpu);
    return 0;
}

void mips_cpu_destroy(struct mips_cpu *cpu)
{
    mips_jit_destroy(cpu);
    mips_idle_free(cpu);
}

/*
 * Architectural reset (R4000 manual §5.4.1): PC = 0xBFC00000, Status with
 * BEV and ERL set, Random = N-1, Wired = 0. GPRs are undefined after reset;
 * the platform presets them (c7200.md §2.2: zero, SP 0x80004000).
 */
void mips_cpu_reset(struct mips_cpu *cpu)
{
    memset(cpu->gpr, 0, sizeof(cpu->gpr));
    cpu->gpr[29] = 0xFFFFFFFF80004000ull; /* c7200.md §2.2 SP preset */
    cpu->hi = cpu->lo = 0;
    memset(cpu->cp0, 0, sizeof(cpu->cp0));
    memset(cpu->cp0_set1, 0, sizeof(cpu->cp0_set1));
    memset(cpu->fpr, 0, sizeof(cpu->fpr));
    memset(cpu->tlb, 0, sizeof(cpu->tlb));
    cpu->fcr31 = 0;
    cpu->ll_bit = 0;
    cpu->random_base = cpu->insn_count;
    cpu->pc = 0xFFFFFFFFBFC00000ull;
    cpu->cp0[CP0_STATUS] = ST_BEV | ST_ERL;
    cpu->cp0[CP0_CONFIG] = cpu->cfg_config;
    cpu->cp0[CP0_PRID] = cpu->cfg_prid;
    cpu->cp0[CP0_INFO] = cpu->cfg_info;
    cpu->timer_pending = 0;
    cpu->waiting = 0;
    cpu->in_delay_slot = 0;
    cpu->exc_loop_count = 0;
    cpu->last_exc_key = ~0ull;
    __atomic_store_n(&cpu->irq_lines, 0, __ATOMIC_RELEASE);
    cpu->mode_key = ~0u;
    mips_tc_flush(cpu);
    mips_update_mode(cpu);
    uint64_t now = mips_time_ns(cpu);
    cpu->count_base = 0;
    cpu->time_base_ns = now;
    mips_timer_rearm(cpu, now);
    cpu_attention(cpu);
}

/*
 * The CPU thread sleeps on a futex rather than a condition variable: a
 * condition variable's wait takes its mutex back marked contended, so
 * every wake cost one more system call (the unlock's FUTEX_WAKE), and an
 * idle router wakes hundreds of times a second. Every cpu_wake() bumps
 * wake_seq; the sleeper announces itself in `sleeping` before it looks at
 * attention, and the kernel compares wake_seq with the value it read
 * first, so a wake is never lost: either the sleeper sees attention (set
 * before cpu_wake), or the waker sees `sleeping` and wakes it, or the
 * futex sees wake_seq changed and does not sleep.
 */
static void cpu_wake(struct mips_cpu *cpu)
{
    __atomic_add_fetch(&cpu->wake_seq, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&cpu->sleeping, __ATOMIC_SEQ_CST))
        syscall(SYS_futex, &cpu->wake_seq, FUTEX_WAKE_PRIVATE, 1, NULL,
                NULL, 0);
}

/* CPU thread: sleep until host time dl_ns (CLOCK_MONOTONIC), a wake, or
 * at once when attention or a stop request is already there. */
static void cpu_sleep_until(struct mips_cpu *cpu, uint64_t dl_ns)
{
    uint32_t seq = __atomic_load_n(&cpu->wake_seq, __ATOMIC_SEQ_CST);
    __atomic_store_n(&cpu->sleeping, 1, __ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&cpu->attention, __ATOMIC_SEQ_CST) &&
        !__atomic_load_n(&cpu->stop_request, __ATOMIC_SEQ_CST)) {
        struct timespec ts = {.tv_sec = (time_t)(dl_ns / 1000000000u),
                              .tv_nsec = (long)(dl_ns % 1000000000u)};
        /* an absolute CLOCK_MONOTONIC deadline (futex(2), BITSET) */
        syscall(SYS_futex, &cpu->wake_seq, FUTEX_WAIT_BITSET_PRIVATE, seq,
                &ts, NULL, FUTEX_BITSET_MATCH_ANY);
    }
    __atomic_store_n(&cpu->sleeping, 0, __ATOMIC_SEQ_CST);
}

void mips_cpu_set_irq(struct mips_cpu *cpu, int line, int level)
{
    if (line < 0 || line > 7)
        return;
    uint32_t bit = 1u << line;
    uint32_t old;
    if (level)
        old = __atomic_fetch_or(&cpu->irq_lines, bit, __ATOMIC_ACQ_REL);
    else
        old = __atomic_fetch_and(&cpu->irq_lines, ~bit, __ATOMIC_ACQ_REL);
    if (((old & bit) != 0) != (level != 0)) {
        cpu_attention(cpu);
        if (level)
            cpu_wake(cpu);
    }
}

void mips_cpu_set_idle_pc(struct mips_cpu *cpu, uint64_t pc)
{
    /* Guests give 32-bit addresses; PCs are sign-extended. The CPU
     * thread takes it at its next service (idle_auto.c). */
    uint64_t v = pc ? (uint64_t)(int64_t)(int32_t)(uint32_t)pc : 0;
    __atomic_store_n(&cpu->idle_pc_manual, v, __ATOMIC_RELAXED);
    cpu_attention(cpu);
}

void mips_cpu_set_idle_params(struct mips_cpu *cpu, unsigned max,
                              unsigned sleep_us)
{
    if (max)
        __atomic_store_n(&cpu->idle_max, max, __ATOMIC_RELAXED);
    if (sleep_us)
        __atomic_store_n(&cpu->idle_sleep_us, sleep_us, __ATOMIC_RELAXED);
}

void mips_cpu_request_stop(struct mips_cpu *cpu)
{
    __atomic_store_n(&cpu->stop_request, 1, __ATOMIC_RELEASE);
    cpu_attention(cpu);
    cpu_wake(cpu);
}

void mips_cpu_halt(struct mips_cpu *cpu, const char *why)
{
    log_msg(cpu->log, "CPU", "VM halted at pc=0x%016" PRIx64 ": %s", cpu->pc,
            why);
    __atomic_store_n(&cpu->state, CPU_HALTED, __ATOMIC_RELEASE);
    mips_cpu_request_stop(cpu);
}

/* Sleep until an interrupt line, the timer or a stop request. */
static void cpu_wait(struct mips_cpu *cpu)
{
    uint32_t st = (uint32_t)cpu->cp0[CP0_STATUS];
    for (;;) {
        if (__atomic_load_n(&cpu->stop_request, __ATOMIC_ACQUIRE))
            return;
        uint64_t now = mips_time_ns(cpu);
        mips_timer_check(cpu, now);
        /* WAIT ends when an unmasked interrupt is pending (RM7000 manual,
         * WAIT), whatever IE says. */
        if (mips_cause_read(cpu) & st & ST_IM_MASK)
            return;
        if (cpu->deterministic) {
            /* Skip time forward to the next timer event. */
            uint64_t dl = cpu->compare_deadline_ns;
            uint64_t need = (uint64_t)(((unsigned __int128)dl * 2 *
                                        cpu->count_hz + 999999999u) /
                                       1000000000u);
            if (need > cpu->insn_count)
                cpu->insn_count = need;
            continue;
        }
        cpu_sleep_until(cpu, cpu->compare_deadline_ns);
        __atomic_store_n(&cpu->attention, 0, __ATOMIC_RELEASE);
    }
}

/*
 * Idle-PC sleep: the guest sat in its idle loop; sleep until the next timer
 * event, an interrupt line change (which sets attention and signals us),
 * idle_sleep_us, or `until` (nonzero: when an automatically found loop
 * will end by itself), whichever comes first. Unlike the reference, a
 * device interrupt ends the sleep at once.
 */
static void cpu_idle_sleep(struct mips_cpu *cpu, uint64_t until)
{
    mips_stat_set(&cpu->idle_sleeps, cpu->idle_sleeps + 1);
    if (cpu->deterministic)
        return; /* guest time is instruction count: nothing to wait for */
    uint64_t now = mips_time_ns(cpu);
    uint64_t dl = now + (uint64_t)__atomic_load_n(&cpu->idle_sleep_us,
                                                  __ATOMIC_RELAXED) * 1000u;
    if (until && until < dl)
        dl = until;
    if (cpu->compare_deadline_ns < dl)
        dl = cpu->compare_deadline_ns;
    if (dl <= now || mips_irq_deliverable(cpu))
        return;
    cpu_sleep_until(cpu, dl);
    mips_idle_slept(cpu, mips_time_ns(cpu) - now);
}

/* Between instructions: timer, stop requests, WAIT, interrupts. */
static int cpu_service(struct mips_cpu *cpu)
{
    __atomic_store_n(&cpu->attention, 0, __ATOMIC_RELEASE);
    if (__atomic_load_n(&cpu->stop_request, __ATOMIC_ACQUIRE))
        return -1;
    if (cpu->idle_sleep_req) {
        uint64_t until;
        cpu->idle_sleep_req = 0;
        if (mips_idle_sleep_gate(cpu, &until))
            cpu_idle_sleep(cpu, until);
    }
    mips_timer_check(cpu, mips_time_ns(cpu));
    if (cpu->waiting) {
        cpu->waiting = 0;
        cpu_wait(cpu);
        if (__atomic_load_n(&cpu->stop_request, __ATOMIC_ACQUIRE))
            return -1;
    }
    mips_idle_service(cpu); /* idle PC in use, detection, calibration */
    if (mips_irq_deliverable(cpu)) {
        cpu->exception_taken = 0;
        mips_take_interrupt(cpu);
        __atomic_store_n(&cpu->attention, 0, __ATOMIC_RELEASE);
    }
    return 0;
}

/*
 * Instructions to run before looking at the clock again. In deterministic
 * mode the slice ends exactly where Count reaches Compare, so the timer
 * interrupt lands on the same instruction in every run.
 */
static uint64_t cpu_slice(const struct mips_cpu *cpu)
{
    uint64_t max = cpu->jit ? SLICE_INSNS_JIT : SLICE_INSNS;
    if (!cpu->deterministic)
        return max;
    uint64_t at = (uint64_t)(((unsigned __int128)cpu->compare_deadline_ns *
                              2 * cpu->count_hz + 999999999u) / 1000000000u);
    if (at <= cpu->insn_count)
        return 1;
    return at - cpu->insn_count < max ? at - cpu->insn_count : max;
}

uint64_t mips_cpu_step(struct mips_cpu *cpu, uint64_t n)
{
    uint64_t start = cpu->insn_count;
    while (cpu->insn_count - start < n) {
        if (__atomic_load_n(&cpu->attention, __ATOMIC_ACQUIRE) &&
            cpu_service(cpu) < 0)
            break;
        uint64_t end = cpu->insn_count + cpu_slice(cpu);
        if (end - start > n)
            end = start + n;
        if (cpu->jit && !cpu->trace) {
            mips_jit_exec(cpu, end, 1);
        } else {
            while (cpu->insn_count < end) {
                mips_exec_one(cpu);
                if (__atomic_load_n(&cpu->attention, __ATOMIC_RELAXED))
                    break;
            }
        }
        cpu_attention(cpu);
    }
    return cpu->insn_count - start;
}

void mips_cpu_run(struct mips_cpu *cpu)
{
    __atomic_store_n(&cpu->stop_request, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&cpu->state, CPU_RUNNING, __ATOMIC_RELEASE);
    cpu_attention(cpu);
    for (;;) {
        if (__atomic_load_n(&cpu->attention, __ATOMIC_ACQUIRE) &&
            cpu_service(cpu) < 0)
            break;
        uint64_t end = cpu->insn_count + cpu_slice(cpu);
        if (cpu->jit && !cpu->trace) {
            mips_jit_exec(cpu, end, cpu->deterministic);
        } else if (cpu->idle_pc) {
            while (cpu->insn_count < end) {
                mips_exec_one(cpu);
                if (cpu->pc == cpu->idle_pc &&
                    ++cpu->idle_hits >= cpu->idle_max) {
                    cpu->idle_hits = 0;
                    cpu->idle_sleep_req = 1;
                    break;
                }
                if (__atomic_load_n(&cpu->attention, __ATOMIC_RELAXED))
                    break;
            }
        } else {
            while (cpu->insn_count < end) {
                mips_exec_one(cpu);
                if (__atomic_load_n(&cpu->attention, __ATOMIC_RELAXED))
                    break;
            }
        }
        cpu_attention(cpu); /* time to look at the clock */
    }
    int expected = CPU_RUNNING;
    __atomic_compare_exchange_n(&cpu->state, &expected, CPU_STOPPED, 0,
                                __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

uint32_t mips_cpu_count_read(const struct mips_cpu *cpu)
{
    return mips_count_now(cpu, mips_time_ns(cpu));
}

void mips_cpu_state_loaded(struct mips_cpu *cpu, uint32_t count)
{
    cpu->mode_key = ~0u;
    mips_tc_flush(cpu);
    mips_update_mode(cpu);
    if (cpu->jit)
        mips_jit_flush(cpu);
    uint64_t now = mips_time_ns(cpu);
    if (!cpu->deterministic) {
        /* host time moved on: Count goes on from where it was */
        cpu->count_base = count;
        cpu->time_base_ns = now;
    }
    mips_timer_rearm(cpu, now);
    cpu->in_delay_slot = 0;
    cpu->exception_taken = 0;
    cpu->idle_hits = 0;
    cpu->idle_sleep_req = 0;
    int auto_idle = __atomic_load_n(&cpu->idle_auto.enabled,
                                    __ATOMIC_RELAXED);
    mips_idle_init(cpu); /* the loop found before may not be there */
    __atomic_store_n(&cpu->idle_auto.enabled, auto_idle, __ATOMIC_RELAXED);

    cpu_attention(cpu);
}

void mips_cpu_dump(const struct mips_cpu *cpu, FILE *out)
{

    fprintf(out, "PC  = 0x%016" PRIx64 "  insns = %" PRIu64 "\n", cpu->pc,
            cpu->insn_count);
    for (int i = 0; i < 32; i += 2)
        fprintf(out, "%-4s= 0x%016" PRIx64 "  %-4s= 0x%016" PRIx64 "\n",
                mips_gpr_names[i], cpu->gpr[i], mips_gpr_names[i + 1],
                cpu->gpr[i + 1]);
    fprintf(out, "HI  = 0x%016" PRIx64 "  LO  = 0x%016" PRIx64 "\n", cpu->hi,
            cpu->lo);
    fprintf(out, "Status = 0x%08" PRIx64 "  Cause = 0x%08x  EPC = 0x%016" PRIx64
            "\n", cpu->cp0[CP0_STATUS], mips_cause_read(cpu), cpu->cp0[CP0_EPC]);
    fprintf(out, "BadVAddr = 0x%016" PRIx64 "  EntryHi = 0x%016" PRIx64
            "  Compare = 0x%08" PRIx64 "\n", cpu->cp0[CP0_BADVADDR],
            cpu->cp0[CP0_ENTRYHI], cpu->cp0[CP0_COMPARE]);
}

void mips_cpu_dump_tlb(const struct mips_cpu *cpu, FILE *out)
{
    for (int i = 0; i < cpu->tlb_entries; i++) {
        const struct tlb_entry *e = &cpu->tlb[i];
        if (!((e->lo0 | e->lo1) & 2))
            continue;
        fprintf(out, "TLB%02d: mask=0x%08" PRIx64 " hi=0x%016" PRIx64
                " lo0=0x%08" PRIx64 " lo1=0x%08" PRIx64 "%s\n", i, e->mask,
                e->hi, e->lo0, e->lo1, e->global ? " G" : "");
    }
}
