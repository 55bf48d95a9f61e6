/*
 * The interpreter: the definition of correct execution for this CPU.
 * Semantics follow the MIPS IV Instruction Set manual (rev 3.2) and the
 * R4000/RM7000 user manuals: 32-bit results are sign-extended into the
 * 64-bit registers, ADD/ADDI/SUB/DADD/DADDI/DSUB trap on overflow without
 * writing the destination, branch conditions and link addresses are
 * computed before the delay slot runs, branch-likely nullifies the slot
 * when not taken, division by zero leaves HI/LO unchanged (their value is
 * UNPREDICTABLE), and every word the table doesn't know is a Reserved
 * Instruction.
 *
 * A handler returns 0 to advance PC by 4, or 1 when it has set PC itself
 * (branch, exception, ERET).
 */
#include <inttypes.h>
#include <string.h>

#include "core/log.h"
#include "cpu/mips64/cpu_internal.h"

#define RS_N INSN_RS(insn)
#define RT_N INSN_RT(insn)
#define RD_N INSN_RD(insn)
#define RS (cpu->gpr[RS_N])
#define RT (cpu->gpr[RT_N])
#define SET_RD(v) (cpu->gpr[RD_N] = (v))
#define SET_RT(v) (cpu->gpr[RT_N] = (v))
#define IMM INSN_IMM(insn)
#define UIMM INSN_UIMM(insn)
#define SA INSN_SA(insn)

/* Privilege and coprocessor checks (R4000 manual §5.4.9, §5.4.10). */
static int cpu_kernel(const struct mips_cpu *cpu)
{
    return mips_priv(cpu) == 0;
}

static int need_cp0(struct mips_cpu *cpu)
{
    if (cpu_kernel(cpu) || (cpu->cp0[CP0_STATUS] & ST_CU0))
        return 0;
    mips_exception_cpu(cpu, 0);
    return 1;
}

static int need_cp1(struct mips_cpu *cpu)
{
    if (cpu->cp0[CP0_STATUS] & ST_CU1)
        return 0;
    mips_exception_cpu(cpu, 1);
    return 1;
}

/* 64-bit operations need kernel mode or the 64-bit mode of the space. */
static int need_64(struct mips_cpu *cpu)
{
    uint32_t st = (uint32_t)cpu->cp0[CP0_STATUS];
    int priv = mips_priv(cpu);
    if (priv == 0 || (priv == 1 && (st & ST_SX)) || (priv == 2 && (st & ST_UX)))
        return 0;
    mips_exception(cpu, EXC_RI);
    return 1;
}

#define CHECK(c) do { if (c) return 1; } while (0)

static int branch(struct mips_cpu *cpu, int taken, uint64_t target, int likely);

static uint64_t branch_target(const struct mips_cpu *cpu, uint32_t insn)
{
    return cpu->pc + 4 + ((uint64_t)INSN_IMM(insn) << 2);
}

/* FPR access honouring Status.FR: with FR = 0 an odd register is the
 * upper half of the even one (R4000 manual §6.3). */
static uint32_t fpr_read32(const struct mips_cpu *cpu, int r)
{
    if (!(cpu->cp0[CP0_STATUS] & ST_FR) && (r & 1))
        return (uint32_t)(cpu->fpr[r & ~1] >> 32);
    return (uint32_t)cpu->fpr[r];
}

static void fpr_write32(struct mips_cpu *cpu, int r, uint32_t v)
{
    if (!(cpu->cp0[CP0_STATUS] & ST_FR) && (r & 1)) {
        uint64_t *p = &cpu->fpr[r & ~1];
        *p = (*p & 0xFFFFFFFFull) | ((uint64_t)v << 32);
    } else {
        cpu->fpr[r] = (cpu->fpr[r] & ~0xFFFFFFFFull) | v;
    }
}

static int fp_cc(const struct mips_cpu *cpu, int cc)
{
    /* FCSR condition bits: cc0 at bit 23, cc1..7 at bits 25..31 */
    int bit = cc == 0 ? 23 : 24 + cc;
    return (cpu->fcr31 >> bit) & 1;
}

static int fp_unimplemented(struct mips_cpu *cpu)
{
    /* No FP arithmetic unit is modelled: every FP operation reports
     * "unimplemented operation" so guest software can emulate it
     * (R4000 manual §7.6, FCSR Cause.E). */
    cpu->fcr31 |= 1u << 17;
    mips_exception(cpu, EXC_FPE);
    return 1;
}

static int load_linked(struct mips_cpu *cpu, uint64_t va, unsigned size,
                       uint64_t *v)
{
    if (mips_read(cpu, va, size, v))
        return -1;
    uint64_t pa;
    int cached, writable;
    if (mips_translate(cpu, va, ACC_LOAD, &pa, &cached, &writable) == 0)
        cpu->cp0[CP0_LLADDR] = pa >> 4;
    cpu->ll_bit = 1;
    return 0;
}

/* Unaligned loads: the aligned unit, with BadVAddr = the given address on
 * a fault (the faulting page is the same). */
static int load_unaligned_unit(struct mips_cpu *cpu, uint64_t va,
                               unsigned size, uint64_t *v)
{
    if (mips_read(cpu, va & ~(uint64_t)(size - 1), size, v)) {
        cpu->cp0[CP0_BADVADDR] = va;
        return -1;
    }
    return 0;
}

/* Unaligned stores as byte stores starting at va, so a fault reports va
 * and device windows see no read. step is +1 (SWL/SDL) or -1 (SWR/SDR). */
static int store_bytes(struct mips_cpu *cpu, uint64_t va, int step,
                       const uint8_t *bytes, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (mips_write(cpu, va + (int64_t)step * i, 1, bytes[i]))
            return -1;
    }
    return 0;
}

static int exec_insn(struct mips_cpu *cpu, enum insn_id id, uint32_t insn);

/* Signed 64-bit add/sub overflow (sign of result differs). */
static int add32_ovf(int32_t a, int32_t b, int32_t *r)
{
    return __builtin_add_overflow(a, b, r);
}

static int exec_insn(struct mips_cpu *cpu, enum insn_id id, uint32_t insn)
{
    uint64_t v, va;
    int32_t r32;
    int64_t r64;

    switch (id) {
    /* ---- shifts ---- */
    case INSN_sll: SET_RD(SEXT32((uint32_t)RT << SA)); return 0;
    case INSN_srl: SET_RD(SEXT32((uint32_t)RT >> SA)); return 0;
    case INSN_sra: SET_RD(SEXT32((int32_t)(uint32_t)RT >> SA)); return 0;
    case INSN_sllv: SET_RD(SEXT32((uint32_t)RT << (RS & 31))); return 0;
    case INSN_srlv: SET_RD(SEXT32((uint32_t)RT >> (RS & 31))); return 0;
    case INSN_srav: SET_RD(SEXT32((int32_t)(uint32_t)RT >> (RS & 31))); return 0;
    case INSN_dsllv: CHECK(need_64(cpu)); SET_RD(RT << (RS & 63)); return 0;
    case INSN_dsrlv: CHECK(need_64(cpu)); SET_RD(RT >> (RS & 63)); return 0;
    case INSN_dsrav: CHECK(need_64(cpu)); SET_RD((uint64_t)((int64_t)RT >> (RS & 63))); return 0;
    case INSN_dsll: CHECK(need_64(cpu)); SET_RD(RT << SA); return 0;
    case INSN_dsrl: CHECK(need_64(cpu)); SET_RD(RT >> SA); return 0;
    case INSN_dsra: CHECK(need_64(cpu)); SET_RD((uint64_t)((int64_t)RT >> SA)); return 0;
    case INSN_dsll32: CHECK(need_64(cpu)); SET_RD(RT << (SA + 32)); return 0;
    case INSN_dsrl32: CHECK(need_64(cpu)); SET_RD(RT >> (SA + 32)); return 0;
    case INSN_dsra32: CHECK(need_64(cpu)); SET_RD((uint64_t)((int64_t)RT >> (SA + 32))); return 0;

    /* ---- ALU ---- */
    case INSN_add:
        if (add32_ovf((int32_t)RS, (int32_t)RT, &r32)) {
            mips_exception(cpu, EXC_OV);
            return 1;
        }
        SET_RD(SEXT32(r32));
        return 0;
    case INSN_addu: SET_RD(SEXT32((uint32_t)RS + (uint32_t)RT)); return 0;
    case INSN_sub:
        if (__builtin_sub_overflow((int32_t)RS, (int32_t)RT, &r32)) {
            mips_exception(cpu, EXC_OV);
            return 1;
        }
        SET_RD(SEXT32(r32));
        return 0;
    case INSN_subu: SET_RD(SEXT32((uint32_t)RS - (uint32_t)RT)); return 0;
    case INSN_dadd:
        CHECK(need_64(cpu));
        if (__builtin_add_overflow((int64_t)RS, (int64_t)RT, &r64)) {
            mips_exception(cpu, EXC_OV);
            return 1;
        }
        SET_RD((uint64_t)r64);
        return 0;
    case INSN_daddu: CHECK(need_64(cpu)); SET_RD(RS + RT); return 0;
    case INSN_dsub:
        CHECK(need_64(cpu));
        if (__builtin_sub_overflow((int64_t)RS, (int64_t)RT, &r64)) {
            mips_exception(cpu, EXC_OV);
            return 1;
        }
        SET_RD((uint64_t)r64);
        return 0;
    case INSN_dsubu: CHECK(need_64(cpu)); SET_RD(RS - RT); return 0;
    case INSN_and: SET_RD(RS & RT); return 0;
    case INSN_or: SET_RD(RS | RT); return 0;
    case INSN_xor: SET_RD(RS ^ RT); return 0;
    case INSN_nor: SET_RD(~(RS | RT)); return 0;
    case INSN_slt: SET_RD((int64_t)RS < (int64_t)RT); return 0;
    case INSN_sltu: SET_RD(RS < RT); return 0;
    case INSN_movz: if (RT == 0) SET_RD(RS); return 0;
    case INSN_movn: if (RT != 0) SET_RD(RS); return 0;
    case INSN_movf:
        CHECK(need_cp1(cpu));
        if (!fp_cc(cpu, (insn >> 18) & 7)) SET_RD(RS);
        return 0;
    case INSN_movt:
        CHECK(need_cp1(cpu));
        if (fp_cc(cpu, (insn >> 18) & 7)) SET_RD(RS);
        return 0;

    case INSN_addi:
        if (add32_ovf((int32_t)RS, (int32_t)IMM, &r32)) {
            mips_exception(cpu, EXC_OV);
            return 1;
        }
        SET_RT(SEXT32(r32));
        return 0;
    case INSN_addiu: SET_RT(SEXT32((uint32_t)RS + (uint32_t)IMM)); return 0;
    case INSN_daddi:
        CHECK(need_64(cpu));
        if (__builtin_add_overflow((int64_t)RS, IMM, &r64)) {
            mips_exception(cpu, EXC_OV);
            return 1;
        }
        SET_RT((uint64_t)r64);
        return 0;
    case INSN_daddiu: CHECK(need_64(cpu)); SET_RT(RS + (uint64_t)IMM); return 0;
    case INSN_slti: SET_RT((int64_t)RS < IMM); return 0;
    case INSN_sltiu: SET_RT(RS < (uint64_t)IMM); return 0;
    case INSN_andi: SET_RT(RS & UIMM); return 0;
    case INSN_ori: SET_RT(RS | UIMM); return 0;
    case INSN_xori: SET_RT(RS ^ UIMM); return 0;
    case INSN_lui: SET_RT(SEXT32(UIMM << 16)); return 0;

    /* ---- multiply / divide ---- */
    case INSN_mfhi: SET_RD(cpu->hi); return 0;
    case INSN_mflo: SET_RD(cpu->lo); return 0;
    case INSN_mthi: cpu->hi = RS; return 0;
    case INSN_mtlo: cpu->lo = RS; return 0;
    case INSN_mult: {
        int64_t p = (int64_t)(int32_t)RS * (int32_t)RT;
        cpu->lo = SEXT32((uint64_t)p);
        cpu->hi = SEXT32((uint64_t)p >> 32);
        return 0;
    }
    case INSN_multu: {
        uint64_t p = (uint64_t)(uint32_t)RS * (uint32_t)RT;
        cpu->lo = SEXT32(p);
        cpu->hi = SEXT32(p >> 32);
        return 0;
    }
    case INSN_mad:
    case INSN_madu: {
        uint64_t acc = ((cpu->hi & 0xFFFFFFFF) << 32) | (cpu->lo & 0xFFFFFFFF);
        if (id == INSN_mad)
            acc += (uint64_t)((int64_t)(int32_t)RS * (int32_t)RT);
        else
            acc += (uint64_t)(uint32_t)RS * (uint32_t)RT;
        cpu->lo = SEXT32(acc);
        cpu->hi = SEXT32(acc >> 32);
        return 0;
    }
    case INSN_mul:
        SET_RD(SEXT32((uint32_t)((int64_t)(int32_t)RS * (int32_t)RT)));
        return 0;
    case INSN_div: {
        int32_t a = (int32_t)RS, b = (int32_t)RT;
        if (b == 0)
            return 0;
        if (a == INT32_MIN && b == -1) {
            cpu->lo = SEXT32((uint32_t)INT32_MIN);
            cpu->hi = 0;
            return 0;
        }
        cpu->lo = SEXT32((uint32_t)(a / b));
        cpu->hi = SEXT32((uint32_t)(a % b));
        return 0;
    }
    case INSN_divu: {
        uint32_t a = (uint32_t)RS, b = (uint32_t)RT;
        if (b == 0)
            return 0;
        cpu->lo = SEXT32(a / b);
        cpu->hi = SEXT32(a % b);
        return 0;
    }
    case INSN_dmult: {
        CHECK(need_64(cpu));
        __int128 p = (__int128)(int64_t)RS * (int64_t)RT;
        cpu->lo = (uint64_t)p;
        cpu->hi = (uint64_t)((unsigned __int128)p >> 64);
        return 0;
    }
    case INSN_dmultu: {
        CHECK(need_64(cpu));
        unsigned __int128 p = (unsigned __int128)RS * RT;
        cpu->lo = (uint64_t)p;
        cpu->hi = (uint64_t)(p >> 64);
        return 0;
    }
    case INSN_ddiv: {
        CHECK(need_64(cpu));
        int64_t a = (int64_t)RS, b = (int64_t)RT;
        if (b == 0)
            return 0;
        if (a == INT64_MIN && b == -1) {
            cpu->lo = (uint64_t)INT64_MIN;
            cpu->hi = 0;
            return 0;
        }
        cpu->lo = (uint64_t)(a / b);
        cpu->hi = (uint64_t)(a % b);
        return 0;
    }
    case INSN_ddivu: {
        CHECK(need_64(cpu));
        if (RT == 0)
            return 0;
        uint64_t a = RS, b = RT;
        cpu->lo = a / b;
        cpu->hi = a % b;
        return 0;
    }

    /* ---- traps ---- */
#define TRAP_IF(c) do { if (c) { mips_exception(cpu, EXC_TR); return 1; } return 0; } while (0)
    case INSN_tge: TRAP_IF((int64_t)RS >= (int64_t)RT);
    case INSN_tgeu: TRAP_IF(RS >= RT);
    case INSN_tlt: TRAP_IF((int64_t)RS < (int64_t)RT);
    case INSN_tltu: TRAP_IF(RS < RT);
    case INSN_teq: TRAP_IF(RS == RT);
    case INSN_tne: TRAP_IF(RS != RT);
    case INSN_tgei: TRAP_IF((int64_t)RS >= IMM);
    case INSN_tgeiu: TRAP_IF(RS >= (uint64_t)IMM);
    case INSN_tlti: TRAP_IF((int64_t)RS < IMM);
    case INSN_tltiu: TRAP_IF(RS < (uint64_t)IMM);
    case INSN_teqi: TRAP_IF((int64_t)RS == IMM);
    case INSN_tnei: TRAP_IF((int64_t)RS != IMM);
#undef TRAP_IF
    case INSN_syscall: mips_exception(cpu, EXC_SYS); return 1;
    case INSN_break_: mips_exception(cpu, EXC_BP); return 1;
    case INSN_sync: return 0;

    /* ---- branches and jumps ---- */
    case INSN_beq: return branch(cpu, RS == RT, branch_target(cpu, insn), 0);
    case INSN_bne: return branch(cpu, RS != RT, branch_target(cpu, insn), 0);
    case INSN_blez: return branch(cpu, (int64_t)RS <= 0, branch_target(cpu, insn), 0);
    case INSN_bgtz: return branch(cpu, (int64_t)RS > 0, branch_target(cpu, insn), 0);
    case INSN_bltz: return branch(cpu, (int64_t)RS < 0, branch_target(cpu, insn), 0);
    case INSN_bgez: return branch(cpu, (int64_t)RS >= 0, branch_target(cpu, insn), 0);
    case INSN_beql: return branch(cpu, RS == RT, branch_target(cpu, insn), 1);
    case INSN_bnel: return branch(cpu, RS != RT, branch_target(cpu, insn), 1);
    case INSN_blezl: return branch(cpu, (int64_t)RS <= 0, branch_target(cpu, insn), 1);
    case INSN_bgtzl: return branch(cpu, (int64_t)RS > 0, branch_target(cpu, insn), 1);
    case INSN_bltzl: return branch(cpu, (int64_t)RS < 0, branch_target(cpu, insn), 1);
    case INSN_bgezl: return branch(cpu, (int64_t)RS >= 0, branch_target(cpu, insn), 1);
    case INSN_bltzal:
    case INSN_bgezal:
    case INSN_bltzall:
    case INSN_bgezall: {
        /* Condition first: rs may be r31 itself (UNPREDICTABLE, but read
         * before the link write as the hardware pipeline does). */
        int taken = (id == INSN_bltzal || id == INSN_bltzall)
                        ? (int64_t)RS < 0 : (int64_t)RS >= 0;
        uint64_t target = branch_target(cpu, insn);
        cpu->gpr[31] = cpu->pc + 8;
        return branch(cpu, taken, target,
                      id == INSN_bltzall || id == INSN_bgezall);
    }
    case INSN_j:
    case INSN_jal: {
        /* Region bits come from the delay slot's address. */
        uint64_t target = ((cpu->pc + 4) & ~0x0FFFFFFFull) |
                          ((uint64_t)INSN_TARGET(insn) << 2);
        if (id == INSN_jal)
            cpu->gpr[31] = cpu->pc + 8;
        return branch(cpu, 1, target, 0);
    }
    case INSN_jr: return branch(cpu, 1, RS, 0);
    case INSN_jalr: {
        uint64_t target = RS;
        SET_RD(cpu->pc + 8);
        return branch(cpu, 1, target, 0);
    }
    case INSN_bc1f:
    case INSN_bc1t:
    case INSN_bc1fl:
    case INSN_bc1tl: {
        CHECK(need_cp1(cpu));
        int c = fp_cc(cpu, (insn >> 18) & 7);
        int want = id == INSN_bc1t || id == INSN_bc1tl;
        return branch(cpu, c == want, branch_target(cpu, insn),
                      id == INSN_bc1fl || id == INSN_bc1tl);
    }

    /* ---- loads ---- */
#define EA (RS + (uint64_t)IMM)
    case INSN_lb:
        if (mips_read(cpu, EA, 1, &v)) return 1;
        SET_RT((uint64_t)(int64_t)(int8_t)v);
        return 0;
    case INSN_lbu:
        if (mips_read(cpu, EA, 1, &v)) return 1;
        SET_RT(v);
        return 0;
    case INSN_lh:
        if (mips_read(cpu, EA, 2, &v)) return 1;
        SET_RT((uint64_t)(int64_t)(int16_t)v);
        return 0;
    case INSN_lhu:
        if (mips_read(cpu, EA, 2, &v)) return 1;
        SET_RT(v);
        return 0;
    case INSN_lw:
        if (mips_read(cpu, EA, 4, &v)) return 1;
        SET_RT(SEXT32(v));
        return 0;
    case INSN_lwu:
        CHECK(need_64(cpu));
        if (mips_read(cpu, EA, 4, &v)) return 1;
        SET_RT(v);
        return 0;
    case INSN_ld:
        CHECK(need_64(cpu));
        if (mips_read(cpu, EA, 8, &v)) return 1;
        SET_RT(v);
        return 0;
    case INSN_ll:
        if (load_linked(cpu, EA, 4, &v)) return 1;
        SET_RT(SEXT32(v));
        return 0;
    case INSN_lld:
        CHECK(need_64(cpu));
        if (load_linked(cpu, EA, 8, &v)) return 1;
        SET_RT(v);
        return 0;
    case INSN_lwl: {
        va = EA;
        if (load_unaligned_unit(cpu, va, 4, &v)) return 1;
        unsigned sh = 8 * (va & 3);
        uint32_t keep = sh ? (uint32_t)RT & ((1u << sh) - 1) : 0;
        SET_RT(SEXT32(((uint32_t)v << sh) | keep));
        return 0;
    }
    case INSN_lwr: {
        va = EA;
        if (load_unaligned_unit(cpu, va, 4, &v)) return 1;
        unsigned sh = 8 * (3 - (va & 3));
        uint32_t keep = sh ? (uint32_t)RT & ~(0xFFFFFFFFu >> sh) : 0;
        SET_RT(SEXT32(((uint32_t)v >> sh) | keep));
        return 0;
    }
    case INSN_ldl: {
        CHECK(need_64(cpu));
        va = EA;
        if (load_unaligned_unit(cpu, va, 8, &v)) return 1;
        unsigned sh = 8 * (va & 7);
        uint64_t keep = sh ? RT & ((1ull << sh) - 1) : 0;
        SET_RT((v << sh) | keep);
        return 0;
    }
    case INSN_ldr: {
        CHECK(need_64(cpu));
        va = EA;
        if (load_unaligned_unit(cpu, va, 8, &v)) return 1;
        unsigned sh = 8 * (7 - (va & 7));
        uint64_t keep = sh ? RT & ~(~0ull >> sh) : 0;
        SET_RT((v >> sh) | keep);
        return 0;
    }

    /* ---- stores ---- */
    case INSN_sb: return mips_write(cpu, EA, 1, RT) ? 1 : 0;
    case INSN_sh: return mips_write(cpu, EA, 2, RT) ? 1 : 0;
    case INSN_sw: return mips_write(cpu, EA, 4, RT) ? 1 : 0;
    case INSN_sd:
        CHECK(need_64(cpu));
        return mips_write(cpu, EA, 8, RT) ? 1 : 0;
    case INSN_sc:
    case INSN_scd: {
        unsigned size = id == INSN_sc ? 4 : 8;
        if (id == INSN_scd)
            CHECK(need_64(cpu));
        va = EA;
        if (cpu->ll_bit) {
            if (mips_write(cpu, va, size, RT))
                return 1;
            cpu->ll_bit = 0;
            SET_RT(1);
        } else {
            /* A failing SC still checks alignment (MIPS IV, SC). */
            if (va & (size - 1)) {
                mips_exception_addr(cpu, EXC_ADES, va);
                return 1;
            }
            SET_RT(0);
        }
        return 0;
    }
    case INSN_swl:
    case INSN_sdl: {
        unsigned size = id == INSN_swl ? 4 : 8;
        if (id == INSN_sdl)
            CHECK(need_64(cpu));
        va = EA;
        unsigned off = va & (size - 1), n = size - off;
        uint8_t b[8];
        /* Most significant bytes of rt go from va up to the unit's end. */
        for (unsigned i = 0; i < n; i++)
            b[i] = (uint8_t)(RT >> (8 * (size - 1 - i)));
        return store_bytes(cpu, va, 1, b, n) ? 1 : 0;
    }
    case INSN_swr:
    case INSN_sdr: {
        unsigned size = id == INSN_swr ? 4 : 8;
        if (id == INSN_sdr)
            CHECK(need_64(cpu));
        va = EA;
        unsigned off = va & (size - 1), n = off + 1;
        uint8_t b[8];
        /* Least significant bytes of rt go from va down to the unit's start. */
        for (unsigned i = 0; i < n; i++)
            b[i] = (uint8_t)(RT >> (8 * i));
        return store_bytes(cpu, va, -1, b, n) ? 1 : 0;
    }
    case INSN_cache:
        /* No cache is modelled; the operation only checks privilege. */
        CHECK(need_cp0(cpu));
        return 0;
    case INSN_pref:
        return 0;

    /* ---- FPU moves, loads and stores ---- */
    case INSN_lwc1:
        CHECK(need_cp1(cpu));
        if (mips_read(cpu, EA, 4, &v)) return 1;
        fpr_write32(cpu, RT_N, (uint32_t)v);
        return 0;
    case INSN_ldc1:
        CHECK(need_cp1(cpu));
        if (mips_read(cpu, EA, 8, &v)) return 1;
        cpu->fpr[RT_N] = v;
        return 0;
    case INSN_swc1:
        CHECK(need_cp1(cpu));
        return mips_write(cpu, EA, 4, fpr_read32(cpu, RT_N)) ? 1 : 0;
    case INSN_sdc1:
        CHECK(need_cp1(cpu));
        return mips_write(cpu, EA, 8, cpu->fpr[RT_N]) ? 1 : 0;
#undef EA
    case INSN_mfc1:
        CHECK(need_cp1(cpu));
        SET_RT(SEXT32(fpr_read32(cpu, RD_N)));
        return 0;
    case INSN_mtc1:
        CHECK(need_cp1(cpu));
        fpr_write32(cpu, RD_N, (uint32_t)RT);
        return 0;
    case INSN_dmfc1:
        CHECK(need_cp1(cpu));
        CHECK(need_64(cpu));
        SET_RT(cpu->fpr[RD_N]);
        return 0;
    case INSN_dmtc1:
        CHECK(need_cp1(cpu));
        CHECK(need_64(cpu));
        cpu->fpr[RD_N] = RT;
        return 0;
    case INSN_cfc1:
        CHECK(need_cp1(cpu));
        if (RD_N == 0)
            SET_RT(SEXT32((cpu->cfg_prid & 0xFF00) | 0x10)); /* FIR */
        else if (RD_N == 31)
            SET_RT(SEXT32(cpu->fcr31));
        else
            SET_RT(0);
        return 0;
    case INSN_ctc1:
        CHECK(need_cp1(cpu));
        if (RD_N == 31)
            cpu->fcr31 = (uint32_t)RT & 0xFF83FFFFu; /* R4000 FCSR layout */
        return 0;
    case INSN_cop1:
    case INSN_cop1x:
        CHECK(need_cp1(cpu));
        return fp_unimplemented(cpu);
    case INSN_prefx:
        CHECK(need_cp1(cpu));
        return 0;
    case INSN_cop2:
    case INSN_lwc2:
    case INSN_ldc2:
    case INSN_swc2:
    case INSN_sdc2:
        mips_exception_cpu(cpu, 2);
        return 1;

    /* ---- CP0 ---- */
    case INSN_mfc0:
    case INSN_dmfc0:
    case INSN_mtc0:
    case INSN_dmtc0: {
        CHECK(need_cp0(cpu));
        unsigned sel = insn & 7;
        int set1 = 0;
        if (sel == 1)
            set1 = 1; /* RM7000 control set, as the reference decodes it */
        else if (sel != 0) {
            mips_exception(cpu, EXC_RI);
            return 1;
        }
        if (id == INSN_dmfc0 || id == INSN_dmtc0)
            CHECK(need_64(cpu));
        switch (id) {
        case INSN_mfc0:
            SET_RT(SEXT32(set1 ? cpu->cp0_set1[RD_N] : mips_cp0_read(cpu, RD_N)));
            return 0;
        case INSN_dmfc0:
            SET_RT(set1 ? cpu->cp0_set1[RD_N] : mips_cp0_read(cpu, RD_N));
            return 0;
        case INSN_mtc0:
            if (set1)
                cpu->cp0_set1[RD_N] = (uint32_t)RT;
            else
                mips_cp0_write(cpu, RD_N, SEXT32(RT));
            return 0;
        default:
            if (set1)
                cpu->cp0_set1[RD_N] = RT;
            else
                mips_cp0_write(cpu, RD_N, RT);
            return 0;
        }
    }
    case INSN_cfc0:
        CHECK(need_cp0(cpu));
        /* RM7000 control register 16 (Config set 1) reads 0xFE000000
         * (mips64.md §3.5); others are plain storage. */
        SET_RT(RD_N == 16 ? SEXT32(0xFE000000u) : SEXT32(cpu->cp0_set1[RD_N]));
        return 0;
    case INSN_ctc0:
        CHECK(need_cp0(cpu));
        if (RD_N != 16)
            cpu->cp0_set1[RD_N] = (uint32_t)RT;
        return 0;
    case INSN_tlbr: CHECK(need_cp0(cpu)); mips_tlbr(cpu); return 0;
    case INSN_tlbwi: CHECK(need_cp0(cpu)); mips_tlbwi(cpu); return 0;
    case INSN_tlbwr: CHECK(need_cp0(cpu)); mips_tlbwr(cpu); return 0;
    case INSN_tlbp: CHECK(need_cp0(cpu)); mips_tlbp(cpu); return 0;
    case INSN_eret: {
        CHECK(need_cp0(cpu));
        uint64_t st = cpu->cp0[CP0_STATUS];
        if (st & ST_ERL) {
            cpu->pc = cpu->cp0[CP0_ERROREPC];
            cpu->cp0[CP0_STATUS] = st & ~(uint64_t)ST_ERL;
        } else {
            cpu->pc = cpu->cp0[CP0_EPC];
            cpu->cp0[CP0_STATUS] = st & ~(uint64_t)ST_EXL;
        }
        cpu->ll_bit = 0;
        mips_update_mode(cpu);
        cpu_attention(cpu);
        return 1;
    }
    case INSN_wait:
        CHECK(need_cp0(cpu));
        cpu->waiting = 1;
        cpu_attention(cpu);
        return 0;

    case INSN_UNKNOWN:
    default:
        mips_exception(cpu, EXC_RI);
        return 1;
    }
}

/*
 * Run the delay slot of the branch at cpu->pc, then go to the target (or
 * fall through). An exception in the slot leaves PC at its vector, with
 * EPC = the branch and Cause.BD set (exception.c).
 */
static int branch(struct mips_cpu *cpu, int taken, uint64_t target, int likely)
{
    if (cpu->in_delay_slot) {
        /* A branch in a delay slot is UNPREDICTABLE (MIPS IV, "Jump and
         * Branch Instructions"): stop the VM rather than guess. */
        mips_cpu_halt(cpu, "branch in a branch delay slot");
        return 1;
    }
    if (!taken && likely) {
        cpu->pc += 8;
        return 1;
    }
    uint32_t insn;
    uint64_t bpc = cpu->pc;
    cpu->gpr[0] = 0;
    cpu->in_delay_slot = 1;
    cpu->exception_taken = 0;
    if (mips_fetch_at(cpu, bpc + 4, &insn)) {
        cpu->in_delay_slot = 0;
        return 1; /* EPC = the branch, BD set */
    }
    enum insn_id id = mips_decode_side(cpu, insn);
    if (cpu->trace) {
        char buf[96];
        fprintf(cpu->trace, "%016" PRIx64 ": %08x  %s  [slot]\n", bpc + 4,
                insn, mips_disasm(insn, bpc + 4, buf, sizeof(buf)));
    }
    if (id == INSN_eret) {
        cpu->in_delay_slot = 0;
        mips_cpu_halt(cpu, "ERET in a branch delay slot");
        return 1;
    }
    exec_insn(cpu, id, insn);
    cpu->in_delay_slot = 0;
    cpu->gpr[0] = 0;
    cpu->insn_count++;
    if (cpu->exception_taken)
        return 1;
    cpu->pc = taken ? target : bpc + 8;
    return 1;
}

int mips_exec_insn(struct mips_cpu *cpu, uint32_t insn)
{
    return exec_insn(cpu, mips_decode_side(cpu, insn), insn);
}

/*
 * Execute one instruction at cpu->pc; side: decode through
 * mips_decode_side (outside the interpreter's loop). A constant at each
 * caller, so the loop's copy has no test for it.
 */
static inline __attribute__((always_inline)) void exec_one(
    struct mips_cpu *cpu, int side)
{
    uint32_t insn;
    cpu->exception_taken = 0;
    if (mips_fetch(cpu, &insn))
        return;
    enum insn_id id = side ? mips_decode_side(cpu, insn)
                           : mips_decode_cached(cpu, insn);
    if (cpu->trace) {
        char buf[96];
        fprintf(cpu->trace, "%016" PRIx64 ": %08x  %s\n", cpu->pc, insn,
                mips_disasm(insn, cpu->pc, buf, sizeof(buf)));
    }
    if (exec_insn(cpu, id, insn) == 0)
        cpu->pc += 4;
    cpu->gpr[0] = 0;
    cpu->insn_count++;
}

void mips_exec_one(struct mips_cpu *cpu)
{
    exec_one(cpu, 0);
}

/* The same outside the interpreter's loop (idle probes, the
 * translator's dispatcher). */
void mips_exec_one_side(struct mips_cpu *cpu)
{
    exec_one(cpu, 1);
}
