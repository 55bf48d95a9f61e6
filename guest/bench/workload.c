/*
 * workload.c - the four kernels of the CPU benchmark (see workload.h).
 *
 * Freestanding: no library calls, so the same file builds bare metal and
 * on the host. Everything is deterministic: inputs come from xorshift
 * generators seeded by the round number.
 */
#include "workload.h"

#include <stddef.h>

const char *const bench_kernel_name[BENCH_KERNELS] = {
    "crc32", "sort", "interp", "arith64",
};

/* xorshift32 (Marsaglia, "Xorshift RNGs", 2003): 13, 17, 5. */
static uint32_t xs32(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

static uint32_t seed_of(uint32_t round, uint32_t salt)
{
    uint32_t s = (round + 1u) * 0x9E3779B9u ^ salt;
    return s ? s : 1u;
}

uint32_t bench_mix(uint32_t total, uint32_t value)
{
    total ^= value;
    total *= 0x01000193u; /* FNV-1a prime */
    return total ^ (total >> 15);
}

/* ------------------------------------------------------------ CRC-32 */

#define CRC_BUF_BYTES 32768u
#define CRC_PASSES 4

static uint32_t crc_table[256];
static uint8_t crc_buf[CRC_BUF_BYTES];

/* Reflected CRC-32, polynomial 0x04C11DB7 (0xEDB88320 reversed). */
static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int b = 0; b < 8; b++)
            c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        crc_table[i] = c;
    }
    uint32_t s = seed_of(0, 0xC0C0u);
    for (uint32_t i = 0; i < CRC_BUF_BYTES; i += 4) {
        uint32_t v = xs32(&s);
        crc_buf[i] = (uint8_t)v;
        crc_buf[i + 1] = (uint8_t)(v >> 8);
        crc_buf[i + 2] = (uint8_t)(v >> 16);
        crc_buf[i + 3] = (uint8_t)(v >> 24);
    }
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    while (n--)
        c = crc_table[(c ^ *p++) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint32_t kernel_crc32(uint32_t round)
{
    /* Change a few bytes so every round hashes different data. */
    uint32_t s = seed_of(round, 0xC1C1u);
    for (int i = 0; i < 4; i++) {
        uint32_t v = xs32(&s);
        crc_buf[v % CRC_BUF_BYTES] ^= (uint8_t)(v >> 24);
    }
    uint32_t c = 0;
    for (int pass = 0; pass < CRC_PASSES; pass++)
        c = bench_mix(c, crc32(crc_buf, CRC_BUF_BYTES));
    return c;
}

/* -------------------------------------------------------------- sort */

#define SORT_N 8192

static uint32_t sort_a[SORT_N];

static void insertion_sort(uint32_t *a, int lo, int hi)
{
    for (int i = lo + 1; i <= hi; i++) {
        uint32_t v = a[i];
        int j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void swap_u32(uint32_t *a, int i, int j)
{
    uint32_t t = a[i];
    a[i] = a[j];
    a[j] = t;
}

/* Quicksort: median-of-three pivot, recursion on the smaller part,
 * insertion sort below 16 elements. */
static void quicksort(uint32_t *a, int lo, int hi)
{
    while (hi - lo >= 16) {
        int mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo])
            swap_u32(a, mid, lo);
        if (a[hi] < a[lo])
            swap_u32(a, hi, lo);
        if (a[hi] < a[mid])
            swap_u32(a, hi, mid);
        uint32_t pivot = a[mid];
        int i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                swap_u32(a, i, j);
                i++;
                j--;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
    insertion_sort(a, lo, hi);
}

static uint32_t kernel_sort(uint32_t round)
{
    uint32_t s = seed_of(round, 0x5050u);
    for (int i = 0; i < SORT_N; i++)
        sort_a[i] = xs32(&s);
    quicksort(sort_a, 0, SORT_N - 1);
    uint32_t sum = 0, bad = 0;
    for (int i = 0; i < SORT_N; i++) {
        sum = sum * 31u + sort_a[i];
        if (i > 0 && sort_a[i - 1] > sort_a[i])
            bad++;
    }
    return sum ^ (bad << 16);
}

/* ------------------------------------------------ bytecode interpreter */

/*
 * A register machine: 8 registers of 32 bits, 32-bit instructions
 * op | a << 8 | b << 16 | c << 24, or op | a << 8 | imm16 << 16.
 * Branch offsets are signed, relative to the next instruction.
 */
enum {
    OP_HALT, OP_LI, OP_MOV, OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_AND,
    OP_SHRI, OP_BEQZ, OP_BNEZ, OP_JMP,
};

#define I3(op, a, b, c) ((uint32_t)(op) | (uint32_t)(a) << 8 |          \
                         (uint32_t)(b) << 16 | (uint32_t)(c) << 24)
#define II(op, a, imm) ((uint32_t)(op) | (uint32_t)(a) << 8 |           \
                        (uint32_t)((imm) & 0xFFFF) << 16)

/*
 * Input: r1 = top, r5 = bottom. For n = top down to bottom + 1, count the
 * Collatz steps from n to 1 in r3 and fold them into r0 = r0 * 33 ^ r3.
 * r2 is the walk value, r4 and r6 are scratch, r7 = 1.
 */
static const uint32_t interp_prog[] = {
    /*  0 */ II(OP_LI, 7, 1),
    /*  1 */ I3(OP_MOV, 2, 1, 0),   /* loop_i: r2 = n */
    /*  2 */ II(OP_LI, 3, 0),
    /*  3 */ I3(OP_SUB, 4, 2, 7),   /* loop_c: */
    /*  4 */ II(OP_BEQZ, 4, 9),     /*   r2 == 1 -> 14 done_c */
    /*  5 */ I3(OP_AND, 4, 2, 7),
    /*  6 */ II(OP_BEQZ, 4, 4),     /*   even -> 11 */
    /*  7 */ I3(OP_ADD, 6, 2, 2),   /*   r2 = 3 * r2 + 1 */
    /*  8 */ I3(OP_ADD, 2, 6, 2),
    /*  9 */ I3(OP_ADD, 2, 2, 7),
    /* 10 */ II(OP_JMP, 0, 1),      /*   -> 12 */
    /* 11 */ II(OP_SHRI, 2, 1),     /*   r2 >>= 1 */
    /* 12 */ I3(OP_ADD, 3, 3, 7),   /*   steps++ */
    /* 13 */ II(OP_JMP, 0, -11),    /*   -> 3 loop_c */
    /* 14 */ II(OP_LI, 6, 33),      /* done_c: */
    /* 15 */ I3(OP_MUL, 0, 0, 6),
    /* 16 */ I3(OP_XOR, 0, 0, 3),
    /* 17 */ I3(OP_SUB, 1, 1, 7),   /* n-- */
    /* 18 */ I3(OP_SUB, 4, 1, 5),
    /* 19 */ II(OP_BNEZ, 4, -19),   /* n != bottom -> 1 loop_i */
    /* 20 */ II(OP_HALT, 0, 0),
};

/* Runs prog with r1 and r5 preset; returns r0, *steps = insns executed. */
static uint32_t interp_run(const uint32_t *prog, uint32_t r1, uint32_t r5,
                           uint32_t *steps)
{
    uint32_t r[8] = {0};
    uint32_t pc = 0, n = 0;
    r[1] = r1;
    r[5] = r5;
    for (;;) {
        uint32_t insn = prog[pc++];
        uint32_t a = (insn >> 8) & 7u, b = (insn >> 16) & 7u;
        uint32_t c = (insn >> 24) & 7u;
        int32_t imm = (int16_t)(uint16_t)(insn >> 16);
        n++;
        switch (insn & 0xFFu) {
        case OP_HALT: *steps = n; return r[0];
        case OP_LI: r[a] = (uint32_t)imm; break;
        case OP_MOV: r[a] = r[b]; break;
        case OP_ADD: r[a] = r[b] + r[c]; break;
        case OP_SUB: r[a] = r[b] - r[c]; break;
        case OP_MUL: r[a] = r[b] * r[c]; break;
        case OP_XOR: r[a] = r[b] ^ r[c]; break;
        case OP_AND: r[a] = r[b] & r[c]; break;
        case OP_SHRI: r[a] >>= (uint32_t)imm & 31u; break;
        case OP_BEQZ: if (r[a] == 0) pc += (uint32_t)imm; break;
        case OP_BNEZ: if (r[a] != 0) pc += (uint32_t)imm; break;
        case OP_JMP: pc += (uint32_t)imm; break;
        default: *steps = n; return 0xDEADu;
        }
    }
}

#define INTERP_NUMBERS 80u

static uint32_t kernel_interp(uint32_t round)
{
    uint32_t bottom = 1000u + round * INTERP_NUMBERS;
    uint32_t steps = 0;
    uint32_t acc = interp_run(interp_prog, bottom + INTERP_NUMBERS, bottom,
                              &steps);
    return acc ^ steps;
}

/* ---------------------------------------------------- 64-bit arithmetic */

#define ARITH_ITERS 600u

static uint32_t kernel_arith64(uint32_t round)
{
    uint64_t x = 0x853C49E6748FEA9Bull ^ ((uint64_t)round << 17);
    uint64_t acc = 0;
    int64_t sacc = 0;
    for (uint32_t i = 0; i < ARITH_ITERS; i++) {
        /* 64-bit LCG (Knuth's MMIX constants). */
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t d = (x >> (24 + (i & 15))) | 1u;
        uint64_t q = x / d;
        uint64_t m = x % 1000003u;
        int64_t sx = (int64_t)(x ^ (x >> 29));
        int64_t sd = (int64_t)((x >> 33) | 1u);
        if (i & 1u)
            sd = -sd;
        int64_t sq = sx / sd;
        int64_t sr = sx % sd;
        acc += q * 3u + m + (uint64_t)(x >> 32) * (uint32_t)x;
        sacc ^= sq + sr;
    }
    uint64_t r = acc ^ (uint64_t)sacc;
    return (uint32_t)r ^ (uint32_t)(r >> 32);
}

/* ------------------------------------------------------------ driver */

void bench_init(void)
{
    crc_init();
}

uint32_t bench_kernel(int k, uint32_t round)
{
    switch (k) {
    case 0: return kernel_crc32(round);
    case 1: return kernel_sort(round);
    case 2: return kernel_interp(round);
    case 3: return kernel_arith64(round);
    default: return 0;
    }
}
