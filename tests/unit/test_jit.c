/*
 * Translator unit tests: each runs a few guest instructions on two
 * machines, one interpreting and one translating, and checks the state
 * against the expected value and against the interpreter. Each test names
 * the behaviour (or bug) it pins. The last ones run the random-stream
 * fuzzer (tests/fuzz/jit_fuzz.c) briefly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define JIT_FUZZ_NO_MAIN
#include "../fuzz/jit_fuzz.c"

#define CODE (FZ_KSEG0 + 0x1000) /* physical 0x1000 */

#define ADDU(d, s, t) R_(0, s, t, d, 0, 0x21)
#define ADD(d, s, t) R_(0, s, t, d, 0, 0x20)
#define ADDIU(t, s, i) I_(0x09, s, t, i)
#define LUI(t, i) I_(0x0F, 0, t, i)
#define ORI(t, s, i) I_(0x0D, s, t, i)
#define BEQ(s, t, o) I_(0x04, s, t, o)
#define BNE(s, t, o) I_(0x05, s, t, o)
#define BEQL(s, t, o) I_(0x14, s, t, o)
#define BGEZAL(s, o) I_(0x01, s, 0x11, o)
#define JR(s) R_(0, s, 0, 0, 0, 0x08)
#define JALR(d, s) R_(0, s, 0, d, 0, 0x09)
#define LW(t, o, b) I_(0x23, b, t, o)
#define LB(t, o, b) I_(0x20, b, t, o)
#define LHU(t, o, b) I_(0x25, b, t, o)
#define LD(t, o, b) I_(0x37, b, t, o)
#define SW(t, o, b) I_(0x2B, b, t, o)
#define SB(t, o, b) I_(0x28, b, t, o)
#define SH(t, o, b) I_(0x29, b, t, o)
#define SD(t, o, b) I_(0x3F, b, t, o)
#define DIV(s, t) R_(0, s, t, 0, 0, 0x1A)
#define DIVU(s, t) R_(0, s, t, 0, 0, 0x1B)
#define DDIV(s, t) R_(0, s, t, 0, 0, 0x1E)
#define MFLO(d) R_(0, 0, 0, d, 0, 0x12)
#define MFHI(d) R_(0, 0, 0, d, 0, 0x10)
#define MTC0(t, d) (0x40800000u | ((t) << 16) | ((d) << 11))
#define TLBWI 0x42000002u
#define NOP 0u
#define LBU(t, o, b) I_(0x24, b, t, o)
#define ANDI(t, s, i) I_(0x0C, s, t, i)
#define SLL(d, t, sa) R_(0, 0, t, d, sa, 0x00)
#define SRL(d, t, sa) R_(0, 0, t, d, sa, 0x02)
#define XOR(d, s, t) R_(0, s, t, d, 0, 0x26)
#define SLT(d, s, t) R_(0, s, t, d, 0, 0x2A)
#define SLTU(d, s, t) R_(0, s, t, d, 0, 0x2B)
#define SLTI(t, s, i) I_(0x0A, s, t, i)
#define BNEL(s, t, o) I_(0x15, s, t, o)

struct pair {
    struct fz_machine in;  /* interpreter */
    struct fz_machine jt;  /* translator */
};

static void machine_start(struct fz_machine *m)
{
    struct mips_cpu *c = &m->cpu;
    mips_cpu_reset(c);
    c->cp0[CP0_STATUS] = 0; /* kernel, BEV = 0 */
    mips_update_mode(c);
    c->pc = CODE;
}

static int setup(void **state)
{
    struct pair *p = calloc(1, sizeof(*p));
    if (!p || fz_machine_init(&p->in, 0) < 0 || fz_machine_init(&p->jt, 1) < 0)
        return -1;
    machine_start(&p->in);
    machine_start(&p->jt);
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    struct pair *p = *state;
    fz_machine_free(&p->in);
    fz_machine_free(&p->jt);
    free(p);
    return 0;
}

static void put(struct pair *p, uint64_t va, const uint32_t *w, size_t n)
{
    uint64_t pa = va & 0x1FFFFFFF;
    for (size_t i = 0; i < n; i++) {
        be32_store(p->in.ram + pa + 4 * i, w[i]);
        be32_store(p->jt.ram + pa + 4 * i, w[i]);
    }
}

#define LOAD(p, ...)                                            \
    do {                                                        \
        const uint32_t code_[] = {__VA_ARGS__};                 \
        put(p, CODE, code_, sizeof(code_) / sizeof(code_[0])); \
    } while (0)

static void set_gpr(struct pair *p, int r, uint64_t v)
{
    p->in.cpu.gpr[r] = v;
    p->jt.cpu.gpr[r] = v;
}

/* Run n instructions on both; the two machines must agree. */
static void run(struct pair *p, uint64_t n)
{
    mips_cpu_step(&p->in.cpu, n);
    mips_cpu_step(&p->jt.cpu, n);
    char buf[256];
    const char *why = fz_compare(&p->in, &p->jt, buf, sizeof(buf));
    if (why)
        fail_msg("interpreter and JIT differ: %s", why);
}

static void test_alu_block_matches_interpreter(void **state)
{
    struct pair *p = *state;
    set_gpr(p, 8, 0x7FFFFFFF);
    set_gpr(p, 9, 0xFFFFFFFF80000001ull);
    LOAD(p, ADDU(10, 8, 9), ADDIU(11, 8, 1), LUI(12, 0x8000), ORI(12, 12, 0x1234),
         R_(0, 0, 12, 13, 4, 0x00) /* sll */, R_(0, 0, 12, 14, 4, 0x3A) /* dsrl */,
         R_(0, 8, 9, 15, 0, 0x2A) /* slt */, R_(0, 8, 9, 16, 0, 0x2B) /* sltu */,
         BEQ(0, 0, -1), NOP);
    run(p, 10);
    assert_int_equal(p->jt.cpu.gpr[10], 0);
    assert_int_equal(p->jt.cpu.gpr[11], 0xFFFFFFFF80000000ull);
    assert_int_equal(p->jt.cpu.gpr[12], 0xFFFFFFFF80001234ull);
    assert_int_equal(p->jt.cpu.pc, CODE + 32);
}

static void test_writes_to_zero_register_are_dropped(void **state)
{
    struct pair *p = *state;
    set_gpr(p, 8, FZ_KSEG0 + 0x2000);
    be32_store(p->in.ram + 0x2000, 0x12345678);
    be32_store(p->jt.ram + 0x2000, 0x12345678);
    LOAD(p, ADDIU(0, 0, 5), LW(0, 0, 8), ADDU(9, 0, 0), LUI(0, 7),
         ADDU(10, 0, 8), BEQ(0, 0, -1), NOP);
    run(p, 6);
    assert_int_equal(p->jt.cpu.gpr[0], 0);
    assert_int_equal(p->jt.cpu.gpr[9], 0);
    assert_int_equal(p->jt.cpu.gpr[10], FZ_KSEG0 + 0x2000);
}

static void test_loads_and_stores_of_every_size(void **state)
{
    struct pair *p = *state;
    set_gpr(p, 8, FZ_KSEG0 + 0x2000);
    set_gpr(p, 9, 0x8899AABBCCDDEEFFull);
    LOAD(p, SD(9, 0, 8), SW(9, 8, 8), SH(9, 12, 8), SB(9, 14, 8),
         LD(10, 0, 8), LW(11, 8, 8), LHU(12, 12, 8), LB(13, 14, 8),
         LB(14, 1, 8), BEQ(0, 0, -1), NOP);
    run(p, 11);
    assert_int_equal(p->jt.cpu.gpr[10], 0x8899AABBCCDDEEFFull);
    assert_int_equal(p->jt.cpu.gpr[11], 0xFFFFFFFFCCDDEEFFull);
    assert_int_equal(p->jt.cpu.gpr[12], 0xEEFF);
    assert_int_equal(p->jt.cpu.gpr[13], 0xFFFFFFFFFFFFFFFFull);
    assert_int_equal(p->jt.cpu.gpr[14], 0xFFFFFFFFFFFFFF99ull);
    assert_int_equal(be64_load(p->jt.ram + 0x2000), 0x8899AABBCCDDEEFFull);
}

static void test_fault_in_delay_slot_sets_bd_and_epc(void **state)
{
    struct pair *p = *state;
    set_gpr(p, 8, FZ_KSEG0 + 0x2002); /* misaligned */
    LOAD(p, ADDIU(9, 0, 1), BEQ(0, 0, 4), LW(10, 0, 8));
    run(p, 3);
    assert_int_equal(p->jt.cpu.pc, FZ_KSEG0 + 0x180);
    assert_int_equal(p->jt.cpu.cp0[CP0_EPC], CODE + 4);
    assert_true(p->jt.cpu.cp0[CP0_CAUSE] & CAUSE_BD);
    assert_int_equal((p->jt.cpu.cp0[CP0_CAUSE] >> 2) & 31, EXC_ADEL);
    assert_int_equal(p->jt.cpu.cp0[CP0_BADVADDR], FZ_KSEG0 + 0x2002);
    assert_int_equal(p->jt.cpu.insn_count, 3);
}

static void test_overflow_in_delay_slot_keeps_rd(void **state)
{
    struct pair *p = *state;
    set_gpr(p, 8, 0x7FFFFFFF);
    set_gpr(p, 10, 77);
    LOAD(p, BNE(8, 0, 4), ADD(10, 8, 8));
    run(p, 2);
    assert_int_equal(p->jt.cpu.gpr[10], 77);
    assert_int_equal(p->jt.cpu.cp0[CP0_EPC], CODE);
    assert_int_equal((p->jt.cpu.cp0[CP0_CAUSE] >> 2) & 31, EXC_OV);
}

static void test_link_written_before_delay_slot(void **state)
{
    struct pair *p = *state;
    /* bgezal: r31 = pc+8 is visible to the slot; jalr rd == rs jumps to
     * the old rs value */
    set_gpr(p, 9, CODE + 0x40);
    uint32_t at40[] = {JALR(9, 9), ADDU(11, 9, 0), BEQ(0, 0, -1), NOP};
    put(p, CODE + 0x40, at40, 4);
    LOAD(p, BGEZAL(0, 3), ADDU(10, 31, 0), NOP, NOP, JR(9), NOP);
    run(p, 2);
    assert_int_equal(p->jt.cpu.gpr[10], CODE + 8);
    run(p, 4);
    assert_int_equal(p->jt.cpu.pc, CODE + 0x40); /* jumped to the old r9 */
    assert_int_equal(p->jt.cpu.gpr[11], CODE + 0x48);
}

static void test_likely_not_taken_skips_slot_but_links(void **state)
{
    struct pair *p = *state;
    set_gpr(p, 8, 1);
    LOAD(p, BEQL(8, 0, 5), ADDIU(9, 0, 7), I_(0x01, 8, 0x12, 5) /* bltzall */,
         ADDIU(10, 0, 7), BEQ(0, 0, -1), NOP);
    run(p, 2);
    assert_int_equal(p->jt.cpu.gpr[9], 0);
    assert_int_equal(p->jt.cpu.gpr[10], 0);
    assert_int_equal(p->jt.cpu.gpr[31], CODE + 16);
    assert_int_equal(p->jt.cpu.pc, CODE + 16);
    assert_int_equal(p->jt.cpu.insn_count, 2);
}

static void test_div_by_zero_and_int_min_never_fault_host(void **state)
{
    struct pair *p = *state;
    set_gpr(p, 8, 0xFFFFFFFF80000000ull);
    set_gpr(p, 9, (uint64_t)-1);
    set_gpr(p, 10, 0x8000000000000000ull);
    set_gpr(p, 11, 0);
    LOAD(p, DIV(8, 9), MFLO(12), MFHI(13), DDIV(10, 9), MFLO(14),
         DIV(8, 11), DIVU(8, 11), DDIV(10, 11), MFLO(15), BEQ(0, 0, -1), NOP);
    run(p, 11);
    assert_int_equal(p->jt.cpu.gpr[12], 0xFFFFFFFF80000000ull);
    assert_int_equal(p->jt.cpu.gpr[13], 0);
    assert_int_equal(p->jt.cpu.gpr[14], 0x8000000000000000ull);
    assert_int_equal(p->jt.cpu.gpr[15], 0x8000000000000000ull);
}

static void test_store_into_code_drops_translation(void **state)
{
    struct pair *p = *state;
    /* loop: r10 += 1 via the instruction at CODE+8, rewritten to
     * r10 += 100 by the second pass */
    set_gpr(p, 8, CODE + 8);
    set_gpr(p, 9, ADDIU(10, 10, 100));
    LOAD(p, ADDIU(11, 11, 1), NOP, ADDIU(10, 10, 1), BNE(11, 12, -4), NOP,
         SW(9, 0, 8), ADDIU(12, 12, 5), BEQ(0, 0, -8), NOP);
    set_gpr(p, 12, 1);
    run(p, 5);  /* first pass: +1 */
    run(p, 4);  /* store, then back to the loop */
    run(p, 30);
    assert_true(p->jt.cpu.gpr[10] > 100);
    struct mips_jit_stats st;
    mips_jit_get_stats(&p->jt.cpu, &st);
    assert_true(st.invalidations > 0);
}

static void test_slot_store_into_own_loop(void **state)
{
    struct pair *p = *state;
    /* the delay slot of a loop's branch rewrites the loop's first
     * instruction (r10 += 1 becomes r10 += 100): the next iterations run
     * the new one, not the translation kept in host registers */
    set_gpr(p, 8, CODE);
    set_gpr(p, 9, ADDIU(10, 10, 100));
    set_gpr(p, 12, 1);
    LOAD(p, ADDIU(10, 10, 1), BNE(11, 12, -2), SW(9, 0, 8), BEQ(0, 0, -4),
         NOP);
    run(p, 30);
    assert_true(p->jt.cpu.gpr[10] > 100);
}

static void test_trace_back_to_its_start_in_sequence(void **state)
{
    struct pair *p = *state;
    /* the block at CODE + 16 follows its b to CODE + 8 and comes back to
     * its start by going on in sequence: a loop, whose exit (r10 == r11)
     * comes before r10 is written again and must still store it */
    set_gpr(p, 11, 5);
    LOAD(p, BEQ(0, 0, 3), NOP, ADDIU(10, 10, 1), ADDIU(12, 12, 1),
         BEQ(11, 10, 5), NOP, BEQ(0, 0, -5), NOP, NOP, NOP,
         BEQ(0, 0, -1), NOP);
    run(p, 60);
    assert_int_equal(p->jt.cpu.gpr[10], 5);
    assert_int_equal(p->jt.cpu.pc & 0xFF, (CODE + 40) & 0xFF);
}

static void test_slot_store_rewrites_followed_target(void **state)
{
    struct pair *p = *state;
    /* the block follows its b to CODE + 16; the b's delay slot rewrites
     * the instruction there (r10 += 1 becomes r10 += 100), which must
     * run as rewritten, not as translated with the block */
    set_gpr(p, 8, CODE + 16);
    set_gpr(p, 9, ADDIU(10, 10, 100));
    LOAD(p, BEQ(0, 0, 3), SW(9, 0, 8), NOP, NOP, ADDIU(10, 10, 1),
         BEQ(0, 0, -6), NOP);
    run(p, 20);
    assert_true(p->jt.cpu.gpr[10] >= 100);
    assert_int_equal(p->jt.cpu.gpr[10] % 100, 0);
}

static void test_dma_write_drops_translation(void **state)
{
    struct pair *p = *state;
    LOAD(p, ADDIU(10, 0, 1), BEQ(0, 0, -2), NOP);
    run(p, 9);
    assert_int_equal(p->jt.cpu.gpr[10], 1);
    /* a device (or loader) rewrites the code behind the CPU's back */
    uint8_t w[4];
    be32_store(w, ADDIU(10, 0, 2));
    assert_int_equal(physmap_copy_to(&p->jt.pm, 0x1000, w, 4), 0);
    assert_int_equal(physmap_copy_to(&p->in.pm, 0x1000, w, 4), 0);
    run(p, 9);
    assert_int_equal(p->jt.cpu.gpr[10], 2);
}

static void map_kuseg_page(struct pair *p, uint64_t pa)
{
    struct fz_machine *ms[2] = {&p->in, &p->jt};
    for (int i = 0; i < 2; i++) {
        struct mips_cpu *c = &ms[i]->cpu;
        c->cp0[CP0_ENTRYHI] = 0x00400000;
        c->cp0[CP0_ENTRYLO0] = ((pa >> 12) << 6) | (3 << 3) | 0x7;
        c->cp0[CP0_ENTRYLO1] = 1;
        c->cp0[CP0_PAGEMASK] = 0;
        c->cp0[CP0_INDEX] = 3;
        mips_tlbwi(c);
    }
}

static void test_tlb_remap_runs_new_code(void **state)
{
    struct pair *p = *state;
    /* VA 0x00400000 -> PA 0x3000 (r10 = 1) then PA 0x5000 (r10 = 2);
     * the caller jumps there from kseg0 each time */
    uint32_t a[] = {ADDIU(10, 0, 1), JR(31), NOP};
    uint32_t b[] = {ADDIU(10, 0, 2), JR(31), NOP};
    put(p, FZ_KSEG0 + 0x3000, a, 3);
    put(p, FZ_KSEG0 + 0x5000, b, 3);
    set_gpr(p, 9, 0x00400000);
    LOAD(p, JALR(31, 9), NOP, BEQ(0, 0, -3), NOP);
    map_kuseg_page(p, 0x3000);
    run(p, 10);
    assert_int_equal(p->jt.cpu.gpr[10], 1);
    map_kuseg_page(p, 0x5000);
    run(p, 12);
    assert_int_equal(p->jt.cpu.gpr[10], 2);
}

static void test_timer_interrupt_lands_on_same_instruction(void **state)
{
    struct pair *p = *state;
    /* deterministic Count: the IP7 interrupt must be taken at the same
     * instruction by both engines, whatever the block boundaries */
    uint32_t h[] = {ADDIU(20, 20, 1), MTC0(0, 11), 0x42000018u /* eret */};
    put(p, FZ_KSEG0 + 0x180, h, 3);
    struct fz_machine *ms[2] = {&p->in, &p->jt};
    for (int i = 0; i < 2; i++) {
        ms[i]->cpu.cp0[CP0_STATUS] = ST_IE | 0x8000;
        mips_update_mode(&ms[i]->cpu);
        mips_cp0_write(&ms[i]->cpu, CP0_COMPARE, 333);
    }
    LOAD(p, ADDIU(10, 10, 1), ADDIU(11, 11, 2), ADDU(12, 10, 11),
         BEQ(0, 0, -4), ADDIU(13, 13, 1));
    for (int i = 0; i < 40; i++)
        run(p, 97);
    assert_true(p->jt.cpu.gpr[20] > 0);
}

static void test_random_streams_match_interpreter(void **state)
{
    struct pair *p = *state;
    char buf[256];
    for (uint64_t seed = 1; seed <= 60; seed++) {
        if (fz_run_one(&p->in, &p->jt, seed * 0x9E3779B97F4A7C15ull, 6000,
                       251, buf, sizeof(buf)) < 0)
            fail_msg("%s", buf);
    }
}

/* The same with BSWAP around plain moves where the host has MOVBE. */
static void test_random_streams_without_movbe(void **state)
{
    struct pair *p = *state;
    mips_jit_destroy(&p->jt.cpu);
    struct mips_jit_config jc = {.code_size = 1u << 20, .eager = 1,
                                 .no_movbe = 1};
    assert_int_equal(mips_jit_create(&p->jt.cpu, &jc), 0);
    char buf[256];
    for (uint64_t seed = 200; seed < 230; seed++)
        if (fz_run_one(&p->in, &p->jt, seed * 0x9E3779B97F4A7C15ull, 6000,
                       251, buf, sizeof(buf)) < 0)
            fail_msg("%s", buf);
}

static void test_small_code_cache_flushes_and_stays_correct(void **state)
{
    struct pair *p = *state;
    mips_jit_destroy(&p->jt.cpu);
    struct mips_jit_config jc = {.code_size = 256u << 10, .eager = 1};
    assert_int_equal(mips_jit_create(&p->jt.cpu, &jc), 0);
    char buf[256];
    for (uint64_t seed = 100; seed < 110; seed++)
        if (fz_run_one(&p->in, &p->jt, seed, 20000, 4999, buf, sizeof(buf)) < 0)
            fail_msg("%s", buf);
    struct mips_jit_stats st;
    mips_jit_get_stats(&p->jt.cpu, &st);
    assert_true(st.flushes > 0);
}

/* By default code is translated at its third run: what runs once or
 * twice is interpreted (no code memory), the same results either way. */
static void test_code_translated_at_third_run(void **state)
{
    struct pair *p = *state;
    mips_jit_destroy(&p->jt.cpu);
    struct mips_jit_config jc = {.code_size = 256u << 10};
    assert_int_equal(mips_jit_create(&p->jt.cpu, &jc), 0);
    /* a loop of 4 instructions (addiu, addiu, bne, slot) run 5 times */
    set_gpr(p, 8, 5);
    LOAD(p, ADDIU(9, 9, 3), ADDIU(8, 8, -1), BNE(8, 0, -3), ADDIU(10, 10, 1),
         BEQ(0, 0, -1), NOP);
    struct mips_jit_stats st;
    run(p, 8); /* two turns */
    mips_jit_get_stats(&p->jt.cpu, &st);
    assert_int_equal(st.blocks, 0);
    assert_int_equal(st.interp_steps, 8);
    run(p, 12); /* three more: translated from the third on */
    mips_jit_get_stats(&p->jt.cpu, &st);
    assert_int_equal(st.blocks, 1);
    /* the slices of the deterministic clock may leave a turn to the
     * interpreter when the block does not fit, but not all of them */
    assert_true(st.interp_steps < 20);
    assert_int_equal(p->jt.cpu.gpr[9], 15);
    assert_int_equal(p->jt.cpu.gpr[10], 5);
    assert_int_equal(p->jt.cpu.gpr[8], 0);
}


/* A table-driven CRC loop translated twice (jit_trans.c tctx.copy): the
 * second copy keeps the words it computes unextended from turn to turn.
 * r8 enters as a 64-bit value that is no sign-extended word and becomes
 * one in the loop; r12 is read only, an address above 2^31. The state is
 * compared with the interpreter's all along the loop. */
static void test_loop_copy_keeps_words_unextended(void **state)
{
    struct pair *p = *state;
    for (unsigned i = 0; i < 256; i++) {
        uint32_t c = i * 0x9E3779B1u;
        be32_store(p->in.ram + 0x3000 + 4 * i, c);
        be32_store(p->jt.ram + 0x3000 + 4 * i, c);
    }
    for (unsigned i = 0; i < 200; i++) {
        p->in.ram[0x2000 + i] = (uint8_t)(i * 7 + 3);
        p->jt.ram[0x2000 + i] = (uint8_t)(i * 7 + 3);
    }
    set_gpr(p, 5, FZ_KSEG0 + 0x2000);
    set_gpr(p, 6, FZ_KSEG0 + 0x2000 + 200);
    set_gpr(p, 7, FZ_KSEG0 + 0x3000);
    set_gpr(p, 4, ~0ull);
    set_gpr(p, 8, 0x123456789ull);
    LOAD(p, LBU(3, 0, 5), ADDIU(5, 5, 1), XOR(3, 3, 4), ANDI(3, 3, 0xFF),
         SLL(3, 3, 2), ADDU(3, 7, 3), LW(3, 0, 3), SRL(4, 4, 8),
         ADDIU(8, 8, 3), BNE(5, 6, -10), XOR(4, 3, 4),
         BEQ(0, 0, -1), NOP);
    for (int i = 0; i < 80; i++)
        run(p, 31);
    assert_int_equal(p->jt.cpu.gpr[5], FZ_KSEG0 + 0x2000 + 200);
    assert_int_equal(p->jt.cpu.gpr[8], SEXT32(0x23456789u + 600));
    assert_int_equal(p->jt.cpu.pc, CODE + 44);
}

/* SLT/SLTU and the branch on their result share one compare (the host
 * flags survive the ADDIU/ADDU between them, made with LEA): taken and
 * not taken, a slot that writes the flag's register (the condition is
 * read before it), a likely branch, and a load in between (no sharing). */
static void test_compare_and_branch_share_flags(void **state)
{
    struct pair *p = *state;
    for (unsigned i = 0; i < 64; i++) {
        uint32_t v = (i * 0x61C88647u) >> 4;
        be32_store(p->in.ram + 0x2000 + 4 * i, v);
        be32_store(p->jt.ram + 0x2000 + 4 * i, v);
    }
    set_gpr(p, 9, FZ_KSEG0 + 0x2000);
    set_gpr(p, 4, 0x08000000);
    set_gpr(p, 16, 40);
    LOAD(p,
         /* 0: scan while a[i] < pivot (the sort's loop) */
         LW(5, 0, 9), SLTU(7, 5, 4), ADDIU(9, 9, 4), BNE(7, 0, -4),
         ADDIU(17, 17, 1),
         /* 5: the slot writes r2, read by the branch */
         SLT(2, 16, 17), BNE(2, 0, 4), SLL(2, 17, 2),
         ADDU(18, 18, 2), ADDIU(19, 19, 1),
         /* 10: likely, taken while r17 < 40 */
         SLTI(3, 17, 40), ADDU(20, 17, 17), BNEL(3, 0, -13), ADDIU(21, 21, 1),
         /* 14: a load between compare and branch */
         SLT(10, 17, 16), LW(11, 0, 9), BEQ(10, 0, 2), NOP, ADDIU(22, 22, 1),
         BEQ(0, 0, -1), NOP);
    for (int i = 0; i < 60; i++)
        run(p, 17);
    assert_true(p->jt.cpu.gpr[17] >= 40);
    assert_int_equal(p->jt.cpu.pc, CODE + 4 * 19);
}

/* Word loads through the kseg0 window whose base is a 32-bit result not
 * yet sign-extended: misaligned (address error, the alignment checked
 * with the window's range), a positive base plus an offset reaching
 * 0x80000000 (not kseg0), a negative offset below kseg0. */
static void test_lazy_base_edges_fault_as_interpreter(void **state)
{
    struct pair *p = *state;
    static const struct { uint64_t base; int16_t off; } cases[] = {
        {FZ_KSEG0 + 0x2001, 0}, {FZ_KSEG0 + 0x2000, -2},
        {0x7FFFFFF0ull, 0x10}, {0x7FFFFFF0ull, 0x7FF0},
        {FZ_KSEG0 + 4, -8}, {FZ_KSEG0 + 0x2000, -4}, {8, -8},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        /* each case's code at its own address (put() bypasses the
         * translator's invalidation) */
        uint64_t at = CODE + 0x100 * (i + 1);
        const uint32_t code[] = {ADDIU(8, 8, 1), LW(9, cases[i].off, 8),
                                 SW(8, cases[i].off, 8), ADDIU(10, 10, 1),
                                 BEQ(0, 0, -5), NOP};
        put(p, at, code, sizeof(code) / sizeof(code[0]));
        machine_start(&p->in);
        machine_start(&p->jt);
        p->in.cpu.pc = p->jt.cpu.pc = at;
        set_gpr(p, 8, cases[i].base - 1);
        set_gpr(p, 10, 0);
        for (int k = 0; k < 8; k++)
            run(p, 7);
    }
}

/* SLL by 1 to 3 and an ADDU of its result into the same register become
 * one LEA: wrapping sums, the shifted register as the other operand,
 * $zero, a register of 64 bits, the ADDU last in its block. */
static void test_shift_and_add_pairs(void **state)
{
    struct pair *p = *state;
    set_gpr(p, 8, 0x7FFFFFFF);
    set_gpr(p, 9, 0xFFFFFFFF80000003ull);
    set_gpr(p, 10, 0x123456789ABCull);
    LOAD(p, SLL(11, 8, 2), ADDU(11, 9, 11),     /* wraps */
         SLL(12, 9, 3), ADDU(12, 12, 9),        /* rd first */
         SLL(13, 13, 1), ADDU(13, 13, 13),      /* both operands: no LEA */
         SLL(14, 8, 1), ADDU(14, 0, 14),        /* $zero */
         SLL(15, 10, 2), ADDU(15, 10, 15),      /* 64-bit operands */
         SLL(16, 8, 3), ADDU(16, 16, 8), ADDU(17, 16, 16),
         SLL(18, 9, 2), BEQ(0, 0, 2), ADDU(18, 18, 8),
         NOP, SLL(19, 8, 1), ADDU(19, 19, 9),
         BEQ(0, 0, -1), NOP);
    set_gpr(p, 13, 5);
    run(p, 19);
    assert_int_equal(p->jt.cpu.gpr[11], SEXT32(0xFFFFFFFCu + 0x80000003u));
    assert_int_equal(p->jt.cpu.gpr[13], 20);
    for (int i = 0; i < 3; i++)
        run(p, 19);
}

/* A trace that reaches JIT_TRACE_INSNS instructions just before the load
 * and register jump of an interpreter's dispatch takes them in (one block
 * instead of a block of those three alone); the loop is compared with the
 * interpreter at the end of every turn and in uneven slices. */
static void test_trace_takes_in_its_last_jump(void **state)
{
    struct pair *p = *state;
    be32_store(p->in.ram + 0x2000, (uint32_t)CODE);
    be32_store(p->jt.ram + 0x2000, (uint32_t)CODE);
    set_gpr(p, 8, FZ_KSEG0 + 0x2000);
    uint32_t w[40];
    size_t n = 0;
    w[n++] = ADDIU(9, 9, 1);
    w[n++] = BEQ(0, 0, 1); /* to CODE + 12, followed */
    w[n++] = NOP;
    while (n < 32) /* the trace's limit, reached before the load */
        w[n++] = ADDIU(10, 10, 1);
    w[n++] = LW(31, 0, 8);
    w[n++] = JR(31);
    w[n++] = NOP;
    put(p, CODE, w, n);
    for (int i = 0; i < 8; i++)
        run(p, 35); /* 35 executed per turn: 3 + 29 + 3 */
    struct mips_jit_stats st;
    mips_jit_get_stats(&p->jt.cpu, &st);
    assert_int_equal(st.blocks, 1);
    assert_int_equal(p->jt.cpu.gpr[9], 8);
    assert_int_equal(p->jt.cpu.gpr[10], 8 * 29);
    for (uint64_t k = 1; k < 40; k += 3)
        run(p, k);
}

/* The prologue counts the whole block in advance: exits before its end
 * (a taken branch in the middle, the loop's back edge when the budget is
 * out) take back what did not run. Every budget from 1 to 14 instructions
 * ends on the interpreter's count and state. */
static void test_block_counted_in_advance_stops_exactly(void **state)
{
    struct pair *p = *state;
    set_gpr(p, 8, 1000);
    /* loop: r9 += 1, r10 += 2 unless r9 is a multiple of 4 (the early
     * exit, to CODE + 28, which comes back to the start) */
    LOAD(p, ADDIU(9, 9, 1), ANDI(11, 9, 3), BEQ(11, 0, 4), ADDIU(12, 12, 1),
         ADDIU(10, 10, 2), BNE(9, 8, -6), NOP,
         ADDIU(13, 13, 1), BEQ(0, 0, -9), NOP,
         BEQ(0, 0, -1), NOP);
    for (int i = 0; i < 6; i++)
        for (uint64_t k = 1; k <= 14; k++)
            run(p, k);
    assert_true(p->jt.cpu.gpr[13] > 0);
}

/* A chained exit that holds some of the registers the target's prologue
 * loads, but not the first of them, enters through a stub with the loads
 * of the others only (jit.c chain_loads): A1 holds r8 and r9, A2 r8 and
 * r10, and B, entered from both in turn, loads r8, r9, r10 and r12. */
static void test_chained_entry_loads_what_it_lacks(void **state)
{
    struct pair *p = *state;
    set_gpr(p, 8, 1);
    LOAD(p, /* A1, CODE */ ADDIU(8, 8, 1), ADDIU(9, 9, 1), BNE(8, 0, 9), NOP,
         BEQ(0, 0, -1), NOP,
         /* A2, CODE + 24 */ ADDIU(8, 8, 1), ADDIU(10, 10, 1), BNE(8, 0, 3),
         NOP, BEQ(0, 0, -1), NOP,
         /* B, CODE + 48 */ ADDU(11, 9, 10), ADDIU(12, 12, 1),
         ANDI(13, 12, 1), BEQ(13, 0, -16), NOP, BNE(8, 0, -12), NOP,
         BEQ(0, 0, -1), NOP);
    for (int i = 0; i < 10; i++)
        run(p, 200); /* ten times A1, B, A2, B */
    struct mips_jit_stats st;
    mips_jit_get_stats(&p->jt.cpu, &st);
    /* A1 to B, B to A1 and to A2 past all loads, A2 to B through the
     * stub (only A1 to B runs the loads B's prologue makes) */
    assert_int_equal(st.chains, 4);
    assert_int_equal(st.chains_fast, 3);
    assert_int_equal(p->jt.cpu.gpr[9], 100);
    assert_int_equal(p->jt.cpu.gpr[11], 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_alu_block_matches_interpreter),
        T(test_writes_to_zero_register_are_dropped),
        T(test_loads_and_stores_of_every_size),
        T(test_fault_in_delay_slot_sets_bd_and_epc),
        T(test_overflow_in_delay_slot_keeps_rd),
        T(test_link_written_before_delay_slot),
        T(test_likely_not_taken_skips_slot_but_links),
        T(test_div_by_zero_and_int_min_never_fault_host),
        T(test_store_into_code_drops_translation),
        T(test_slot_store_into_own_loop),
        T(test_trace_back_to_its_start_in_sequence),
        T(test_slot_store_rewrites_followed_target),
        T(test_dma_write_drops_translation),
        T(test_tlb_remap_runs_new_code),
        T(test_timer_interrupt_lands_on_same_instruction),
        T(test_loop_copy_keeps_words_unextended),
        T(test_compare_and_branch_share_flags),
        T(test_lazy_base_edges_fault_as_interpreter),
        T(test_shift_and_add_pairs),
        T(test_trace_takes_in_its_last_jump),
        T(test_block_counted_in_advance_stops_exactly),
        T(test_chained_entry_loads_what_it_lacks),
        T(test_random_streams_match_interpreter),
        T(test_random_streams_without_movbe),
        T(test_small_code_cache_flushes_and_stays_correct),
        T(test_code_translated_at_third_run),
#undef T
    };
    return cmocka_run_group_tests_name("jit", tests, NULL, NULL);
}
