/*
 * CPU unit tests: assemble a few instruction words into RAM, run them with
 * the interpreter, check the architectural state. Each test names the
 * behavior it pins.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpu/mips64/cpu.h"
#include "cpu/mips64/decode.h"
#include "mem/physmap.h"

uint64_t mips_cp0_read(struct mips_cpu *cpu, int reg);
#define mips_cp0_read_public mips_cp0_read

#define RAM_SIZE (1u << 20)
#define CODE 0xFFFFFFFF80001000ull /* KSEG0, physical 0x1000 */

struct rig {
    struct physmap pm;
    uint8_t *ram;
    struct mips_cpu cpu;
};

/* Encoders (MIPS IV ISA formats) */
#define R(op, rs, rt, rd, sa, fn) \
    (((uint32_t)(op) << 26) | ((rs) << 21) | ((rt) << 16) | ((rd) << 11) | \
     ((sa) << 6) | (fn))
#define I(op, rs, rt, imm) \
    (((uint32_t)(op) << 26) | ((rs) << 21) | ((rt) << 16) | ((imm) & 0xFFFF))
#define ADDU(d, s, t) R(0, s, t, d, 0, 0x21)
#define ADD(d, s, t) R(0, s, t, d, 0, 0x20)
#define DADD(d, s, t) R(0, s, t, d, 0, 0x2C)
#define ADDIU(t, s, i) I(0x09, s, t, i)
#define LUI(t, i) I(0x0F, 0, t, i)
#define ORI(t, s, i) I(0x0D, s, t, i)
#define BEQ(s, t, o) I(0x04, s, t, o)
#define BEQL(s, t, o) I(0x14, s, t, o)
#define BNE(s, t, o) I(0x05, s, t, o)
#define LW(t, o, b) I(0x23, b, t, o)
#define SW(t, o, b) I(0x2B, b, t, o)
#define LWL(t, o, b) I(0x22, b, t, o)
#define LWR(t, o, b) I(0x26, b, t, o)
#define SWL(t, o, b) I(0x2A, b, t, o)
#define SWR(t, o, b) I(0x2E, b, t, o)
#define DSLL32(d, t, sa) R(0, 0, t, d, sa, 0x3C)
#define DIV(s, t) R(0, s, t, 0, 0, 0x1A)
#define DDIV(s, t) R(0, s, t, 0, 0, 0x1E)
#define MFLO(d) R(0, 0, 0, d, 0, 0x12)
#define MFHI(d) R(0, 0, 0, d, 0, 0x10)
#define MTC0(t, d) (0x40800000u | ((t) << 16) | ((d) << 11))
#define MFC0(t, d) (0x40000000u | ((t) << 16) | ((d) << 11))
#define ERET 0x42000018u
#define SYSCALL 0x0000000Cu
#define NOP 0u
#define SEXT32_T(x) ((uint64_t)(int64_t)(int32_t)(uint32_t)(x))

static int setup(void **state)
{
    struct rig *r = calloc(1, sizeof(*r));
    r->ram = calloc(1, RAM_SIZE);
    physmap_init(&r->pm, NULL, 0x1FFFFFFFFull);
    physmap_add_ram(&r->pm, "ram", 0, RAM_SIZE, r->ram, 0);
    struct mips_cpu_config cfg = {
        .prid = PRID_RM7000, .tlb_entries = 64, .config = 0x00C08FF0,
        .info = 0x20000000, .count_hz = 100000000, .deterministic = 1,
        .bus_mask = 0x1FFFFFFFFull,
    };
    assert_int_equal(mips_cpu_init(&r->cpu, &cfg, &r->pm, NULL), 0);
    /* Kernel mode, BEV = 0, exceptions vector into RAM */
    r->cpu.cp0[CP0_STATUS] = 0;
    r->cpu.pc = CODE;
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    struct rig *r = *state;
    mips_cpu_destroy(&r->cpu);
    physmap_free(&r->pm);
    free(r->ram);
    free(r);
    return 0;
}

static void put(struct rig *r, uint64_t va, const uint32_t *w, size_t n)
{
    uint64_t pa = va & 0x1FFFFFFF;
    for (size_t i = 0; i < n; i++)
        be32_store(r->ram + pa + 4 * i, w[i]);
}

#define LOAD(r, ...)                                              \
    do {                                                          \
        const uint32_t code_[] = {__VA_ARGS__};                   \
        put(r, CODE, code_, sizeof(code_) / sizeof(code_[0]));   \
    } while (0)

static void test_addu_sign_extends_32bit_result(void **state)
{
    struct rig *r = *state;
    r->cpu.gpr[8] = 0x7FFFFFFF;
    r->cpu.gpr[9] = 1;
    LOAD(r, ADDU(10, 8, 9));
    mips_cpu_step(&r->cpu, 1);
    assert_int_equal(r->cpu.gpr[10], 0xFFFFFFFF80000000ull);
}

static void test_add_overflow_traps_and_keeps_rd(void **state)
{
    struct rig *r = *state;
    r->cpu.gpr[8] = 0x7FFFFFFF;
    r->cpu.gpr[9] = 1;
    r->cpu.gpr[10] = 0x1234;
    LOAD(r, ADD(10, 8, 9));
    mips_cpu_step(&r->cpu, 1);
    assert_int_equal(r->cpu.gpr[10], 0x1234);
    assert_int_equal((r->cpu.cp0[CP0_CAUSE] >> 2) & 31, 12);
    assert_int_equal(r->cpu.cp0[CP0_EPC], CODE);
    assert_int_equal(r->cpu.pc, 0xFFFFFFFF80000180ull);
}

static void test_dadd_overflow_64bit(void **state)
{
    struct rig *r = *state;
    r->cpu.gpr[8] = 0x7FFFFFFFFFFFFFFFull;
    r->cpu.gpr[9] = 1;
    LOAD(r, DADD(10, 8, 9));
    mips_cpu_step(&r->cpu, 1);
    assert_int_equal((r->cpu.cp0[CP0_CAUSE] >> 2) & 31, 12);
}

static void test_delay_slot_runs_before_target(void **state)
{
    struct rig *r = *state;
    LOAD(r, BEQ(0, 0, 2), ADDIU(8, 0, 5), ADDIU(8, 0, 6), ADDIU(9, 8, 1));
    mips_cpu_step(&r->cpu, 2); /* branch+slot count as two */
    assert_int_equal(r->cpu.gpr[8], 5);
    assert_int_equal(r->cpu.pc, CODE + 12);
    mips_cpu_step(&r->cpu, 1);
    assert_int_equal(r->cpu.gpr[9], 6);
}

static void test_branch_likely_nullifies_slot(void **state)
{
    struct rig *r = *state;
    r->cpu.gpr[8] = 1;
    LOAD(r, BEQL(8, 0, 5), ADDIU(9, 0, 7), ADDIU(10, 0, 3));
    mips_cpu_step(&r->cpu, 1);
    assert_int_equal(r->cpu.gpr[9], 0);
    assert_int_equal(r->cpu.pc, CODE + 8);
}

static void test_fault_in_delay_slot_sets_bd_and_epc(void **state)
{
    struct rig *r = *state;
    r->cpu.gpr[8] = 0x7FFFFFFF;
    LOAD(r, BEQ(0, 0, 4), ADD(9, 8, 8));
    mips_cpu_step(&r->cpu, 1);
    assert_int_equal(r->cpu.cp0[CP0_EPC], CODE);
    assert_true(r->cpu.cp0[CP0_CAUSE] & CAUSE_BD);
    assert_int_equal((r->cpu.cp0[CP0_CAUSE] >> 2) & 31, 12);
}

static void test_reserved_instruction(void **state)
{
    struct rig *r = *state;
    LOAD(r, 0xEC000000u); /* opcode 0x3B: undefined in MIPS IV */
    mips_cpu_step(&r->cpu, 1);
    assert_int_equal((r->cpu.cp0[CP0_CAUSE] >> 2) & 31, 10);
}

static void test_misaligned_lw_address_error(void **state)
{
    struct rig *r = *state;
    r->cpu.gpr[8] = 0xFFFFFFFF80002002ull;
    LOAD(r, LW(9, 0, 8));
    mips_cpu_step(&r->cpu, 1);
    assert_int_equal((r->cpu.cp0[CP0_CAUSE] >> 2) & 31, 4);
    assert_int_equal(r->cpu.cp0[CP0_BADVADDR], 0xFFFFFFFF80002002ull);
}

static void test_lwl_lwr_pair_reads_unaligned_word(void **state)
{
    struct rig *r = *state;
    const uint8_t bytes[] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    memcpy(r->ram + 0x2000, bytes, 8);
    r->cpu.gpr[8] = 0xFFFFFFFF80002001ull;
    LOAD(r, LWL(9, 0, 8), LWR(9, 3, 8));
    mips_cpu_step(&r->cpu, 2);
    assert_int_equal(r->cpu.gpr[9], 0x22334455);
}

static void test_swl_swr_pair_writes_unaligned_word(void **state)
{
    struct rig *r = *state;
    r->cpu.gpr[8] = 0xFFFFFFFF80002002ull;
    r->cpu.gpr[9] = 0xAABBCCDD;
    LOAD(r, SWL(9, 0, 8), SWR(9, 3, 8));
    mips_cpu_step(&r->cpu, 2);
    const uint8_t want[] = {0, 0, 0xAA, 0xBB, 0xCC, 0xDD, 0, 0};
    assert_memory_equal(r->ram + 0x2000, want, 8);
}

static void test_div_int_min_by_minus_one_does_not_crash(void **state)
{
    struct rig *r = *state;
    r->cpu.gpr[8] = 0xFFFFFFFF80000000ull;
    r->cpu.gpr[9] = (uint64_t)-1;
    r->cpu.gpr[10] = 0x8000000000000000ull;
    LOAD(r, DIV(8, 9), MFLO(11), DDIV(10, 9), MFLO(12), DIV(8, 0));
    mips_cpu_step(&r->cpu, 5);
    assert_int_equal(r->cpu.gpr[11], 0xFFFFFFFF80000000ull);
    assert_int_equal(r->cpu.gpr[12], 0x8000000000000000ull);
}

static void test_dsll32(void **state)
{
    struct rig *r = *state;
    r->cpu.gpr[8] = 0x12345678;
    LOAD(r, DSLL32(9, 8, 4));
    mips_cpu_step(&r->cpu, 1);
    assert_int_equal(r->cpu.gpr[9], 0x2345678000000000ull);
}

static void test_syscall_and_eret_return(void **state)
{
    struct rig *r = *state;
    /* handler at 0x80000180: eret after bumping EPC */
    const uint32_t h[] = {MFC0(26, 14), ADDIU(26, 26, 4), MTC0(26, 14), ERET};
    put(r, 0xFFFFFFFF80000180ull, h, 4);
    LOAD(r, SYSCALL, ADDIU(8, 0, 9));
    mips_cpu_step(&r->cpu, 6);
    assert_int_equal(r->cpu.gpr[8], 9);
    assert_int_equal((r->cpu.cp0[CP0_CAUSE] >> 2) & 31, 8);
    assert_int_equal(r->cpu.cp0[CP0_STATUS] & ST_EXL, 0);
}

static void test_tlb_refill_vector_and_context(void **state)
{
    struct rig *r = *state;
    r->cpu.cp0[CP0_CONTEXT] = 0xFFFFFFFFC0000000ull;
    r->cpu.gpr[8] = 0x00402000;
    LOAD(r, LW(9, 0, 8));
    mips_cpu_step(&r->cpu, 1);
    assert_int_equal(r->cpu.pc, 0xFFFFFFFF80000000ull);
    assert_int_equal((r->cpu.cp0[CP0_CAUSE] >> 2) & 31, 2);
    assert_int_equal(r->cpu.cp0[CP0_BADVADDR], 0x00402000);
    assert_int_equal(r->cpu.cp0[CP0_CONTEXT],
                     0xFFFFFFFFC0000000ull | ((0x00402000ull >> 13) << 4));
    assert_int_equal(r->cpu.cp0[CP0_ENTRYHI] & ~0xFFull, 0x00402000);
}

static void test_tlb_mapping_and_mod_exception(void **state)
{
    struct rig *r = *state;
    /* map VA 0x00400000 (even page) -> PA 0x3000, valid, not dirty */
    r->cpu.cp0[CP0_ENTRYHI] = 0x00400000;
    r->cpu.cp0[CP0_ENTRYLO0] = (0x3000 >> 12) << 6 | (3 << 3) | 0x2;
    r->cpu.cp0[CP0_ENTRYLO1] = 0;
    r->cpu.cp0[CP0_PAGEMASK] = 0;
    r->cpu.cp0[CP0_INDEX] = 5;
    be32_store(r->ram + 0x3010, 0xCAFEBABE);
    r->cpu.gpr[8] = 0x00400010;
    LOAD(r, 0x42000002u /* tlbwi */, LW(9, 0, 8), SW(9, 0, 8));
    mips_cpu_step(&r->cpu, 3);
    assert_int_equal(r->cpu.gpr[9], 0xFFFFFFFFCAFEBABEull);
    assert_int_equal((r->cpu.cp0[CP0_CAUSE] >> 2) & 31, 1); /* TLB Mod */
    assert_int_equal(r->cpu.pc, 0xFFFFFFFF80000180ull);
}

static void test_count_compare_raises_ip7(void **state)
{
    struct rig *r = *state;
    /* Compare = 50; enable IM7 and IE; loop */
    r->cpu.gpr[8] = 50;
    const uint32_t spin[] = {BEQ(0, 0, -1), NOP};
    put(r, 0xFFFFFFFF80000180ull, spin, 2);
    LOAD(r, MTC0(0, 9), MTC0(8, 11), LUI(9, 0), ORI(9, 9, 0x8001),
         MTC0(9, 12), BEQ(0, 0, -1), NOP);
    mips_cpu_step(&r->cpu, 400);
    assert_int_equal(r->cpu.pc, 0xFFFFFFFF80000180ull);
    assert_int_equal((r->cpu.cp0[CP0_CAUSE] >> 2) & 31, 0);
    assert_int_equal(r->cpu.cp0[CP0_EPC], CODE + 20);
    assert_true(mips_cp0_read_public(&r->cpu, CP0_CAUSE) & 0x8000);
}

/*
 * A guest running garbage gets architected exceptions or a VM halt, never a
 * host crash: random words everywhere (code, vectors), random registers,
 * all under the sanitizers.
 */
static void test_random_code_never_crashes_host(void **state)
{
    struct rig *r = *state;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    uint64_t total = 0;
    for (int round = 0; total < 2000000 && round < 100000; round++) {
        for (size_t i = 0; i < RAM_SIZE / 4; i++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            be32_store(r->ram + 4 * i, (uint32_t)x);
        }
        for (int g = 1; g < 32; g++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            r->cpu.gpr[g] = (g & 1) ? x : SEXT32_T(x & 0x800FFFFF);
        }
        mips_cpu_reset(&r->cpu);
        r->cpu.cp0[CP0_STATUS] = (uint32_t)x & ~ST_BEV;
        r->cpu.pc = 0xFFFFFFFF80000000ull + ((x >> 20) & 0xFFFFC);
        r->cpu.stop_request = 0;
        total += mips_cpu_step(&r->cpu, 200000);
    }
    assert_true(total >= 2000000);
}

static void test_decoder_covers_table(void **state)
{
    (void)state;
    const struct mips_decoder *d = mips_decoder_get();
    for (int id = 0; id < INSN_UNKNOWN; id++) {
        uint32_t w = mips_insn_desc[id].match;
        enum insn_id got = mips_decode(d, w);
        /* An entry may be shadowed only by an earlier one with the same
         * bits; the match word itself must decode to a real entry. */
        assert_int_not_equal(got, INSN_UNKNOWN);
        assert_int_equal(w & mips_insn_desc[got].mask, mips_insn_desc[got].match);
    }
    char buf[64];
    assert_string_equal(mips_disasm(ADDIU(29, 29, -32), 0, buf, sizeof(buf)),
                        "addiu    sp, sp, -32");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
        T(test_addu_sign_extends_32bit_result),
        T(test_add_overflow_traps_and_keeps_rd),
        T(test_dadd_overflow_64bit),
        T(test_delay_slot_runs_before_target),
        T(test_branch_likely_nullifies_slot),
        T(test_fault_in_delay_slot_sets_bd_and_epc),
        T(test_reserved_instruction),
        T(test_misaligned_lw_address_error),
        T(test_lwl_lwr_pair_reads_unaligned_word),
        T(test_swl_swr_pair_writes_unaligned_word),
        T(test_div_int_min_by_minus_one_does_not_crash),
        T(test_dsll32),
        T(test_syscall_and_eret_return),
        T(test_tlb_refill_vector_and_context),
        T(test_tlb_mapping_and_mod_exception),
        T(test_count_compare_raises_ip7),
        T(test_random_code_never_crashes_host),
        T(test_decoder_covers_table),
#undef T
    };
    return cmocka_run_group_tests_name("cpu", tests, NULL, NULL);
}
