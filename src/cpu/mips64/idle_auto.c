/*
 * Idle handling in the CPU thread: automatic idle detection and the sleep
 * gate of an automatically found idle PC (mips64.md §10.3-10.4, §12 item
 * 8). Pure polling loops are found and timed by idle_loop.c; idle-PC
 * calibration is idle_calib.c.
 *
 * Detection. At every slice end (SLICE_INSNS instructions, or a block
 * boundary under the JIT) the CPU thread looks at where the guest is. Now
 * and then, with exponential backoff while it finds nothing, it *probes*:
 * it runs the guest on, one instruction (or branch and delay slot) at a
 * time through the interpreter, and watches. The probe succeeds when the
 * guest comes back to where it started within a few dozen instructions
 * through a pure polling loop (cpu.h): no store that changes memory, no
 * CP0 write, TLB, cache or FPU instruction, no exception, and every
 * register read before being written in the iteration holds the same
 * value as one iteration earlier. Such a loop can only end because of
 * something outside it. When three quarters of the slice ends of several
 * windows in a row fall into that loop, it becomes the idle PC (the JIT
 * then ends a block there and returns to its dispatcher, where idle hits
 * are counted).
 *
 * Sleeping. After idle_max hits the automatic idle PC is checked again
 * before every sleep (the sleep gate): the hits must have been spun
 * without the guest doing other work in between (instruction span), and
 * one more probed iteration must still be pure. A loop that reads only
 * RAM and the Count register has a computable end: iterations are run
 * speculatively with Count as it will read later (state saved and
 * restored; nothing with a side effect is executed) to find, by
 * bisection, when the loop will exit, and the CPU sleeps until just
 * before that. Any other loop sleeps until the next Count/Compare event,
 * an interrupt line change, or at most idle_sleep_us (10 ms when it polls
 * a device register, whose change raises no interrupt). A busy guest is
 * never put to sleep: its PCs do not recur in one pure loop, and the gate
 * refuses hits that were not spun back to back.
 */
#include "cpu/mips64/idle_auto.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "cpu/mips64/cpu_internal.h"

#define AUTO_WINDOW 64u           /* slice ends per window */
#define AUTO_STREAK 4u            /* windows in a row mostly in the loop */
#define BACKOFF_MIN 4u            /* slice ends between failed probes ... */
#define BACKOFF_MAX 1024u         /* ... doubling up to this */
#define STRIKES_MAX 16u           /* refused sleeps in a row: give up */
#define HOLDOFF_INSNS (1ull << 28) /* after giving up a loop */
#define MIN_SLEEP_NS 200000ull    /* loop ends sooner: keep spinning */
#define WAKE_MARGIN_NS 20000ull   /* wake this much before the loop ends */
#define DEVICE_SLEEP_NS 10000000ull /* cap when polling a device */
#define AUTO_HITS 32u             /* hits before sleeping in a verified loop */
/* Hits after an idle sleep before the next check: the first one often is
 * the interrupt handler's return into the loop, which then leaves it; the
 * second, the loop entered again (or spun once more). */
#define WAKE_HITS 2u

/* ---------------------------------------------------------- detection */

/*
 * A verified loop needs no idle_max (500) spins to prove it is idle: the
 * next check comes after AUTO_HITS more hits. (The run loops count hits
 * up to idle_max and zero the count before asking for a sleep.)
 */
static unsigned auto_head_start(const struct mips_cpu *cpu)
{
    unsigned max = __atomic_load_n(&cpu->idle_max, __ATOMIC_RELAXED);
    return max > AUTO_HITS ? max - AUTO_HITS : 0;
}

static unsigned auto_hits(const struct mips_cpu *cpu)
{
    unsigned max = __atomic_load_n(&cpu->idle_max, __ATOMIC_RELAXED);
    return max > AUTO_HITS ? AUTO_HITS : max;
}

static void auto_drop(struct mips_cpu *cpu, const char *why)
{
    struct mips_idle_auto *a = &cpu->idle_auto;
    if (why)
        log_msg(cpu->log, "CPU", "automatic idle PC 0x%08" PRIx32
                " given up: %s", (uint32_t)a->pc, why);
    a->dropped_pc = a->pc;
    __atomic_store_n(&a->pc, 0, __ATOMIC_RELAXED);
    a->end.end_ns = 0;
    mips_stat_set(&a->drops, a->drops + 1);
    a->cand.pc = 0;
    a->streak = a->window = a->in_loop = a->strikes = 0;
    a->holdoff_until = cpu->insn_count + HOLDOFF_INSNS;
    if (!__atomic_load_n(&cpu->idle_pc_manual, __ATOMIC_RELAXED))
        cpu->idle_pc = 0;
}

static void auto_adopt(struct mips_cpu *cpu)
{
    struct mips_idle_auto *a = &cpu->idle_auto;
    a->loop = a->cand;
    __atomic_store_n(&a->shown_loop,
                     (uint32_t)(a->loop.len & 0xFFFF) | a->loop.flags << 16,
                     __ATOMIC_RELAXED);
    __atomic_store_n(&a->pc, a->cand.pc, __ATOMIC_RELEASE);
    a->end.end_ns = 0;
    mips_stat_set(&a->adoptions, a->adoptions + 1);
    a->strikes = 0;
    a->hits_start = cpu->insn_count;
    cpu->idle_pc = a->pc;
    cpu->idle_hits = auto_head_start(cpu);
    log_msg(cpu->log, "CPU", "idle loop found at 0x%08" PRIx32 " (%u "
            "instructions per iteration%s%s%s): automatic idle PC",
            (uint32_t)a->pc, a->loop.len,
            a->loop.flags & IDLE_LOOP_COUNT ? ", reads Count" : "",
            a->loop.flags & IDLE_LOOP_DEVICE ? ", polls a device" : "",
            a->loop.flags & IDLE_LOOP_STORES ? ", silent stores" : "");
}

static void auto_detect(struct mips_cpu *cpu)
{
    struct mips_idle_auto *a = &cpu->idle_auto;
    if (cpu->insn_count < a->holdoff_until)
        return;
    a->window++;
    if (mips_idle_loop_has(&a->cand, cpu->pc)) {
        a->in_loop++;
    } else if (a->backoff) {
        a->backoff--;
    } else {
        struct mips_idle_loop l;
        if (mips_idle_probe(cpu, &l) &&
            !(l.pc == a->dropped_pc && a->drops > 2)) {
            if (l.pc != a->cand.pc)
                a->streak = 0;
            a->cand = l;
            a->in_loop++;
            a->backoff_next = BACKOFF_MIN;
        } else {
            a->backoff = a->backoff_next;
            a->backoff_next = a->backoff_next * 2 > BACKOFF_MAX
                                  ? BACKOFF_MAX : a->backoff_next * 2;
        }
    }
    if (a->window < AUTO_WINDOW)
        return;
    if (a->cand.pc && a->in_loop * 4 >= a->window * 3) {
        if (++a->streak >= AUTO_STREAK)
            auto_adopt(cpu);
    } else {
        a->streak = 0;
    }
    a->window = a->in_loop = 0;
}
/* -------------------------------------------------------- CPU thread */

void mips_idle_init(struct mips_cpu *cpu)
{
    memset(&cpu->idle_auto, 0, sizeof(cpu->idle_auto));
    cpu->idle_auto.backoff_next = BACKOFF_MIN;
}

void mips_idle_free(struct mips_cpu *cpu)
{
    mips_idle_calib_free(cpu);
}

void mips_idle_service(struct mips_cpu *cpu)
{
    struct mips_idle_auto *a = &cpu->idle_auto;
    uint64_t manual = __atomic_load_n(&cpu->idle_pc_manual, __ATOMIC_RELAXED);
    if (manual) {
        if (cpu->idle_pc != manual) {
            if (a->pc)
                auto_drop(cpu, NULL);
            cpu->idle_pc = manual;
            cpu->idle_hits = 0;
        }
    } else {
        if (cpu->idle_pc != a->pc) {
            cpu->idle_pc = a->pc; /* the manual one was cleared */
            cpu->idle_hits = 0;
        }
        if (!__atomic_load_n(&a->enabled, __ATOMIC_RELAXED) ||
            cpu->deterministic) {
            if (a->pc)
                auto_drop(cpu, "automatic idle detection turned off");
        } else if (!a->pc) {
            auto_detect(cpu);
        }
    }
    mips_idle_calib_service(cpu);
}

/* ----------------------------------------------- when the loop ends */

static uint64_t reg_of(const struct mips_cpu *cpu, unsigned r)
{
    return r == 32 ? cpu->hi : r == 33 ? cpu->lo : cpu->gpr[r];
}

/*
 * The loop's end computed at an earlier sleep still holds: a loop that
 * reads nothing but registers and Count, entered again with the same
 * registers and Count time base (after an interrupt handler that left
 * them alone: the guest timer's tick in a Count spin-wait). *d: from now.
 */
static int end_known(const struct mips_cpu *cpu, const struct mips_idle_loop *l,
                     uint64_t now, uint64_t *d)
{
    const struct mips_idle_end *e = &cpu->idle_auto.end;
    if (!e->end_ns || (l->flags & IDLE_LOOP_INPUTS) || e->pc != l->pc ||
        e->rbw != l->rbw || e->count_base != cpu->count_base ||
        e->time_base_ns != cpu->time_base_ns)
        return 0;
    for (unsigned r = 1; r < 34; r++)
        if ((l->rbw >> r & 1) && reg_of(cpu, r) != e->regs[r])
            return 0;
    *d = e->end_ns > now ? e->end_ns - now : 0;
    return 1;
}

static void end_note(struct mips_cpu *cpu, const struct mips_idle_loop *l,
                     uint64_t end_ns)
{
    struct mips_idle_end *e = &cpu->idle_auto.end;
    e->end_ns = 0;
    if (l->flags & IDLE_LOOP_INPUTS)
        return;
    e->pc = l->pc;
    e->rbw = l->rbw;
    for (unsigned r = 1; r < 34; r++)
        e->regs[r] = (l->rbw >> r & 1) ? reg_of(cpu, r) : 0;
    e->count_base = cpu->count_base;
    e->time_base_ns = cpu->time_base_ns;
    e->end_ns = end_ns;
}

static void strike(struct mips_cpu *cpu, const char *why)
{
    struct mips_idle_auto *a = &cpu->idle_auto;
    mips_stat_set(&a->refusals, a->refusals + 1);
    if (++a->strikes >= STRIKES_MAX)
        auto_drop(cpu, why);
}

int mips_idle_sleep_gate(struct mips_cpu *cpu, uint64_t *until_ns)
{
    struct mips_idle_auto *a = &cpu->idle_auto;
    uint64_t span = cpu->insn_count - a->hits_start;
    a->hits_start = cpu->insn_count;
    *until_ns = 0;
    /* A calibration measures where the guest spins: no sleeps meanwhile
     * (the reference refuses one while an idle PC is set, §10.4). */
    if (mips_idle_calibrating(cpu))
        return 0;
    if (!a->pc || cpu->idle_pc != a->pc)
        return 1; /* a manual idle PC: the reference's rule */
    cpu->idle_hits = auto_head_start(cpu);
    if (cpu->pc != a->pc)
        return 0;
    /* Hits spun back to back, not collected over busy work. */
    uint64_t most = (uint64_t)auto_hits(cpu) * (a->loop.len + 4) * 2 + 4096;
    if (span > most) {
        strike(cpu, "reached between other work");
        return 0;
    }
    struct mips_idle_loop l;
    if (!mips_idle_probe(cpu, &l) || cpu->pc != a->pc) {
        strike(cpu, "no longer a pure polling loop");
        return 0;
    }
    a->strikes = 0;
    uint64_t cap = (uint64_t)__atomic_load_n(&cpu->idle_sleep_us,
                                             __ATOMIC_RELAXED) * 1000u;
    if ((l.flags & IDLE_LOOP_DEVICE) && cap > DEVICE_SLEEP_NS)
        cap = DEVICE_SLEEP_NS;
    uint64_t now = mips_time_ns(cpu);
    if ((l.flags & IDLE_LOOP_COUNT) && !(l.flags & IDLE_LOOP_DEVICE)) {
        uint64_t d;
        if (!end_known(cpu, &l, now, &d)) {
            d = mips_idle_exit_delay(cpu, &l, now, cap);
            if (d < cap)
                end_note(cpu, &l, now + d);
        }
        if (d < MIN_SLEEP_NS)
            return 0; /* it ends soon: spinning is cheaper */
        if (d < cap)
            cap = d - WAKE_MARGIN_NS;
    }
    *until_ns = now + cap;
    mips_stat_set(&a->sleeps, a->sleeps + 1);
    return 1;
}

void mips_idle_slept(struct mips_cpu *cpu, uint64_t ns)
{
    struct mips_idle_auto *a = &cpu->idle_auto;
    mips_stat_set(&a->slept_ns, a->slept_ns + ns);
    /* Back in a verified loop after a sleep: check again at once rather
     * than after AUTO_HITS more spins (the loop's end is often known
     * already, end_known). */
    unsigned max = __atomic_load_n(&cpu->idle_max, __ATOMIC_RELAXED);
    if (a->pc && cpu->idle_pc == a->pc && max > WAKE_HITS &&
        cpu->idle_hits < max - WAKE_HITS)
        cpu->idle_hits = max - WAKE_HITS;
}

/* ------------------------------------------------------ any thread */

void mips_cpu_set_auto_idle(struct mips_cpu *cpu, int on)
{
    __atomic_store_n(&cpu->idle_auto.enabled, on != 0, __ATOMIC_RELAXED);
    cpu_attention(cpu);
}

uint64_t mips_cpu_idle_pc(const struct mips_cpu *cpu)
{
    uint64_t m = __atomic_load_n(&cpu->idle_pc_manual, __ATOMIC_RELAXED);
    return m ? m : __atomic_load_n(&cpu->idle_auto.pc, __ATOMIC_RELAXED);
}

void mips_cpu_idle_describe(const struct mips_cpu *cpu, char *buf,
                            size_t len)
{
    const struct mips_idle_auto *a = &cpu->idle_auto;
    uint64_t m = __atomic_load_n(&cpu->idle_pc_manual, __ATOMIC_RELAXED);
    uint64_t pc = __atomic_load_n(&a->pc, __ATOMIC_ACQUIRE);
    uint32_t shown = __atomic_load_n(&a->shown_loop, __ATOMIC_RELAXED);
    int on = __atomic_load_n(&a->enabled, __ATOMIC_RELAXED);
    int n;
    if (m)
        n = snprintf(buf, len, "idle PC 0x%08" PRIx32 " (set by hand)",
                     (uint32_t)m);
    else if (pc)
        n = snprintf(buf, len, "idle PC 0x%08" PRIx32 " (found: %u "
                     "instructions per iteration%s%s)", (uint32_t)pc,
                     shown & 0xFFFF,
                     (shown >> 16) & IDLE_LOOP_COUNT ? ", reads Count" : "",
                     (shown >> 16) & IDLE_LOOP_DEVICE ? ", polls a device"
                                                       : "");
    else
        n = snprintf(buf, len, "no idle PC%s", on ? " (looking for one)"
                     : cpu->deterministic ? "" : " (automatic detection off)");
    if (n < 0 || (size_t)n >= len)
        return;
    snprintf(buf + n, len - (size_t)n, "; %" PRIu64 " idle sleeps, %.3f s "
             "slept, %" PRIu64 " probes, %" PRIu64 " adopted, %" PRIu64
             " given up", __atomic_load_n(&cpu->idle_sleeps, __ATOMIC_RELAXED),
             (double)__atomic_load_n(&a->slept_ns, __ATOMIC_RELAXED) / 1e9,
             __atomic_load_n(&a->probes, __ATOMIC_RELAXED),
             __atomic_load_n(&a->adoptions, __ATOMIC_RELAXED),
             __atomic_load_n(&a->drops, __ATOMIC_RELAXED));
}
