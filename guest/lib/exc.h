/*
 * exc.h - exception hooks for guest programs (BEV = 0 vectors in KSEG0).
 *
 * exc_install(hook) copies a small stub onto each RAM exception vector
 *   0x80000000  TLB refill            (vector argument EXC_VEC_TLB_REFILL)
 *   0x80000080  XTLB refill           (EXC_VEC_XTLB_REFILL)
 *   0x80000100  cache error, KSEG0 alias of 0xA0000100 (EXC_VEC_CACHE_ERR)
 *   0x80000180  general exceptions    (EXC_VEC_GENERAL)
 * (vector addresses: R4000 manual, "Exception vector locations"), clears
 * Status.IE and then Status.BEV.  No cache maintenance is done: the emulated
 * CPU has no caches.
 *
 * On an exception the stub saves the CPU state into one static struct
 * exc_frame, switches to a private exception stack and calls
 *     int hook(struct exc_frame *f, int vector);
 * still at EXL = 1.  The hook may change f->gpr[], f->hi, f->lo, f->epc and
 * f->status.  If it returns 0 the runtime restores GPRs, HI, LO, EPC and
 * Status (EXL forced on) from the frame and executes ERET.  If it returns
 * non-zero (or no hook is installed) the runtime prints a register dump
 * starting with "*** unhandled exception" and stops the VM.
 *
 * Register notes:
 *  - k0 is used by the vector stub before anything can be saved: gpr[26]
 *    reads 0 on entry.  On return k0 is loaded from gpr[26] like every
 *    other register, so a hook can set it.
 *  - k1 is saved unchanged.
 *  - Context, EntryHi, BadVAddr, XContext and Cause are saved for
 *    inspection only; they are not written back.
 *  - The frame is static: the hook must not take a nested exception
 *    (it runs with EXL = 1, so interrupts are held off).
 *
 * Syscall forwarding: exc_forward_syscalls(entry) makes the general stub
 * jump to `entry` for Cause.ExcCode = 8 (syscall) before touching anything
 * but k0, the way IOS hands EMT calls to the ROM entry from EMT 42's table
 * (c7200.md §17.1).  entry = 0 turns forwarding off.
 */
#ifndef GUEST_EXC_H
#define GUEST_EXC_H

/* Frame layout: byte offsets, shared with exc_entry.S. */
#define EXC_F_GPR(n)     (8 * (n))  /* 0x000..0x0F8: gpr[0..31], 64-bit */
#define EXC_F_HI         0x100
#define EXC_F_LO         0x108
#define EXC_F_EPC        0x110      /* dmfc0 $14 */
#define EXC_F_BADVADDR   0x118      /* dmfc0 $8  */
#define EXC_F_CONTEXT    0x120      /* dmfc0 $4  */
#define EXC_F_ENTRYHI    0x128      /* dmfc0 $10 */
#define EXC_F_XCONTEXT   0x130      /* dmfc0 $20 */
#define EXC_F_STATUS     0x138      /* mfc0 $12, sign-extended */
#define EXC_F_CAUSE      0x140      /* mfc0 $13, sign-extended */
#define EXC_F_VECTOR     0x148      /* 32-bit: vector offset, EXC_VEC_* */
#define EXC_F_SIZE       0x150

/* Vector offsets passed to the hook (offset from 0x80000000). */
#define EXC_VEC_TLB_REFILL  0x000
#define EXC_VEC_XTLB_REFILL 0x080
#define EXC_VEC_CACHE_ERR   0x100
#define EXC_VEC_GENERAL     0x180

#ifndef __ASSEMBLER__
#include <stdint.h>

struct exc_frame {
    uint64_t gpr[32];  /* 0x000 general registers, gpr[0] = 0 */
    uint64_t hi;       /* 0x100 */
    uint64_t lo;       /* 0x108 */
    uint64_t epc;      /* 0x110 */
    uint64_t badvaddr; /* 0x118 */
    uint64_t context;  /* 0x120 */
    uint64_t entryhi;  /* 0x128 */
    uint64_t xcontext; /* 0x130 */
    uint64_t status;   /* 0x138 */
    uint64_t cause;    /* 0x140 */
    uint32_t vector;   /* 0x148 EXC_VEC_* */
    uint32_t reserved; /* 0x14C */
};

/* GPR indices by their o32 names. */
enum {
    R_ZERO, R_AT, R_V0, R_V1, R_A0, R_A1, R_A2, R_A3,
    R_T0, R_T1, R_T2, R_T3, R_T4, R_T5, R_T6, R_T7,
    R_S0, R_S1, R_S2, R_S3, R_S4, R_S5, R_S6, R_S7,
    R_T8, R_T9, R_K0, R_K1, R_GP, R_SP, R_FP, R_RA
};

typedef int (*exc_hook_t)(struct exc_frame *f, int vector);

/* Install the vector stubs and the hook; clears Status.IE, then BEV. */
void exc_install(exc_hook_t hook);

/* Change the hook without touching the vectors or Status. */
void exc_set_hook(exc_hook_t hook);

/* Forward syscalls to `entry` (e.g. 0xBFC003B0), 0 = off. */
void exc_forward_syscalls(uint32_t entry);

/* Print a frame the way the runtime does for unhandled exceptions. */
void exc_dump(const struct exc_frame *f, int vector);

/* Name of an exception code ("Syscall", "TLB load", ...). */
const char *exc_code_name(unsigned int code);

#endif /* !__ASSEMBLER__ */

#endif /* GUEST_EXC_H */
