/*
 * eret_ll: ERET, ErrorEPC/ERL, and the LL bit.
 *
 * R4000 User's Manual appendix A (ERET, LL, SC, LLD, SCD) and ch. 5/6:
 *  - ERET with ERL = 0 clears EXL and continues at EPC; with ERL = 1 it
 *    clears ERL (EXL unchanged) and continues at ErrorEPC;
 *  - ERET has no delay slot: the instruction after it does not execute;
 *  - ERET clears the LL bit, so an SC after an exception return (or any
 *    ERET) between LL and SC fails (rt = 0) and does not store;
 *  - an LL/SC pair with nothing in between succeeds (rt = 1).
 */
#include "hw.h"

static volatile uint32_t cell = 100;
#if ISA_64
static volatile uint64_t dcell = 1000;
#endif

static void eret_paths(void)
{
    rv landed, after, st;
    uint32_t sr = cp0_status() & ~(uint32_t)ST_IE;
    cp0_set_status(sr);

    /* EXL = 1, EPC = label 2: ERET goes there; the word after ERET and the
     * code at label 1 are skipped. */
    __asm__ volatile(".set push\n.set noreorder\n"
                     "li %0, 0\n"
                     "li %1, 0\n"
                     "la $8, 2f\n"
                     "dmtc0 $8, $14\n"        /* EPC */
                     "ori $8, %3, 2\n"        /* EXL = 1 */
                     "mtc0 $8, $12\n"
                     "nop\nnop\n"
                     "eret\n"
                     "addiu %1, %1, 1\n"      /* not a delay slot */
                     "1: addiu %0, %0, 100\n"
                     "2: addiu %0, %0, 1\n"
                     "mfc0 %2, $12\n"
                     ".set pop"
                     : "=&r"(landed), "=&r"(after), "=&r"(st)
                     : "r"((rv)(int32_t)sr)
                     : "$8", "memory");
    t_printf("eret exl: landed=%lld after-eret executed=%lld exl=%u\n",
             (long long)landed, (long long)after,
             ((uint32_t)st & ST_EXL) ? 1 : 0);

    /* ERL = 1 and EXL = 1: ERET uses ErrorEPC, clears only ERL. */
    __asm__ volatile(".set push\n.set noreorder\n"
                     "li %0, 0\n"
                     "la $8, 1f\n"
                     "dmtc0 $8, $14\n"        /* EPC: must not be used */
                     "la $8, 2f\n"
                     "dmtc0 $8, $30\n"        /* ErrorEPC */
                     "ori $8, %2, 6\n"        /* ERL = EXL = 1 */
                     "mtc0 $8, $12\n"
                     "nop\nnop\n"
                     "eret\n"
                     "nop\n"
                     "1: addiu %0, %0, 100\n"
                     "2: addiu %0, %0, 1\n"
                     "mfc0 %1, $12\n"
                     "mtc0 %2, $12\n"         /* EXL back to 0 */
                     "nop\nnop\n"
                     ".set pop"
                     : "=&r"(landed), "=&r"(st)
                     : "r"((rv)(int32_t)sr)
                     : "$8", "memory");
    t_printf("eret erl: landed=%lld erl=%u exl=%u\n", (long long)landed,
             ((uint32_t)st & ST_ERL) ? 1 : 0, ((uint32_t)st & ST_EXL) ? 1 : 0);
}

static void ll_sc(void)
{
    rv old, ok;
    uint32_t sr = cp0_status() & ~(uint32_t)ST_IE;

    cell = 100;
    __asm__ volatile(".set push\n.set noreorder\n"
                     "ll %0, 0(%2)\n"
                     "addiu %1, %0, 1\n"
                     "sc %1, 0(%2)\n"
                     ".set pop"
                     : "=&r"(old), "=&r"(ok)
                     : "r"(&cell)
                     : "memory");
    t_printf("ll/sc plain: sc=%lld cell=%u\n", (long long)ok, cell);

    /* an exception (SYSCALL, handled and returned with ERET) in between */
    hw_clear();
    __asm__ volatile(".set push\n.set noreorder\n"
                     "ll %0, 0(%2)\n"
                     "addiu %1, %0, 1\n"
                     "syscall\n"
                     "sc %1, 0(%2)\n"
                     ".set pop"
                     : "=&r"(old), "=&r"(ok)
                     : "r"(&cell)
                     : "memory");
    t_printf("ll/syscall/sc: exceptions=%u sc=%lld cell=%u\n", hw_last.count,
             (long long)ok, cell);

    /* a bare ERET in between (to the next instruction) */
    __asm__ volatile(".set push\n.set noreorder\n"
                     "ll %0, 0(%2)\n"
                     "addiu %1, %0, 1\n"
                     "la $8, 1f\n"
                     "dmtc0 $8, $14\n"
                     "ori $8, %3, 2\n"
                     "mtc0 $8, $12\n"
                     "nop\nnop\n"
                     "eret\n"
                     "1: sc %1, 0(%2)\n"
                     ".set pop"
                     : "=&r"(old), "=&r"(ok)
                     : "r"(&cell), "r"((rv)(int32_t)sr)
                     : "$8", "memory");
    t_printf("ll/eret/sc: sc=%lld cell=%u\n", (long long)ok, cell);

    /* after the failures, a fresh pair succeeds again */
    __asm__ volatile(".set push\n.set noreorder\n"
                     "ll %0, 0(%2)\n"
                     "addiu %1, %0, 10\n"
                     "sc %1, 0(%2)\n"
                     ".set pop"
                     : "=&r"(old), "=&r"(ok)
                     : "r"(&cell)
                     : "memory");
    t_printf("ll/sc again: sc=%lld cell=%u\n", (long long)ok, cell);
#if ISA_64
    hw_clear();
    __asm__ volatile(".set push\n.set noreorder\n"
                     "lld %0, 0(%2)\n"
                     "daddiu %1, %0, 1\n"
                     "break\n"
                     "scd %1, 0(%2)\n"
                     ".set pop"
                     : "=&r"(old), "=&r"(ok)
                     : "r"(&dcell)
                     : "memory");
    t_printf("lld/break/scd: exceptions=%u scd=%lld dcell=%llu\n",
             hw_last.count, (long long)ok, (unsigned long long)dcell);
    __asm__ volatile(".set push\n.set noreorder\n"
                     "lld %0, 0(%2)\n"
                     "daddiu %1, %0, 1\n"
                     "scd %1, 0(%2)\n"
                     ".set pop"
                     : "=&r"(old), "=&r"(ok)
                     : "r"(&dcell)
                     : "memory");
    t_printf("lld/scd plain: scd=%lld dcell=%llu\n", (long long)ok,
             (unsigned long long)dcell);
#endif
}

/* Exception entry: EXL set, KSU/IE kept, BEV as programmed; ERET
 * restores. */
static void entry_state(void)
{
    uint32_t sr = cp0_status();
    hw_clear();
    __asm__ volatile("syscall" ::: "memory");
    t_printf("handler status: exl=%u erl=%u ie=%u bev=%u ksu=%u\n",
             (hw_last.status & ST_EXL) ? 1 : 0,
             (hw_last.status & ST_ERL) ? 1 : 0,
             (hw_last.status & ST_IE) ? 1 : 0,
             (hw_last.status & ST_BEV) ? 1 : 0,
             (hw_last.status >> 3) & 3);
    t_printf("status restored after eret: %u\n", cp0_status() == sr);
}

void test_main(void)
{
    hw_init();
    eret_paths();
    ll_sc();
    entry_state();
}
