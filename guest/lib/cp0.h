/*
 * cp0.h - MIPS coprocessor 0 register numbers, Status/Cause bits and
 * accessors for guest programs (o32 C code on a MIPS III CPU).
 *
 * Register numbers and bit positions are those of the R4000/R4600/RM7000
 * user manuals (CP0 chapter); c7200.md §2.2 lists what the platform presents.
 *
 * mfc0/mtc0 move 32 bits (mfc0 sign-extends bit 31).  64-bit registers
 * (EPC, BadVAddr, EntryHi, Context, XContext, ErrorEPC, EntryLo) are read and
 * written whole with dmfc0/dmtc0; since o32 registers are 32 bits wide in C,
 * the 64-bit value is split/joined inside the asm statement.
 */
#ifndef GUEST_CP0_H
#define GUEST_CP0_H

#ifndef __ASSEMBLER__
#include <stdint.h>
#endif

/* Register numbers (R4000 manual, table "CP0 registers"). */
#define CP0_INDEX     0
#define CP0_RANDOM    1
#define CP0_ENTRYLO0  2
#define CP0_ENTRYLO1  3
#define CP0_CONTEXT   4
#define CP0_PAGEMASK  5
#define CP0_WIRED     6
#define CP0_INFO      7  /* RM7000 Info; reads 0x20000000 (c7200.md §2.2) */
#define CP0_BADVADDR  8
#define CP0_COUNT     9
#define CP0_ENTRYHI   10
#define CP0_COMPARE   11
#define CP0_STATUS    12
#define CP0_CAUSE     13
#define CP0_EPC       14
#define CP0_PRID      15
#define CP0_CONFIG    16
#define CP0_LLADDR    17
#define CP0_WATCHLO   18
#define CP0_WATCHHI   19
#define CP0_XCONTEXT  20
#define CP0_ECC       26
#define CP0_CACHEERR  27
#define CP0_TAGLO     28
#define CP0_TAGHI     29
#define CP0_ERROREPC  30

/* Status bits (R4000 manual, Status register). */
#define ST_IE         0x00000001
#define ST_EXL        0x00000002
#define ST_ERL        0x00000004
#define ST_KSU_MASK   0x00000018
#define ST_UX         0x00000020
#define ST_SX         0x00000040
#define ST_KX         0x00000080
#define ST_IM(n)      (0x100 << (n)) /* interrupt mask for line n */
#define ST_IM_MASK    0x0000FF00
#define ST_DE         0x00010000
#define ST_CE         0x00020000
#define ST_CH         0x00040000
#define ST_SR         0x00100000
#define ST_TS         0x00200000
#define ST_BEV        0x00400000
#define ST_RE         0x02000000
#define ST_FR         0x04000000
#define ST_CU0        0x10000000
#define ST_CU1        0x20000000

/* Cause bits (R4000 manual, Cause register). */
#define CAUSE_EXC_MASK  0x0000007C
#define CAUSE_EXC_SHIFT 2
#define CAUSE_EXCCODE(c) (((c) & CAUSE_EXC_MASK) >> CAUSE_EXC_SHIFT)
#define CAUSE_IP(n)   (0x100 << (n)) /* pending interrupt line n */
#define CAUSE_IP_MASK 0x0000FF00
#define CAUSE_CE_MASK 0x30000000
#define CAUSE_BD      0x80000000

/* Exception codes (R4000 manual, Cause.ExcCode). */
#define EXC_INT       0
#define EXC_MOD       1
#define EXC_TLBL      2
#define EXC_TLBS      3
#define EXC_ADEL      4
#define EXC_ADES      5
#define EXC_IBE       6
#define EXC_DBE       7
#define EXC_SYS       8
#define EXC_BP        9
#define EXC_RI        10
#define EXC_CPU       11
#define EXC_OV        12
#define EXC_TR        13
#define EXC_VCEI      14
#define EXC_FPE       15
#define EXC_WATCH     23
#define EXC_VCED      31

#ifdef __ASSEMBLER__
/* Register operands for assembly sources ("mfc0 t0, C0_STATUS"). */
#define C0_INDEX     $0
#define C0_ENTRYLO0  $2
#define C0_ENTRYLO1  $3
#define C0_CONTEXT   $4
#define C0_PAGEMASK  $5
#define C0_WIRED     $6
#define C0_BADVADDR  $8
#define C0_COUNT     $9
#define C0_ENTRYHI   $10
#define C0_COMPARE   $11
#define C0_STATUS    $12
#define C0_CAUSE     $13
#define C0_EPC       $14
#define C0_PRID      $15
#define C0_CONFIG    $16
#define C0_XCONTEXT  $20
#define C0_ERROREPC  $30
#endif

#ifndef __ASSEMBLER__

#define CP0_STR_(x) #x
#define CP0_STR(x) CP0_STR_(x)

/* 32-bit read, sign-extended by the CPU; C sees the low 32 bits. */
#define mfc0(reg)                                                       \
    ({                                                                  \
        uint32_t mfc0_v_;                                               \
        __asm__ volatile("mfc0 %0, $" CP0_STR(reg) : "=r"(mfc0_v_));    \
        mfc0_v_;                                                        \
    })

/* 32-bit write. */
#define mtc0(reg, val)                                                  \
    __asm__ volatile("mtc0 %0, $" CP0_STR(reg)                          \
                     : : "r"((uint32_t)(val)) : "memory")

/* Full 64-bit read. */
#define dmfc0(reg)                                                      \
    ({                                                                  \
        uint32_t dmfc0_hi_, dmfc0_lo_;                                  \
        __asm__ volatile(".set push\n\t.set mips3\n\t.set gp=64\n\t"    \
                         "dmfc0 %1, $" CP0_STR(reg) "\n\t"              \
                         "dsra32 %0, %1, 0\n\t"                         \
                         "sll %1, %1, 0\n\t"                            \
                         ".set pop"                                     \
                         : "=r"(dmfc0_hi_), "=&r"(dmfc0_lo_));          \
        ((uint64_t)dmfc0_hi_ << 32) | dmfc0_lo_;                        \
    })

/* Full 64-bit write. */
#define dmtc0(reg, val)                                                 \
    do {                                                                \
        uint64_t dmtc0_v_ = (val);                                      \
        uint32_t dmtc0_t_;                                              \
        __asm__ volatile(".set push\n\t.set mips3\n\t.set gp=64\n\t"    \
                         ".set noat\n\t"                                \
                         "dsll32 %0, %1, 0\n\t"                         \
                         "dsll32 $1, %2, 0\n\t"                         \
                         "dsrl32 $1, $1, 0\n\t"                         \
                         "or %0, %0, $1\n\t"                            \
                         "dmtc0 %0, $" CP0_STR(reg) "\n\t"              \
                         ".set pop"                                     \
                         : "=&r"(dmtc0_t_)                              \
                         : "r"((uint32_t)(dmtc0_v_ >> 32)),             \
                           "r"((uint32_t)dmtc0_v_)                      \
                         : "$1", "memory");                             \
    } while (0)

/* Convenience wrappers for the registers used most. */
static inline uint32_t cp0_status(void) { return mfc0(CP0_STATUS); }
static inline void cp0_set_status(uint32_t v) { mtc0(CP0_STATUS, v); }
static inline uint32_t cp0_cause(void) { return mfc0(CP0_CAUSE); }
static inline uint32_t cp0_count(void) { return mfc0(CP0_COUNT); }

#endif /* !__ASSEMBLER__ */

#endif /* GUEST_CP0_H */
