/*
 * emt_probe.h - calls a ROM service (syscall while Status.BEV = 1) with
 * every register preloaded, and captures every register afterwards.
 */
#ifndef EMT_PROBE_H
#define EMT_PROBE_H

#define EP_GPR(n)  (8 * (n))
#define EP_HI      0x100
#define EP_LO      0x108
#define EP_SIZE    0x110            /* what is loaded and stored back */
#define EP_SP_BEFORE 0x110          /* sp at the syscall */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct emt_regs {
    uint64_t gpr[32];
    uint64_t hi;
    uint64_t lo;
    uint64_t sp_before; /* set by emt_probe */
};

/*
 * Loads all GPRs but zero and sp, and HI/LO, from *r (a0 = the service
 * number), executes syscall and stores every register back into *r.
 * r->sp_before receives the sp in use at the syscall (r->gpr[29] is
 * ignored on input and holds sp after the syscall on output).
 */
void emt_probe(struct emt_regs *r);

/*
 * Executes "syscall" in the delay slot of a taken branch with a0 = num.
 * Returns 1 if execution resumed after the delay slot (branch not taken),
 * 2 if it resumed at the branch target; *v0 = the service result.
 */
int emt_probe_delay_slot(uint32_t num, uint32_t *v0);
#endif

#endif /* EMT_PROBE_H */
