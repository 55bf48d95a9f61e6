/*
 * timer: Count/Compare (CP0 9/11) and the timer interrupt on Cause.IP7.
 *
 * R4000 User's Manual ch. 5/6 (Count, Compare, "Timer Interrupt") and
 * c7200.md §5.1, §4.1: Count increments at a constant rate; when Count
 * becomes equal to Compare, Cause.IP7 (bit 15) is set and stays set until
 * Compare is written; writing Count does not clear it. With Status.IE,
 * IM7 set (and EXL/ERL clear) it raises an Interrupt exception (ExcCode 0)
 * through the general vector. The match is an equality: a Compare value
 * just below Count does not raise IP7 until Count wraps around.
 * Waits are bounded by iteration counts, never by the Count rate.
 */
#include "hw.h"

#define IP7 CAUSE_IP(7)
#define SPIN_MAX 200000000u

/* Wait until Count has advanced by at least delta; 0 if it never did. */
static int wait_count(uint32_t delta)
{
    uint32_t start = cp0_count(), i;
    for (i = 0; i < SPIN_MAX; i++)
        if (cp0_count() - start >= delta)
            return 1;
    return 0;
}

static int wait_ip7(void)
{
    uint32_t i;
    for (i = 0; i < SPIN_MAX; i++)
        if (cp0_cause() & IP7)
            return 1;
    return 0;
}

static volatile unsigned irq_seen;
static volatile uint32_t irq_cause;

static int ack_timer(struct exc_frame *f, int vector)
{
    (void)vector;
    if (CAUSE_EXCCODE(f->cause) == EXC_INT && (f->cause & IP7)) {
        irq_seen++;
        irq_cause = (uint32_t)f->cause;
        mtc0(CP0_COMPARE, cp0_count() - 1); /* acknowledge, far away */
        return 1; /* resume at EPC: the interrupted instruction */
    }
    return 0;
}

void test_main(void)
{
    uint32_t c1, c2, sr, i;

    hw_init();
    sr = cp0_status() & ~(uint32_t)(ST_IE | ST_IM_MASK);
    cp0_set_status(sr);

    c1 = cp0_count();
    t_printf("count advances: %d\n", wait_count(100));
    c2 = cp0_count();
    t_printf("count monotonic: %d\n", c2 - c1 >= 100 && c2 - c1 < 0x80000000u);

    /* Compare ahead (by a margin no host hiccup can eat): IP7 appears
     * with interrupts masked. */
    mtc0(CP0_COMPARE, cp0_count() + 0x00800000);
    t_printf("ip7 after compare write: %u\n", (cp0_cause() & IP7) ? 1 : 0);
    t_printf("ip7 raised by match: %d\n", wait_ip7());
    /* stays set while Count runs on, and across a Count write */
    wait_count(1000);
    t_printf("ip7 still set later: %u\n", (cp0_cause() & IP7) ? 1 : 0);
    mtc0(CP0_COUNT, 5);
    t_printf("ip7 kept by count write: %u\n", (cp0_cause() & IP7) ? 1 : 0);
    /* a Compare write clears it */
    mtc0(CP0_COMPARE, cp0_count() - 10);
    t_printf("ip7 cleared by compare write: %u\n", (cp0_cause() & IP7) ? 1 : 0);
    /* Compare just behind Count: no match until Count wraps */
    wait_count(5000);
    t_printf("no ip7 for compare in the past: %u\n",
             (cp0_cause() & IP7) ? 0 : 1);
    /* Count write keeps Compare */
    mtc0(CP0_COMPARE, 0x12345678);
    mtc0(CP0_COUNT, 0x100);
    t_printf("compare after count write: %08x\n", mfc0(CP0_COMPARE));
    mtc0(CP0_COUNT, 0x10000000);
    c1 = mfc0(CP0_COUNT);
    t_printf("count after write in range: %d\n",
             c1 >= 0x10000000 && c1 < 0x10000000 + 0x40000000);

    /* Masked by IM7 = 0 with IE = 1: no interrupt, IP7 still visible. */
    hw_clear();
    mtc0(CP0_COMPARE, cp0_count() + 1000);
    cp0_set_status(sr | ST_IE);
    wait_ip7();
    cp0_set_status(sr);
    hw_show("ip7 with im7=0 ie=1", 0, 0);
    t_printf("  ip7=%u\n", (cp0_cause() & IP7) ? 1 : 0);

    /* IE = 1, IM7 = 1: Interrupt exception, handler acknowledges. */
    mtc0(CP0_COMPARE, cp0_count() - 1); /* clear IP7 */
    hw_clear();
    hw_on_exc = ack_timer;
    irq_seen = 0;
    mtc0(CP0_COMPARE, cp0_count() + 3000);
    cp0_set_status(sr | ST_IM(7) | ST_IE);
    for (i = 0; i < SPIN_MAX && !irq_seen; i++)
        ;
    cp0_set_status(sr);
    t_printf("timer interrupt: taken=%u code=%u ip7=%u vec=%03x exl=%u\n",
             irq_seen, (unsigned)CAUSE_EXCCODE(irq_cause),
             (irq_cause & IP7) ? 1 : 0, (unsigned)hw_last.vector,
             (hw_last.status & ST_EXL) ? 1 : 0);
    t_printf("ip7 after handler ack: %u\n", (cp0_cause() & IP7) ? 1 : 0);

    /* EXL = 1 holds the interrupt off; ERL = 1 too. */
    hw_clear();
    hw_on_exc = ack_timer;
    irq_seen = 0;
    mtc0(CP0_COMPARE, cp0_count() + 1000);
    cp0_set_status(sr | ST_IM(7) | ST_IE | ST_EXL);
    wait_ip7();
    wait_count(1000);
    t_printf("exl=1 holds off: taken=%u\n", irq_seen);
    cp0_set_status(sr | ST_IM(7) | ST_IE | ST_ERL);
    wait_count(1000);
    t_printf("erl=1 holds off: taken=%u\n", irq_seen);
    /* dropping ERL with IP7 pending takes it at once */
    cp0_set_status(sr | ST_IM(7) | ST_IE);
    for (i = 0; i < 1000 && !irq_seen; i++)
        ;
    cp0_set_status(sr);
    t_printf("pending taken when enabled: taken=%u\n", irq_seen);
    hw_on_exc = 0;
}
