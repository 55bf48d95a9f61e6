/*
 * irq_stress: asynchronous timer interrupts at arbitrary points of running
 * code must be invisible to it.
 *
 * R4000 User's Manual ch. 5 (interrupts are precise: EPC = the next
 * instruction to execute, or the branch with Cause.BD = 1 when it was a
 * delay slot; ERET resumes there; ERET clears the LL bit so SC fails and
 * an LL/SC retry loop stays atomic). A workload with branches and delay
 * slots, HI/LO use, 64-bit arithmetic in the n32 build and an LL/SC
 * counter runs with the Count/Compare interrupt re-armed every few
 * thousand Count ticks; every round's results must equal those of a run
 * with interrupts off, and the LL/SC counter must be exact.
 */
#include "hw.h"

#define DELTA 3000
#define MIN_IRQS 50
#define MAX_ROUNDS 400

static volatile unsigned irqs;

static int tick(struct exc_frame *f, int vector)
{
    (void)vector;
    if (CAUSE_EXCCODE(f->cause) != EXC_INT || !(f->cause & CAUSE_IP(7)))
        return 0;
    irqs++;
    hw_last.count = 0; /* expected traffic, not an exception storm */
    mtc0(CP0_COMPARE, cp0_count() + DELTA);
    return 1; /* back to EPC */
}

static unsigned char buf[1024];
static volatile uint32_t counter;

static u64 workload(void)
{
    uint32_t crc = 0xFFFFFFFF, i, k, ok;
    u64 acc = 0x9E3779B97F4A7C15ULL;
    for (i = 0; i < sizeof(buf); i++) {
        crc ^= buf[i];
        for (k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
        acc = acc * 6364136223846793005ULL + crc;
        acc ^= acc >> 29;
        if ((i & 63) == 0)
            acc += (u64)(crc / (i + 1)) + (u64)(crc % 1009);
        /* atomic increment through LL/SC, retried when SC fails */
        __asm__ volatile(".set push\n.set noreorder\n"
                         "1: ll %0, 0(%1)\n"
                         "addiu %0, %0, 1\n"
                         "sc %0, 0(%1)\n"
                         "beqz %0, 1b\n"
                         " nop\n"
                         ".set pop"
                         : "=&r"(ok)
                         : "r"(&counter)
                         : "memory");
    }
    return acc ^ crc;
}

void test_main(void)
{
    uint32_t sr, round, x = 1;
    u64 ref, r;
    int all_ok = 1;

    hw_init();
    for (round = 0; round < sizeof(buf); round++) {
        x = x * 1103515245u + 12345u;
        buf[round] = (unsigned char)(x >> 16);
    }
    sr = cp0_status() & ~(uint32_t)(ST_IE | ST_IM_MASK);
    cp0_set_status(sr);
    counter = 0;
    ref = workload();
    t_printf("reference: counter=%u\n", counter);

    hw_clear();
    hw_on_exc = tick;
    irqs = 0;
    counter = 0;
    mtc0(CP0_COMPARE, cp0_count() + DELTA);
    cp0_set_status(sr | ST_IM(7) | ST_IE);
    for (round = 0; round < MAX_ROUNDS && (irqs < MIN_IRQS || round < 4);
         round++) {
        r = workload();
        if (r != ref)
            all_ok = 0;
    }
    cp0_set_status(sr);
    hw_on_exc = 0;
    t_printf("all rounds match the reference: %d\n", all_ok);
    t_printf("at least %d interrupts: %d\n", MIN_IRQS, irqs >= MIN_IRQS);
    t_printf("ll/sc counter exact: %d\n", counter == round * sizeof(buf));
    if (!all_ok || irqs < MIN_IRQS)
        t_printf("  (rounds=%u irqs=%u)\n", round, irqs);
}
