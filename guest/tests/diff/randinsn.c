/*
 * randinsn: random instruction streams, generated in guest memory and run,
 * compared with qemu. Each block is ~50 random instructions (ALU, shifts,
 * immediates, multiply/divide with HI/LO read back, loads/stores of every
 * width and alignment incl. LWL/LWR/SWL/SWR and, in n32 builds, LDL/LDR/
 * SDL/SDR, forward branches and branch-likelies with filled delay slots,
 * 64-bit operations in n32 builds, MOVN/MOVZ/MUL in the rm7k build). The
 * register file and a 256-byte scratch area carry over from block to block;
 * after every block both are hashed and printed.
 *
 * The code buffers are rewritten for every block (self-modifying code: an
 * emulator's translation cache must notice), alternating between two
 * buffers, and each block runs twice (cached translation) from the same
 * starting state.
 *
 * Only architecturally defined behaviour is generated (R4000 manual,
 * MIPS IV ISA): 32-bit operations only ever see sign-extended inputs
 * (pool A registers); arbitrary 64-bit values live in pool B and reach
 * pool A only through SLL/SLT/SLTU; divisors are forced non-zero; HI/LO
 * are read only right after the MULT/DIV that set them (no branch lands in
 * between), and no MULT/DIV follows MFHI/MFLO within two instructions.
 */
#include "isa.h"

#define NBLOCKS 240
#define BODY 48
#define CODE_WORDS 1024

static uint32_t code[2][CODE_WORDS] __attribute__((aligned(4096)));
static unsigned char scratch[256] __attribute__((aligned(8)));

/* Pool A: $8..$15 (sign-extended 32-bit values). Pool B (n32): $2 $3 $24
 * $25 (any 64-bit value). $4 = state base, $5 = scratch base. */
static const unsigned poolA[8] = { 8, 9, 10, 11, 12, 13, 14, 15 };
#if ISA_64
static const unsigned poolB[4] = { 2, 3, 24, 25 };
#endif
#define NSTATE 12
static u64 state[NSTATE]; /* 8 A regs then 4 B regs */

static uint32_t seed = 0x2545F491;
static uint32_t rnd(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    return seed;
}
static unsigned pick(unsigned n)
{
    return rnd() % n;
}

#define R(rs, rt, rd, sa, fn)                                             \
    (((rs) << 21) | ((rt) << 16) | ((rd) << 11) | ((sa) << 6) | (fn))
#define I(op, rs, rt, imm)                                                \
    (((uint32_t)(op) << 26) | ((rs) << 21) | ((rt) << 16) | ((imm) & 0xFFFF))

/* generated items */
struct item {
    uint32_t w;
    int is_branch;     /* 1: offset patched later, wanted skip in .skip */
    int skip;
    int no_target;     /* a branch may not land here */
};
static struct item items[BODY * 6 + 8];
static int nitems;

static void emit(uint32_t w, int no_target)
{
    items[nitems].w = w;
    items[nitems].is_branch = 0;
    items[nitems].no_target = no_target;
    nitems++;
}

static unsigned ra(void)
{
    return poolA[pick(8)];
}
#if ISA_64
static unsigned rb(void)
{
    return poolB[pick(4)];
}
/* any register holding a valid 64-bit value */
static unsigned rany(void)
{
    return pick(3) ? rb() : ra();
}
#endif

/* One single-word instruction that is valid in a delay slot. */
static uint32_t simple_alu(void)
{
    /* weighted towards operations that keep values varied */
    static const unsigned fn[] = { 0x21, 0x21, 0x21, 0x23, 0x23, 0x26,
                                   0x26, 0x25, 0x24, 0x27, 0x2A, 0x2B,
                                   0x04, 0x06, 0x07 };
    unsigned k = pick(15 + 9);
    if (k < 15)
        return R(ra(), ra(), ra(), 0, fn[k]);
    switch (k - 15) {
    case 0: return I(0x09, ra(), ra(), rnd());          /* addiu */
    case 1: return I(0x0A, ra(), ra(), rnd());          /* slti */
    case 2: return I(0x0B, ra(), ra(), rnd());          /* sltiu */
    case 3: return I(0x0C, ra(), ra(), rnd());          /* andi */
    case 4: return I(0x0D, ra(), ra(), rnd());          /* ori */
    case 5: return I(0x0E, ra(), ra(), rnd());          /* xori */
    case 6: return I(0x0F, 0, ra(), rnd());             /* lui */
    case 7: return R(0, ra(), ra(), pick(32), pick(2) ? 0x00 : 0x02);
    default: return R(0, ra(), ra(), pick(32), 0x03);   /* sra */
    }
}

static void gen_muldiv(void)
{
    unsigned a = ra(), b = ra(), t = ra();
    unsigned k = pick(ISA_64 ? 8 : 4);
    uint32_t op;
#if ISA_64
    if (k >= 4) { /* 64-bit, operands from anywhere, results to pool B */
        a = rany();
        b = rany();
        t = rb();
    }
#endif
    switch (k & 3) {
    case 0: op = 0x18; break;                /* (d)mult */
    case 1: op = 0x19; break;                /* (d)multu */
    case 2: op = 0x1A; break;                /* (d)div */
    default: op = 0x1B; break;               /* (d)divu */
    }
    if (k >= 4)
        op += 4;
    if ((op & 3) >= 2) { /* divide: force a non-zero divisor into t */
        emit(I(0x0D, b, t, 1), 0);           /* ori t, b, 1 */
        emit(R(a, t, 0, 0, op), 1);
    } else {
        emit(R(a, b, 0, 0, op), 0);
    }
#if ISA_64
    emit(R(0, 0, k >= 4 ? rb() : ra(), 0, 0x12), 1);   /* mflo */
    emit(R(0, 0, k >= 4 ? rb() : ra(), 0, 0x10), 1);   /* mfhi */
#else
    emit(R(0, 0, ra(), 0, 0x12), 1);                   /* mflo */
    emit(R(0, 0, ra(), 0, 0x10), 1);                   /* mfhi */
#endif
    emit(0, 0);                                         /* hazard pad */
    emit(0, 0);
}

static void gen_mem(void)
{
    unsigned k = pick(ISA_64 ? 14 : 10);
    unsigned r = ra();
    switch (k) {
    case 0: emit(I(0x23, 5, r, pick(64) * 4), 0); break;        /* lw */
    case 1: emit(I(0x21, 5, r, pick(128) * 2), 0); break;       /* lh */
    case 2: emit(I(0x25, 5, r, pick(128) * 2), 0); break;       /* lhu */
    case 3: emit(I(pick(2) ? 0x20 : 0x24, 5, r, pick(256)), 0); break;
    case 4: emit(I(0x22, 5, r, pick(253)), 0); break;           /* lwl */
    case 5: emit(I(0x26, 5, r, pick(253)), 0); break;           /* lwr */
    case 6: emit(I(0x2B, 5, r, pick(64) * 4), 0); break;        /* sw */
    case 7: emit(I(0x29, 5, r, pick(128) * 2), 0); break;       /* sh */
    case 8: emit(I(0x28, 5, r, pick(256)), 0); break;           /* sb */
    case 9: emit(I(pick(2) ? 0x2A : 0x2E, 5, r, pick(253)), 0); break;
#if ISA_64
    case 10: emit(I(0x37, 5, rb(), pick(32) * 8), 0); break;    /* ld */
    case 11: emit(I(0x3F, 5, rany(), pick(32) * 8), 0); break;  /* sd */
    case 12: emit(I(pick(2) ? 0x1A : 0x1B, 5, rb(), pick(249)), 0); break;
    default:
        if (pick(2))
            emit(I(pick(2) ? 0x2C : 0x2D, 5, rany(), pick(249)), 0);
        else
            emit(I(0x27, 5, rb(), pick(64) * 4), 0);            /* lwu */
        break;
#endif
    }
}

static void gen_branch(void)
{
    unsigned k = pick(ISA_64 ? 12 : 10);
    uint32_t w;
    switch (k) {
    case 0: w = I(0x04, ra(), ra(), 0); break;                  /* beq */
    case 1: w = I(0x05, ra(), ra(), 0); break;                  /* bne */
    case 2: w = I(0x06, ra(), 0, 0); break;                     /* blez */
    case 3: w = I(0x07, ra(), 0, 0); break;                     /* bgtz */
    case 4: w = I(0x01, ra(), pick(2), 0); break;               /* bltz/bgez */
    case 5: w = I(0x14, ra(), ra(), 0); break;                  /* beql */
    case 6: w = I(0x15, ra(), ra(), 0); break;                  /* bnel */
    case 7: w = I(0x16 + pick(2), ra(), 0, 0); break;           /* blezl/bgtzl */
    case 8: w = I(0x01, ra(), 2 + pick(2), 0); break;           /* bltzl/bgezl */
    case 9: w = I(0x04, ra(), 0, 0); break;                     /* beqz */
#if ISA_64
    case 10: w = I(0x04 + pick(2), rany(), rany(), 0); break;
    case 11: w = I(0x01, rany(), pick(4), 0); break;
#endif
    default: w = 0; break;
    }
    items[nitems].w = w;
    items[nitems].is_branch = 1;
    items[nitems].skip = 1 + (int)pick(5);
    items[nitems].no_target = 0;
    nitems++;
    emit(simple_alu(), 0); /* delay slot */
}

#if ISA_64
static void gen_alu64(void)
{
    static const unsigned fn[] = { 0x2D, 0x2D, 0x2F, 0x2F, 0x26, 0x26,
                                   0x24, 0x25, 0x27, 0x14, 0x16, 0x17 };
    unsigned k = pick(12 + 8);
    if (k < 12) {
        emit(R(rany(), rany(), rb(), 0, fn[k]), 0);
        return;
    }
    switch (k - 12) {
    case 0: emit(I(0x19, rany(), rb(), rnd()), 0); break;       /* daddiu */
    case 1: emit(R(0, rany(), rb(), pick(32), 0x38 + 4 * pick(2)), 0); break;
    case 2: emit(R(0, rany(), rb(), pick(32), 0x3A + 4 * pick(2)), 0); break;
    case 3: emit(R(0, rany(), rb(), pick(32), 0x3B + 4 * pick(2)), 0); break;
    case 4: emit(R(rany(), rany(), ra(), 0, 0x2A + pick(2)), 0); break;
    case 5: emit(R(0, rb(), ra(), pick(32), 0x00), 0); break;   /* sll B->A */
    case 6: emit(I(0x0D + pick(2), rany(), rb(), rnd()), 0); break;
    default: emit(I(0x0B, rany(), ra(), rnd()), 0); break;      /* sltiu */
    }
}
#endif

#if defined(_MIPS_ARCH_RM7000)
static void gen_mips4(void)
{
    unsigned k = pick(3);
    if (k == 0) { /* movn/movz into pool A from pool A, any condition */
        emit(R(ra(), rany(), ra(), 0, 0x0A + pick(2)), 0);
    } else if (k == 1) {
        emit(R(rany(), rany(), rb(), 0, 0x0A + pick(2)), 0);
    } else { /* RM7000 MUL: rd = low word, sign-extended; HI/LO not read */
        emit((0x1Cu << 26) | R(ra(), ra(), ra(), 0, 0x02), 0);
    }
}
#endif

static void gen_block(void)
{
    int i;
    nitems = 0;
    while (nitems < BODY) {
        unsigned k = pick(20);
        if (k < 8)
            emit(simple_alu(), 0);
        else if (k < 11)
            gen_mem();
        else if (k < 13)
            gen_branch();
        else if (k < 14)
            gen_muldiv();
#if ISA_64
        else if (k < 18)
            gen_alu64();
#endif
#if defined(_MIPS_ARCH_RM7000)
        else if (k < 19)
            gen_mips4();
#endif
        else
            emit(simple_alu(), 0);
    }
    /* resolve forward branches onto allowed targets (end = nitems) */
    for (i = 0; i < nitems; i++) {
        int t;
        if (!items[i].is_branch)
            continue;
        t = i + 2 + items[i].skip - 1;
        while (t < nitems && items[t].no_target)
            t++;
        if (t > nitems)
            t = nitems;
        items[i].w |= (uint32_t)(t - (i + 1)) & 0xFFFF;
    }
}

/* Assemble prologue + body + epilogue into buf; returns words used. */
static int assemble(uint32_t *buf)
{
    int n = 0, i;
#if ISA_64
    for (i = 0; i < 8; i++)
        buf[n++] = I(0x37, 4, poolA[i], i * 8);        /* ld A */
    for (i = 0; i < 4; i++)
        buf[n++] = I(0x37, 4, poolB[i], 64 + i * 8);   /* ld B */
#else
    for (i = 0; i < 8; i++)
        buf[n++] = I(0x23, 4, poolA[i], i * 8 + 4);    /* lw A (low word) */
#endif
    for (i = 0; i < nitems; i++)
        buf[n++] = items[i].w;
#if ISA_64
    for (i = 0; i < 8; i++)
        buf[n++] = I(0x3F, 4, poolA[i], i * 8);        /* sd A: sext check */
    for (i = 0; i < 4; i++)
        buf[n++] = I(0x3F, 4, poolB[i], 64 + i * 8);
#else
    for (i = 0; i < 8; i++) {
        buf[n++] = I(0x2B, 4, poolA[i], i * 8 + 4);    /* sw low */
        buf[n++] = R(0, poolA[i], poolA[i], 31, 0x03); /* sra 31 */
        buf[n++] = I(0x2B, 4, poolA[i], i * 8);        /* sw high */
    }
#endif
    buf[n++] = 0x03E00008; /* jr ra */
    buf[n++] = 0;
    return n;
}

typedef void (*block_fn)(u64 *st, unsigned char *mem);

static void run(uint32_t *buf, u64 *st)
{
    block_fn f = (block_fn)(void *)buf;
    /* the generated code clobbers only caller-saved registers */
    register u64 *a0 __asm__("$4") = st;
    register unsigned char *a1 __asm__("$5") = scratch;
    __asm__ volatile("jalr %2\n\tnop"
                     : "+r"(a0), "+r"(a1)
                     : "r"(f)
                     : "$2", "$3", "$6", "$7", "$8", "$9", "$10", "$11",
                       "$12", "$13", "$14", "$15", "$24", "$25", "$31",
                       "hi", "lo", "memory");
}

void test_main(void)
{
    int b, i;
    u64 total = T_FNV_INIT;
    static u64 st0[NSTATE];
    static unsigned char mem0[256];

    for (i = 0; i < NSTATE; i++) {
        u64 v = ((u64)rnd() << 32) | rnd();
        state[i] = i < 8 ? (u64)(long long)(int)v : v;
    }
    for (i = 0; i < 256; i++)
        scratch[i] = (unsigned char)rnd();

    for (b = 0; b < NBLOCKS; b++) {
        uint32_t *buf = code[b & 1];
        int n, pass;
        u64 h = T_FNV_INIT, h1 = 0;
        /* keep entropy up: fresh values into six registers */
        for (i = 0; i < 6; i++) {
            unsigned r = pick(ISA_64 ? NSTATE : 8);
            u64 v = ((u64)rnd() << 32) | rnd();
            state[r] = r < 8 ? (u64)(long long)(int)v : v;
        }
        gen_block();
        n = assemble(buf);
        tio_code_sync(buf, (unsigned long)n * 4);
        t_memcpy(st0, state, sizeof(state));
        t_memcpy(mem0, scratch, sizeof(scratch));
        for (pass = 0; pass < 2; pass++) {
            if (pass) { /* same block again from the same start state */
                t_memcpy(state, st0, sizeof(state));
                t_memcpy(scratch, mem0, sizeof(scratch));
            }
            run(buf, state);
            h = T_FNV_INIT;
            for (i = 0; i < NSTATE; i++)
                h = t_fnv(h, state[i]);
            for (i = 0; i < 256; i += 8)
                h = t_fnv(h, *(u64 *)(scratch + i));
            if (!pass)
                h1 = h;
        }
        t_printf("blk %3d n=%3d h=%016llx%s\n", b, n, h,
                 h == h1 ? "" : " RERUN-DIFFERS");
        if (b % 40 == 39) {
            t_printf("  regs:");
            for (i = 0; i < NSTATE; i++)
                t_printf(" %llx", state[i]);
            t_printf("\n");
        }
        total = t_fnv(total, h);
    }
    t_printf("total %016llx\n", total);
}
