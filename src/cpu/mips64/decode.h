/*
 * Instruction decoder built from insn_table.h: one id per table entry,
 * INSN_UNKNOWN for every word no entry matches (Reserved Instruction).
 */
#ifndef CPU_MIPS64_DECODE_H
#define CPU_MIPS64_DECODE_H

#include <stdint.h>

enum insn_format {
    FMT_NONE, FMT_RRR, FMT_SHIFT, FMT_SHIFTV, FMT_RRI, FMT_RRU, FMT_LUI,
    FMT_MEM, FMT_FMEM, FMT_BRANCH1, FMT_BRANCH2, FMT_JUMP, FMT_JR, FMT_JALR,
    FMT_RS_RT, FMT_RS_IMM, FMT_RD, FMT_RS, FMT_COP0, FMT_COP1, FMT_BC1,
    FMT_CODE20, FMT_CODE25, FMT_CACHE, FMT_PREFX, FMT_MOVCI,
};

enum {
    F_BRANCH = 1 << 0,   /* has a delay slot */
    F_LIKELY = 1 << 1,   /* branch-likely: slot nullified when not taken */
    F_REGJUMP = 1 << 2,  /* target from a register */
    F_64 = 1 << 3,       /* 64-bit operation (RI in 32-bit user/supervisor) */
    F_PRIV = 1 << 4,     /* needs kernel mode or Status.CU0 */
    F_CP1 = 1 << 5,      /* needs Status.CU1 */
    F_LOAD = 1 << 6,
    F_STORE = 1 << 7,
    F_ENDBLOCK = 1 << 8, /* changes state a translated block depends on */
};

enum insn_id {
#define INSN(id, mn, mask, match, fmt, flags) INSN_##id,
#include "cpu/mips64/insn_table.h"
#undef INSN
    INSN_UNKNOWN,
    INSN_COUNT
};

struct insn_desc {
    const char *mnemonic;
    uint32_t mask;
    uint32_t match;
    enum insn_format fmt;
    unsigned flags;
};

extern const struct insn_desc mips_insn_desc[INSN_COUNT];

struct mips_decoder;

/* Built once per process (read-only afterwards, shareable by threads). */
const struct mips_decoder *mips_decoder_get(void);
enum insn_id mips_decode(const struct mips_decoder *dec, uint32_t insn);

/* Field accessors (MIPS IV ISA, instruction formats). */
#define INSN_OP(i) (((i) >> 26) & 0x3F)
#define INSN_RS(i) (((i) >> 21) & 0x1F)
#define INSN_RT(i) (((i) >> 16) & 0x1F)
#define INSN_RD(i) (((i) >> 11) & 0x1F)
#define INSN_SA(i) (((i) >> 6) & 0x1F)
#define INSN_FUNCT(i) ((i) & 0x3F)
#define INSN_IMM(i) ((int64_t)(int16_t)((i) & 0xFFFF))
#define INSN_UIMM(i) ((uint64_t)((i) & 0xFFFF))
#define INSN_TARGET(i) ((i) & 0x03FFFFFF)

#endif
