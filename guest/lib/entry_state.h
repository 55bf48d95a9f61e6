/*
 * entry_state.h - CPU state captured by crt0 at the first instruction of
 * the program, before anything is changed: what the ROM monitor handed
 * over (c7200.md §16.4).
 */
#ifndef GUEST_ENTRY_STATE_H
#define GUEST_ENTRY_STATE_H

#define ENTRY_F_GPR(n)   (8 * (n)) /* 0x000..0x0F8: 64-bit GPRs */
#define ENTRY_F_HI       0x100
#define ENTRY_F_LO       0x108
#define ENTRY_F_EPC      0x110     /* dmfc0 */
#define ENTRY_F_STATUS   0x118     /* 32-bit fields from here on */
#define ENTRY_F_CAUSE    0x11C
#define ENTRY_F_COUNT    0x120
#define ENTRY_F_COMPARE  0x124
#define ENTRY_F_CONFIG   0x128
#define ENTRY_F_PRID     0x12C
#define ENTRY_F_SIZE     0x130

#ifndef __ASSEMBLER__
#include <stdint.h>

struct entry_state {
    uint64_t gpr[32];
    uint64_t hi;
    uint64_t lo;
    uint64_t epc;
    uint32_t status;
    uint32_t cause;
    uint32_t count;
    uint32_t compare;
    uint32_t config;
    uint32_t prid;
};

/* Filled in by crt0 before main() runs. */
extern struct entry_state rt_entry_state;

#endif /* !__ASSEMBLER__ */

#endif /* GUEST_ENTRY_STATE_H */
