/*
 * Idle handling inside the CPU thread: the idle PC in use (manual or
 * found automatically), automatic idle detection and the sleep gate of an
 * automatic idle PC (idle_auto.c), pure polling loops (idle_loop.c),
 * idle-PC calibration (idle_calib.c).
 */
#ifndef CPU_MIPS64_IDLE_AUTO_H
#define CPU_MIPS64_IDLE_AUTO_H

#include "cpu/mips64/cpu.h"

void mips_idle_init(struct mips_cpu *cpu);
void mips_idle_free(struct mips_cpu *cpu);

/*
 * CPU thread, between slices (cpu_service): apply a manual idle PC set
 * from another thread, look for the idle loop, feed a calibration.
 * Cheap when there is nothing to do.
 */
void mips_idle_service(struct mips_cpu *cpu);

/*
 * CPU thread: the guest reached its idle PC idle_max times. Returns 1 to
 * sleep, with *until_ns the host time to wake up at the latest (0: no
 * limit beyond the usual ones), or 0 to keep running. A manual idle PC
 * always sleeps; an automatic one only when the loop still is a pure
 * polling loop that was spun without interruption.
 */
int mips_idle_sleep_gate(struct mips_cpu *cpu, uint64_t *until_ns);
/* CPU thread: the idle sleep lasted ns. */
void mips_idle_slept(struct mips_cpu *cpu, uint64_t ns);

/* ---- idle_loop.c ---- */

/*
 * Run the guest on from its PC and report whether it went once around a
 * pure polling loop (then *out describes it and the PC is back where it
 * was). Whatever happens, what ran was real guest execution. CPU thread.
 */
int mips_idle_probe(struct mips_cpu *cpu, struct mips_idle_loop *out);
/* Nanoseconds after host time now_ns until a loop that reads Count and
 * RAM only exits, at most max_ns; the CPU is left as it was. CPU thread,
 * at the loop's PC. */
uint64_t mips_idle_exit_delay(struct mips_cpu *cpu,
                              const struct mips_idle_loop *l, uint64_t now_ns,
                              uint64_t max_ns);

static inline int mips_idle_loop_has(const struct mips_idle_loop *l,
                                     uint64_t pc)
{
    return l->pc && pc >= l->lo && pc <= l->hi;
}

/* ---- idle_calib.c ---- */

void mips_idle_calib_service(struct mips_cpu *cpu); /* CPU thread */
int mips_idle_calibrating(const struct mips_cpu *cpu);
void mips_idle_calib_free(struct mips_cpu *cpu);

#endif
