/*
 * NMC93C46 EEPROM group: the bit-bang protocol of c7200.md §6.2, driven the
 * way IOS drives it (CS 0->1, nine SK rising edges carrying 1, 1, 0,
 * a0..a5, then sixteen rising edges each followed by a register read, DO
 * least-significant bit first), plus the corner cases the spec pins: DO
 * forced high by every write, one word per CS cycle, non-READ opcodes
 * ignored, the command register cleared only by CS 0->1, empty sockets
 * reading all-ones, the observed readbacks of I/O FPGA 0x21C.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/nmc93cx6.h"

/* I/O FPGA 0x21C wiring, c7200.md §6.1: CPU, midplane ({CS, SK, DI, DO}) */
static const struct nmc93cx6_wire cpu_mp[] = {{2, 1, 0, 6}, {5, 4, 3, 7}};
/* MP FPGA 0x60: bays 0, 1, 4, 3 */
static const struct nmc93cx6_wire bays_0134[] = {
    {1, 3, 4, 6}, {9, 11, 12, 14}, {17, 19, 20, 22}, {25, 27, 28, 30}};

struct bb {
    struct nmc93cx6_group *g;
    struct nmc93cx6_wire w;
    uint32_t keep; /* other bits held in every write */
};

static void wr(struct bb *b, uint32_t v)
{
    nmc93cx6_write(b->g, b->keep | v);
}

static int dout(struct bb *b)
{
    return (nmc93cx6_read(b->g) >> b->w.dout) & 1;
}

#define CS(b) (UINT32_C(1) << (b)->w.cs)
#define SK(b) (UINT32_C(1) << (b)->w.sk)
#define DI(b) (UINT32_C(1) << (b)->w.di)

/* One bit towards the chip: DI set up with SK low, then SK rising. */
static void send_bit(struct bb *b, int v)
{
    uint32_t d = v ? DI(b) : 0;
    wr(b, CS(b) | d);
    wr(b, CS(b) | d | SK(b));
}

static void send_cmd(struct bb *b, unsigned start_op /* 3 bits, first =
                                                         bit 0 */,
                     unsigned addr)
{
    for (int i = 0; i < 3; i++)
        send_bit(b, (start_op >> i) & 1);
    for (int i = 0; i < 6; i++)
        send_bit(b, (addr >> i) & 1); /* a0 first, §6.2 */
}

/* CS 0->1: the chip waits for a new command (§6.2). */
static void cs_cycle(struct bb *b)
{
    wr(b, 0);
    wr(b, CS(b));
}

/* Sixteen rising edges, DO sampled while SK is high, LSB first. */
static uint16_t clock_in_word(struct bb *b)
{
    uint16_t v = 0;
    for (int i = 0; i < 16; i++) {
        wr(b, CS(b));
        wr(b, CS(b) | SK(b));
        v |= (uint16_t)(dout(b) << i);
    }
    return v;
}

#define OP_READ 0x3u  /* start 1, then 1, 0 */
#define OP_WRITE 0x5u /* start 1, then 0, 1 */
#define OP_ERASE 0x7u /* start 1, then 1, 1 */
#define OP_CTRL 0x1u  /* start 1, then 0, 0 (EWEN/EWDS/ERAL/WRAL) */

/* A complete IOS-style read of one word. */
static uint16_t read_word(struct bb *b, unsigned addr)
{
    cs_cycle(b);
    send_cmd(b, OP_READ, addr);
    uint16_t v = clock_in_word(b);
    wr(b, 0);
    return v;
}

static struct nmc93cx6_group *mk(const struct nmc93cx6_wire *w, unsigned n)
{
    struct nmc93cx6_group *g = NULL;
    assert_int_equal(nmc93cx6_group_create(w, n, &g), 0);
    assert_non_null(g);
    return g;
}

/* 128 distinct bytes: byte i = i * 37 + 11 (mod 256) */
static void pattern(uint8_t img[NMC93C46_BYTES])
{
    for (int i = 0; i < NMC93C46_BYTES; i++)
        img[i] = (uint8_t)(i * 37 + 11);
}

/* ---------------------------------------------------------------- tests */

static void test_create_rejects_bad_wiring(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = (void *)1;
    struct nmc93cx6_wire many[NMC93CX6_MAX_CHIPS + 1];
    for (unsigned i = 0; i < NMC93CX6_MAX_CHIPS + 1; i++)
        many[i] = (struct nmc93cx6_wire){0, 1, 2, 3};

    assert_int_equal(nmc93cx6_group_create(cpu_mp, 0, &g), -EINVAL);
    assert_null(g);
    assert_int_equal(nmc93cx6_group_create(many, NMC93CX6_MAX_CHIPS + 1, &g),
                     -EINVAL);
    assert_int_equal(nmc93cx6_group_create(NULL, 1, &g), -EINVAL);
    const struct nmc93cx6_wire high = {32, 1, 2, 3};
    assert_int_equal(nmc93cx6_group_create(&high, 1, &g), -EINVAL);
    const struct nmc93cx6_wire twice = {1, 1, 2, 3};
    assert_int_equal(nmc93cx6_group_create(&twice, 1, &g), -EINVAL);
    assert_null(g);
    /* the maximum is fine */
    assert_int_equal(nmc93cx6_group_create(many, NMC93CX6_MAX_CHIPS, &g), 0);
    nmc93cx6_group_destroy(g);
    nmc93cx6_group_destroy(NULL);
}

static void test_load_bounds(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 2);
    uint8_t img[NMC93C46_BYTES + 1] = {0};

    assert_int_equal(nmc93cx6_load(g, 2, img, 2), -EINVAL);
    assert_int_equal(nmc93cx6_load(g, 0, img, NMC93C46_BYTES + 1), -EINVAL);
    assert_int_equal(nmc93cx6_present(g, 0), 0);
    assert_int_equal(nmc93cx6_present(g, 2), -EINVAL);
    assert_int_equal(nmc93cx6_contents(g, 9, img), -EINVAL);
    assert_int_equal(nmc93cx6_load(g, 0, img, NMC93C46_BYTES), 0);
    assert_int_equal(nmc93cx6_present(g, 0), 1);
    assert_int_equal(nmc93cx6_load(g, 0, NULL, 0), 0);
    assert_int_equal(nmc93cx6_present(g, 0), 0);
    nmc93cx6_group_destroy(g);
}

/* §6.2: empty sockets and addresses beyond the content read 0xFFFF. */
static void test_empty_socket_reads_ones(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 2);
    struct bb cpu = {g, cpu_mp[0], 0}, mp = {g, cpu_mp[1], 0};

    for (unsigned a = 0; a < NMC93C46_WORDS; a++) {
        assert_int_equal(read_word(&cpu, a), 0xFFFF);
        assert_int_equal(read_word(&mp, a), 0xFFFF);
    }
    /* a short image: the rest of the chip reads FF */
    const uint8_t four[4] = {0x12, 0x34, 0x00, 0x56};
    assert_int_equal(nmc93cx6_load(g, 0, four, 3), 0);
    assert_int_equal(read_word(&cpu, 0), 0x1234);
    assert_int_equal(read_word(&cpu, 1), 0x00FF);
    assert_int_equal(read_word(&cpu, 2), 0xFFFF);
    assert_int_equal(read_word(&cpu, 63), 0xFFFF);
    nmc93cx6_group_destroy(g);
}

/* Every word, both chips of 0x21C, exactly as IOS reads them. */
static void test_read_every_word(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 2);
    uint8_t img[NMC93C46_BYTES], other[NMC93C46_BYTES];
    pattern(img);
    for (int i = 0; i < NMC93C46_BYTES; i++)
        other[i] = (uint8_t)~img[i];
    assert_int_equal(nmc93cx6_load(g, 0, img, sizeof(img)), 0);
    assert_int_equal(nmc93cx6_load(g, 1, other, sizeof(other)), 0);

    struct bb cpu = {g, cpu_mp[0], 0}, mp = {g, cpu_mp[1], 0};
    for (unsigned a = 0; a < NMC93C46_WORDS; a++) {
        /* word w = byte 2w (high) : byte 2w+1 (low), §6.2 */
        uint16_t want = (uint16_t)(img[2 * a] << 8 | img[2 * a + 1]);
        assert_int_equal(read_word(&cpu, a), want);
        assert_int_equal(read_word(&mp, a), (uint16_t)~want);
    }

    uint8_t back[NMC93C46_BYTES];
    assert_int_equal(nmc93cx6_contents(g, 0, back), 0);
    assert_memory_equal(back, img, sizeof(img));
    nmc93cx6_group_destroy(g);
}

/* First address bit received is address bit 0 (§6.2): 1 and 32 differ. */
static void test_address_bit_order(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 1);
    uint8_t img[NMC93C46_BYTES];
    memset(img, 0, sizeof(img));
    img[2] = 0xAB;  /* word 1 high */
    img[3] = 0xCD;  /* word 1 low */
    img[64] = 0x12; /* word 32 */
    img[65] = 0x34;
    assert_int_equal(nmc93cx6_load(g, 0, img, sizeof(img)), 0);
    struct bb cpu = {g, cpu_mp[0], 0};
    assert_int_equal(read_word(&cpu, 1), 0xABCD);
    assert_int_equal(read_word(&cpu, 32), 0x1234);
    nmc93cx6_group_destroy(g);
}

/* DO is LSB first, with no leading dummy bit: the very first edge after
 * the command gives bit 0 of byte 2w+1. */
static void test_data_lsb_first(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 1);
    const uint8_t img[2] = {0x80, 0x01}; /* word 0 = 0x8001 */
    assert_int_equal(nmc93cx6_load(g, 0, img, 2), 0);
    struct bb b = {g, cpu_mp[0], 0};
    cs_cycle(&b);
    send_cmd(&b, OP_READ, 0);
    int seen[16];
    for (int i = 0; i < 16; i++) {
        wr(&b, CS(&b));
        wr(&b, CS(&b) | SK(&b));
        seen[i] = dout(&b);
    }
    assert_int_equal(seen[0], 1);
    for (int i = 1; i < 15; i++)
        assert_int_equal(seen[i], 0);
    assert_int_equal(seen[15], 1);
    nmc93cx6_group_destroy(g);
}

/* Observed on the reference at I/O FPGA 0x21C (§6.2). */
static void test_observed_readbacks_0x21c(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 2);
    uint8_t img[NMC93C46_BYTES];
    pattern(img);
    nmc93cx6_load(g, 0, img, sizeof(img));

    nmc93cx6_write(g, 0x04); /* CPU CS only */
    assert_int_equal(nmc93cx6_read(g), 0x44);
    nmc93cx6_write(g, 0x00);
    nmc93cx6_write(g, 0x20); /* midplane CS only */
    assert_int_equal(nmc93cx6_read(g), 0xA0);
    nmc93cx6_write(g, 0x0B); /* no CS */
    assert_int_equal(nmc93cx6_read(g), 0x0B);
    /* deselected DO bits read back as written */
    nmc93cx6_write(g, 0xC0);
    assert_int_equal(nmc93cx6_read(g), 0xC0);
    nmc93cx6_write(g, 0x00);
    assert_int_equal(nmc93cx6_read(g), 0x00);
    nmc93cx6_group_destroy(g);
}

/* Step 1 of §6.2: every write forces DO high; a 0 data bit is visible only
 * until the next write. */
static void test_do_forced_high_by_any_write(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 1);
    uint8_t img[NMC93C46_BYTES] = {0}; /* all zero */
    nmc93cx6_load(g, 0, img, sizeof(img));
    struct bb b = {g, cpu_mp[0], 0};
    cs_cycle(&b);
    send_cmd(&b, OP_READ, 5);
    wr(&b, CS(&b));
    wr(&b, CS(&b) | SK(&b));
    assert_int_equal(dout(&b), 0);
    assert_int_equal(dout(&b), 0); /* reads do not change it */
    wr(&b, CS(&b) | SK(&b));       /* no edge, but a write */
    assert_int_equal(dout(&b), 1);
    /* SK falling edge: no clock, DO high */
    wr(&b, CS(&b));
    assert_int_equal(dout(&b), 1);
    /* the read goes on with bit 1 */
    wr(&b, CS(&b) | SK(&b));
    assert_int_equal(dout(&b), 0);
    nmc93cx6_group_destroy(g);
}

/* After the 16th bit the chip ignores clocks until CS drops and rises. */
static void test_one_word_per_cs_cycle(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 1);
    uint8_t img[NMC93C46_BYTES] = {0};
    nmc93cx6_load(g, 0, img, sizeof(img));
    struct bb b = {g, cpu_mp[0], 0};

    cs_cycle(&b);
    send_cmd(&b, OP_READ, 0);
    assert_int_equal(clock_in_word(&b), 0x0000);
    /* no sequential read: more clocks give ones */
    assert_int_equal(clock_in_word(&b), 0xFFFF);
    /* a second command without a CS cycle is not taken either */
    send_cmd(&b, OP_READ, 1);
    assert_int_equal(clock_in_word(&b), 0xFFFF);
    /* CS 1->0->1 starts again */
    cs_cycle(&b);
    send_cmd(&b, OP_READ, 1);
    assert_int_equal(clock_in_word(&b), 0x0000);
    nmc93cx6_group_destroy(g);
}

/* Zeros before the start bit are ignored (§6.2). */
static void test_leading_zeros_ignored(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 1);
    uint8_t img[NMC93C46_BYTES];
    pattern(img);
    nmc93cx6_load(g, 0, img, sizeof(img));
    struct bb b = {g, cpu_mp[0], 0};
    cs_cycle(&b);
    for (int i = 0; i < 5; i++)
        send_bit(&b, 0);
    send_cmd(&b, OP_READ, 9);
    assert_int_equal(clock_in_word(&b), img[18] << 8 | img[19]);
    nmc93cx6_group_destroy(g);
}

/* WRITE, ERASE, EWEN/EWDS/ERAL/WRAL are ignored: the chip keeps waiting
 * for a command, DO stays high, the contents do not change. */
static void test_non_read_opcodes_ignored(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 1);
    uint8_t img[NMC93C46_BYTES], back[NMC93C46_BYTES];
    pattern(img);
    nmc93cx6_load(g, 0, img, sizeof(img));
    struct bb b = {g, cpu_mp[0], 0};

    const unsigned ops[] = {OP_WRITE, OP_ERASE, OP_CTRL};
    const unsigned addrs[] = {3, 3, 0x03 /* EWEN: 1 00 then 1 1 x.. */};
    for (int k = 0; k < 3; k++) {
        cs_cycle(&b);
        send_cmd(&b, ops[k], addrs[k]);
        for (int i = 0; i < 16; i++) { /* data bits of a WRITE: zeros */
            send_bit(&b, 0);
            assert_int_equal(dout(&b), 1);
        }
        wr(&b, 0);
    }
    assert_int_equal(nmc93cx6_contents(g, 0, back), 0);
    assert_memory_equal(back, img, sizeof(img));
    assert_int_equal(read_word(&b, 3), img[6] << 8 | img[7]);
    nmc93cx6_group_destroy(g);
}

/* The command register is cleared only by CS 0->1 (§6.2): after an
 * ignored ERASE of address 63, a READ sent in the same CS cycle collects
 * on top of its bits (opcode 1 1 -> still not READ). */
static void test_command_register_cleared_by_cs_only(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 1);
    uint8_t img[NMC93C46_BYTES] = {0};
    nmc93cx6_load(g, 0, img, sizeof(img));
    struct bb b = {g, cpu_mp[0], 0};

    cs_cycle(&b);
    send_cmd(&b, OP_ERASE, 63);
    send_cmd(&b, OP_READ, 0);
    assert_int_equal(clock_in_word(&b), 0xFFFF);
    /* with a CS cycle in between, the READ works */
    cs_cycle(&b);
    send_cmd(&b, OP_READ, 0);
    assert_int_equal(clock_in_word(&b), 0x0000);
    nmc93cx6_group_destroy(g);
}

/* CS dropped in the middle of a read: idle; the next cycle starts over. */
static void test_cs_drop_aborts(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 1);
    uint8_t img[NMC93C46_BYTES];
    pattern(img);
    nmc93cx6_load(g, 0, img, sizeof(img));
    struct bb b = {g, cpu_mp[0], 0};

    cs_cycle(&b);
    send_cmd(&b, OP_READ, 7);
    for (int i = 0; i < 5; i++) {
        wr(&b, CS(&b));
        wr(&b, CS(&b) | SK(&b));
    }
    wr(&b, 0); /* drop CS */
    for (int i = 0; i < 4; i++) { /* clocks while deselected: nothing */
        wr(&b, SK(&b));
        wr(&b, 0);
    }
    assert_int_equal(read_word(&b, 2), img[4] << 8 | img[5]);
    nmc93cx6_group_destroy(g);
}

/* Four chips on one register (MP FPGA 0x60): a read from one leaves the
 * others idle, and the register keeps the other bits as written. */
static void test_shared_register(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(bays_0134, 4);
    uint8_t img[NMC93C46_BYTES];
    pattern(img);
    assert_int_equal(nmc93cx6_load(g, 2, img, sizeof(img)), 0); /* bay 4 */

    for (unsigned chip = 0; chip < 4; chip++) {
        struct bb b = {g, bays_0134[chip], 0};
        for (unsigned a = 0; a < NMC93C46_WORDS; a += 9) {
            uint16_t want = chip == 2 ? (uint16_t)(img[2 * a] << 8 |
                                                   img[2 * a + 1])
                                      : 0xFFFF;
            assert_int_equal(read_word(&b, a), want);
        }
    }
    /* other bits (not EEPROM lines) ride along in every write */
    struct bb b = {g, bays_0134[2], 0x80000080u};
    cs_cycle(&b);
    assert_int_equal(nmc93cx6_read(g),
                     0x80000080u | CS(&b) | (UINT32_C(1) << b.w.dout));
    send_cmd(&b, OP_READ, 4);
    assert_int_equal(clock_in_word(&b), img[8] << 8 | img[9]);
    nmc93cx6_group_destroy(g);
}

static void test_reset(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 1);
    uint8_t img[NMC93C46_BYTES] = {0};
    nmc93cx6_load(g, 0, img, sizeof(img));
    struct bb b = {g, cpu_mp[0], 0};

    wr(&b, 0);
    wr(&b, CS(&b) | 0x100);
    send_cmd(&b, OP_READ, 0);
    nmc93cx6_reset(g);
    assert_int_equal(nmc93cx6_read(g), 0); /* latch cleared */
    assert_int_equal(nmc93cx6_present(g, 0), 1); /* images stay */
    /* CS already 0 after reset: raising it starts a fresh command */
    wr(&b, CS(&b));
    send_cmd(&b, OP_READ, 0);
    assert_int_equal(clock_in_word(&b), 0x0000);
    nmc93cx6_group_destroy(g);
}

/* Guest mistakes never crash: random writes, then a clean read works. */
static void test_random_writes(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(bays_0134, 4);
    uint8_t img[NMC93C46_BYTES];
    pattern(img);
    for (unsigned c = 0; c < 4; c++)
        nmc93cx6_load(g, c, img, sizeof(img));
    uint32_t x = 0x12345678u;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        nmc93cx6_write(g, x);
        (void)nmc93cx6_read(g);
    }
    for (unsigned c = 0; c < 4; c++) {
        struct bb b = {g, bays_0134[c], 0};
        assert_int_equal(read_word(&b, 17), img[34] << 8 | img[35]);
    }
    nmc93cx6_group_destroy(g);
}

/* The port entry points are the same functions with a void context. */
static void test_port_entry_points(void **state)
{
    (void)state;
    struct nmc93cx6_group *g = mk(cpu_mp, 2);
    nmc93cx6_port_write(g, 0x04);
    assert_int_equal(nmc93cx6_port_read(g), 0x44);
    nmc93cx6_group_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_rejects_bad_wiring),
        cmocka_unit_test(test_load_bounds),
        cmocka_unit_test(test_empty_socket_reads_ones),
        cmocka_unit_test(test_read_every_word),
        cmocka_unit_test(test_address_bit_order),
        cmocka_unit_test(test_data_lsb_first),
        cmocka_unit_test(test_observed_readbacks_0x21c),
        cmocka_unit_test(test_do_forced_high_by_any_write),
        cmocka_unit_test(test_one_word_per_cs_cycle),
        cmocka_unit_test(test_leading_zeros_ignored),
        cmocka_unit_test(test_non_read_opcodes_ignored),
        cmocka_unit_test(test_command_register_cleared_by_cs_only),
        cmocka_unit_test(test_cs_drop_aborts),
        cmocka_unit_test(test_shared_register),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_random_writes),
        cmocka_unit_test(test_port_entry_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
