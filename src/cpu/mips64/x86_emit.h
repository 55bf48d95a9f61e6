/*
 * A small x86-64 instruction encoder for the MIPS64 translator (Intel SDM
 * vol. 2, "Instruction Format": REX prefix, ModRM, SIB, displacement,
 * immediate). Only the forms the translator uses are provided.
 *
 * Code is written through the read/write view of the code area while
 * addresses (jump targets, rel32 displacements) are those of the
 * read/execute view: xbuf keeps both.
 */
#ifndef CPU_MIPS64_X86_EMIT_H
#define CPU_MIPS64_X86_EMIT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum x86_reg {
    X_RAX, X_RCX, X_RDX, X_RBX, X_RSP, X_RBP, X_RSI, X_RDI,
    X_R8, X_R9, X_R10, X_R11, X_R12, X_R13, X_R14, X_R15,
};

/* Condition codes (SDM appendix B.1.4.7) */
enum x86_cc {
    CC_O = 0, CC_NO = 1, CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5,
    CC_BE = 6, CC_A = 7, CC_S = 8, CC_NS = 9, CC_L = 0xC, CC_GE = 0xD,
    CC_LE = 0xE, CC_G = 0xF,
};

/* Group-1 ALU operations (opcode extension / reg field) */
enum x86_alu { ALU_ADD = 0, ALU_OR = 1, ALU_ADC = 2, ALU_SBB = 3,
               ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 };

/* Group-2 shifts */
enum x86_shift { SH_ROL = 0, SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

/* Group-3 unary operations (opcode F7) */
enum x86_unary { UN_NOT = 2, UN_NEG = 3, UN_MUL = 4, UN_IMUL = 5,
                 UN_DIV = 6, UN_IDIV = 7 };

struct xbuf {
    uint8_t *rw;      /* write view of the buffer start */
    uintptr_t rx;     /* execute view of the buffer start */
    size_t pos;
    size_t cap;
    int overflow;     /* ran past cap: the output is garbage */
};

static inline uintptr_t x_here(const struct xbuf *b)
{
    return b->rx + b->pos;
}

static inline void x_byte(struct xbuf *b, uint8_t v)
{
    if (b->pos < b->cap)
        b->rw[b->pos] = v;
    else
        b->overflow = 1;
    b->pos++;
}

static inline void x_u32(struct xbuf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        x_byte(b, (uint8_t)(v >> (8 * i)));
}

static inline void x_u64(struct xbuf *b, uint64_t v)
{
    x_u32(b, (uint32_t)v);
    x_u32(b, (uint32_t)(v >> 32));
}

static inline int x_fits8(int64_t v) { return v >= -128 && v <= 127; }
static inline int x_fits32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* REX: W (64-bit), R (reg ext), X (index ext), B (base/rm ext). `force`
 * for byte registers SPL..DIL. */
static inline void x_rex(struct xbuf *b, int w, int reg, int index, int base,
                         int force)
{
    uint8_t r = 0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) |
                ((index & 8) ? 2 : 0) | ((base & 8) ? 1 : 0);
    if (r != 0x40 || force)
        x_byte(b, r);
}

static inline void x_op(struct xbuf *b, uint32_t op)
{
    if (op > 0xFFFF)
        x_byte(b, (uint8_t)(op >> 16));
    if (op > 0xFF)
        x_byte(b, (uint8_t)(op >> 8));
    x_byte(b, (uint8_t)op);
}

/* ModRM for register-direct operands. */
static inline void x_modrm_rr(struct xbuf *b, int reg, int rm)
{
    x_byte(b, (uint8_t)(0xC0 | ((reg & 7) << 3) | (rm & 7)));
}

/* ModRM (+SIB, +disp) for [base + disp] or [base + index*scale + disp];
 * index < 0 means none. `force32` always uses a 32-bit displacement (for
 * instructions that must keep a fixed length). */
static inline void x_modrm_mem(struct xbuf *b, int reg, int base, int index,
                               int scale, int32_t disp, int force32)
{
    int mod;
    if (force32)
        mod = 2;
    else if (disp == 0 && (base & 7) != X_RBP)
        mod = 0;
    else if (x_fits8(disp))
        mod = 1;
    else
        mod = 2;
    if (index >= 0 || (base & 7) == X_RSP) {
        int ss = scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0;
        int idx = index >= 0 ? (index & 7) : 4; /* 4 = no index */
        x_byte(b, (uint8_t)((mod << 6) | ((reg & 7) << 3) | 4));
        x_byte(b, (uint8_t)((ss << 6) | (idx << 3) | (base & 7)));
    } else {
        x_byte(b, (uint8_t)((mod << 6) | ((reg & 7) << 3) | (base & 7)));
    }
    if (mod == 1)
        x_byte(b, (uint8_t)disp);
    else if (mod == 2)
        x_u32(b, (uint32_t)disp);
}

/* op reg, r/m(register) */
static inline void x_rr(struct xbuf *b, uint32_t op, int w, int reg, int rm)
{
    x_rex(b, w, reg, 0, rm, 0);
    x_op(b, op);
    x_modrm_rr(b, reg, rm);
}

/* op reg, [base+disp] */
static inline void x_rm(struct xbuf *b, uint32_t op, int w, int reg, int base,
                        int32_t disp)
{
    x_rex(b, w, reg, 0, base, 0);
    x_op(b, op);
    x_modrm_mem(b, reg, base, -1, 1, disp, 0);
}

/* op reg, [base+index*scale+disp] */
static inline void x_rmi(struct xbuf *b, uint32_t op, int w, int reg, int base,
                         int index, int scale, int32_t disp)
{
    x_rex(b, w, reg, index, base, 0);
    x_op(b, op);
    x_modrm_mem(b, reg, base, index, scale, disp, 0);
}

/* ---- moves ---- */

static inline void x_mov_rr(struct xbuf *b, int w, int dst, int src)
{
    x_rr(b, 0x89, w, src, dst);
}

static inline void x_mov_load(struct xbuf *b, int w, int dst, int base,
                              int32_t disp)
{
    x_rm(b, 0x8B, w, dst, base, disp);
}

static inline void x_mov_store(struct xbuf *b, int w, int base, int32_t disp,
                               int src)
{
    x_rm(b, 0x89, w, src, base, disp);
}

/* 8/16-bit stores from the low part of src (src must be RAX..RBX or
 * any register with a REX prefix, which we always give). */
static inline void x_mov_store8(struct xbuf *b, int base, int32_t disp, int src)
{
    x_rex(b, 0, src, 0, base, 1);
    x_byte(b, 0x88);
    x_modrm_mem(b, src, base, -1, 1, disp, 0);
}

static inline void x_mov_store16(struct xbuf *b, int base, int32_t disp, int src)
{
    x_byte(b, 0x66);
    x_rm(b, 0x89, 0, src, base, disp);
}

/* mov reg, imm (shortest encoding; 64-bit value) */
static inline void x_mov_ri(struct xbuf *b, int dst, uint64_t imm)
{
    if (imm == 0) {
        x_rr(b, 0x31, 0, dst, dst); /* xor r32, r32 */
    } else if (imm <= 0xFFFFFFFFull) {
        x_rex(b, 0, 0, 0, dst, 0);
        x_byte(b, (uint8_t)(0xB8 + (dst & 7)));
        x_u32(b, (uint32_t)imm);
    } else if (x_fits32((int64_t)imm)) {
        x_rex(b, 1, 0, 0, dst, 0);
        x_byte(b, 0xC7);
        x_modrm_rr(b, 0, dst);
        x_u32(b, (uint32_t)imm);
    } else {
        x_rex(b, 1, 0, 0, dst, 0);
        x_byte(b, (uint8_t)(0xB8 + (dst & 7)));
        x_u64(b, imm);
    }
}

/* movabs reg, imm64 (fixed 10 bytes: patchable) */
static inline void x_mov_ri64(struct xbuf *b, int dst, uint64_t imm)
{
    x_rex(b, 1, 0, 0, dst, 0);
    x_byte(b, (uint8_t)(0xB8 + (dst & 7)));
    x_u64(b, imm);
}

/* mov [base+disp], imm32 (sign-extended when w) */
static inline void x_mov_store_imm(struct xbuf *b, int w, int base,
                                   int32_t disp, int32_t imm)
{
    x_rm(b, 0xC7, w, 0, base, disp);
    x_u32(b, (uint32_t)imm);
}

static inline void x_mov_store8_imm(struct xbuf *b, int base, int32_t disp,
                                    uint8_t imm)
{
    x_rm(b, 0xC6, 0, 0, base, disp);
    x_byte(b, imm);
}

static inline void x_movsxd(struct xbuf *b, int dst, int src)
{
    x_rr(b, 0x63, 1, dst, src);
}

static inline void x_movsxd_load(struct xbuf *b, int dst, int base,
                                 int32_t disp)
{
    x_rm(b, 0x63, 1, dst, base, disp);
}

/* movzx/movsx dst, r/m8 or r/m16 from [base+index+disp] */
static inline void x_movx_load_idx(struct xbuf *b, uint32_t op, int w, int dst,
                                   int base, int index)
{
    x_rmi(b, op, w, dst, base, index, 1, 0);
}
#define OP_MOVZX8 0x0FB6
#define OP_MOVZX16 0x0FB7
#define OP_MOVSX8 0x0FBE
#define OP_MOVSX16 0x0FBF
#define OP_MOVBE_LOAD 0x0F38F0  /* movbe reg, mem */
#define OP_MOVBE_STORE 0x0F38F1 /* movbe mem, reg */

static inline void x_movzx16_rr(struct xbuf *b, int dst, int src)
{
    x_rr(b, OP_MOVZX16, 0, dst, src);
}

static inline void x_lea(struct xbuf *b, int w, int dst, int base, int32_t disp)
{
    x_rm(b, 0x8D, w, dst, base, disp);
}

static inline void x_lea_idx(struct xbuf *b, int w, int dst, int base,
                             int index, int scale, int32_t disp)
{
    x_rmi(b, 0x8D, w, dst, base, index, scale, disp);
}

/* ---- arithmetic ---- */

static inline void x_alu_rr(struct xbuf *b, int op, int w, int dst, int src)
{
    x_rr(b, (uint32_t)((op << 3) | 1), w, src, dst);
}

static inline void x_alu_rm(struct xbuf *b, int op, int w, int dst, int base,
                            int32_t disp)
{
    x_rm(b, (uint32_t)((op << 3) | 3), w, dst, base, disp);
}

static inline void x_alu_mr(struct xbuf *b, int op, int w, int base,
                            int32_t disp, int src)
{
    x_rm(b, (uint32_t)((op << 3) | 1), w, src, base, disp);
}

static inline void x_alu_ri(struct xbuf *b, int op, int w, int dst, int32_t imm)
{
    if (x_fits8(imm)) {
        x_rr(b, 0x83, w, op, dst);
        x_byte(b, (uint8_t)imm);
    } else {
        x_rr(b, 0x81, w, op, dst);
        x_u32(b, (uint32_t)imm);
    }
}

static inline void x_alu_mi(struct xbuf *b, int op, int w, int base,
                            int32_t disp, int32_t imm)
{
    if (x_fits8(imm)) {
        x_rm(b, 0x83, w, op, base, disp);
        x_byte(b, (uint8_t)imm);
    } else {
        x_rm(b, 0x81, w, op, base, disp);
        x_u32(b, (uint32_t)imm);
    }
}

/* cmp byte [base+disp], imm8 */
static inline void x_cmp8_mi(struct xbuf *b, int base, int32_t disp, uint8_t imm)
{
    x_rm(b, 0x80, 0, ALU_CMP, base, disp);
    x_byte(b, imm);
}

static inline void x_test_rr(struct xbuf *b, int w, int a, int c)
{
    x_rr(b, 0x85, w, c, a);
}

/* test r8, r8 (the low bytes; REX always given, for SPL..DIL) */
static inline void x_test8_rr(struct xbuf *b, int a, int c)
{
    x_rex(b, 0, c, 0, a, 1);
    x_byte(b, 0x84);
    x_modrm_rr(b, c, a);
}

/* test r32, imm32 */
static inline void x_test_ri(struct xbuf *b, int w, int r, uint32_t imm)
{
    if (r == X_RAX) {
        x_rex(b, w, 0, 0, 0, 0);
        x_byte(b, 0xA9);
    } else {
        x_rr(b, 0xF7, w, 0, r);
    }
    x_u32(b, imm);
}

static inline void x_shift_ri(struct xbuf *b, int op, int w, int r, uint8_t n)
{
    if (n == 1) {
        x_rr(b, 0xD1, w, op, r);
    } else {
        x_rr(b, 0xC1, w, op, r);
        x_byte(b, n);
    }
}

/* shift r by CL */
static inline void x_shift_rcl(struct xbuf *b, int op, int w, int r)
{
    x_rr(b, 0xD3, w, op, r);
}

static inline void x_unary(struct xbuf *b, int op, int w, int r)
{
    x_rr(b, 0xF7, w, op, r);
}

static inline void x_imul_rr(struct xbuf *b, int w, int dst, int src)
{
    x_rr(b, 0x0FAF, w, dst, src);
}

static inline void x_cqo(struct xbuf *b)
{
    x_byte(b, 0x48);
    x_byte(b, 0x99);
}

static inline void x_cdq(struct xbuf *b)
{
    x_byte(b, 0x99);
}

static inline void x_bswap(struct xbuf *b, int w, int r)
{
    x_rex(b, w, 0, 0, r, 0);
    x_byte(b, 0x0F);
    x_byte(b, (uint8_t)(0xC8 + (r & 7)));
}

/* rol r16, 8: byte swap of a halfword */
static inline void x_rol16_8(struct xbuf *b, int r)
{
    x_byte(b, 0x66);
    x_rr(b, 0xC1, 0, SH_ROL, r);
    x_byte(b, 8);
}

/* setcc r8 (RAX..RBX, or any with REX) then zero-extended by the caller */
static inline void x_setcc(struct xbuf *b, int cc, int r)
{
    x_rex(b, 0, 0, 0, r, r >= 4);
    x_byte(b, 0x0F);
    x_byte(b, (uint8_t)(0x90 + cc));
    x_modrm_rr(b, 0, r);
}

static inline void x_movzx8_rr(struct xbuf *b, int dst, int src)
{
    x_rex(b, 0, dst, 0, src, src >= 4);
    x_byte(b, 0x0F);
    x_byte(b, 0xB6);
    x_modrm_rr(b, dst, src);
}

static inline void x_cmov(struct xbuf *b, int cc, int w, int dst, int src)
{
    x_rr(b, (uint32_t)(0x0F40 + cc), w, dst, src);
}

/* ---- control flow ---- */

/* Patch a rel32 at rw offset `at` (field position) to reach `target`. */
static inline void x_patch_rel32(struct xbuf *b, size_t at, uintptr_t target)
{
    int64_t rel = (int64_t)target - (int64_t)(b->rx + at + 4);
    uint32_t v = (uint32_t)(int32_t)rel;
    if (at + 4 <= b->cap)
        memcpy(b->rw + at, &v, 4);
}

/* jcc rel32 to target (0 = to be patched); returns the field offset */
static inline size_t x_jcc(struct xbuf *b, int cc, uintptr_t target)
{
    x_byte(b, 0x0F);
    x_byte(b, (uint8_t)(0x80 + cc));
    size_t at = b->pos;
    x_u32(b, 0);
    if (target)
        x_patch_rel32(b, at, target);
    return at;
}

static inline size_t x_jmp(struct xbuf *b, uintptr_t target)
{
    x_byte(b, 0xE9);
    size_t at = b->pos;
    x_u32(b, 0);
    if (target)
        x_patch_rel32(b, at, target);
    return at;
}

/* Point a jump emitted earlier (field at `at`) to the current position. */
static inline void x_bind(struct xbuf *b, size_t at)
{
    x_patch_rel32(b, at, x_here(b));
}

static inline void x_call_r(struct xbuf *b, int r)
{
    x_rr(b, 0xFF, 0, 2, r);
}

static inline void x_jmp_r(struct xbuf *b, int r)
{
    x_rr(b, 0xFF, 0, 4, r);
}

/* jmp qword [base+index*8+disp] */
static inline void x_jmp_mem(struct xbuf *b, int base, int32_t disp)
{
    x_rm(b, 0xFF, 0, 4, base, disp);
}

static inline void x_push(struct xbuf *b, int r)
{
    x_rex(b, 0, 0, 0, r, 0);
    x_byte(b, (uint8_t)(0x50 + (r & 7)));
}

static inline void x_pop(struct xbuf *b, int r)
{
    x_rex(b, 0, 0, 0, r, 0);
    x_byte(b, (uint8_t)(0x58 + (r & 7)));
}

static inline void x_ret(struct xbuf *b)
{
    x_byte(b, 0xC3);
}

static inline void x_int3(struct xbuf *b)
{
    x_byte(b, 0xCC);
}

#endif
