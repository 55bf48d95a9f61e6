/*
 * hw.h: harness for the bare-metal exception / CP0 / TLB / timer tests
 * (hw/). These run only on our emulator; their expected output is written
 * from the MIPS R4000 User's Manual (2nd ed., ch. 4-6: memory management,
 * exceptions, CP0) and the RM7000 data sheet, not from any implementation.
 *
 * Exceptions are taken through the guest runtime's hooks (guest/lib/exc.h:
 * RAM vectors at 0x80000000 refill, 0x80000080 XTLB refill, 0x80000180
 * general; BEV cleared). hw_hook records what the CPU reported (vector,
 * Cause, EPC, BadVAddr, EntryHi, Context, Status) and resumes:
 *   - at hw_resume if a test set it (consumed once), else
 *   - at EPC + 4, or EPC + 8 when Cause.BD is set (skipping the branch and
 *     its delay slot: tests lay out "branch; faulting slot; <resume>").
 * A test may install hw_on_exc to act first (acknowledge an interrupt, fix
 * a register, write a TLB entry); returning 1 from it keeps EPC as set.
 */
#ifndef HW_H
#define HW_H

#include "isa.h"
#include "cp0.h"
#include "exc.h"

struct hw_rec {
    unsigned count;     /* exceptions since hw_clear() */
    uint32_t vector;    /* EXC_VEC_* offset from 0x80000000 */
    uint32_t cause;
    uint32_t status;    /* Status as seen by the handler */
    uint64_t epc, badvaddr, entryhi, context;
};

extern volatile struct hw_rec hw_last;
extern volatile uint64_t hw_resume;
extern int (*volatile hw_on_exc)(struct exc_frame *f, int vector);

void hw_init(void);
void hw_clear(void);

/* Print "<what>: none" or "<what>: <Code> vec=<off> epc=<ref+N> bd=<b>"
 * plus the optional fields below. EPC is shown relative to ref. */
#define HW_BADVA   0x01 /* badva=<hex> (relative to ref if HW_BADVA_REL) */
#define HW_BADVA_REL 0x02
#define HW_CE      0x04 /* ce=<Cause.CE> */
#define HW_EXL     0x08 /* exl=<Status.EXL in the handler> */
#define HW_ENTRYHI 0x10 /* entryhi=<hex> */
#define HW_CONTEXT 0x20 /* context=<hex> */
#define HW_COUNT   0x40 /* n=<number of exceptions> */
#define HW_BADVA_BASE 0x80 /* badva=base+N, relative to hw_va_base */
extern uint64_t hw_va_base;
void hw_show(const char *what, uint64_t ref, unsigned flags);

/* Exception code mnemonics (R4000 manual, Cause register ExcCode). */
const char *hw_code_name(unsigned code);

/* The address of a local label, as a sign-extended 64-bit value. */
static inline uint64_t hw_addr(const void *p)
{
    return (uint64_t)(int64_t)(intptr_t)p;
}

#endif
