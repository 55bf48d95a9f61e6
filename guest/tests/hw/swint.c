/*
 * swint: software interrupts and interrupt gating.
 *
 * R4000 User's Manual ch. 5 ("Interrupt Exception") and ch. 6 (Cause,
 * Status): Cause.IP1..IP0 (bits 9:8) are the only software-writable Cause
 * bits; setting one while Status.IE = 1, the matching IM bit set and
 * EXL = ERL = 0 raises an Interrupt exception (ExcCode 0) through the
 * general vector, EPC = the next instruction to run (the interrupted
 * one), Cause.IP keeps the bit until software clears it. Masked by IM, IE,
 * EXL or ERL it stays pending and is taken as soon as the mask opens.
 * c7200.md §4.1 lines 0/1 (the reference ignores these writes: do not
 * copy).
 */
#include "hw.h"

static volatile unsigned taken;
static volatile uint32_t seen_cause;

static int ack_sw(struct exc_frame *f, int vector)
{
    (void)vector;
    if (CAUSE_EXCCODE(f->cause) != EXC_INT)
        return 0;
    taken++;
    seen_cause = (uint32_t)f->cause;
    /* clear both software bits */
    mtc0(CP0_CAUSE, cp0_cause() & ~(uint32_t)(CAUSE_IP(0) | CAUSE_IP(1)));
    return 1;
}

static void spin(void)
{
    volatile int i;
    for (i = 0; i < 100; i++)
        ;
}

void test_main(void)
{
    uint32_t sr, c;

    hw_init();
    sr = cp0_status() & ~(uint32_t)(ST_IE | ST_IM_MASK);
    cp0_set_status(sr);
    hw_on_exc = ack_sw;

    /* Only IP1:0 are writable in Cause (IP7:2 follow the hardware). */
    c = cp0_cause();
    mtc0(CP0_CAUSE, 0xFFFFFFFFu);
    t_printf("cause after writing ones: sw=%x other bits unchanged=%u\n",
             (cp0_cause() >> 8) & 3, ((cp0_cause() ^ c) & ~0xFF00u) == 0);
    mtc0(CP0_CAUSE, 0);
    t_printf("cause sw bits after writing 0: %x\n", (cp0_cause() >> 8) & 3);

    /* masked by IE = 0 */
    taken = 0;
    cp0_set_status(sr | ST_IM(0));
    mtc0(CP0_CAUSE, CAUSE_IP(0));
    spin();
    t_printf("ip0 im0 ie=0: taken=%u pending=%u\n", taken,
             (cp0_cause() >> 8) & 1);
    /* opening IE takes it */
    cp0_set_status(sr | ST_IM(0) | ST_IE);
    spin();
    cp0_set_status(sr);
    t_printf("ip0 then ie=1: taken=%u code=%u ip0=%u vec=%03x pending=%u\n",
             taken, (unsigned)CAUSE_EXCCODE(seen_cause),
             (seen_cause >> 8) & 1, (unsigned)hw_last.vector,
             (cp0_cause() >> 8) & 1);

    /* masked by IM0 = 0 (IM1 open) */
    taken = 0;
    cp0_set_status(sr | ST_IM(1) | ST_IE);
    mtc0(CP0_CAUSE, CAUSE_IP(0));
    spin();
    t_printf("ip0 with only im1: taken=%u\n", taken);
    /* IP1 with IM1 */
    mtc0(CP0_CAUSE, CAUSE_IP(1));
    spin();
    cp0_set_status(sr);
    t_printf("ip1 with im1: taken=%u ip1=%u\n", taken, (seen_cause >> 9) & 1);

    /* EXL = 1 and ERL = 1 hold it off */
    taken = 0;
    mtc0(CP0_CAUSE, CAUSE_IP(0));
    cp0_set_status(sr | ST_IM(0) | ST_IE | ST_EXL);
    spin();
    cp0_set_status(sr | ST_IM(0) | ST_IE | ST_ERL);
    spin();
    t_printf("exl/erl hold off: taken=%u\n", taken);
    cp0_set_status(sr | ST_IM(0) | ST_IE);
    spin();
    cp0_set_status(sr);
    t_printf("taken after exl/erl drop: %u\n", taken);

    /* EPC is the instruction after the mtc0 that raised it, not later:
     * the interrupt is recognised within a few instructions. */
    {
        rv pc;
        hw_clear();
        hw_on_exc = ack_sw;
        taken = 0;
        cp0_set_status(sr | ST_IM(0) | ST_IE);
        __asm__ volatile(".set push\n.set noreorder\n"
                         "la %0, 1f\n"
                         "mtc0 %1, $13\n"
                         "1: nop\nnop\nnop\nnop\nnop\nnop\nnop\nnop\n"
                         ".set pop"
                         : "=&r"(pc)
                         : "r"((rv)CAUSE_IP(0))
                         : "memory");
        cp0_set_status(sr);
        t_printf("epc within 8 insns after mtc0: %u taken=%u\n",
                 hw_last.epc - px(pc) <= 28, taken);
    }
    hw_on_exc = 0;
}
