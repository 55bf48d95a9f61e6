/* Disassembler driven by the instruction table's formats. */
#include <inttypes.h>
#include <stdio.h>

#include "cpu/mips64/cpu.h"

static const char *const cp0_names[32] = {
    "Index", "Random", "EntryLo0", "EntryLo1", "Context", "PageMask",
    "Wired", "Info", "BadVAddr", "Count", "EntryHi", "Compare", "Status",
    "Cause", "EPC", "PRId", "Config", "LLAddr", "WatchLo", "WatchHi",
    "XContext", "$21", "$22", "$23", "$24", "$25", "ECC", "CacheErr",
    "TagLo", "TagHi", "ErrorEPC", "$31",
};

char *mips_disasm(uint32_t insn, uint64_t pc, char *buf, size_t len)
{
    const struct mips_decoder *dec = mips_decoder_get();
    enum insn_id id = mips_decode(dec, insn);
    const struct insn_desc *d = &mips_insn_desc[id];
    const char *mn = d->mnemonic;
    const char *rs = mips_gpr_names[INSN_RS(insn)];
    const char *rt = mips_gpr_names[INSN_RT(insn)];
    const char *rd = mips_gpr_names[INSN_RD(insn)];
    int64_t imm = INSN_IMM(insn);
    uint64_t btarget = pc + 4 + ((uint64_t)imm << 2);

    if (insn == 0) {
        snprintf(buf, len, "nop");
        return buf;
    }
    switch (d->fmt) {
    case FMT_NONE:
        snprintf(buf, len, "%s", mn);
        break;
    case FMT_RRR:
        snprintf(buf, len, "%-8s %s, %s, %s", mn, rd, rs, rt);
        break;
    case FMT_SHIFT:
        snprintf(buf, len, "%-8s %s, %s, %u", mn, rd, rt, INSN_SA(insn));
        break;
    case FMT_SHIFTV:
        snprintf(buf, len, "%-8s %s, %s, %s", mn, rd, rt, rs);
        break;
    case FMT_RRI:
        snprintf(buf, len, "%-8s %s, %s, %" PRId64, mn, rt, rs, imm);
        break;
    case FMT_RRU:
        snprintf(buf, len, "%-8s %s, %s, 0x%x", mn, rt, rs, insn & 0xFFFF);
        break;
    case FMT_LUI:
        snprintf(buf, len, "%-8s %s, 0x%x", mn, rt, insn & 0xFFFF);
        break;
    case FMT_MEM:
        snprintf(buf, len, "%-8s %s, %" PRId64 "(%s)", mn, rt, imm, rs);
        break;
    case FMT_FMEM:
        snprintf(buf, len, "%-8s $f%u, %" PRId64 "(%s)", mn, INSN_RT(insn),
                 imm, rs);
        break;
    case FMT_CACHE:
        snprintf(buf, len, "%-8s 0x%x, %" PRId64 "(%s)", mn, INSN_RT(insn),
                 imm, rs);
        break;
    case FMT_BRANCH1:
        snprintf(buf, len, "%-8s %s, 0x%" PRIx64, mn, rs, btarget);
        break;
    case FMT_BRANCH2:
        snprintf(buf, len, "%-8s %s, %s, 0x%" PRIx64, mn, rs, rt, btarget);
        break;
    case FMT_BC1:
        snprintf(buf, len, "%-8s $fcc%u, 0x%" PRIx64, mn, (insn >> 18) & 7,
                 btarget);
        break;
    case FMT_JUMP:
        snprintf(buf, len, "%-8s 0x%" PRIx64, mn,
                 (uint64_t)(((pc + 4) & ~0x0FFFFFFFull) |
                     ((uint64_t)INSN_TARGET(insn) << 2)));
        break;
    case FMT_JR:
    case FMT_RS:
        snprintf(buf, len, "%-8s %s", mn, rs);
        break;
    case FMT_JALR:
        snprintf(buf, len, "%-8s %s, %s", mn, rd, rs);
        break;
    case FMT_RS_RT:
        snprintf(buf, len, "%-8s %s, %s", mn, rs, rt);
        break;
    case FMT_RS_IMM:
        snprintf(buf, len, "%-8s %s, %" PRId64, mn, rs, imm);
        break;
    case FMT_RD:
        snprintf(buf, len, "%-8s %s", mn, rd);
        break;
    case FMT_COP0:
        if (insn & 7)
            snprintf(buf, len, "%-8s %s, $%u, %u", mn, rt, INSN_RD(insn),
                     insn & 7);
        else if (id == INSN_cfc0 || id == INSN_ctc0)
            snprintf(buf, len, "%-8s %s, $%u", mn, rt, INSN_RD(insn));
        else
            snprintf(buf, len, "%-8s %s, %s", mn, rt,
                     cp0_names[INSN_RD(insn)]);
        break;
    case FMT_COP1:
        snprintf(buf, len, "%-8s %s, $f%u", mn, rt, INSN_RD(insn));
        break;
    case FMT_MOVCI:
        snprintf(buf, len, "%-8s %s, %s, $fcc%u", mn, rd, rs,
                 (insn >> 18) & 7);
        break;
    case FMT_PREFX:
        snprintf(buf, len, "%-8s 0x%x, %s(%s)", mn, INSN_SA(insn),
                 mips_gpr_names[INSN_RT(insn)], rs);
        break;
    case FMT_CODE20:
        snprintf(buf, len, "%-8s 0x%x", mn, (insn >> 6) & 0xFFFFF);
        break;
    case FMT_CODE25:
    default:
        snprintf(buf, len, "%-8s 0x%08x", mn, insn);
        break;
    }
    return buf;
}
