/*
 * isa.h: helpers for the instruction tests that run on both qemu and our
 * emulator. Each macro executes one instruction through inline assembly
 * (.set noreorder/noat so the assembler inserts and moves nothing) and
 * yields the destination register.
 *
 * rv is a full general register: 64 bits in n32 builds, 32 in o32 builds.
 * Results are printed through px(), which sign-extends o32 values, so a
 * 32-bit result prints the same way in both builds when the CPU
 * sign-extends it correctly (MIPS III rule: 32-bit operations write
 * sign-extended 64-bit results).
 */
#ifndef ISA_H
#define ISA_H

#include "tio.h"

#if _MIPS_SIM == _ABIN32
#define ISA_64 1
typedef long long rv;
#else
#define ISA_64 0
typedef int rv;
#endif
#if __mips >= 4
#define ISA_MIPS4 1
#else
#define ISA_MIPS4 0
#endif

typedef unsigned long long u64;

static inline u64 px(rv v)
{
    return (u64)(long long)v;
}

#define RR(op, a, b)                                                      \
    ({                                                                    \
        rv _r;                                                            \
        __asm__ volatile(".set push\n.set noreorder\n.set noat\n" op      \
                         " %0, %1, %2\n.set pop"                          \
                         : "=r"(_r)                                       \
                         : "r"((rv)(a)), "r"((rv)(b)));                   \
        _r;                                                               \
    })

#define RI(op, a, imm)                                                    \
    ({                                                                    \
        rv _r;                                                            \
        __asm__ volatile(".set push\n.set noreorder\n.set noat\n" op      \
                         " %0, %1, %2\n.set pop"                          \
                         : "=r"(_r)                                       \
                         : "r"((rv)(a)), "i"(imm));                       \
        _r;                                                               \
    })

/* Conditional moves: the destination is also an input. */
#define RMOV(op, d, s, t)                                                 \
    ({                                                                    \
        rv _r = (rv)(d);                                                  \
        __asm__ volatile(".set push\n.set noreorder\n" op                 \
                         " %0, %1, %2\n.set pop"                          \
                         : "+r"(_r)                                       \
                         : "r"((rv)(s)), "r"((rv)(t)));                   \
        _r;                                                               \
    })

/* HI/LO producers: returns via two outputs. */
#define HILO(op, a, b, hi, lo)                                            \
    __asm__ volatile(".set push\n.set noreorder\n" op " %2, %3\n"         \
                     "mfhi %0\nmflo %1\n.set pop"                         \
                     : "=&r"(hi), "=&r"(lo)                               \
                     : "r"((rv)(a)), "r"((rv)(b))                         \
                     : "hi", "lo")

/* Sign-extend a 32-bit pattern to a register value (valid input for 32-bit
 * operations, which are UNPREDICTABLE on non-sign-extended operands). */
#define SX(x) ((rv)(int)(unsigned)(x))

#endif
