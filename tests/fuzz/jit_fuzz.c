/*
 * JIT fuzzer: random MIPS instruction streams run by the interpreter and by
 * the translator on two identical machines; after the same number of
 * instructions every register, CP0 register, the TLB and all of RAM must
 * be equal.
 *
 * The streams mix plausible code (ALU, shifts, mul/div, loads/stores of
 * every size around a data area and into the code itself, branches and
 * likely branches with their delay slots, J/JAL/JR/JALR into the code,
 * traps, SYSCALL/BREAK, CP0 moves, TLB writes) with raw random words. An
 * exception handler at the general vector skips the faulting instruction,
 * so runs go on through faults, interrupts (deterministic Count/Compare)
 * and self-modifying stores.
 *
 * Standalone:
 *   cc -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=address,undefined -Isrc \
 *      tests/fuzz/jit_fuzz.c build/asan/libdyn.a -pthread -lm -o jit_fuzz
 *   ./jit_fuzz [iterations] [seed]
 * tests/unit/test_jit.c includes this file (JIT_FUZZ_NO_MAIN) for a short
 * run in `make unit`.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/mips64/cpu_internal.h"
#include "cpu/mips64/jit.h"
#include "mem/physmap.h"

#define FZ_RAM_SIZE (1u << 20)
#define FZ_CODE_PA 0x10000u    /* code area: 16 KB */
#define FZ_CODE_WORDS 4096u
#define FZ_DATA_PA 0x40000u    /* data area: 64 KB */
#define FZ_KSEG0 0xFFFFFFFF80000000ull

struct fz_machine {
    struct physmap pm;
    uint8_t *ram;
    struct mips_cpu cpu;
};

static uint64_t fz_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static int fz_machine_init(struct fz_machine *m, int jit)
{
    memset(m, 0, sizeof(*m));
    m->ram = calloc(1, FZ_RAM_SIZE);
    if (!m->ram)
        return -1;
    physmap_init(&m->pm, NULL, 0x1FFFFFFFFull);
    physmap_add_ram(&m->pm, "ram", 0, FZ_RAM_SIZE, m->ram, 0);
    struct mips_cpu_config cfg = {
        .prid = PRID_RM7000, .tlb_entries = 64, .config = 0x00C08FF0,
        .info = 0x20000000, .count_hz = 100000000, .deterministic = 1,
        .bus_mask = 0x1FFFFFFFFull,
    };
    if (mips_cpu_init(&m->cpu, &cfg, &m->pm, NULL) < 0)
        return -1;
    if (jit) {
        struct mips_jit_config jc = {.code_size = 1u << 20, .eager = 1};
        if (mips_jit_create(&m->cpu, &jc) < 0)
            return -1;
    }
    return 0;
}

__attribute__((unused)) static void fz_machine_free(struct fz_machine *m)
{
    mips_cpu_destroy(&m->cpu);
    physmap_free(&m->pm);
    free(m->ram);
}

#define R_(op, rs, rt, rd, sa, fn)                                            \
    (((uint32_t)(op) << 26) | ((uint32_t)(rs) << 21) | ((uint32_t)(rt) << 16) | \
     ((uint32_t)(rd) << 11) | ((uint32_t)(sa) << 6) | (uint32_t)(fn))
#define I_(op, rs, rt, imm)                                                   \
    (((uint32_t)(op) << 26) | ((uint32_t)(rs) << 21) | ((uint32_t)(rt) << 16) | \
     ((uint32_t)(imm) & 0xFFFF))

/* Registers: 1..7 hold data, 8 = data base, 9 = code base, 10..15 data;
 * 26/27 (k0/k1) belong to the exception handler. */
static unsigned fz_reg(uint64_t *s)
{
    static const unsigned pool[] = {1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14,
                                    15, 0, 31, 8, 9};
    return pool[fz_rand(s) % (sizeof(pool) / sizeof(pool[0]))];
}

static unsigned fz_dst(uint64_t *s)
{
    static const unsigned pool[] = {1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14,
                                    15, 0, 31};
    return pool[fz_rand(s) % (sizeof(pool) / sizeof(pool[0]))];
}

static uint32_t fz_insn(uint64_t *s, unsigned idx)
{
    uint64_t r = fz_rand(s);
    unsigned rs = fz_reg(s), rt = fz_reg(s), rd = fz_dst(s);
    unsigned sa = (r >> 8) & 31;
    int16_t imm = (int16_t)(r >> 16);
    int16_t boff = (int16_t)((int)((r >> 32) % 24) - 12); /* branch range */
    static const uint8_t special[] = {
        0x00, 0x02, 0x03, 0x04, 0x06, 0x07, 0x0A, 0x0B, 0x10, 0x11, 0x12,
        0x13, 0x14, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E,
        0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B,
        0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x34, 0x36, 0x38, 0x3A, 0x3B, 0x3C,
        0x3E, 0x3F};
    static const uint8_t memops[] = {0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26,
                                     0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D,
                                     0x2E, 0x30, 0x34, 0x37, 0x38, 0x3C, 0x3F,
                                     0x1A, 0x1B};
    switch (r % 20) {
    case 0: case 1: case 2: case 3: {
        unsigned fn = special[(r >> 40) % sizeof(special)];
        if (fn == 0x0C || fn == 0x0D)
            break;
        if (fn >= 0x18 && fn <= 0x1F)
            return R_(0, rs, rt, 0, 0, fn);
        if (fn == 0x11 || fn == 0x13)
            return R_(0, rs, 0, 0, 0, fn);
        if (fn == 0x10 || fn == 0x12)
            return R_(0, 0, 0, rd, 0, fn);
        if (fn >= 0x30 && fn <= 0x36)
            return R_(0, rs, rt, 0, 0, fn) | ((r >> 50) & 0x3FF) << 6;
        return R_(0, rs, rt, rd, (fn < 8 || fn >= 0x38) ? sa : 0, fn);
    }
    case 4: case 5: { /* immediates */
        static const uint8_t ops[] = {0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D,
                                      0x0E, 0x0F, 0x18, 0x19};
        unsigned op = ops[(r >> 40) % sizeof(ops)];
        return I_(op, op == 0x0F ? 0 : rs, rd, imm);
    }
    case 6: case 7: case 8: { /* loads/stores near the data base or code */
        unsigned op = memops[(r >> 40) % sizeof(memops)];
        unsigned base = (r >> 48) % 8 == 0 ? 9 : 8;
        int16_t off = (int16_t)((r >> 20) & 0x1FF);
        if ((r >> 60) % 4)
            off &= ~7;
        return I_(op, base, op >= 0x28 ? fz_reg(s) : rd, off);
    }
    case 9: case 10: case 11: { /* branches */
        static const uint8_t ops[] = {0x04, 0x05, 0x06, 0x07, 0x14, 0x15,
                                      0x16, 0x17};
        if ((r >> 45) % 3 == 0) {
            static const uint8_t rts[] = {0x00, 0x01, 0x02, 0x03, 0x10,
                                          0x11, 0x12, 0x13, 0x08, 0x0C};
            return I_(1, rs, rts[(r >> 50) % sizeof(rts)], boff);
        }
        unsigned op = ops[(r >> 40) % sizeof(ops)];
        return I_(op, rs, (op & 2) ? 0 : rt, boff);
    }
    case 12: { /* jumps inside the code area */
        unsigned w = (unsigned)((r >> 24) % FZ_CODE_WORDS);
        uint32_t tgt = (uint32_t)((FZ_KSEG0 + FZ_CODE_PA + 4 * w) >> 2) & 0x3FFFFFF;
        switch ((r >> 40) % 4) {
        case 0: return (2u << 26) | tgt;
        case 1: return (3u << 26) | tgt;
        case 2: return R_(0, 9, 0, 0, 0, 0x08);  /* jr code base */
        default: return R_(0, 9, 0, rd, 0, 0x09); /* jalr */
        }
    }
    case 13: /* code base moves around the code area */
        return I_(0x09, 9, 9, (int)(((r >> 24) % 64) - 32) * 4);
    case 14: { /* CP0 moves of harmless registers */
        static const uint8_t regs[] = {0, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14,
                                       17, 18, 19, 20, 28, 29, 30};
        unsigned reg = regs[(r >> 40) % sizeof(regs)];
        if ((r >> 50) & 1)
            return 0x40000000u | (rd << 16) | (reg << 11); /* mfc0 */
        if (reg == 12 || reg == 13 || reg == 11 || reg == 9)
            return 0x40000000u | (rd << 16) | (reg << 11);
        return 0x40800000u | (rt << 16) | (reg << 11);
    }
    case 15:
        if ((r >> 40) % 8 == 0)
            return (r >> 50) & 1 ? 0x0000000Cu : 0x0000000Du;
        return 0x42000000u | ((r >> 44) % 2 ? 0x01 : 0x08); /* tlbr/tlbp */
    case 16:
        (void)idx;
        return (uint32_t)(r >> 32); /* anything at all */
    default:
        break;
    }
    return R_(0, rs, rt, rd, 0, 0x21); /* addu */
}

/* Handler at the general vector (and the refill vector): skip the
 * faulting instruction; k0/k1 are reserved for it. */
static void fz_handler(uint8_t *ram, uint32_t pa)
{
    static const uint32_t h[] = {
        0x401A7000u,           /* mfc0 k0, EPC */
        0x275A0004u,           /* addiu k0, k0, 4 */
        0x409A7000u,           /* mtc0 k0, EPC */
        0x42000018u,           /* eret */
        0,
    };
    for (unsigned i = 0; i < 5; i++)
        be32_store(ram + pa + 4 * i, h[i]);
}

static void fz_program(struct fz_machine *m, uint64_t seed)
{
    uint64_t s = seed | 1;
    for (uint32_t i = 0; i < FZ_RAM_SIZE / 4; i++)
        be32_store(m->ram + 4 * i, (uint32_t)fz_rand(&s));
    for (unsigned i = 0; i < FZ_CODE_WORDS; i++)
        be32_store(m->ram + FZ_CODE_PA + 4 * i, fz_insn(&s, i));
    fz_handler(m->ram, 0x000);
    fz_handler(m->ram, 0x080);
    fz_handler(m->ram, 0x180);
    struct mips_cpu *c = &m->cpu;
    mips_cpu_reset(c);
    for (int g = 1; g < 32; g++)
        c->gpr[g] = fz_rand(&s) % 3 ? SEXT32(fz_rand(&s)) : fz_rand(&s);
    c->gpr[8] = FZ_KSEG0 + FZ_DATA_PA + (fz_rand(&s) & 0x7FF8);
    c->gpr[9] = FZ_KSEG0 + FZ_CODE_PA + (fz_rand(&s) & 0x3FFC);
    /* kernel mode, BEV = 0, interrupts on with the timer unmasked, and
     * sometimes 64-bit addressing or supervisor/user mode */
    uint32_t st = ST_IE | 0x8000u;
    if (fz_rand(&s) % 4 == 0)
        st |= ST_KX | ST_SX | ST_UX;
    c->cp0[CP0_STATUS] = st;
    c->cp0[CP0_COMPARE] = 500 + fz_rand(&s) % 3000;
    c->cp0[CP0_ENTRYHI] = 0;
    /* a few TLB entries mapping kuseg onto the code and data areas */
    for (int i = 0; i < 8; i++) {
        c->tlb[i].mask = 0;
        c->tlb[i].hi = (uint64_t)(0x00400000u + 0x2000u * i);
        c->tlb[i].lo0 = ((uint64_t)((FZ_CODE_PA >> 12) + 2 * i) << 6) | 0x1E;
        c->tlb[i].lo1 = ((uint64_t)((FZ_DATA_PA >> 12) + 2 * i) << 6) |
                        (i & 1 ? 0x1A : 0x1E);
        c->tlb[i].global = 1;
    }
    mips_update_mode(c);
    mips_tc_flush(c);
    mips_timer_rearm(c, mips_time_ns(c));
    c->pc = FZ_KSEG0 + FZ_CODE_PA + 4 * (fz_rand(&s) % FZ_CODE_WORDS);
    c->stop_request = 0;
    if (c->jit)
        mips_jit_flush(c);
}

/* First difference between the two machines, or NULL. */
static const char *fz_compare(const struct fz_machine *a,
                              const struct fz_machine *b, char *buf,
                              size_t len)
{
    const struct mips_cpu *x = &a->cpu, *y = &b->cpu;
#define FZ_CMP(what, u, v)                                                    \
    do {                                                                      \
        if ((u) != (v)) {                                                     \
            snprintf(buf, len, "%s: interp 0x%016" PRIx64 " jit 0x%016"       \
                     PRIx64, what, (uint64_t)(u), (uint64_t)(v));             \
            return buf;                                                       \
        }                                                                     \
    } while (0)
    char n[32];
    FZ_CMP("pc", x->pc, y->pc);
    FZ_CMP("insn_count", x->insn_count, y->insn_count);
    for (int i = 0; i < 32; i++) {
        snprintf(n, sizeof(n), "gpr %d", i);
        FZ_CMP(n, x->gpr[i], y->gpr[i]);
    }
    FZ_CMP("hi", x->hi, y->hi);
    FZ_CMP("lo", x->lo, y->lo);
    for (int i = 0; i < 32; i++) {
        snprintf(n, sizeof(n), "cp0 %d", i);
        FZ_CMP(n, x->cp0[i], y->cp0[i]);
    }
    FZ_CMP("ll_bit", x->ll_bit, y->ll_bit);
    FZ_CMP("timer_pending", x->timer_pending, y->timer_pending);
    FZ_CMP("state", x->state, y->state);
    if (memcmp(x->tlb, y->tlb, sizeof(x->tlb)))
        return "TLB";
    for (uint32_t i = 0; i < FZ_RAM_SIZE; i += 8) {
        if (memcmp(a->ram + i, b->ram + i, 8)) {
            snprintf(buf, len, "RAM at 0x%x: interp %016" PRIx64
                     " jit %016" PRIx64, i, be64_load(a->ram + i),
                     be64_load(b->ram + i));
            return buf;
        }
    }
    return NULL;
#undef FZ_CMP
}

/*
 * One program: run `steps` instructions on both machines in chunks of
 * `chunk` (so state is also compared mid-way). Returns 0 or -1 with the
 * reason in buf.
 */
__attribute__((unused)) static int fz_run_one(struct fz_machine *interp,
                                              struct fz_machine *jit,
                                              uint64_t seed, uint64_t steps,
                                              uint64_t chunk, char *buf,
                                              size_t len)
{
    fz_program(interp, seed);
    fz_program(jit, seed);
    for (uint64_t done = 0; done < steps; done += chunk) {
        mips_cpu_step(&interp->cpu, chunk);
        mips_cpu_step(&jit->cpu, chunk);
        const char *why = fz_compare(interp, jit, buf, len);
        if (why) {
            if (why != buf)
                snprintf(buf, len, "%s", why);
            size_t l = strlen(buf);
            snprintf(buf + l, len - l, " (seed 0x%" PRIx64 ", after %" PRIu64
                     " steps)", seed, done + chunk);
            return -1;
        }
        if (interp->cpu.stop_request)
            break; /* halted (exception loop): both did */
    }
    return 0;
}

#ifndef JIT_FUZZ_NO_MAIN
/* Smallest step count at which the machines differ (one fresh run per
 * probe), with the code around the interpreter's PC. */
static int fz_bisect(uint64_t seed, uint64_t hi)
{
    static struct fz_machine a, b;
    if (fz_machine_init(&a, 0) < 0 || fz_machine_init(&b, 1) < 0)
        return 2;
    char buf[256];
    uint64_t lo = 0;
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (fz_run_one(&a, &b, seed, mid, mid, buf, sizeof(buf)) < 0)
            hi = mid;
        else
            lo = mid;
    }
    fz_run_one(&a, &b, seed, lo, lo, buf, sizeof(buf));
    printf("equal after %" PRIu64 " steps: pc 0x%016" PRIx64 "\n", lo, a.cpu.pc);
    for (int i = -4; i < 8; i++) {
        uint64_t pc = a.cpu.pc + 4 * (int64_t)i;
        uint32_t w = be32_load(a.ram + (pc & 0xFFFFF));
        char d[96];
        printf("  %016" PRIx64 ": %08x  %s\n", pc, w, mips_disasm(w, pc, d, sizeof(d)));
    }
    fz_run_one(&a, &b, seed, hi, hi, buf, sizeof(buf));
    printf("after %" PRIu64 ": %s\n", hi, buf);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "-b") == 0)
        return fz_bisect(strtoull(argv[2], NULL, 0),
                         argc > 3 ? strtoull(argv[3], NULL, 0) : 20000);
    unsigned long iters = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000;
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5EED5EEDull;
    static struct fz_machine a, b;
    if (fz_machine_init(&a, 0) < 0 || fz_machine_init(&b, 1) < 0) {
        fprintf(stderr, "jit_fuzz: cannot set up the machines\n");
        return 2;
    }
    char buf[256];
    for (unsigned long i = 0; i < iters; i++) {
        uint64_t s = seed + i * 0x9E3779B97F4A7C15ull;
        if (fz_run_one(&a, &b, s, 20000, 997, buf, sizeof(buf)) < 0) {
            fprintf(stderr, "jit_fuzz: iteration %lu: %s\n", i, buf);
            return 1;
        }
    }
    struct mips_jit_stats st;
    mips_jit_get_stats(&b.cpu, &st);
    printf("jit_fuzz: %lu programs equal (blocks %" PRIu64 ", flushes %"
           PRIu64 ", invalidations %" PRIu64 ", chains %" PRIu64 ")\n",
           iters, st.blocks, st.flushes, st.invalidations, st.chains);
    fz_machine_free(&a);
    fz_machine_free(&b);
    return 0;
}
#endif
